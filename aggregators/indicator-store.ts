/**
 * Indicator state in NATS KV. Keys:
 *   d.<dossier code>            the last facts applied for a dossier, with its event seq
 *   c.<unit>.<period>           the dossier counters of a unit (the competent agency) for a period
 *   p.<feedback id>             the last facts applied for a feedback (PAKN)
 *   f.<unit>.<period>           the feedback counters of a unit (the handling unit) for a period
 * Every value carries `streamSeq`, the stream sequence of the last event applied to it: a write is
 * applied only for events after that mark, so a redelivered batch never counts twice.
 * Units roll up at read time (a province sums its subtree), so an event touches only leaf keys.
 */

import { StorageType } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export const indicatorMetaBucket = 'tthc_indicators_meta';
export const defaultIndicatorBucket = 'tthc_indicators_1';

/** Named counts; dossier and feedback counters are both of this shape. */
export type Counts = Record<string, number>;

/** The last facts applied for a dossier or a feedback. */
export interface EntityRecord<F = unknown> {
  code: string;
  seq: number;
  streamSeq: number;
  facts: F;
}

export interface CounterRecord<C extends Counts = Counts> {
  streamSeq: number;
  counters: C;
}

export function addCounts<C extends Counts>(a: C, b: Counts): C {
  const sum: Counts = { ...a };
  for (const [field, value] of Object.entries(b)) sum[field] = (sum[field] ?? 0) + value;
  return sum as C;
}

export function subtractCounts<C extends Counts>(a: C, b: Counts): C {
  const difference: Counts = { ...a };
  for (const [field, value] of Object.entries(b)) difference[field] = (difference[field] ?? 0) - value;
  return difference as C;
}

export function isZero(counts: Counts): boolean {
  return Object.values(counts).every((value) => value === 0);
}

const token = (text: string) => text.replace(/[^-/=\w]/g, '_');

export function dossierKey(code: string): string {
  return `d.${token(code)}`;
}

export function counterKey(unit: string, period: string): string {
  return `c.${token(unit)}.${token(period)}`;
}

export function feedbackKey(id: string): string {
  return `p.${token(id)}`;
}

export function feedbackCounterKey(unit: string, period: string): string {
  return `f.${token(unit)}.${token(period)}`;
}

export async function openIndicatorBucket(nc: NatsConnection, name: string): Promise<KV> {
  return new Kvm(nc).create(name, { history: 1, storage: StorageType.File });
}

/**
 * The bucket the read side and the live aggregator use; rebuild swaps it. `metaBucket` names the
 * pointer's own bucket (one per deployment; tests use their own).
 */
export async function activeBucketName(
  nc: NatsConnection,
  metaBucket = indicatorMetaBucket,
): Promise<string> {
  const meta = await new Kvm(nc).create(metaBucket, { history: 5, storage: StorageType.File });
  const entry = await meta.get('active');
  if (entry && entry.operation === 'PUT') return entry.string();
  try {
    await meta.create('active', defaultIndicatorBucket);
  } catch {
    // Another process set it first.
  }
  return (await meta.get('active'))?.string() ?? defaultIndicatorBucket;
}

export async function setActiveBucket(
  nc: NatsConnection,
  name: string,
  metaBucket = indicatorMetaBucket,
): Promise<void> {
  const meta = await new Kvm(nc).create(metaBucket, { history: 5, storage: StorageType.File });
  await meta.put('active', name);
}

export async function readJson<T>(kv: KV, key: string): Promise<{ value: T; revision: number } | undefined> {
  const entry = await kv.get(key);
  if (entry?.operation !== 'PUT') return undefined;
  return { value: entry.json<T>(), revision: entry.revision };
}

const conflictCodes = new Set([10071, 10164]);

function isConflict(error: unknown): boolean {
  return (
    conflictCodes.has((error as { code?: number }).code ?? 0) || /wrong last sequence/i.test(String(error))
  );
}

/**
 * The aggregator is the only writer of its bucket, so it keeps the values and revisions it has
 * read or written: a compare-and-set needs no read first. A conflict (another writer after all)
 * drops the cached entry and re-reads. Bounded: the least recently used entries are dropped.
 */
export class KeyCache {
  private readonly entries = new Map<string, { value: unknown; revision: number } | null>();

  constructor(
    readonly kv: KV,
    private readonly limit = 200_000,
  ) {}

  async read<T>(key: string): Promise<{ value: T; revision: number } | undefined> {
    if (this.entries.has(key)) {
      const entry = this.entries.get(key);
      this.touch(key, entry ?? null);
      return (entry ?? undefined) as { value: T; revision: number } | undefined;
    }
    const entry = (await readJson<T>(this.kv, key)) ?? null;
    this.touch(key, entry);
    return entry ?? undefined;
  }

  /** Read-modify-write with compare-and-set; `change` returns undefined to leave the key as it is. */
  async update<T>(key: string, change: (current: T | undefined) => T | undefined): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const current = await this.read<T>(key);
      const next = change(current?.value);
      if (next === undefined) return;
      try {
        const revision = current
          ? await this.kv.update(key, JSON.stringify(next), current.revision)
          : await this.kv.create(key, JSON.stringify(next));
        this.touch(key, { value: next, revision });
        return;
      } catch (error) {
        this.entries.delete(key);
        if (!isConflict(error)) throw error;
      }
    }
    throw new Error(`KV key ${key} kept changing under concurrent writers`);
  }

  private touch(key: string, entry: { value: unknown; revision: number } | null): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

/** Adds the deltas of the events after the key's mark, and moves the mark. */
export async function applyCounterDeltas(
  cache: KeyCache,
  key: string,
  deltas: ReadonlyArray<{ streamSeq: number; delta: Counts }>,
): Promise<void> {
  await cache.update<CounterRecord>(key, (current) => {
    const mark = current?.streamSeq ?? 0;
    const fresh = deltas.filter((d) => d.streamSeq > mark);
    if (fresh.length === 0) return undefined;
    const counters = fresh.reduce((sum, d) => addCounts(sum, d.delta), current?.counters ?? {});
    return { streamSeq: Math.max(...fresh.map((d) => d.streamSeq)), counters };
  });
}

export async function writeEntityRecord(cache: KeyCache, key: string, record: EntityRecord): Promise<void> {
  await cache.update<EntityRecord>(key, (current) =>
    current && current.streamSeq >= record.streamSeq ? undefined : record,
  );
}
