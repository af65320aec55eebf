/**
 * The embedded OpenID Connect provider (the `oidc-provider` package): what `npm start` and the
 * tests sign officials in with when no province provider is configured (TTHC_OIDC_ISSUER).
 *
 * - Accounts: officials with a password (checked in constant time against a scrypt hash kept in
 *   memory), their name and, optionally, unit and role (without them the API's role-assignment
 *   table decides).
 * - Clients: the console (`tthc-console`: authorization code with PKCE, public) and the CLI
 *   (`tthc-cli`: device authorization, public).
 * - Access tokens: JWTs (ES256) for the API's audience, carrying `name`, `unit` and `role`; the
 *   ID token is RS256. `issueAccessToken` issues one in-process (npm start's demo tokens, tests):
 *   the same token model and keys as the flows.
 * - Keys: with a data directory, `<dir>/keys.json` (mode 0600; one others can read stops the
 *   start, naming the file); `rotateKeys()` adds a new signing key in front and keeps the old one
 *   published, so tokens already issued stay valid.
 * - Pages: its own sign-in page and the device-flow pages in Vietnamese, under a strict
 *   Content-Security-Policy (identity/provider-pages.ts).
 */
import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  scryptSync,
  timingSafeEqual,
} from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider, { type Configuration, errors as oidcErrors } from 'oidc-provider';
import {
  deviceConfirmPage,
  deviceInputPage,
  deviceSuccessPage,
  errorPage,
  loginPage,
  PROVIDER_STYLESHEET,
  providerContentSecurityPolicy,
  providerStylesheet,
} from './provider-pages.js';
import { ProviderStore } from './provider-store.js';

export type ProviderRole = 'counter-officer' | 'specialist' | 'leader' | 'supervisor' | 'administrator';

export interface ProviderAccount {
  /** The official's id: the token's `sub` and the sign-in name. */
  id: string;
  password: string;
  name: string;
  unit?: string;
  role?: ProviderRole;
  /**
   * A citizen (a stand-in for a VNeID level-2 account): the 12-digit personal identification
   * number, carried as the `citizen_id` claim with `identity_level` 2 (docs/identity.md). A
   * citizen account has no unit and no role.
   */
  citizenId?: string;
}

/** A sign-in at the provider's page, for the security log (never the password). */
export interface ProviderLoginEvent {
  accountId: string;
  ok: boolean;
  client: string;
}

export interface EmbeddedProviderOptions {
  accounts: readonly ProviderAccount[];
  /** The access tokens' audience (TTHC_OIDC_AUDIENCE). */
  audience: string;
  /** Where the console's sign-in returns, e.g. http://127.0.0.1:3000/auth/callback. */
  redirectUris: readonly string[];
  consoleClientId?: string;
  cliClientId?: string;
  /** Access token lifetime, seconds (default 8 h: a working day). */
  accessTokenTtlSeconds?: number;
  /** Keys (keys.json, 0600) are kept here; without it they live in memory (tests). */
  dataDir?: string;
  port?: number;
  host?: string;
  onLogin?: (event: ProviderLoginEvent) => void;
}

interface KeyFile {
  signing: Array<Record<string, unknown>>;
  cookies: string[];
}

/** The resource indicator of the API at the provider; tokens for it carry the audience. */
export const API_RESOURCE = 'urn:tthc:api';
const API_SCOPE = 'api';
const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export class KeysReadableByOthersError extends Error {
  override name = 'KeysReadableByOthersError';
}

export class EmbeddedProvider {
  private provider!: Provider;
  private readonly accounts = new Map<string, { account: ProviderAccount; hash: Buffer; salt: Buffer }>();
  private readonly xsrfKey = randomBytes(32);
  private readonly store: ProviderStore;

  private constructor(
    private readonly options: EmbeddedProviderOptions,
    private readonly server: Server,
    readonly issuer: string,
    private keys: KeyFile,
  ) {
    for (const account of options.accounts) this.setAccount(account);
    this.store = new ProviderStore(options.dataDir);
  }

  get consoleClientId(): string {
    return this.options.consoleClientId ?? 'tthc-console';
  }

  get cliClientId(): string {
    return this.options.cliClientId ?? 'tthc-cli';
  }

  /** Listens (port 0: a free one), loads or creates the keys, builds the provider. */
  static async start(options: EmbeddedProviderOptions): Promise<EmbeddedProvider> {
    const keys = options.dataDir ? await loadOrCreateKeys(options.dataDir) : newKeyFile();
    const server = createServer();
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    const embedded = new EmbeddedProvider(options, server, `http://${host}:${port}`, keys);
    embedded.provider = embedded.build();
    server.on('request', (req, res) => void embedded.handle(req, res));
    return embedded;
  }

  /** Adds or replaces an account (tests add officials as they need them). */
  setAccount(account: ProviderAccount): void {
    const salt = randomBytes(16);
    this.accounts.set(account.id, {
      account,
      salt,
      hash: scryptSync(account.password, salt, 32),
    });
  }

  /** An access token for an account, issued by the provider itself (demo tokens, tests). */
  async issueAccessToken(accountId: string, options: { ttlSeconds?: number } = {}): Promise<string> {
    const entry = this.accounts.get(accountId);
    if (!entry) throw new Error(`no account ${accountId} at the embedded provider`);
    const client = await this.provider.Client.find(this.consoleClientId);
    if (!client) throw new Error('the console client is not registered');
    const token = new this.provider.AccessToken({
      accountId,
      client,
      gty: 'authorization_code',
      scope: API_SCOPE,
      expiresIn: options.ttlSeconds ?? this.accessTokenTtl,
      extra: claimsOf(entry.account),
      resourceServer: new this.provider.ResourceServer(API_RESOURCE, this.resourceServerInfo()),
    } as never);
    return token.save();
  }

  /** A new signing key pair in front (tokens are signed with it); the previous keys stay published. */
  async rotateKeys(): Promise<void> {
    const fresh = newSigningKeys();
    this.keys = { ...this.keys, signing: [...fresh, ...this.keys.signing].slice(0, 6) };
    if (this.options.dataDir) await writeKeys(this.options.dataDir, this.keys);
    this.provider = this.build();
  }

  /** The key id the access tokens are signed with now. */
  get currentAccessTokenKeyId(): string {
    return String(this.keys.signing.find((key) => key.kty === 'EC')?.kid);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.store.flush();
  }

  private get accessTokenTtl(): number {
    return this.options.accessTokenTtlSeconds ?? 8 * 3600;
  }

  private resourceServerInfo() {
    return {
      scope: API_SCOPE,
      audience: this.options.audience,
      accessTokenFormat: 'jwt' as const,
      accessTokenTTL: this.accessTokenTtl,
      jwt: { sign: { alg: 'ES256' as const } },
    };
  }

  private get formTargets(): string[] {
    return [...new Set(this.options.redirectUris.map((uri) => new URL(uri).origin))];
  }

  private build(): Provider {
    const accounts = this.accounts;
    const configuration: Configuration = {
      clients: [
        {
          client_id: this.consoleClientId,
          client_name: 'Bảng điều khiển một cửa điện tử',
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [...this.options.redirectUris],
        },
        {
          client_id: this.cliClientId,
          client_name: 'Lệnh tthc',
          token_endpoint_auth_method: 'none',
          grant_types: [DEVICE_CODE_GRANT],
          response_types: [],
          redirect_uris: [],
        },
      ],
      adapter: this.store.adapterClass(),
      jwks: { keys: this.keys.signing as never },
      cookies: { keys: this.keys.cookies },
      pkce: { required: () => true },
      claims: { openid: ['sub'], profile: ['name', 'unit', 'role', 'citizen_id', 'identity_level'] },
      scopes: ['openid', 'profile', API_SCOPE],
      findAccount: async (_ctx, sub) => {
        const entry = accounts.get(sub);
        if (!entry) return undefined;
        return { accountId: sub, claims: async () => ({ sub, ...claimsOf(entry.account) }) };
      },
      extraTokenClaims: async (_ctx, token) => {
        const accountId = (token as { accountId?: string }).accountId;
        const entry = accountId ? accounts.get(accountId) : undefined;
        return entry ? claimsOf(entry.account) : undefined;
      },
      interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        rpInitiatedLogout: { enabled: false },
        deviceFlow: {
          enabled: true,
          charset: 'base-20',
          mask: '****-****',
          userCodeInputSource: async (ctx, form, _out, err) => {
            const error = err
              ? (err as { userCode?: string }).userCode || err.name === 'NoCodeError'
                ? 'Mã không đúng; vui lòng nhập lại.'
                : 'Không xử lý được yêu cầu; vui lòng chạy lại lệnh tthc login.'
              : undefined;
            ctx.type = 'html';
            ctx.body = deviceInputPage(form, error);
          },
          userCodeConfirmSource: async (ctx, form, client, _deviceInfo, userCode) => {
            ctx.type = 'html';
            ctx.body = deviceConfirmPage(form, String(client.clientName ?? client.clientId), userCode);
          },
          successSource: async (ctx) => {
            ctx.type = 'html';
            ctx.body = deviceSuccessPage();
          },
        },
        resourceIndicators: {
          enabled: true,
          defaultResource: async () => API_RESOURCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async (_ctx, indicator) => {
            if (indicator !== API_RESOURCE) throw new oidcErrors.InvalidTarget();
            return this.resourceServerInfo();
          },
        },
      },
      ttl: {
        AccessToken: this.accessTokenTtl,
        IdToken: 3600,
        Interaction: 3600,
        Session: this.accessTokenTtl,
        Grant: this.accessTokenTtl,
        DeviceCode: 600,
        AuthorizationCode: 60,
      },
      renderError: async (ctx, out) => {
        ctx.type = 'html';
        ctx.body = errorPage(
          `Không hoàn tất được yêu cầu đăng nhập (${String(out.error)}${out.error_description ? `: ${String(out.error_description)}` : ''}).`,
        );
      },
    };
    const provider = new Provider(this.issuer, configuration);
    const csp = providerContentSecurityPolicy(this.formTargets);
    provider.use(async (ctx, next) => {
      await next();
      if (String(ctx.response.type).includes('html')) {
        // oidc-provider's own auto-submitting forms (the device flow's code from the link) carry an
        // inline script: that script alone is allowed, by its hash; the pages of this module have none.
        const scripts = inlineScriptHashes(typeof ctx.body === 'string' ? ctx.body : '');
        ctx.set(
          'content-security-policy',
          scripts.length > 0 ? `${csp}; script-src ${scripts.join(' ')}` : csp,
        );
        ctx.set('x-frame-options', 'DENY');
      }
    });
    return provider;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === PROVIDER_STYLESHEET) {
        res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'max-age=3600' });
        res.end(providerStylesheet);
        return;
      }
      const interaction = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|abort))?$/.exec(path);
      if (interaction) {
        await this.interaction(req, res, interaction[1] as string, interaction[2]);
        return;
      }
      this.provider.callback()(req, res);
    } catch (error) {
      this.html(res, 400, errorPage(`Yêu cầu không hợp lệ: ${(error as Error).message}`));
    }
  }

  /** The sign-in page (GET), the password check (POST …/login), cancelling (POST …/abort). */
  private async interaction(
    req: IncomingMessage,
    res: ServerResponse,
    uid: string,
    step: string | undefined,
  ): Promise<void> {
    const provider = this.provider;
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      this.html(
        res,
        400,
        errorPage('Phiên đăng nhập đã hết hạn hoặc không hợp lệ; hãy quay lại ứng dụng và đăng nhập lại.'),
      );
      return;
    }
    if (details.uid !== uid) {
      this.html(res, 400, errorPage('Phiên đăng nhập không khớp; hãy đăng nhập lại.'));
      return;
    }
    const clientId = String(details.params.client_id ?? '');
    const client = await provider.Client.find(clientId);
    const clientName = String(client?.clientName ?? clientId);
    const xsrf = createHmac('sha256', this.xsrfKey).update(uid).digest('base64url');
    const render = (status: number, error?: string, username?: string) =>
      this.html(
        res,
        status,
        loginPage({
          action: `/interaction/${uid}/login`,
          abortAction: `/interaction/${uid}/abort`,
          xsrf,
          clientName,
          error,
          username,
        }),
      );

    if (details.prompt.name === 'consent') {
      // First-party clients: the grant is given without asking.
      await this.grantConsent(req, res, details);
      return;
    }
    if (req.method === 'GET' && step === undefined) {
      render(200);
      return;
    }
    if (req.method !== 'POST' || step === undefined) {
      this.html(res, 405, errorPage('Phương thức không được hỗ trợ.'));
      return;
    }
    const form = await readForm(req);
    if (!constantEqual(form.get('xsrf') ?? '', xsrf)) {
      this.html(res, 403, errorPage('Biểu mẫu không hợp lệ (CSRF); hãy tải lại trang.'));
      return;
    }
    if (step === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the official cancelled the sign-in' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const username = (form.get('username') ?? '').trim().slice(0, 128);
    const password = form.get('password') ?? '';
    const entry = this.accounts.get(username);
    const given = scryptSync(password, entry?.salt ?? this.xsrfKey.subarray(0, 16), 32);
    const ok = entry !== undefined && timingSafeEqual(given, entry.hash);
    this.options.onLogin?.({ accountId: username, ok, client: clientId });
    if (!ok) {
      render(401, 'Tên đăng nhập hoặc mật khẩu không đúng.', username);
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: username } },
      { mergeWithLastSubmission: false },
    );
  }

  private async grantConsent(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
  ): Promise<void> {
    const provider = this.provider;
    const accountId = String(details.session?.accountId ?? '');
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ??
        new provider.Grant({ accountId, clientId: String(details.params.client_id) }))
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    grant.addResourceScope(API_RESOURCE, API_SCOPE);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  private html(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': providerContentSecurityPolicy(this.formTargets),
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    res.end(body);
  }
}

function claimsOf(account: ProviderAccount): Record<string, string | number> {
  if (account.citizenId) return { name: account.name, citizen_id: account.citizenId, identity_level: 2 };
  return {
    name: account.name,
    ...(account.unit ? { unit: account.unit } : {}),
    ...(account.role ? { role: account.role } : {}),
  };
}

function constantEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function newSigningKeys(): Array<Record<string, unknown>> {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  return [
    { ...ec, kid: `es-${randomUUID()}`, alg: 'ES256', use: 'sig' },
    { ...rsa, kid: `rs-${randomUUID()}`, alg: 'RS256', use: 'sig' },
  ];
}

function newKeyFile(): KeyFile {
  return { signing: newSigningKeys(), cookies: [randomBytes(32).toString('base64url')] };
}

/** `<dir>/keys.json`: created 0600 on the first start; refused when others can read it. */
async function loadOrCreateKeys(dir: string): Promise<KeyFile> {
  const file = join(dir, 'keys.json');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const info = await stat(file);
    if ((info.mode & 0o077) !== 0) {
      throw new KeysReadableByOthersError(
        `the embedded identity provider's keys ${file} can be read by others (mode ${(info.mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
      );
    }
    const parsed = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
    if (!Array.isArray(parsed.signing) || !Array.isArray(parsed.cookies) || parsed.signing.length === 0) {
      throw new Error(`${file} is not a key file of the embedded identity provider`);
    }
    return parsed;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const keys = newKeyFile();
    await writeKeys(dir, keys);
    return keys;
  }
}

async function writeKeys(dir: string, keys: KeyFile): Promise<void> {
  const file = join(dir, 'keys.json');
  await writeFile(file, `${JSON.stringify(keys)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** `'sha256-…'` sources of the inline scripts of an HTML page, for its Content-Security-Policy. */
function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (match) =>
      `'sha256-${createHash('sha256')
        .update(match[1] ?? '', 'utf8')
        .digest('base64')}'`,
  );
}
