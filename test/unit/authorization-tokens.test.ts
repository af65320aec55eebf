/** Official tokens (JWT HS256) and citizen lookup secrets (api/auth.ts). */
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  bearerToken,
  checkLookupSecret,
  checkSecret,
  generateSecret,
  issueToken,
  lookupSecret,
  SecretTooShortError,
  ttlSeconds,
  verifyToken,
} from '../../api/auth.js';

const secret = generateSecret();
const claims = {
  sub: 'can-bo-01',
  name: 'Nguyễn Thị Thu',
  unit: '000.01.41.H99',
  role: 'counter-officer' as const,
};

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return (error as AuthenticationError).reason;
}

describe('tokens', () => {
  it('names the official and expires after the ttl', async () => {
    const now = Date.parse('2026-04-23T03:00:00Z');
    const issued = await issueToken(secret, claims, '8h', now);
    expect(issued.expiresAt).toBe('2026-04-23T11:00:00.000Z');
    expect(await verifyToken(secret, issued.token, now + 60_000)).toEqual({
      id: 'can-bo-01',
      name: 'Nguyễn Thị Thu',
      unit: '000.01.41.H99',
      role: 'counter-officer',
    });
    expect(await reasonOf(verifyToken(secret, issued.token, now + 8 * 3_600_000 + 1_000))).toBe('expired');
  });

  it('gives a clear reason for every failure', async () => {
    const { token } = await issueToken(secret, claims, '1h');
    expect(await reasonOf(verifyToken(secret, ''))).toBe('missing');
    expect(await reasonOf(verifyToken(secret, 'not a token'))).toBe('malformed');
    expect(await reasonOf(verifyToken(secret, 'a.b'))).toBe('malformed');
    expect(await reasonOf(verifyToken(secret, 'aaa.bbb.ccc'))).toBe('malformed');
    expect(await reasonOf(verifyToken(generateSecret(), token))).toBe('bad-signature');
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...claims, role: 'administrator', exp: 9_999_999_999 }),
    ).toString('base64url');
    expect(await reasonOf(verifyToken(secret, `${header}.${forged}.${signature}`))).toBe('bad-signature');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${forged}.`;
    expect(await reasonOf(verifyToken(secret, unsigned))).toBe('malformed');
  });

  it('refuses a correctly signed token whose claims are not an official', async () => {
    const key = createHmac('sha256', secret).update('tthc-token-v1').digest();
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setIssuer('tthc-flow')
        .setAudience('tthc-api')
        .setExpirationTime('1h')
        .sign(key);
    const applicant = await sign({ name: 'Công dân', unit: '000.01.41.H99', role: 'applicant' });
    expect(await reasonOf(verifyToken(secret, applicant))).toBe('invalid-claims');
    const badUnit = await sign({ name: 'A', unit: 'H99', role: 'leader' });
    expect(await reasonOf(verifyToken(secret, badUnit))).toBe('invalid-claims');
    const otherAudience = await new SignJWT({ name: 'A', unit: '000.01.41.H99', role: 'leader' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('tthc-flow')
      .setAudience('someone-else')
      .setExpirationTime('1h')
      .sign(key);
    expect(await reasonOf(verifyToken(secret, otherAudience))).toBe('invalid-claims');
  });

  it('issues only valid claims and ttls', async () => {
    await expect(issueToken(secret, { ...claims, role: 'applicant' as never })).rejects.toThrow(/role/);
    await expect(issueToken(secret, { ...claims, unit: 'UBND' })).rejects.toThrow(/unit/);
    await expect(issueToken(secret, claims, '31d')).rejects.toThrow(/30 days/);
    await expect(issueToken(secret, claims, 'forever')).rejects.toThrow(/ttl/);
    expect(ttlSeconds('30m')).toBe(1800);
    expect(ttlSeconds('8h')).toBe(28_800);
    expect(ttlSeconds('7d')).toBe(604_800);
  });

  it('refuses a secret shorter than 32 characters', async () => {
    expect(() => checkSecret('short')).toThrow(SecretTooShortError);
    expect(() => checkSecret(undefined)).toThrow(/TTHC_TOKEN_SECRET/);
    expect(checkSecret('x'.repeat(32))).toHaveLength(32);
    await expect(issueToken('too-short', claims)).rejects.toThrow(SecretTooShortError);
  });

  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer  abc.def.ghi')).toBe('abc.def.ghi');
    expect(() => bearerToken(undefined)).toThrow(AuthenticationError);
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow(/malformed/);
    expect(() => bearerToken(['Bearer a', 'Bearer b'])).toThrow(/malformed/);
  });
});

describe('lookup secrets', () => {
  it('are 10 base32 characters, fixed per code and server secret', () => {
    const code = '000.01.41.H99-260423-0001';
    const value = lookupSecret(secret, code);
    expect(value).toMatch(/^[A-Z2-7]{10}$/);
    expect(lookupSecret(secret, code)).toBe(value);
    expect(lookupSecret(secret, '000.01.41.H99-260423-0002')).not.toBe(value);
    expect(lookupSecret(generateSecret(), code)).not.toBe(value);
  });

  it('are checked ignoring case, spaces and dashes, and nothing else', () => {
    const code = '000.01.41.H99-260423-0001';
    const value = lookupSecret(secret, code);
    expect(checkLookupSecret(secret, code, value)).toBe(true);
    expect(checkLookupSecret(secret, code, value.toLowerCase())).toBe(true);
    expect(checkLookupSecret(secret, code, `${value.slice(0, 5)}-${value.slice(5)}`)).toBe(true);
    expect(checkLookupSecret(secret, code, value.slice(0, 9))).toBe(false);
    expect(checkLookupSecret(secret, code, `${value}A`)).toBe(false);
    expect(checkLookupSecret(secret, code, 'ĐĐĐĐĐĐĐĐĐĐ')).toBe(false);
    expect(checkLookupSecret(secret, '000.01.41.H99-260423-0002', value)).toBe(false);
  });
});
