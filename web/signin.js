/**
 * Sign-in: officials sign in with their account at the identity provider (OpenID Connect,
 * authorization code with PKCE, done by the server). The button asks the API where to go
 * (POST /auth/login) and the browser goes there; the provider sends it back to the console with a
 * session cookie. A failed sign-in comes back with `?loi=<code>`, said here in Vietnamese.
 */
import { session } from './api.js';
import { errorBox, h, mount } from './ui.js';

/** What the server's `?loi=` codes mean (api/routes/signin-routes.ts signInFailureCodes). */
export const signInFailures = {
  'signin-expired': 'Lượt đăng nhập đã quá hạn hoặc không hợp lệ; vui lòng đăng nhập lại.',
  cancelled: 'Bạn đã hủy đăng nhập.',
  'provider-unavailable': 'Không kết nối được nhà cung cấp định danh; vui lòng thử lại sau ít phút.',
  'no-role':
    'Tài khoản của bạn đã xác thực nhưng chưa được gán vai trò trong hệ thống. Đề nghị quản trị hệ thống gán vai trò và đơn vị cho bạn.',
  'token-refused':
    'Mã truy cập do nhà cung cấp định danh cấp không được chấp nhận; vui lòng liên hệ quản trị hệ thống.',
  failed: 'Đăng nhập không thành công; vui lòng thử lại.',
};

export function signInScreen(main, { message, returnTo }) {
  const failure = new URLSearchParams(location.search).get('loi');
  const status = h(
    'div',
    { class: 'signin-status', 'aria-live': 'assertive' },
    message ? h('p', { class: 'alert alert-info' }, message) : null,
    failure && signInFailures[failure]
      ? h('p', { class: 'alert alert-error', role: 'alert', dataset: { failure } }, signInFailures[failure])
      : null,
  );
  const button = h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập bằng tài khoản cán bộ');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, 'Đăng nhập'),
    h(
      'p',
      { class: 'hint' },
      'Cán bộ, công chức đăng nhập bằng tài khoản do hệ thống định danh của tỉnh cấp. Mỗi lần đăng nhập đều phải nhập mật khẩu.',
    ),
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    mount(status, h('p', { class: 'loading' }, 'Đang chuyển đến trang đăng nhập…'));
    try {
      location.assign(await session.startSignIn({ returnTo }));
    } catch (error) {
      button.disabled = false;
      mount(status, errorBox(error));
    }
  });

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
    h('div', { class: 'signin' }, form),
    h(
      'p',
      { class: 'card citizen-link' },
      'Người dân, doanh nghiệp: ',
      h('a', { href: '#/tra-cuu' }, 'tra cứu tình trạng hồ sơ'),
      ' bằng mã số hồ sơ và mã tra cứu (không cần đăng nhập).',
    ),
  );
}

/**
 * The session expired while the official was working: a notice above the page, which stays as it
 * is (the form keeps what was typed). "Đăng nhập lại" signs in again in a small window; when it
 * closes, the official sends the form again.
 */
export function sessionExpiredNotice(container, { onSignedIn }) {
  if (container.querySelector('.session-expired')) return;
  const status = h('span', { class: 'session-expired-status', 'aria-live': 'polite' });
  const again = h('button', { type: 'button', class: 'primary small' }, 'Đăng nhập lại');
  const notice = h(
    'div',
    { class: 'alert alert-error session-expired', role: 'alert' },
    h(
      'p',
      {},
      'Phiên đăng nhập đã hết hạn. Nội dung bạn đang nhập vẫn được giữ nguyên: hãy đăng nhập lại rồi gửi lại thao tác.',
    ),
    again,
    status,
  );
  const onMessage = async (event) => {
    if (event.origin !== location.origin || event.data?.type !== 'tthc-signed-in') return;
    window.removeEventListener('message', onMessage);
    if (await onSignedIn()) notice.remove();
    else mount(status, ' Chưa đăng nhập được; hãy thử lại.');
  };
  again.addEventListener('click', async () => {
    // The window is opened on the click (no popup blocker), then sent to the provider.
    const popup = window.open('about:blank', 'tthc-signin', 'popup,width=480,height=640');
    try {
      const redirect = await session.startSignIn({ popup: true });
      window.addEventListener('message', onMessage);
      if (popup) popup.location.href = redirect;
      else location.assign(redirect);
    } catch (error) {
      popup?.close();
      mount(status, ` ${error.message}`);
    }
  });
  container.prepend(notice);
}
