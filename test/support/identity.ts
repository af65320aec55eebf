/**
 * The embedded OpenID Connect provider for tests (identity/embedded-provider.ts, in-process on a
 * free port), the verifier of its tokens, tokens for any official, and the console's sign-in
 * through the provider's real pages with plain HTTP (a cookie jar, no browser).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  type OidcTokenVerifier,
  type OidcVerifierSettings,
  OidcTokenVerifier as Verifier,
} from '../../api/oidc-tokens.js';
import {
  EmbeddedProvider,
  type ProviderAccount,
  type ProviderRole,
} from '../../identity/embedded-provider.js';

export const TEST_AUDIENCE = 'tthc-api';

export interface TestIdentity {
  provider: EmbeddedProvider;
  verifier: OidcTokenVerifier;
  /** An access token of the provider for this official (the account is created on the fly). */
  token(
    official: { sub: string; name: string; unit?: string; role?: ProviderRole },
    ttlSeconds?: number,
  ): Promise<string>;
  /** Adds an account that signs in with a password. */
  account(account: ProviderAccount): void;
  stop(): Promise<void>;
}

export async function startTestIdentity(
  options: {
    redirectUris?: string[];
    verifier?: Partial<OidcVerifierSettings>;
    accessTokenTtlSeconds?: number;
    audience?: string;
  } = {},
): Promise<TestIdentity> {
  const provider = await EmbeddedProvider.start({
    accounts: [],
    audience: options.audience ?? TEST_AUDIENCE,
    redirectUris: options.redirectUris ?? ['http://127.0.0.1:3000/auth/callback'],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
  });
  try {
    const verifier = await Verifier.discover({
      issuer: provider.issuer,
      audience: TEST_AUDIENCE,
      ...options.verifier,
    });
    return {
      provider,
      verifier,
      async token(official, ttlSeconds) {
        provider.setAccount({
          id: official.sub,
          password: randomBytes(12).toString('hex'),
          name: official.name,
          unit: official.unit,
          role: official.role,
        });
        return provider.issueAccessToken(official.sub, { ttlSeconds });
      },
      account: (account) => provider.setAccount(account),
      stop: () => provider.stop(),
    };
  } catch (error) {
    await provider.stop();
    throw error;
  }
}

/** Cookies by name, as a browser would keep them for one origin. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const index = pair.indexOf('=');
      if (index > 0) this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * The console's sign-in, by HTTP: POST /auth/login on the API (inject), the provider's login page
 * and form (real HTTP), the redirect back to /auth/callback (inject). Returns the session cookie
 * and the callback's redirect, or the provider page's status when the password is refused.
 */
export async function signInThroughProvider(
  app: FastifyInstance,
  username: string,
  password: string,
): Promise<{ sessionCookie?: string; location: string; loginStatus: number }> {
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: {} });
  if (login.statusCode !== 200)
    throw new Error(`POST /auth/login answered ${login.statusCode}: ${login.body}`);
  const signinCookie = String(login.cookies.find((c) => c.name === 'tthc_signin')?.value ?? '');
  const jar = new CookieJar();
  let url = new URL((login.json() as { redirect: string }).redirect);
  let response = await fetch(url, { redirect: 'manual' });
  jar.take(response);
  // Follow the provider's redirects to its login page.
  while (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location') as string, url);
    response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
  }
  const page = await response.text();
  const action = /<form method="post" action="([^"]+\/login)"/.exec(page)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !xsrf) throw new Error(`no login form at ${url}: ${page.slice(0, 300)}`);
  response = await fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, username, password }).toString(),
  });
  jar.take(response);
  const loginStatus = response.status;
  if (loginStatus === 401) return { location: '', loginStatus };
  // Redirects within the provider (consent is given without asking) until it sends us back.
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.get('location') as string, url);
    if (next.pathname === '/auth/callback') {
      const callback = await app.inject({
        method: 'GET',
        url: `${next.pathname}${next.search}`,
        cookies: { tthc_signin: signinCookie },
      });
      const session = callback.cookies.find((c) => c.name === 'tthc_session');
      return {
        sessionCookie: session?.value,
        location: String(callback.headers.location ?? ''),
        loginStatus,
      };
    }
    url = next;
    response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
  }
  throw new Error(`the provider did not send the browser back (HTTP ${response.status} at ${url})`);
}

/**
 * A citizen's sign-in against an API listening on a real address, by HTTP only (a cookie jar, no
 * browser): POST /auth/citizen/login, the provider's login page and form, the redirect back to
 * /auth/callback. Returns the session cookie (`tthc_citizen=…`) and its CSRF token.
 */
export async function citizenSignInOverHttp(
  apiUrl: string,
  username: string,
  password: string,
): Promise<{ cookie: string; csrfToken: string }> {
  const login = await fetch(`${apiUrl}/auth/citizen/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (login.status !== 200) throw new Error(`POST /auth/citizen/login answered ${login.status}`);
  const apiJar = new CookieJar();
  apiJar.take(login);
  const jar = new CookieJar();
  let url = new URL(((await login.json()) as { redirect: string }).redirect);
  let response = await fetch(url, { redirect: 'manual' });
  jar.take(response);
  while (response.status >= 300 && response.status < 400) {
    url = new URL(response.headers.get('location') as string, url);
    response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
  }
  const page = await response.text();
  const action = /<form method="post" action="([^"]+\/login)"/.exec(page)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page)?.[1];
  if (!action || !xsrf) throw new Error(`no login form at ${url}`);
  response = await fetch(new URL(action, url), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, username, password }).toString(),
  });
  jar.take(response);
  while (response.status >= 300 && response.status < 400) {
    const next = new URL(response.headers.get('location') as string, url);
    if (next.pathname === '/auth/callback') {
      const callback = await fetch(next, { redirect: 'manual', headers: { cookie: apiJar.header() } });
      const session = callback.headers
        .getSetCookie()
        .map((line) => line.split(';')[0] ?? '')
        .find((pair) => pair.startsWith('tthc_citizen='));
      if (!session) throw new Error(`the callback set no citizen session (HTTP ${callback.status})`);
      const who = await fetch(`${apiUrl}/auth/citizen/session`, { headers: { cookie: session } });
      return { cookie: session, csrfToken: ((await who.json()) as { csrfToken: string }).csrfToken };
    }
    url = next;
    response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
  }
  throw new Error(`the provider did not send the browser back (HTTP ${response.status} at ${url})`);
}
