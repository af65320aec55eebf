/**
 * The console's only way to the server: the HTTP API (/v1, documented at /openapi.json). Officials
 * sign in with the identity provider (OpenID Connect, /auth/login); the tokens stay on the server,
 * the browser holds an HttpOnly session cookie that no script can read. Every state-changing
 * request carries the session's CSRF token (from GET /auth/session) in x-csrf-token. Nothing of
 * the session is kept in JavaScript-readable storage.
 */

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code;
    this.issues = body?.issues ?? [];
    this.body = body;
  }
}

// ---------------------------------------------------------------------------------------------
// Session

let current; // { official, expiresAt, csrfToken } while signed in

export const session = {
  get official() {
    return current?.official;
  },
  get expiresAt() {
    return current?.expiresAt;
  },
  /** Asks the server who is signed in (the cookie goes along); undefined when nobody is. */
  async load() {
    try {
      const response = await fetch('/auth/session', { headers: { accept: 'application/json' } });
      current = response.ok ? await response.json() : undefined;
    } catch {
      current = undefined;
    }
    cache.clear();
    return current?.official;
  },
  /** Starts the sign-in at the identity provider; `popup`: in a window opened by the caller. */
  async startSignIn({ returnTo, popup } = {}) {
    const body = { popup: Boolean(popup) };
    if (returnTo && /^#\/[A-Za-z0-9\-._~%/]*$/.test(returnTo)) body.return = returnTo;
    const data = await api('POST', '/auth/login', body, { auth: false });
    return data.redirect;
  },
  async signOut() {
    if (current) await api('POST', '/auth/logout', {}).catch(() => undefined);
    current = undefined;
    cache.clear();
  },
  /** Forgets the session locally (the server said it ended). */
  forget() {
    current = undefined;
  },
};

// ---------------------------------------------------------------------------------------------
// Requests

/** Called when the API answers 401 (session ended, expired or unknown). */
let onUnauthorized = () => {};
export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

export async function api(method, path, body, { auth = true, signal } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && current?.csrfToken)
    headers['x-csrf-token'] = current.csrfToken;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, { error: 'Không kết nối được máy chủ (the server cannot be reached)' });
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { error: text };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && auth && current) onUnauthorized(error);
    throw error;
  }
  return data;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body ?? {}, options);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '' && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---------------------------------------------------------------------------------------------
// Reference data, fetched once per session

const cache = new Map();
function once(key, load) {
  if (!cache.has(key)) {
    const promise = load().catch((error) => {
      cache.delete(key);
      throw error;
    });
    cache.set(key, promise);
  }
  return cache.get(key);
}

/** { units: [...], byCode: Map } from GET /v1/organisation/units. */
export function organisation() {
  return once('units', async () => {
    const data = await get('/v1/organisation/units');
    const byCode = new Map(data.units.map((u) => [u.code, u]));
    return { ...data, byCode };
  });
}

export async function unitName(code) {
  const org = await organisation();
  return org.byCode.get(code)?.name ?? code;
}

/** The units at or below a unit, the unit first. */
export async function subtreeOf(code) {
  const org = await organisation();
  const out = [];
  const walk = (c, depth) => {
    const u = org.byCode.get(c);
    if (!u) return;
    out.push({ ...u, depth });
    for (const child of org.units.filter((x) => x.parent === c)) walk(child.code, depth + 1);
  };
  walk(code, 0);
  return out;
}

/** The catalogue in force today, from GET /v1/procedures. */
export function procedures() {
  return once('procedures', async () => {
    const data = await get('/v1/procedures');
    return data.procedures;
  });
}

export async function procedureByCode(code) {
  return (await procedures()).find((p) => p.code === code);
}

// ---------------------------------------------------------------------------------------------
// Live updates: GET /v1/events (server-sent events), read with fetch() (the session cookie goes along).

/**
 * Listens to "changed" messages; `onState('live' | 'reconnecting' | 'stopped')`.
 * Returns a function that stops listening.
 */
export function listenForChanges(onChange, onState = () => {}) {
  const controller = new AbortController();
  const { signal } = controller;
  (async () => {
    while (!signal.aborted) {
      try {
        const response = await fetch('/v1/events', {
          headers: { accept: 'text/event-stream' },
          credentials: 'same-origin',
          signal,
        });
        if (response.status === 401) {
          onState('stopped');
          onUnauthorized(new ApiError(401, await response.json().catch(() => ({}))));
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event === 'ready') onState('live');
            else if (event === 'changed' && data) onChange(JSON.parse(data));
            else if (event === 'expired') {
              onState('stopped');
              return;
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  })();
  return () => {
    controller.abort();
    onState('stopped');
  };
}
