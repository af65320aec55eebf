/**
 * Dossier code allocation (TT 01/2018/TT-VPCP Art 19, DOMAIN.md §1.3): `<unit>-YYMMDD-XXXX`, the
 * sequence counted per receiving unit and Vietnam date. Counters live in NATS KV and are advanced
 * with compare-and-set on the entry's revision, so two counters never hand out the same number.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { formatDossierCode, MAX_DAILY_SEQUENCE } from '../domain/dossier-code.js';
import type { CivilDate } from '../domain/time.js';
import { isKvConflict } from './kv-conflicts.js';

export const DEFAULT_DOSSIER_CODE_BUCKET = 'tthc_dossier_codes';
const MAX_ATTEMPTS = 50;

export class DossierCodeAllocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierCodeAllocationError';
  }
}

/** KV key of the sequence counter, e.g. 'seq.000_00_15_H57.260315' ('.' is a KV token separator). */
export function dossierSequenceKey(unitCode: string, receivedDate: CivilDate): string {
  const yymmdd = receivedDate.slice(2).replaceAll('-', '');
  return `seq.${unitCode.replaceAll('.', '_')}.${yymmdd}`;
}

export class DossierCodeAllocator {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, options: { bucket?: string } = {}): Promise<DossierCodeAllocator> {
    const bucket = options.bucket ?? DEFAULT_DOSSIER_CODE_BUCKET;
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    return new DossierCodeAllocator(kv);
  }

  /** The next code for a unit and day. Throws DossierCodeAllocationError after number 9999. */
  async allocate(unitCode: string, receivedDate: CivilDate): Promise<string> {
    // Validates the unit code and the date before any counter is touched.
    formatDossierCode({ agencyCode: unitCode, date: receivedDate, sequence: 1 });
    const key = dossierSequenceKey(unitCode, receivedDate);
    const sequence = await this.retryOnConflict(`allocating a code for ${unitCode} on ${receivedDate}`, () =>
      this.advance(key, unitCode, receivedDate),
    );
    return formatDossierCode({ agencyCode: unitCode, date: receivedDate, sequence });
  }

  /**
   * Idempotent receive: the first call for a requestId allocates a code, later calls return it
   * (`existing: true`), whatever unit and date they pass. When two calls with the same requestId
   * race, both allocate but only one mapping is stored; the loser returns the winner's code and
   * its own number is skipped, leaving a gap in the day's sequence.
   */
  async reserveForRequest(
    requestId: string,
    unitCode: string,
    receivedDate: CivilDate,
  ): Promise<{ code: string; existing: boolean }> {
    const key = `req.${createHash('sha256').update(requestId, 'utf8').digest('hex')}`;
    const earlier = await this.reservedCode(key);
    if (earlier) return { code: earlier, existing: true };
    const code = await this.allocate(unitCode, receivedDate);
    try {
      await this.kv.create(key, JSON.stringify({ code }));
      return { code, existing: false };
    } catch (error) {
      if (!isKvConflict(error)) throw error;
      const winner = await this.reservedCode(key);
      if (!winner) throw error;
      return { code: winner, existing: true };
    }
  }

  private async reservedCode(key: string): Promise<string | null> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') return null;
    return (entry.json() as { code: string }).code;
  }

  /** One compare-and-set step; throws a 10071 JetStreamApiError if another writer got there first. */
  private async advance(key: string, unitCode: string, receivedDate: CivilDate): Promise<number> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') {
      await this.kv.create(key, '1');
      return 1;
    }
    const next = parseCounter(key, entry.string()) + 1;
    if (next > MAX_DAILY_SEQUENCE) {
      throw new DossierCodeAllocationError(
        `unit ${unitCode} has used all ${MAX_DAILY_SEQUENCE} dossier numbers for ${receivedDate}`,
      );
    }
    await this.kv.update(key, String(next), entry.revision);
    return next;
  }

  private async retryOnConflict<T>(what: string, step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!isKvConflict(error)) throw error;
        if (attempt >= MAX_ATTEMPTS) {
          throw new DossierCodeAllocationError(
            `${what}: still conflicting with concurrent writers after ${MAX_ATTEMPTS} attempts`,
          );
        }
        await sleep(Math.random() * Math.min(2 * attempt, 50));
      }
    }
  }
}

function parseCounter(key: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new DossierCodeAllocationError(`counter ${key} holds "${text}", not a whole number`);
  }
  return value;
}
