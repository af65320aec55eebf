/** The keyring, AES-256-GCM sealing and the payload codec, without servers. */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open, seal, TamperedCiphertextError } from '../../encryption/aead.js';
import { dataSubjectOf } from '../../encryption/data-keys.js';
import { DecodeFailureMonitor, decodeFailureReason } from '../../encryption/decode-failures.js';
import {
  EncryptionKeyring,
  KeyringError,
  KeyringFile,
  KeyringVariable,
  UnknownKeyError,
} from '../../encryption/encryption-keyring.js';
import { LiveKeyring } from '../../encryption/live-keyring.js';
import { EncryptionCodec, PayloadDecodeError } from '../../encryption/payload-codec.js';
import { metricsRegistry } from '../../infra/metrics.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tthc-keyring-unit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const applicant = { fullName: 'Trần Thị Canary Bích', idNumber: '079301234567' };

function payloadOf(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

function codecOf(ring: EncryptionKeyring, onDecodeFailure?: (error: Error, keyId: string) => void) {
  return new EncryptionCodec(LiveKeyring.of(ring, new KeyringVariable('TEST', ring.toJson())), undefined, {
    onDecodeFailure,
  });
}

describe('the keyring', () => {
  it('is created with mode 0600, read back, rotated with the old keys kept, listed without key material', async () => {
    const file = new KeyringFile(join(dir, 'created', 'keyring.json'));
    const { ring, created } = await file.loadOrCreate();
    expect(created).toBe(true);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
    expect((await file.loadOrCreate()).created).toBe(false);
    const rotated = ring.rotated();
    await file.save(rotated);
    const reread = await file.load();
    expect(reread.activeId).toBe(rotated.activeId);
    expect(reread.activeId).not.toBe(ring.activeId);
    expect(reread.key(ring.activeId).key.equals(ring.active.key)).toBe(true);
    expect(reread.pseudonymSecret.equals(ring.pseudonymSecret)).toBe(true);
    const listed = JSON.stringify(reread.describe());
    expect(listed).toContain(ring.activeId);
    expect(listed).not.toContain(ring.active.key.toString('base64'));
    expect(
      reread
        .describe()
        .filter((k) => k.active)
        .map((k) => k.id),
    ).toEqual([rotated.activeId]);
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a file others can read, in one line naming the file', async () => {
    const path = join(dir, 'open-keyring.json');
    await writeFile(path, EncryptionKeyring.generate().toJson(), { mode: 0o644 });
    const error = await new KeyringFile(path).load().catch((e: Error) => e);
    expect(error).toBeInstanceOf(KeyringError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('mode 644');
    expect((error as Error).message).not.toContain('\n');
  });

  it('names what is wrong with a missing or malformed keyring, never its content', async () => {
    const missing = await new KeyringFile(join(dir, 'none.json')).load().catch((e: Error) => e.message);
    expect(missing).toContain('does not exist');
    const ring = EncryptionKeyring.generate();
    const broken = JSON.parse(ring.toJson()) as { active: string };
    broken.active = 'k20260101-00000000';
    const error = await new KeyringVariable('TTHC_KEYRING', JSON.stringify(broken))
      .load()
      .catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'environment variable TTHC_KEYRING: active names no key of the ring (k20260101-00000000)',
    );
    const notJson = await new KeyringVariable('TTHC_KEYRING', 'secret-ish {').load().catch((e: Error) => e);
    expect((notJson as Error).message).not.toContain('secret-ish');
  });

  it('reads the source again for a key id it does not know (another process rotated)', async () => {
    const path = join(dir, 'live-keyring.json');
    const file = new KeyringFile(path);
    const first = EncryptionKeyring.generate();
    await file.save(first);
    const live = await LiveKeyring.open(file, { refreshMs: 0 });
    const rotated = first.rotated();
    await file.save(rotated);
    expect(live.active.id).toBe(first.activeId);
    expect((await live.key(rotated.activeId)).id).toBe(rotated.activeId);
    expect(live.active.id).toBe(rotated.activeId);
    await expect(live.key('k20200101-deadbeef')).rejects.toBeInstanceOf(UnknownKeyError);
  });
});

describe('AES-256-GCM sealing', () => {
  const key = EncryptionKeyring.generate().active.key;

  it('round-trips, and refuses a changed byte, a changed context or another key', () => {
    const sealed = seal(key, Buffer.from(applicant.fullName), 'ctx');
    expect(sealed.includes(Buffer.from(applicant.fullName))).toBe(false);
    expect(open(key, sealed, 'ctx', 'test').toString()).toBe(applicant.fullName);
    const tampered = Buffer.from(sealed);
    tampered[20] = (tampered[20] as number) ^ 1;
    expect(() => open(key, tampered, 'ctx', 'test')).toThrow(TamperedCiphertextError);
    expect(() => open(key, sealed, 'other', 'test')).toThrow(TamperedCiphertextError);
    expect(() => open(EncryptionKeyring.generate().active.key, sealed, 'ctx', 'test')).toThrow(
      TamperedCiphertextError,
    );
    expect(() => open(key, sealed.subarray(0, 10), 'ctx', 'test')).toThrow(TamperedCiphertextError);
  });
});

describe('the payload codec', () => {
  it('encrypts every payload with the key id in the metadata and decodes it back', async () => {
    const ring = EncryptionKeyring.generate();
    const codec = codecOf(ring);
    const [encoded] = await codec.encode([payloadOf(applicant)]);
    expect(EncryptionCodec.keyIdOf(encoded as Payload)).toBe(ring.activeId);
    expect(
      Buffer.from((encoded as Payload).data as Uint8Array).includes(Buffer.from(applicant.idNumber)),
    ).toBe(false);
    const [decoded] = await codec.decode([encoded as Payload]);
    expect(defaultPayloadConverter.fromPayload(decoded as Payload)).toEqual(applicant);
  });

  it('passes a payload written before encryption through unchanged', async () => {
    const plain = payloadOf({ old: true });
    const [decoded] = await codecOf(EncryptionKeyring.generate()).decode([plain]);
    expect(decoded).toBe(plain);
  });

  it('refuses a payload under a key it does not hold, naming the key id, and reports it', async () => {
    const writer = EncryptionKeyring.generate();
    const [encoded] = await codecOf(writer).encode([payloadOf(applicant)]);
    const failures: Array<[string, string]> = [];
    const reader = codecOf(EncryptionKeyring.generate(), (error, keyId) =>
      failures.push([keyId, error.message]),
    );
    const error = await reader.decode([encoded as Payload]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PayloadDecodeError);
    expect((error as Error).message).toContain(writer.activeId);
    expect(decodeFailureReason(error as Error)).toBe('unknown-key');
    expect(failures.map(([keyId]) => keyId)).toEqual([writer.activeId]);
  });

  it('refuses a tampered ciphertext, never decoding part of it', async () => {
    const ring = EncryptionKeyring.generate();
    const codec = codecOf(ring);
    const [encoded] = (await codec.encode([payloadOf(applicant)])) as [Payload];
    const data = Buffer.from(encoded.data as Uint8Array);
    data[data.length - 1] = (data[data.length - 1] as number) ^ 0xff;
    const error = await codec.decode([{ ...encoded, data }]).catch((e: Error) => e);
    expect(error).toBeInstanceOf(PayloadDecodeError);
    expect(decodeFailureReason(error as Error)).toBe('tampered');
    // The key id is bound to the ciphertext: relabelling it under another key of the ring fails too.
    const other = ring.rotated();
    const relabelled = {
      ...encoded,
      metadata: { ...encoded.metadata, 'encryption-key-id': Buffer.from(other.activeId) },
    };
    await expect(codecOf(other).decode([relabelled])).rejects.toBeInstanceOf(PayloadDecodeError);
  });
});

describe('data subjects', () => {
  it('are the dossier of a workflow and of its liên thông children, or a feedback; nothing else', () => {
    expect(dataSubjectOf('000.01.41.H99-261206-0001')).toBe('000.01.41.H99-261206-0001');
    expect(dataSubjectOf('000.01.41.H99-261206-0001/lien-thong/000.00.41.H99')).toBe(
      '000.01.41.H99-261206-0001',
    );
    expect(dataSubjectOf('PAKN-000.00.11.H99-261207-0001')).toBe('PAKN-000.00.11.H99-261207-0001');
    expect(dataSubjectOf('bare-123')).toBeUndefined();
  });
});

describe('decode failures', () => {
  it('count in the metric and keep the readiness check red for a while, naming the key', async () => {
    const reported: string[] = [];
    const monitor = new DecodeFailureMonitor((details) => reported.push(details.keyId), 60_000);
    expect(monitor.problem()).toBeUndefined();
    const before = await failureCount('unknown-key');
    monitor.onDecodeFailure(
      new PayloadDecodeError('x', { cause: new UnknownKeyError('k20260101-0badc0de') }),
      'k20260101-0badc0de',
    );
    expect(await failureCount('unknown-key')).toBe(before + 1);
    expect(monitor.problem()).toContain('k20260101-0badc0de');
    expect(monitor.problem(Date.now() + 61_000)).toBeUndefined();
    expect(reported).toEqual(['k20260101-0badc0de']);
  });
});

async function failureCount(reason: string): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('tthc_payload_decode_failures_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
