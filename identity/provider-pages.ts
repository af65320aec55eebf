/**
 * The embedded provider's pages, in Vietnamese: sign-in, the device code (tthc login), its
 * confirmation, success and errors. No inline script or style: one stylesheet from the provider's
 * own origin, so that the pages carry a strict Content-Security-Policy like the console's.
 */

export const PROVIDER_STYLESHEET = '/assets/provider.css';

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** The policy of every page of the provider; `formTargets` are the origins a sign-in redirects to. */
export function providerContentSecurityPolicy(formTargets: readonly string[]): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action 'self'${formTargets.map((origin) => ` ${origin}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Hệ thống định danh cán bộ</title>
<link rel="stylesheet" href="${PROVIDER_STYLESHEET}">
</head>
<body>
<main class="box">
<p class="brand">Hệ thống định danh cán bộ (thử nghiệm)</p>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
}

export function loginPage(options: {
  action: string;
  abortAction: string;
  xsrf: string;
  clientName: string;
  username?: string;
  error?: string;
}): string {
  return page(
    'Đăng nhập',
    `<p>Đăng nhập để sử dụng <strong>${escapeHtml(options.clientName)}</strong>.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
<input type="hidden" name="xsrf" value="${escapeHtml(options.xsrf)}">
<label for="username">Tên đăng nhập</label>
<input id="username" name="username" required maxlength="128" autofocus value="${escapeHtml(options.username ?? '')}">
<label for="password">Mật khẩu</label>
<input id="password" name="password" type="password" required maxlength="200">
<button type="submit">Đăng nhập</button>
</form>
<form method="post" action="${escapeHtml(options.abortAction)}">
<input type="hidden" name="xsrf" value="${escapeHtml(options.xsrf)}">
<button type="submit" class="link">Hủy</button>
</form>`,
  );
}

/** The user-code page of the device flow; `form` is the provider's (its inline handler is removed). */
export function deviceInputPage(form: string, error?: string): string {
  const cleanForm = form
    .replace(/\sonfocus="[^"]*"/g, '')
    .replace('placeholder="Enter code"', 'placeholder="Mã hiển thị trên thiết bị" aria-label="Mã thiết bị"');
  return page(
    'Đăng nhập thiết bị',
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '<p>Nhập mã mà lệnh <code>tthc login</code> hiển thị.</p>'}
${cleanForm}
<button type="submit" form="op.deviceInputForm">Tiếp tục</button>`,
  );
}

export function deviceConfirmPage(form: string, clientName: string, userCode: string): string {
  return page(
    'Xác nhận thiết bị',
    `<p>Cho phép <strong>${escapeHtml(clientName)}</strong> truy cập hệ thống thay mặt bạn?</p>
<p>Mã trên thiết bị phải là: <code class="user-code">${escapeHtml(userCode)}</code></p>
<p class="hint">Nếu bạn không chạy lệnh này hoặc mã không khớp, hãy chọn Hủy.</p>
${form}
<button type="submit" form="op.deviceConfirmForm">Cho phép</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" class="link">Hủy</button>`,
  );
}

export function deviceSuccessPage(): string {
  return page(
    'Đã đăng nhập',
    '<p>Thiết bị đã được đăng nhập. Bạn có thể đóng trang này và quay lại cửa sổ dòng lệnh.</p>',
  );
}

export function errorPage(message: string): string {
  return page('Có lỗi', `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}

export const providerStylesheet = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f8;color:#1c2430;margin:0;padding:2rem 1rem}
.box{max-width:24rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.brand{color:#a31d1d;font-weight:600;margin:0 0 .5rem}
h1{font-size:1.4rem;margin:0 0 1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input:not([type]),input[type=password]{width:100%;padding:.6rem;border:1px solid #9aa5b1;border-radius:4px;font-size:1rem}
button{margin-top:1rem;width:100%;padding:.7rem;border:0;border-radius:4px;background:#a31d1d;color:#fff;font-size:1rem;cursor:pointer}
button.link{background:none;color:#52606d;text-decoration:underline;margin-top:.5rem}
.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}
.hint{color:#52606d;font-size:.9rem}
code.user-code{font-size:1.4rem;letter-spacing:.1em}
`;
