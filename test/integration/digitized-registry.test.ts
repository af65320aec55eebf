import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applicantKeyFor,
  type DigitizedRecord,
  DigitizedRegistry,
  legacyApplicantKeyFor,
} from '../../infra/digitized-registry.js';
import { connectNats } from '../support/test-servers.js';

const bucket = `test_digitized_${Date.now()}`;
const secret = randomBytes(32);
const citizen = applicantKeyFor({ type: 'citizen', idNumber: '001203004567' }, secret);
const otherCitizen = applicantKeyFor({ type: 'citizen', idNumber: '001203004568' }, secret);

function record(overrides: Partial<DigitizedRecord>): DigitizedRecord {
  return {
    applicantKey: citizen,
    kind: 'giay-khai-sinh',
    ref: `sha256:${'a'.repeat(64)}`,
    sha256: 'a'.repeat(64),
    dossierCode: '000.00.15.H57-260315-0001',
    digitizedAt: '2026-03-15T09:00:00+07:00',
    ...overrides,
  };
}

describe('applicantKeyFor', () => {
  it('keys the identifier with the pseudonym secret: no plain hash anyone could recompute', () => {
    expect(citizen).toMatch(/^[0-9a-f]{64}$/);
    expect(citizen).not.toContain('001203004567');
    expect(citizen).not.toBe(createHash('sha256').update('citizen:001203004567').digest('hex'));
    expect(citizen).toBe(createHmac('sha256', secret).update('citizen:001203004567').digest('hex'));
    expect(applicantKeyFor({ type: 'citizen', idNumber: '001203004567' }, randomBytes(32))).not.toBe(citizen);
  });

  it('ignores the dash in a branch tax code and separates applicant types', () => {
    const dashed = applicantKeyFor({ type: 'organisation', taxCode: '0123456789-001' }, secret);
    expect(dashed).toBe(applicantKeyFor({ type: 'organisation', taxCode: '0123456789001' }, secret));
    expect(dashed).toBe(createHmac('sha256', secret).update('organisation:0123456789001').digest('hex'));
  });

  it('rejects a malformed identifier without echoing it', () => {
    expect(() => applicantKeyFor({ type: 'citizen', idNumber: '12345' }, secret)).toThrow(/malformed/);
    expect(() => applicantKeyFor({ type: 'citizen', idNumber: '12345' }, secret)).not.toThrow(/12345/);
  });
});

describe('DigitizedRegistry', () => {
  let nc: NatsConnection;
  let registry: DigitizedRegistry;

  beforeAll(async () => {
    nc = await connectNats('digitized');
    registry = await DigitizedRegistry.open(nc, { bucket });
  });

  afterAll(async () => {
    if (nc) await (await new Kvm(nc).open(bucket)).destroy();
    await nc?.drain();
  });

  it('finds a recorded component', async () => {
    const birth = record({});
    await registry.record(birth);
    expect(await registry.findReusable(citizen, 'giay-khai-sinh', '2026-04-01')).toEqual(birth);
    expect(await registry.findReusable(citizen, 'so-ho-khau', '2026-04-01')).toBeNull();
  });

  it('returns the latest valid record and skips expired ones', async () => {
    const old = record({
      kind: 'can-cuoc',
      ref: `sha256:${'b'.repeat(64)}`,
      sha256: 'b'.repeat(64),
      digitizedAt: '2025-01-10T08:00:00+07:00',
      validUntil: '2030-01-10',
    });
    const newer = record({
      kind: 'can-cuoc',
      ref: `sha256:${'c'.repeat(64)}`,
      sha256: 'c'.repeat(64),
      digitizedAt: '2026-02-01T08:00:00+07:00',
      validUntil: '2026-06-30',
    });
    await registry.record(old);
    await registry.record(newer);
    expect(await registry.findReusable(citizen, 'can-cuoc', '2026-06-30')).toEqual(newer);
    expect(await registry.findReusable(citizen, 'can-cuoc', '2026-07-01')).toEqual(old);
    expect(await registry.findReusable(citizen, 'can-cuoc', '2030-01-11')).toBeNull();
    expect(await registry.findReusable(citizen, 'can-cuoc', '2024-12-31')).toBeNull();
  });

  it('does not return another applicant’s records', async () => {
    await registry.record(record({ kind: 'giay-phep' }));
    expect(await registry.findReusable(otherCitizen, 'giay-phep', '2026-04-01')).toBeNull();
  });

  it('treats recording the same document again as one record', async () => {
    const permit = record({ kind: 'bang-cap', validUntil: '2026-12-31' });
    await registry.record(permit);
    await registry.record({ ...permit, validUntil: '2027-12-31' });
    expect(await registry.findReusable(citizen, 'bang-cap', '2027-06-01')).toMatchObject({
      validUntil: '2027-12-31',
    });
  });

  it('records concurrently without losing a record', async () => {
    const records = Array.from({ length: 8 }, (_, i) =>
      record({
        kind: 'anh-the',
        ref: `sha256:${String(i).repeat(64)}`,
        sha256: String(i).repeat(64),
        digitizedAt: `2026-03-0${i + 1}T08:00:00+07:00`,
      }),
    );
    await Promise.all(records.map((r) => registry.record(r)));
    // Each record is the latest one on the day it was digitised.
    for (const r of records) {
      expect(await registry.findReusable(citizen, 'anh-the', r.digitizedAt.slice(0, 10))).toEqual(r);
    }
  });

  it('moves an entry of the plain-hash key of earlier versions to the HMAC key the first time it is read', async () => {
    const applicant = { type: 'citizen' as const, idNumber: '001203009999' };
    const legacyKey = legacyApplicantKeyFor(applicant);
    const key = applicantKeyFor(applicant, secret);
    const old = record({ applicantKey: legacyKey, kind: 'so-ho-khau' });
    await registry.record(old);
    expect(await registry.findReusable(key, 'so-ho-khau', '2026-04-01')).toBeNull();
    expect(await registry.findReusable(key, 'so-ho-khau', '2026-04-01', { legacyKey })).toEqual({
      ...old,
      applicantKey: key,
    });
    // The plain-hash entry is gone; the record now lives under the HMAC key alone.
    expect(await registry.findReusable(legacyKey, 'so-ho-khau', '2026-04-01')).toBeNull();
    expect((await registry.findReusable(key, 'so-ho-khau', '2026-04-01'))?.applicantKey).toBe(key);
  });

  it('removes the records of an erased dossier, found by its index; the applicant’s other records stay', async () => {
    const applicant = applicantKeyFor({ type: 'citizen', idNumber: '001203007777' }, secret);
    const [erased, kept] = ['000.00.15.H57-260316-0001', '000.00.15.H57-260316-0002'];
    const ref = (c: string) => ({ ref: `sha256:${c.repeat(64)}`, sha256: c.repeat(64) });
    const own = [
      record({ applicantKey: applicant, dossierCode: erased, kind: 'ban-sao-mot', ...ref('c') }),
      record({ applicantKey: applicant, dossierCode: erased, kind: 'ban-sao-hai', ...ref('d') }),
    ];
    const other = record({
      applicantKey: applicant,
      dossierCode: kept,
      kind: 'ban-sao-mot',
      digitizedAt: '2026-03-16T09:00:00+07:00',
      ...ref('e'),
    });
    for (const r of [...own, other]) await registry.record(r);

    expect(await registry.removeDossier(erased)).toBe(2);
    expect(await registry.findReusable(applicant, 'ban-sao-hai', '2026-04-01')).toBeNull();
    expect(await registry.findReusable(applicant, 'ban-sao-mot', '2026-04-01')).toEqual(other);
    expect(await registry.removeDossier(erased)).toBe(0);
  });

  it('records a dossier’s components together, indexed in one entry that erasing the dossier finds', async () => {
    const applicant = applicantKeyFor({ type: 'citizen', idNumber: '001203006666' }, secret);
    const dossierCode = '000.00.15.H57-260318-0001';
    const ref = (c: string) => ({ ref: `sha256:${c.repeat(64)}`, sha256: c.repeat(64) });
    const together = [
      record({ applicantKey: applicant, dossierCode, kind: 'to-khai', ...ref('1') }),
      record({ applicantKey: applicant, dossierCode, kind: 'ban-ve', ...ref('2') }),
    ];
    await registry.recordAll(together);
    await registry.recordAll(together); // a retried activity records nothing twice
    expect(await registry.findReusable(applicant, 'to-khai', '2026-04-01')).toEqual(together[0]);
    expect(await registry.findReusable(applicant, 'ban-ve', '2026-04-01')).toEqual(together[1]);
    const index = await (await new Kvm(nc).open(bucket)).get('d.000_00_15_H57-260318-0001');
    expect(index?.json()).toEqual({ entries: [`a.${applicant}.to-khai`, `a.${applicant}.ban-ve`] });
    expect(await registry.removeDossier(dossierCode)).toBe(2);
    expect(await registry.findReusable(applicant, 'ban-ve', '2026-04-01')).toBeNull();
  });

  it('refuses to record two dossiers’ components together, and records nothing', async () => {
    const applicant = applicantKeyFor({ type: 'citizen', idNumber: '001203005555' }, secret);
    const mixed = [
      record({ applicantKey: applicant, dossierCode: '000.00.15.H57-260318-0002', kind: 'to-khai' }),
      record({ applicantKey: applicant, dossierCode: '000.00.15.H57-260318-0003', kind: 'ban-ve' }),
    ];
    await expect(registry.recordAll(mixed)).rejects.toThrow(/one dossier/);
    expect(await registry.findReusable(applicant, 'to-khai', '2026-04-01')).toBeNull();
  });

  it('finds a dossier’s records made before its index by the applicant’s key', async () => {
    const applicant = applicantKeyFor({ type: 'citizen', idNumber: '001203008888' }, secret);
    const dossierCode = '000.00.15.H57-260317-0001';
    const old = record({ applicantKey: applicant, dossierCode, kind: 'giay-ket-hon' });
    const kv = await new Kvm(nc).open(bucket);
    await kv.put(`a.${applicant}.giay-ket-hon`, JSON.stringify({ records: [old] }));
    expect(await registry.removeDossier(dossierCode)).toBe(0);
    expect(await registry.removeDossier(dossierCode, { applicantKey: applicant })).toBe(1);
    expect(await registry.findReusable(applicant, 'giay-ket-hon', '2026-04-01')).toBeNull();
  });

  it('refuses a raw identifier as the applicant key', async () => {
    await expect(registry.findReusable('001203004567', 'can-cuoc', '2026-04-01')).rejects.toThrow(
      /applicantKeyFor/,
    );
    await expect(registry.record(record({ applicantKey: '001203004567' }))).rejects.toThrow(/applicantKey/);
  });
});
