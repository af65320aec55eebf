import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitKeyring } from '../../infra/signing.js';

const UNIT = '000.00.15.H57';
const OTHER_UNIT = '000.00.00.H49';
const HASH = 'a'.repeat(64);
const SIGNED_AT = '2026-03-15T09:30:00+07:00';

describe('UnitKeyring', () => {
  let dir: string;
  const dirs: string[] = [];
  const freshDir = async () => {
    const made = await mkdtemp(join(tmpdir(), 'tthc-keys-'));
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    dir = await freshDir();
  });
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('signs and verifies a document hash', async () => {
    const keyring = new UnitKeyring(dir);
    const signature = await (await keyring.signerFor(UNIT)).sign(HASH, SIGNED_AT);
    expect(signature).toMatchObject({
      unitCode: UNIT,
      algorithm: 'Ed25519',
      signedAt: SIGNED_AT,
      sha256: HASH,
    });
    expect(Buffer.from(signature.signature, 'base64')).toHaveLength(64);
    expect(await keyring.verify(signature, HASH)).toBe(true);
  });

  it('fails verification when the hash, unit, time or key changes', async () => {
    const keyring = new UnitKeyring(dir);
    const signature = await (await keyring.signerFor(UNIT)).sign(HASH, SIGNED_AT);
    const otherHash = 'b'.repeat(64);
    expect(await keyring.verify(signature, otherHash)).toBe(false);
    expect(await keyring.verify({ ...signature, sha256: otherHash }, otherHash)).toBe(false);
    await keyring.signerFor(OTHER_UNIT);
    expect(await keyring.verify({ ...signature, unitCode: OTHER_UNIT }, HASH)).toBe(false);
    expect(await keyring.verify({ ...signature, signedAt: '2026-03-15T09:31:00+07:00' }, HASH)).toBe(false);
    const otherKeyring = new UnitKeyring(await freshDir());
    await otherKeyring.signerFor(UNIT);
    expect(await otherKeyring.verify(signature, HASH)).toBe(false);
    expect(await new UnitKeyring(await freshDir()).verify(signature, HASH)).toBe(false);
  });

  it('keeps a unit’s key across keyring instances, private key readable by its owner only', async () => {
    const first = await new UnitKeyring(dir).signerFor(UNIT);
    const second = await new UnitKeyring(dir).signerFor(UNIT);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(await readFile(join(dir, `${UNIT}.pub.pem`), 'utf8')).toBe(first.publicKeyPem);
    expect((await stat(join(dir, `${UNIT}.key.pem`))).mode & 0o777).toBe(0o600);
    const signature = await second.sign(HASH, SIGNED_AT);
    expect(await new UnitKeyring(dir).verify(signature, HASH)).toBe(true);
    const keyring = new UnitKeyring(dir);
    const [once, again] = await Promise.all([keyring.signerFor(UNIT), keyring.signerFor(UNIT)]);
    expect(again).toBe(once);
    expect(once.publicKeyFingerprint).toBe(first.publicKeyFingerprint);
  });

  it('creates one key when several keyrings use a unit for the first time together', async () => {
    const shared = await freshDir();
    const signers = await Promise.all(
      Array.from({ length: 8 }, () => new UnitKeyring(shared).signerFor(UNIT)),
    );
    expect(new Set(signers.map((s) => s.publicKeyPem)).size).toBe(1);
    expect(await readFile(join(shared, `${UNIT}.pub.pem`), 'utf8')).toBe(signers[0]?.publicKeyPem);
  });

  it('rejects a unit code that is not an agency code', async () => {
    await expect(new UnitKeyring(dir).signerFor('../etc')).rejects.toThrow(/agency code/);
  });
});
