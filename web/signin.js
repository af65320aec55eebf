/**
 * Sign-in: paste a token (tthc token issue), or load the demo tokens that `npm start` writes to
 * .data/demo-tokens.json (pick the file or paste its content) and choose an official. The token is
 * checked with the API before it is kept in sessionStorage (this tab only).
 */
import { decodeToken, get, session } from './api.js';
import { displayNames } from './names.js';
import { errorBox, field, fmtDateTime, h, mount } from './ui.js';

/** { role: token } or [token, …] or { tokens: … } → [{ token, claims }]. */
export function parseDemoTokens(text) {
  const data = JSON.parse(text);
  const source = data && typeof data === 'object' && data.tokens ? data.tokens : data;
  const tokens = Array.isArray(source) ? source : Object.values(source ?? {});
  return tokens
    .filter((t) => typeof t === 'string')
    .map((token) => ({ token, claims: decodeToken(token) }))
    .filter((t) => t.claims);
}

export function signInScreen(main, { message, onSignedIn }) {
  const status = h(
    'div',
    { class: 'signin-status', 'aria-live': 'assertive' },
    message ? h('p', { class: 'alert alert-info' }, message) : null,
  );

  const tryToken = async (token) => {
    const claims = decodeToken(token);
    if (!claims) {
      mount(
        status,
        h(
          'p',
          { class: 'alert alert-error', role: 'alert' },
          'Mã xác thực không đúng định dạng (ba phần ngăn cách bởi dấu chấm).',
        ),
      );
      return;
    }
    mount(status, h('p', { class: 'loading' }, 'Đang kiểm tra mã xác thực…'));
    try {
      await get('/v1/organisation/units', { token });
      session.signIn(token);
      onSignedIn();
    } catch (error) {
      mount(status, errorBox(error));
    }
  };

  // Paste a token ------------------------------------------------------------------------------
  const tokenInput = h('textarea', { name: 'token', rows: '3', spellcheck: 'false', autocomplete: 'off' });
  const tokenField = field({
    label: 'Mã xác thực (token) của cán bộ',
    input: tokenInput,
    hint: 'Do quản trị hệ thống cấp: npx tthc token issue --id … --name … --unit … --role …',
  });
  const pasteForm = h(
    'form',
    { class: 'card', 'aria-labelledby': 'paste-title' },
    h('h2', { id: 'paste-title' }, 'Đăng nhập bằng mã xác thực'),
    tokenField.wrap,
    h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập'),
  );
  pasteForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    if (!token) {
      tokenField.setError('Dán mã xác thực vào ô trên.');
      tokenInput.focus();
      return;
    }
    tokenField.setError('');
    tryToken(token);
  });

  // Demo tokens --------------------------------------------------------------------------------
  const officials = h('div', { class: 'demo-officials', 'aria-live': 'polite' });
  const showDemo = (list) => {
    if (list.length === 0) {
      mount(
        officials,
        h(
          'p',
          { class: 'alert alert-error', role: 'alert' },
          'Không tìm thấy mã xác thực nào trong nội dung này.',
        ),
      );
      return;
    }
    session.demoTokens = Object.fromEntries(list.map((t) => [t.claims.role, t.token]));
    mount(
      officials,
      h('p', {}, 'Chọn cán bộ để đăng nhập:'),
      h(
        'ul',
        { class: 'official-list' },
        list.map(({ token, claims }) =>
          h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'official',
                dataset: { role: claims.role },
                onclick: () => tryToken(token),
              },
              h('span', { class: 'official-name' }, claims.name),
              h(
                'span',
                { class: 'official-role' },
                `${displayNames.roles[claims.role] ?? claims.role} — ${claims.unit}`,
              ),
              claims.exp
                ? h('span', { class: 'official-exp small' }, `hết hạn ${fmtDateTime(claims.exp * 1000)}`)
                : null,
            ),
          ),
        ),
      ),
    );
  };
  const load = (text) => {
    try {
      showDemo(parseDemoTokens(text));
    } catch {
      mount(
        officials,
        h(
          'p',
          { class: 'alert alert-error', role: 'alert' },
          'Nội dung không phải tệp demo-tokens.json hợp lệ (JSON).',
        ),
      );
    }
  };
  const fileInput = h('input', { type: 'file', accept: '.json,application/json', name: 'demo-file' });
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (file) load(await file.text());
  });
  const jsonInput = h('textarea', { name: 'demo-json', rows: '3', spellcheck: 'false' });
  const demoForm = h(
    'form',
    { class: 'card', 'aria-labelledby': 'demo-title' },
    h('h2', { id: 'demo-title' }, 'Mã xác thực mẫu (demo)'),
    h(
      'p',
      { class: 'hint' },
      '“npm start” ghi một mã cho mỗi vai trò vào tệp .data/demo-tokens.json. Chọn tệp đó, hoặc dán nội dung của nó.',
    ),
    field({ label: 'Tệp demo-tokens.json', input: fileInput }).wrap,
    field({ label: 'Hoặc dán nội dung tệp', input: jsonInput }).wrap,
    h('button', { type: 'submit', class: 'secondary' }, 'Hiện danh sách cán bộ'),
    officials,
  );
  demoForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (jsonInput.value.trim()) load(jsonInput.value);
  });

  const saved = session.demoTokens;
  if (saved && Object.keys(saved).length) {
    showDemo(
      Object.values(saved)
        .map((token) => ({ token, claims: decodeToken(token) }))
        .filter((t) => t.claims),
    );
  }

  mount(
    main,
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Đăng nhập'),
      h(
        'p',
        { class: 'muted' },
        'Bảng điều khiển một cửa điện tử: tiếp nhận, xử lý, giám sát hồ sơ thủ tục hành chính.',
      ),
    ),
    status,
    h('div', { class: 'grid-2 signin' }, pasteForm, demoForm),
    h(
      'p',
      { class: 'card citizen-link' },
      'Người dân, doanh nghiệp: ',
      h('a', { href: '#/tra-cuu' }, 'tra cứu tình trạng hồ sơ'),
      ' bằng mã số hồ sơ và mã tra cứu (không cần đăng nhập).',
    ),
  );
}
