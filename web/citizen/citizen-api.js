/**
 * The citizens' page's only way to the server: the /v1/citizen routes of the HTTP API, with the
 * citizen's session cookie (HttpOnly, set by the sign-in) and the session's CSRF token on every
 * state-changing request. Nothing of the session is kept in storage a script can read.
 */

export class CitizenApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `Lỗi ${status}`);
    this.name = 'CitizenApiError';
    this.status = status;
    this.code = body?.code;
    this.issues = body?.issues ?? [];
    this.fields = body?.fields ?? [];
  }
}

let current; // { citizen, expiresAt, csrfToken } while signed in

export const citizenSession = {
  get citizen() {
    return current?.citizen;
  },
  async load() {
    try {
      const response = await fetch('/auth/citizen/session', { headers: { accept: 'application/json' } });
      current = response.ok ? await response.json() : undefined;
    } catch {
      current = undefined;
    }
    return current?.citizen;
  },
  async startSignIn(returnTo) {
    const body = {};
    if (returnTo && /^#\/[A-Za-z0-9\-._~%/]*$/.test(returnTo)) body.return = returnTo;
    const data = await call('POST', '/auth/citizen/login', body);
    return data.redirect;
  },
  async signOut() {
    if (current) await call('POST', '/auth/citizen/logout', {}).catch(() => undefined);
    current = undefined;
  },
};

const headersFor = (method, extra = {}) => {
  const headers = { accept: 'application/json', ...extra };
  if (method !== 'GET' && current?.csrfToken) headers['x-csrf-token'] = current.csrfToken;
  return headers;
};

async function parse(response) {
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { error: text };
  }
  if (!response.ok) throw new CitizenApiError(response.status, body);
  return body;
}

/** A JSON request; the answer's body, or a CitizenApiError with the server's Vietnamese message. */
export async function call(method, path, body) {
  const init = { method, headers: headersFor(method) };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return parse(await fetch(path, init));
}

/** Sends a file as the request body (the server reads its type from the content). */
export async function sendFile(method, path, file) {
  const response = await fetch(path, {
    method,
    headers: headersFor(method, { 'content-type': file.type || 'application/octet-stream' }),
    body: file,
  });
  return parse(response);
}
