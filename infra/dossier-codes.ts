/**
 * Dossier code allocation (TT 01/2018/TT-VPCP Art 19, DOMAIN.md §1.3): `<unit>-YYMMDD-XXXX`, the
 * sequence counted per receiving unit and Vietnam date. Counters live in NATS KV and are advanced
 * with compare-and-set on the entry's revision, so two counters never hand out the same number.
 * Within a process, the calls waiting on the same counter share one compare-and-set: a busy desk's
 * concurrent receives take consecutive numbers in one step instead of conflicting with each other.
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

/** A call waiting for a number of one counter. */
interface Waiter {
  resolve(sequence: number): void;
  reject(error: unknown): void;
}

export class DossierCodeAllocator {
  /** Per counter key: the calls waiting for a number while a compare-and-set is in flight. */
  private readonly queues = new Map<string, Waiter[]>();

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
    const sequence = await new Promise<number>((resolve, reject) => {
      const queue = this.queues.get(key);
      if (queue) {
        queue.push({ resolve, reject });
        return;
      }
      this.queues.set(key, [{ resolve, reject }]);
      void this.serve(key, unitCode, receivedDate);
    });
    return formatDossierCode({ agencyCode: unitCode, date: receivedDate, sequence });
  }

  /**
   * Hands out numbers of one counter until no call waits: each round takes every call waiting at
   * that moment and advances the counter by their number in one compare-and-set (retried on a
   * conflict with another process). The numbers past the day's last one are refused.
   */
  private async serve(key: string, unitCode: string, receivedDate: CivilDate): Promise<void> {
    const queue = this.queues.get(key) as Waiter[];
    while (queue.length > 0) {
      const batch = queue.splice(0, queue.length);
      try {
        const first = await this.retryOnConflict(`allocating a code for ${unitCode} on ${receivedDate}`, () =>
          this.advance(key, unitCode, receivedDate, batch.length),
        );
        batch.forEach((waiter, i) => {
          if (first + i <= MAX_DAILY_SEQUENCE) waiter.resolve(first + i);
          else waiter.reject(exhausted(unitCode, receivedDate));
        });
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.queues.delete(key);
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

  /**
   * One compare-and-set step taking up to `count` numbers (fewer when the day's numbers run out);
   * returns the first. Throws a 10071 JetStreamApiError if another writer got there first.
   */
  private async advance(
    key: string,
    unitCode: string,
    receivedDate: CivilDate,
    count: number,
  ): Promise<number> {
    const entry = await this.kv.get(key);
    const last = entry?.operation === 'PUT' ? parseCounter(key, entry.string()) : 0;
    if (last >= MAX_DAILY_SEQUENCE) throw exhausted(unitCode, receivedDate);
    const taken = Math.min(last + count, MAX_DAILY_SEQUENCE);
    if (entry?.operation === 'PUT') await this.kv.update(key, String(taken), entry.revision);
    else await this.kv.create(key, String(taken));
    return last + 1;
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

function exhausted(unitCode: string, receivedDate: CivilDate): DossierCodeAllocationError {
  return new DossierCodeAllocationError(
    `unit ${unitCode} has used all ${MAX_DAILY_SEQUENCE} dossier numbers for ${receivedDate}`,
  );
}

function parseCounter(key: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new DossierCodeAllocationError(`counter ${key} holds "${text}", not a whole number`);
  }
  return value;
}
