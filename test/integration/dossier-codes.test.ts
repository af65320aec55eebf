import { StorageType } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDossierCode } from '../../domain/dossier-code.js';
import {
  DossierCodeAllocationError,
  DossierCodeAllocator,
  dossierSequenceKey,
} from '../../infra/dossier-codes.js';
import { connectNats } from '../support/test-servers.js';

const bucket = `test_dossier_codes_${Date.now()}`;
const UNIT = '000.00.15.H57';
const OTHER_UNIT = '000.00.00.H49';

describe('DossierCodeAllocator', () => {
  let nc: NatsConnection;
  let nc2: NatsConnection;
  let allocator: DossierCodeAllocator;
  let allocator2: DossierCodeAllocator;

  beforeAll(async () => {
    [nc, nc2] = await Promise.all([connectNats('codes-1'), connectNats('codes-2')]);
    [allocator, allocator2] = await Promise.all([
      DossierCodeAllocator.open(nc, { bucket }),
      DossierCodeAllocator.open(nc2, { bucket }),
    ]);
  });

  afterAll(async () => {
    if (nc) await (await new Kvm(nc).open(bucket)).destroy();
    await Promise.all([nc?.drain(), nc2?.drain()]);
  });

  it('numbers dossiers 0001, 0002 within a unit and day', async () => {
    expect(await allocator.allocate(UNIT, '2026-03-15')).toBe('000.00.15.H57-260315-0001');
    expect(await allocator.allocate(UNIT, '2026-03-15')).toBe('000.00.15.H57-260315-0002');
  });

  it('keeps a separate sequence per unit and per day', async () => {
    expect(await allocator.allocate(UNIT, '2026-03-16')).toBe('000.00.15.H57-260316-0001');
    expect(await allocator.allocate(OTHER_UNIT, '2026-03-16')).toBe('000.00.00.H49-260316-0001');
    expect(await allocator.allocate(UNIT, '2026-03-16')).toBe('000.00.15.H57-260316-0002');
  });

  it('gives 20 concurrent calls on two connections 20 distinct consecutive numbers', async () => {
    const calls = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? allocator : allocator2).allocate(UNIT, '2026-04-01'),
    );
    const sequences = (await Promise.all(calls)).map((code) => parseDossierCode(code).sequence);
    expect(sequences.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('serves concurrent calls of one process with fewer writes than calls, and numbers past 9999 are refused', async () => {
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    const key = dossierSequenceKey(UNIT, '2026-04-04');
    const writes: string[] = [];
    const watch = await kv.watch({ key, include: 'updates' });
    const watching = (async () => {
      for await (const entry of watch) writes.push(entry.string());
    })();
    const codes = await Promise.all(Array.from({ length: 40 }, () => allocator.allocate(UNIT, '2026-04-04')));
    const sequences = codes.map((code) => parseDossierCode(code).sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await expect.poll(() => writes.at(-1)).toBe('40');
    expect(writes.length).toBeLessThan(40);
    watch.stop();
    await watching;

    await kv.put(dossierSequenceKey(UNIT, '2026-04-05'), '9997');
    const near = await Promise.allSettled(
      Array.from({ length: 4 }, () => allocator.allocate(UNIT, '2026-04-05')),
    );
    expect(near.map((r) => (r.status === 'fulfilled' ? r.value : 'refused'))).toEqual([
      '000.00.15.H57-260405-9998',
      '000.00.15.H57-260405-9999',
      'refused',
      'refused',
    ]);
  });

  it('returns one code for a repeated requestId', async () => {
    const first = await allocator.reserveForRequest('request-0001', UNIT, '2026-04-02');
    const again = await allocator2.reserveForRequest('request-0001', UNIT, '2026-04-02');
    expect(first).toEqual({ code: '000.00.15.H57-260402-0001', existing: false });
    expect(again).toEqual({ code: first.code, existing: true });
  });

  it('returns one code for a requestId sent concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? allocator : allocator2).reserveForRequest('request-0002', UNIT, '2026-04-03'),
      ),
    );
    expect(new Set(results.map((r) => r.code)).size).toBe(1);
    expect(results.filter((r) => !r.existing)).toHaveLength(1);
  });

  it('refuses a 10000th dossier in a day', async () => {
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    await kv.put(dossierSequenceKey(UNIT, '2026-05-01'), '9998');
    expect(await allocator.allocate(UNIT, '2026-05-01')).toBe('000.00.15.H57-260501-9999');
    await expect(allocator.allocate(UNIT, '2026-05-01')).rejects.toThrow(DossierCodeAllocationError);
    await expect(allocator.allocate(UNIT, '2026-05-01')).rejects.toThrow(/used all 9999 dossier numbers/);
  });

  it('rejects a malformed unit code before touching a counter', async () => {
    await expect(allocator.allocate('H57.242', '2026-05-02')).rejects.toThrow(/agency code/);
  });
});
