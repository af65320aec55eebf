/**
 * The citizens' online public services (issue #18): sign in with the identity account, find a
 * procedure, fill its e-form and upload its components, review and submit, follow the dossier,
 * pay, answer a supplementation request, download the result and rate the service. Phone first,
 * in Vietnamese, every step usable with the keyboard alone. Routes (the part after #):
 *   /                 my dossiers and drafts
 *   /thu-tuc          the catalogue
 *   /nhap/<id>        a draft's e-form;  /nhap/<id>/xem-lai  its review page
 *   /ho-so/<code>     one dossier
 */
import { h, mount, toast } from '../ui.js';
import { call, citizenSession } from './citizen-api.js';
import { showDossier } from './citizen-dossier.js';
import { showDraft, showReview } from './citizen-draft.js';
import { errorText, focusHeading, heading } from './citizen-ui.js';

const main = document.getElementById('main');
const user = document.getElementById('user');
let stopScreen = () => {};

function showUser() {
  const citizen = citizenSession.citizen;
  if (!citizen) {
    mount(user);
    return;
  }
  mount(
    user,
    h('span', { class: 'user-name' }, `${citizen.name} (${citizen.idNumberMasked})`),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary small',
        onclick: async () => {
          await citizenSession.signOut();
          location.hash = '#/';
          await route();
        },
      },
      'Đăng xuất',
    ),
  );
}

function signInScreen() {
  const params = new URLSearchParams(location.search);
  const failed = params.get('loi');
  mount(
    main,
    heading('Đăng nhập Dịch vụ công trực tuyến'),
    h(
      'p',
      {},
      'Đăng nhập bằng tài khoản định danh điện tử mức độ 2 để nộp hồ sơ, thanh toán phí, lệ phí, theo dõi và nhận kết quả trực tuyến.',
    ),
    failed
      ? h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          h('p', {}, 'Đăng nhập không thành công; vui lòng thử lại.'),
        )
      : null,
    h(
      'button',
      {
        type: 'button',
        class: 'primary big',
        id: 'dang-nhap',
        onclick: async () => {
          try {
            const returnTo = location.hash && location.hash !== '#/dang-nhap' ? location.hash : '#/';
            location.assign(await citizenSession.startSignIn(returnTo));
          } catch (error) {
            toast(errorText(error), 'error');
          }
        },
      },
      'Đăng nhập bằng tài khoản định danh điện tử',
    ),
  );
  focusHeading();
}

async function home() {
  mount(main, heading('Hồ sơ của tôi'), h('p', { class: 'loading', role: 'status' }, 'Đang tải…'));
  const [{ dossiers }, { drafts }] = await Promise.all([
    call('GET', '/v1/citizen/dossiers'),
    call('GET', '/v1/citizen/drafts'),
  ]);
  mount(
    main,
    heading('Hồ sơ của tôi'),
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', href: '#/thu-tuc', id: 'nop-moi' }, 'Nộp hồ sơ mới'),
    ),
    drafts.length
      ? [
          h('h2', {}, 'Hồ sơ đang soạn (bản nháp)'),
          h(
            'ul',
            { class: 'citizen-list', id: 'ban-nhap' },
            drafts.map((d) =>
              h(
                'li',
                {},
                h('a', { href: `#/nhap/${d.id}` }, d.procedureName ?? `Thủ tục ${d.procedureCode}`),
                h(
                  'p',
                  { class: 'meta' },
                  `Lưu lúc ${new Date(d.updatedAt).toLocaleString('vi-VN')}; tự động xóa nếu không sửa đến ${new Date(d.expiresAt).toLocaleDateString('vi-VN')}`,
                ),
              ),
            ),
          ),
        ]
      : null,
    h('h2', {}, 'Hồ sơ đã nộp'),
    dossiers.length
      ? h(
          'ul',
          { class: 'citizen-list', id: 'ho-so-da-nop' },
          dossiers.map((d) =>
            h(
              'li',
              {},
              h('a', { href: `#/ho-so/${encodeURIComponent(d.code)}` }, d.code),
              h('p', { class: 'meta' }, d.procedure?.name ?? ''),
              h('p', { class: 'status' }, d.statusName),
              d.payment && !d.payment.paid && !d.ended
                ? h(
                    'p',
                    { class: 'meta' },
                    `Chưa thanh toán ${d.payment.outstandingVnd.toLocaleString('vi-VN')} đồng`,
                  )
                : null,
            ),
          ),
        )
      : h('p', {}, 'Bạn chưa nộp hồ sơ trực tuyến nào.'),
  );
  focusHeading();
}

async function catalogue() {
  const results = h('div', { id: 'ket-qua', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'search',
    id: 'tim-thu-tuc',
    name: 'q',
    autocomplete: 'off',
    placeholder: 'Ví dụ: đăng ký thường trú',
  });
  const search = async () => {
    const { procedures } = await call(
      'GET',
      `/v1/citizen/procedures?q=${encodeURIComponent(input.value.trim())}`,
    );
    mount(
      results,
      h('p', { role: 'status' }, `Tìm thấy ${procedures.length} thủ tục`),
      h(
        'ul',
        { class: 'citizen-list' },
        procedures.map((p) =>
          h(
            'li',
            {},
            h('strong', {}, p.name),
            h(
              'p',
              { class: 'meta' },
              `${p.code} — ${p.sector}; phí, lệ phí trực tuyến: ${p.feeOnlineVnd ? `${p.feeOnlineVnd.toLocaleString('vi-VN')} đồng` : 'không'}`,
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'primary',
                'data-procedure': p.code,
                onclick: async () => {
                  try {
                    const draft = await call('POST', '/v1/citizen/drafts', { procedureCode: p.code });
                    location.hash = `#/nhap/${draft.id}`;
                  } catch (error) {
                    toast(errorText(error), 'error');
                  }
                },
              },
              `Nộp trực tuyến: ${p.name}`,
            ),
          ),
        ),
      ),
    );
  };
  mount(
    main,
    heading('Tìm thủ tục hành chính'),
    h(
      'form',
      {
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          void search().catch((error) => toast(errorText(error), 'error'));
        },
      },
      h('div', { class: 'field' }, h('label', { for: 'tim-thu-tuc' }, 'Tên hoặc mã thủ tục'), input),
      h('button', { type: 'submit', class: 'primary' }, 'Tìm kiếm'),
    ),
    results,
  );
  focusHeading();
  await search();
}

/** Shows the screen of the current route (signed-in citizens only). */
async function route() {
  stopScreen();
  stopScreen = () => {};
  const signedIn = await citizenSession.load();
  showUser();
  if (!signedIn) return signInScreen();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  try {
    if (parts[0] === 'thu-tuc') return await catalogue();
    if (parts[0] === 'nhap' && parts[1] && parts[2] === 'xem-lai') return await showReview(main, parts[1]);
    if (parts[0] === 'nhap' && parts[1]) return await showDraft(main, parts[1]);
    if (parts[0] === 'ho-so' && parts[1]) {
      stopScreen = await showDossier(main, decodeURIComponent(parts[1]), new URLSearchParams(query));
      return;
    }
    return await home();
  } catch (error) {
    mount(
      main,
      heading('Không mở được trang'),
      h('div', { class: 'alert alert-error', role: 'alert' }, h('p', {}, errorText(error))),
      h('a', { href: '#/' }, 'Về trang hồ sơ của tôi'),
    );
    focusHeading();
  }
}

window.addEventListener('hashchange', () => void route());
void route();
