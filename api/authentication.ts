/**
 * Who is calling: the one place that turns a request into an `Official`.
 *
 * - `Authorization: Bearer <access token>`: a token of the OpenID Connect provider
 *   (api/oidc-tokens.ts), or, only with the development setting TTHC_DEV_SHARED_SECRET_TOKENS, a
 *   shared-secret token (`tthc token issue`, HS256). Scripts and the CLI.
 * - The console's session cookie (`tthc_session`, HttpOnly, SameSite=Strict, Secure under https):
 *   the tokens stay on the server (api/console-sessions.ts); every state-changing request must
 *   also carry the session's CSRF token in `x-csrf-token`.
 *
 * The official's role and unit come from the token's claims; a token without them is looked up in
 * the role-assignment table (identity/role-assignments.ts); neither gives a 403 that says so.
 */
import { decodeProtectedHeader } from 'jose';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { RoleAssignments } from '../identity/role-assignments.js';
import { AuthenticationError, type Official, verifyToken } from './auth.js';
import { ForbiddenError } from './authorization.js';
import type { OidcTokenVerifier, TokenIdentity } from './oidc-tokens.js';

/** 403: a valid token whose official holds no role (neither in the token nor in the table). */
export class NoRoleError extends ForbiddenError {
  override name = 'NoRoleError';
  readonly code = 'NO_ROLE';
  constructor(readonly officialId: string) {
    super({
      vi: `tài khoản "${officialId}" đã xác thực nhưng chưa được gán vai trò và đơn vị trong hệ thống; đề nghị quản trị hệ thống gán vai trò (tthc roles assign)`,
      en: `official "${officialId}" is authenticated but holds no role: the token carries none and the role-assignment table has none`,
    });
  }
}

/** 403: a citizen's account on an officials' route (or an official's on a citizens' route). */
export class WrongAccountKindError extends ForbiddenError {
  override name = 'WrongAccountKindError';
  readonly code = 'WRONG_ACCOUNT_KIND';
  constructor(kind: 'citizen' | 'official') {
    super(
      kind === 'citizen'
        ? {
            vi: 'tài khoản công dân không dùng được chức năng của cán bộ; hãy dùng trang Dịch vụ công trực tuyến',
            en: 'a citizen account cannot use the officials’ routes',
          }
        : {
            vi: 'chức năng này dành cho công dân đăng nhập bằng tài khoản định danh điện tử',
            en: 'this route is for citizens signed in with their identity account',
          },
    );
  }
}

/** A citizen signed in with the provider (a stand-in for a VNeID level-2 account). */
export interface Citizen {
  /** The account's subject at the provider. */
  id: string;
  name: string;
  /** The personal identification number (12 digits): never logged, never indexed in plaintext. */
  idNumber: string;
  /** The account's identity level (VNeID: 1 or 2). */
  level: number;
}

export interface AuthenticatedCaller {
  official: Official;
  /** When the caller's token or session ends, epoch ms. */
  expiresAt: number;
}

export interface AuthenticatorOptions {
  organisation: OrganisationRegistry;
  now: () => number;
  /** The province's provider; without it only development tokens (if enabled) are accepted. */
  oidc?: OidcTokenVerifier;
  /** The server secret, when shared-secret tokens are accepted (development only). */
  devSharedSecret?: string;
  /** The role-assignment table, for tokens without a role. */
  assignments?: RoleAssignments;
}

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  get oidc(): OidcTokenVerifier | undefined {
    return this.options.oidc;
  }

  /** Verifies a bearer token and returns the official with the token's expiry. */
  async bearer(token: string): Promise<AuthenticatedCaller> {
    if (!token) throw new AuthenticationError('missing');
    let alg: unknown;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      throw new AuthenticationError('malformed');
    }
    if (alg === 'HS256') {
      if (!this.options.devSharedSecret) {
        throw new AuthenticationError(
          'bad-algorithm',
          'tokens signed with the shared secret are refused; sign in with the identity provider (TTHC_DEV_SHARED_SECRET_TOKENS is off)',
        );
      }
      const now = this.options.now();
      const official = await verifyToken(this.options.devSharedSecret, token, now);
      this.checkUnit(official);
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
        exp: number;
      };
      return { official, expiresAt: exp * 1000 };
    }
    if (!this.options.oidc) throw new AuthenticationError('no-sign-in');
    const identity = await this.options.oidc.verify(token, this.options.now());
    if (identity.citizen) throw new WrongAccountKindError('citizen');
    return { official: await this.officialOf(identity), expiresAt: identity.expiresAt * 1000 };
  }

  /** Verifies a citizen's access token (level 2 required for online services, ND 59/2022, ND 69/2024). */
  async citizen(token: string): Promise<{ citizen: Citizen; expiresAt: number }> {
    if (!token) throw new AuthenticationError('missing');
    if (!this.options.oidc) throw new AuthenticationError('no-sign-in');
    const identity = await this.options.oidc.verify(token, this.options.now());
    if (!identity.citizen) throw new WrongAccountKindError('official');
    if (identity.citizen.level < 2) {
      throw new AuthenticationError(
        'invalid-claims',
        'dịch vụ công trực tuyến cần tài khoản định danh điện tử mức độ 2 (identity level 2 required)',
      );
    }
    return {
      citizen: { id: identity.id, name: identity.name, ...identity.citizen },
      expiresAt: identity.expiresAt * 1000,
    };
  }

  /** The official a verified identity names: the token's role and unit, else the assignment table's. */
  async officialOf(identity: Pick<TokenIdentity, 'id' | 'name' | 'unit' | 'role'>): Promise<Official> {
    if (identity.role && identity.unit) {
      const official = { id: identity.id, name: identity.name, unit: identity.unit, role: identity.role };
      this.checkUnit(official);
      return official;
    }
    const assigned = await this.options.assignments?.current(identity.id, this.options.now());
    if (!assigned) throw new NoRoleError(identity.id);
    const official: Official = {
      id: identity.id,
      name: identity.name !== identity.id ? identity.name : (assigned.name ?? identity.name),
      unit: assigned.unit,
      role: assigned.role,
    };
    this.checkUnit(official);
    return official;
  }

  private checkUnit(official: Official): void {
    if (!this.options.organisation.has(official.unit)) {
      throw new AuthenticationError('invalid-claims', `unit ${official.unit} is not in the organisation`);
    }
  }
}
