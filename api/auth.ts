/**
 * Authentication of officials and citizens: what every way of signing in shares.
 *
 * Officials sign in with the province's OpenID Connect provider (api/oidc-tokens.ts verifies its
 * access tokens; api/authentication.ts turns them into an `Official`). The shared-secret tokens
 * here (JWT, HS256, `tthc token issue`) are accepted only with the development setting
 * TTHC_DEV_SHARED_SECRET_TOKENS; the server still signs its own codec session cookie this way.
 * Citizens get no token: they look up their dossier with the dossier code and the short lookup
 * secret printed on the receipt, an HMAC of the code under the server secret.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { type Role, roles } from '../domain/actor.js';
import { unitCodeSchema } from '../domain/organisation.js';
import { formatZodError } from '../domain/validation.js';

/** Roles that get tokens. Citizens (applicants) use the lookup secret instead. */
export const officialRoles = roles.filter((role) => role !== 'applicant') as Exclude<Role, 'applicant'>[];
export type OfficialRole = Exclude<Role, 'applicant'>;

export const MIN_SECRET_LENGTH = 32;
const ISSUER = 'tthc-flow';
const AUDIENCE = 'tthc-api';
/** The audience of the codec session cookie: good for the codec endpoint only, not for the API. */
export const CODEC_AUDIENCE = 'tthc-codec';

export const tokenClaimsSchema = z.strictObject({
  sub: z
    .string()
    .regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters (the official id, no spaces)'),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must have at most 200 characters'),
  unit: unitCodeSchema,
  role: z.enum(
    officialRoles as [OfficialRole, ...OfficialRole[]],
    `must be one of ${officialRoles.join(', ')}`,
  ),
});
export type TokenClaims = z.output<typeof tokenClaimsSchema>;

/** The authenticated official, as the API and the workflow see them. */
export interface Official {
  id: string;
  name: string;
  unit: string;
  role: OfficialRole;
}

/** `30m`, `8h`, `7d`: a whole number of seconds, minutes, hours or days, at most 30 days. */
export const TTL = /^([1-9]\d{0,6})([smhd])$/;
const unitSeconds = { s: 1, m: 60, h: 3600, d: 86_400 } as const;
export const MAX_TTL_SECONDS = 30 * 86_400;

export function ttlSeconds(ttl: string): number {
  const match = TTL.exec(ttl);
  if (!match) throw new RangeError(`ttl "${ttl}" must be a number followed by s, m, h or d, e.g. 8h`);
  const seconds = Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds];
  if (seconds > MAX_TTL_SECONDS) throw new RangeError(`ttl "${ttl}" is longer than 30 days`);
  return seconds;
}

export class SecretTooShortError extends Error {
  override name = 'SecretTooShortError';
}

/** Throws unless the secret is long enough to sign tokens and lookup secrets. */
export function checkSecret(secret: string | undefined, variable = 'TTHC_TOKEN_SECRET'): string {
  if (!secret || secret.length < MIN_SECRET_LENGTH) {
    throw new SecretTooShortError(
      `${variable} must be set to a secret of at least ${MIN_SECRET_LENGTH} characters ` +
        `(got ${secret ? secret.length : 0}); generate one with: openssl rand -base64 48`,
    );
  }
  return secret;
}

/** A random secret for tests and first runs: 64 hex characters. */
export function generateSecret(): string {
  return randomBytes(32).toString('hex');
}

function signingKey(secret: string): Uint8Array {
  // A key derived for tokens only: the lookup secrets use another derivation of the same secret.
  return createHmac('sha256', checkSecret(secret)).update('tthc-token-v1').digest();
}

export interface IssuedToken {
  token: string;
  claims: TokenClaims;
  /** ISO 8601 instant (UTC). */
  expiresAt: string;
}

/** Signs a token for an official; `ttl` such as '8h' (default). Throws on invalid claims or ttl. */
export async function issueToken(
  secret: string,
  claims: TokenClaims,
  ttl = '8h',
  now: number = Date.now(),
  audience = AUDIENCE,
): Promise<IssuedToken> {
  const parsed = tokenClaimsSchema.safeParse(claims);
  if (!parsed.success)
    throw new RangeError(`invalid token claims: ${formatZodError(parsed.error).join('; ')}`);
  const issuedAt = Math.floor(now / 1000);
  const expiresAt = issuedAt + ttlSeconds(ttl);
  const { sub, ...rest } = parsed.data;
  const token = await new SignJWT(rest)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(signingKey(secret));
  return { token, claims: parsed.data, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'bad-algorithm'
  | 'unknown-key'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'lifetime-too-long'
  | 'invalid-claims'
  | 'session-expired'
  | 'no-sign-in';

const reasonText: Record<AuthFailureReason, { vi: string; en: string }> = {
  missing: {
    vi: 'Thiếu mã xác thực (Authorization: Bearer <token>)',
    en: 'missing bearer token (Authorization: Bearer <token>)',
  },
  malformed: { vi: 'Mã xác thực không đúng định dạng', en: 'malformed token' },
  'bad-signature': { vi: 'Chữ ký của mã xác thực không hợp lệ', en: 'bad token signature' },
  'bad-algorithm': {
    vi: 'Thuật toán ký của mã xác thực không được chấp nhận (chỉ RS256, ES256)',
    en: 'token signing algorithm not accepted (RS256 or ES256 only)',
  },
  'unknown-key': {
    vi: 'Mã xác thực được ký bằng khóa không có trong danh sách khóa của nhà cung cấp định danh',
    en: 'token signed with a key the identity provider does not publish',
  },
  'wrong-issuer': {
    vi: 'Mã xác thực không do nhà cung cấp định danh của hệ thống cấp',
    en: 'token from another issuer',
  },
  'wrong-audience': { vi: 'Mã xác thực không dành cho hệ thống này', en: 'token for another audience' },
  expired: { vi: 'Mã xác thực đã hết hạn', en: 'token expired' },
  'not-yet-valid': { vi: 'Mã xác thực chưa đến thời điểm có hiệu lực', en: 'token not valid yet (nbf)' },
  'issued-in-future': {
    vi: 'Thời điểm cấp của mã xác thực ở tương lai',
    en: 'token issued in the future (iat)',
  },
  'lifetime-too-long': {
    vi: 'Thời hạn của mã xác thực dài hơn mức tối đa cho phép',
    en: 'token lifetime longer than the configured maximum',
  },
  'invalid-claims': { vi: 'Nội dung mã xác thực không hợp lệ', en: 'invalid token claims' },
  'session-expired': {
    vi: 'Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại',
    en: 'session expired; sign in again',
  },
  'no-sign-in': {
    vi: 'Máy chủ chưa được cấu hình nhà cung cấp định danh (OIDC)',
    en: 'no identity provider is configured on this server',
  },
};

/** 401: the request is not authenticated; `reason` says why. */
export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
  constructor(
    readonly reason: AuthFailureReason,
    detail?: string,
  ) {
    const text = reasonText[reason];
    super(`${text.vi} (${text.en}${detail ? `: ${detail}` : ''})`);
  }
}

/** Verifies a token and returns the official it names; throws AuthenticationError with the reason. */
export async function verifyToken(
  secret: string,
  token: string,
  now: number = Date.now(),
  audience = AUDIENCE,
): Promise<Official> {
  if (!token) throw new AuthenticationError('missing');
  if (token.length > 4096 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)) {
    throw new AuthenticationError('malformed');
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, signingKey(secret), {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience,
      currentDate: new Date(now),
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (error) {
    throw new AuthenticationError(reasonOf(error));
  }
  const { sub, name, unit, role } = payload;
  const parsed = tokenClaimsSchema.safeParse({ sub, name, unit, role });
  if (!parsed.success) {
    throw new AuthenticationError('invalid-claims', formatZodError(parsed.error).join('; '));
  }
  return { id: parsed.data.sub, name: parsed.data.name, unit: parsed.data.unit, role: parsed.data.role };
}

function reasonOf(error: unknown): AuthFailureReason {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad-signature';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'invalid-claims';
  return 'malformed';
}

/** The token of an `Authorization: Bearer <token>` header; throws AuthenticationError if absent or odd. */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw new AuthenticationError('missing');
  if (Array.isArray(header)) throw new AuthenticationError('malformed', 'more than one Authorization header');
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match?.[1]) throw new AuthenticationError('malformed', 'expected "Bearer <token>"');
  return match[1];
}

// ---------------------------------------------------------------------------------------------
// Citizen lookup secrets

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const LOOKUP_SECRET_LENGTH = 10;

/**
 * The lookup secret of a dossier: 10 base32 characters (50 bits) of HMAC-SHA256(code) under a key
 * derived from the server secret. Printed on the receipt; the citizen needs it with the code.
 */
export function lookupSecret(serverSecret: string, code: string): string {
  const key = createHmac('sha256', checkSecret(serverSecret)).update('tthc-lookup-v1').digest();
  const mac = createHmac('sha256', key).update(code, 'utf8').digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < LOOKUP_SECRET_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === LOOKUP_SECRET_LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Constant-time check of a lookup secret as typed by a citizen (case and spaces ignored). */
export function checkLookupSecret(serverSecret: string, code: string, given: string): boolean {
  const normalized = Buffer.from(given.replace(/[\s-]/g, '').toUpperCase(), 'utf8');
  const expected = Buffer.from(lookupSecret(serverSecret, code), 'utf8');
  return normalized.length === expected.length && timingSafeEqual(normalized, expected);
}
