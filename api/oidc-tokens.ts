/**
 * Access tokens of the province's OpenID Connect provider, as the API checks them.
 *
 * - Discovery: the provider's `/.well-known/openid-configuration` is read at start (a wrong issuer
 *   URL stops the API, naming TTHC_OIDC_ISSUER); its `issuer` must be the configured one.
 * - Keys: the provider's JWKS is fetched and kept. A token signed with a key id it does not know
 *   makes it fetch the set again (at most once per cooldown), so a key rotated at the provider is
 *   picked up without a restart; when the provider cannot be reached, the last set it published
 *   keeps verifying tokens (sessions and scripts keep working until their tokens expire).
 * - Checks: RS256 or ES256 only (HS*, `none` and everything else refused before any key is
 *   looked at); issuer, audience, `exp`, `nbf` and `iat` with a bounded clock skew; an `iat` in
 *   the future or a lifetime (`exp` − `iat`) longer than the configured maximum is refused.
 * - Claims: a configurable mapping from claims (names or dotted paths) to the official's id,
 *   name, unit and role; unit and role may be absent (the role-assignment table gives them).
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { z } from 'zod';
import { AuthenticationError, type AuthFailureReason, type OfficialRole, officialRoles } from './auth.js';

export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'] as const;

/** The claims that carry the official, by name or dotted path (e.g. `realm_access.roles`). */
export interface ClaimMapping {
  id: string;
  name: string;
  unit: string;
  role: string;
  /** The provider's role names → official roles; without it the role names themselves. */
  roleValues?: Readonly<Record<string, string>>;
  /** The claim carrying a citizen's 12-digit personal identification number (default `citizen_id`). */
  citizenId?: string;
  /** The claim carrying the account's identity level (VNeID level 1 or 2; default `identity_level`). */
  identityLevel?: string;
}

export const defaultClaimMapping: ClaimMapping = { id: 'sub', name: 'name', unit: 'unit', role: 'role' };

export interface OidcVerifierSettings {
  issuer: string;
  audience: string;
  claims?: ClaimMapping;
  clockSkewSeconds?: number;
  maxLifetimeSeconds?: number;
  /** Least time between two JWKS fetches caused by unknown key ids, ms (default 30 s). */
  jwksCooldownMs?: number;
  /** A JWKS older than this is fetched again before use (kept if the fetch fails), ms (default 10 min). */
  jwksMaxAgeMs?: number;
  /** Timeout of each request to the provider, ms (default 5 s). */
  timeoutMs?: number;
}

/** What the API needs of the provider's discovery document. */
export const providerMetadataSchema = z.looseObject({
  issuer: z.string().min(1),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  device_authorization_endpoint: z.url().optional(),
  end_session_endpoint: z.url().optional(),
});
export type ProviderMetadata = z.output<typeof providerMetadataSchema>;

/** The identity provider cannot be reached (or answers nonsense): 503, new sign-ins fail. */
export class IdentityProviderUnavailableError extends Error {
  override name = 'IdentityProviderUnavailableError';
  constructor(
    readonly issuer: string,
    detail: string,
  ) {
    super(
      `Không kết nối được nhà cung cấp định danh ${issuer}; vui lòng thử lại sau ít phút ` +
        `(the identity provider ${issuer} cannot be reached: ${detail})`,
    );
  }
}

/** The discovery document at start: a wrong issuer URL is a configuration error. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

/** Reads and checks the provider's discovery document. */
export async function discoverProvider(issuer: string, timeoutMs = 5_000): Promise<ProviderMetadata> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw new DiscoveryError(`no OpenID provider answers at ${url} (${describeFetchError(error)})`);
  }
  if (!response.ok) throw new DiscoveryError(`${url} answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new DiscoveryError(`${url} did not answer JSON`);
  }
  const parsed = providerMetadataSchema.safeParse(body);
  if (!parsed.success) {
    throw new DiscoveryError(`${url} is not an OpenID Connect discovery document`);
  }
  if (parsed.data.issuer !== issuer) {
    throw new DiscoveryError(
      `the provider at ${url} names its issuer ${parsed.data.issuer}, not ${issuer} (they must be equal)`,
    );
  }
  return parsed.data;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** The official a verified token names; unit and role only when the token carries them. */
export interface TokenIdentity {
  id: string;
  name: string;
  unit?: string;
  role?: OfficialRole;
  /** Epoch seconds. */
  expiresAt: number;
  issuedAt: number;
  /** A citizen's account: the personal identification number (12 digits) and the identity level. */
  citizen?: { idNumber: string; level: number };
}

const officialId = z
  .string()
  .regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters (the official id, no spaces)');

/** Verifies the provider's access tokens; one per API process. */
export class OidcTokenVerifier {
  private keys?: { set: ReturnType<typeof createLocalJWKSet>; fetchedAt: number };
  private pending?: Promise<void>;
  readonly claims: ClaimMapping;
  readonly clockSkewSeconds: number;
  readonly maxLifetimeSeconds: number;

  private constructor(
    readonly metadata: ProviderMetadata,
    readonly settings: OidcVerifierSettings,
  ) {
    this.claims = settings.claims ?? defaultClaimMapping;
    this.clockSkewSeconds = settings.clockSkewSeconds ?? 60;
    this.maxLifetimeSeconds = settings.maxLifetimeSeconds ?? 12 * 3600;
  }

  get issuer(): string {
    return this.metadata.issuer;
  }

  get audience(): string {
    return this.settings.audience;
  }

  /** Reads the discovery document and the keys; throws DiscoveryError if the issuer is wrong or down. */
  static async discover(settings: OidcVerifierSettings): Promise<OidcTokenVerifier> {
    const metadata = await discoverProvider(settings.issuer, settings.timeoutMs);
    const verifier = new OidcTokenVerifier(metadata, settings);
    try {
      await verifier.fetchKeys();
    } catch (error) {
      throw new DiscoveryError(
        `the provider's keys (${metadata.jwks_uri}) cannot be read: ${(error as Error).message}`,
      );
    }
    return verifier;
  }

  /** Whether the provider answers its discovery document now (for sign-ins). */
  async checkReachable(): Promise<void> {
    try {
      await discoverProvider(this.issuer, this.settings.timeoutMs ?? 5_000);
    } catch (error) {
      throw new IdentityProviderUnavailableError(this.issuer, (error as Error).message);
    }
  }

  /** Checks a token and returns whom it names; throws AuthenticationError with the reason. */
  async verify(token: string, now: number = Date.now()): Promise<TokenIdentity> {
    if (!token) throw new AuthenticationError('missing');
    if (token.length > 8192 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/.test(token)) {
      throw new AuthenticationError('malformed');
    }
    let alg: unknown;
    try {
      ({ alg } = decodeProtectedHeader(token));
    } catch {
      throw new AuthenticationError('malformed');
    }
    if (!ACCEPTED_ALGORITHMS.includes(alg as (typeof ACCEPTED_ALGORITHMS)[number])) {
      throw new AuthenticationError('bad-algorithm', `alg ${JSON.stringify(alg)}`);
    }
    // Issuer and audience are looked at before any key: a token of another provider or for another
    // service says so, and never makes the API fetch the provider's keys again.
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new AuthenticationError('malformed');
    }
    if (unverified.iss !== this.issuer) throw new AuthenticationError('wrong-issuer');
    const audiences = Array.isArray(unverified.aud) ? unverified.aud : [unverified.aud];
    if (!audiences.includes(this.audience)) throw new AuthenticationError('wrong-audience');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, (header, input) => this.keyFor(header, input), {
        algorithms: [...ACCEPTED_ALGORITHMS],
        issuer: this.issuer,
        audience: this.audience,
        clockTolerance: this.clockSkewSeconds,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'iat'],
        // Also refuses an iat in the future (beyond the skew).
        maxTokenAge: this.maxLifetimeSeconds,
      }));
    } catch (error) {
      if (error instanceof IdentityProviderUnavailableError) throw error;
      throw new AuthenticationError(...failureOf(error));
    }
    const issuedAt = payload.iat as number;
    const expiresAt = payload.exp as number;
    if (expiresAt - issuedAt > this.maxLifetimeSeconds) {
      throw new AuthenticationError(
        'lifetime-too-long',
        `${expiresAt - issuedAt} s > ${this.maxLifetimeSeconds} s`,
      );
    }
    return { ...this.identityOf(payload), expiresAt, issuedAt };
  }

  /** The official's id, name, unit and role from the claims, by the mapping. */
  identityOf(payload: JWTPayload): Omit<TokenIdentity, 'expiresAt' | 'issuedAt'> {
    const id = officialId.safeParse(claimAt(payload, this.claims.id));
    if (!id.success) {
      throw new AuthenticationError(
        'invalid-claims',
        `claim ${this.claims.id} (the official's id) ${id.error.issues[0]?.message ?? 'is invalid'}`,
      );
    }
    const rawName = claimAt(payload, this.claims.name);
    const name = typeof rawName === 'string' && rawName.trim() ? rawName.trim().slice(0, 200) : id.data;
    const rawUnit = claimAt(payload, this.claims.unit);
    const unit = typeof rawUnit === 'string' && rawUnit ? rawUnit : undefined;
    const idNumber = claimAt(payload, this.claims.citizenId ?? 'citizen_id');
    if (idNumber !== undefined) {
      if (typeof idNumber !== 'string' || !/^\d{12}$/.test(idNumber)) {
        throw new AuthenticationError('invalid-claims', 'the citizen identification number is not 12 digits');
      }
      const level = Number(claimAt(payload, this.claims.identityLevel ?? 'identity_level') ?? 1);
      return { id: id.data, name, citizen: { idNumber, level: Number.isFinite(level) ? level : 1 } };
    }
    return { id: id.data, name, unit, role: this.roleOf(claimAt(payload, this.claims.role)) };
  }

  private roleOf(value: unknown): OfficialRole | undefined {
    const values = Array.isArray(value) ? value : [value];
    for (const candidate of values) {
      if (typeof candidate !== 'string') continue;
      const mapped = this.claims.roleValues ? this.claims.roleValues[candidate] : candidate;
      if (mapped && (officialRoles as readonly string[]).includes(mapped)) return mapped as OfficialRole;
    }
    return undefined;
  }

  private async keyFor(
    header: Parameters<ReturnType<typeof createLocalJWKSet>>[0],
    input: Parameters<ReturnType<typeof createLocalJWKSet>>[1],
  ) {
    const maxAge = this.settings.jwksMaxAgeMs ?? 600_000;
    if (!this.keys || Date.now() - this.keys.fetchedAt > maxAge) {
      // A stale set is kept when the provider cannot be reached; no set at all is a 503.
      await this.fetchKeys().catch((error) => {
        if (!this.keys) throw new IdentityProviderUnavailableError(this.issuer, (error as Error).message);
      });
    }
    const keys = this.keys as NonNullable<typeof this.keys>;
    try {
      return await keys.set(header, input);
    } catch (error) {
      const cooldown = this.settings.jwksCooldownMs ?? 30_000;
      if (error instanceof joseErrors.JWKSNoMatchingKey && Date.now() - keys.fetchedAt >= cooldown) {
        // A key rotated at the provider: fetch the set again, once.
        await this.fetchKeys().catch(() => undefined);
        return (this.keys as NonNullable<typeof this.keys>).set(header, input);
      }
      throw error;
    }
  }

  private fetchKeys(): Promise<void> {
    this.pending ??= (async () => {
      try {
        const response = await fetch(this.metadata.jwks_uri, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(this.settings.timeoutMs ?? 5_000),
          redirect: 'error',
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const jwks = (await response.json()) as JSONWebKeySet;
        if (!jwks || !Array.isArray(jwks.keys)) throw new Error('not a JWK set');
        this.keys = { set: createLocalJWKSet(jwks), fetchedAt: Date.now() };
      } catch (error) {
        throw new Error(describeFetchError(error));
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

/** A claim by name, or by dotted path into nested objects. */
export function claimAt(payload: Record<string, unknown>, path: string): unknown {
  if (path in payload) return payload[path];
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function failureOf(error: unknown): [AuthFailureReason, string?] {
  if (error instanceof joseErrors.JWTExpired) {
    return error.claim === 'iat' ? ['lifetime-too-long', 'issued too long ago'] : ['expired'];
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return ['wrong-issuer'];
      case 'aud':
        return ['wrong-audience'];
      case 'nbf':
        return ['not-yet-valid'];
      case 'iat':
        return error.reason === 'check_failed' ? ['issued-in-future'] : ['invalid-claims', 'iat'];
      default:
        return ['invalid-claims', error.claim];
    }
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return ['unknown-key'];
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return ['unknown-key', 'ambiguous key id'];
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return ['bad-signature'];
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return ['bad-algorithm'];
  return ['malformed'];
}
