/**
 * Indicator state in NATS KV. Keys:
 *   d.<dossier code>            the last facts applied for a dossier, with its event seq
 *   c.<unit>.<period>[.<p>]     the dossier counters of a unit (the competent agency) for a period;
 *                               with more than one partition, each partition's share (`.<p>`)
 *   p.<feedback id>             the last facts applied for a feedback (PAKN)
 *   f.<unit>.<period>[.<p>]     the feedback counters of a unit (the handling unit) for a period
 *   layout                      the bucket's partition count (fixed when the bucket is created)
 *   k.<p>                       partition p's checkpoint: every event of the partition up to
 *                               stream sequence `watermark` is applied; its owner
 *   j.pending, j.last           the batch journal of buckets written before partitions (migrated)
 * Exactly-once effect: an event counts only if its seq is above its entity's recorded seq, in
 * whatever order it is (re)delivered; the entity records and the counters they moved are written
 * together in one atomic batch (aggregators/atomic-kv-batch.ts) with the partition's checkpoint,
 * which is a compare-and-set on `k.<p>`: a batch is applied whole or not at all, and an owner that
 * lost its partition cannot write. Units roll up at read time (a province sums its subtree), and
 * so do partitions, so an event touches only leaf keys of its own partition.
 */

import { StorageType } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { streamReplicas } from '../config/configuration.js';
import { isKvConflict } from '../infra/kv-conflicts.js';

export const indicatorMetaBucket = 'tthc_indicators_meta';
export const defaultIndicatorBucket = 'tthc_indicators_1';

/** Named counts; dossier and feedback counters are both of this shape. */
export type Counts = Record<string, number>;

/** The last facts applied for a dossier or a feedback, with the counter deltas of that change. */
export interface EntityRecord<F = unknown> {
  code: string;
  seq: number;
  streamSeq: number;
  facts: F;
  /** The batch that applied this change and its deltas per counter key (for recovery). */
  batch?: number;
  deltas?: Record<string, Counts>;
}

export interface CounterRecord<C extends Counts = Counts> {
  /** The last batch applied to this key. */
  batch: number;
  counters: C;
}

/** How a bucket is split; written once, when the bucket is created (or migrated). */
export interface BucketLayout {
  version: 2;
  partitions: number;
  /** Where a partition without a checkpoint starts reading the stream. */
  startSequence: number;
  /** Written by the aggregator before partitions: carried on from its durable consumer's position. */
  migratedFrom?: 'batch-journal';
}

/** Partition p's checkpoint (`k.<p>`). */
export interface PartitionMark {
  partition: number;
  /** Every event of the partition with a stream sequence up to this one is applied. */
  watermark: number;
  /** Atomic batches written for the partition (0: nothing written yet). */
  checkpoint: number;
  /** The process that owns the partition (the last to take it over). */
  owner: string;
  at: string;
  /**
   * A small checkpoint's writes ([key, value]), put after the mark: whoever reads the mark next
   * (its owner after a crash, or the next owner) puts them again before anything else.
   */
  journal?: Array<[string, string]>;
}

export const layoutKey = 'layout';

export function markKey(partition: number): string {
  return `k.${partition}`;
}

/** A bucket's layout; a bucket without one holds one partition. */
export async function readLayout(kv: KV): Promise<BucketLayout | undefined> {
  return (await readJson<BucketLayout>(kv, layoutKey))?.value;
}

/** Legacy: the batch journal of the aggregator before partitions (completed when a bucket is migrated). */
export interface Journal {
  batch: number;
  entityKeys: string[];
}

export const journalKey = 'j.pending';
export const lastBatchKey = 'j.last';

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

/** Opens (or creates, with TTHC_STREAM_REPLICAS replicas) an indicator bucket. */
export async function openIndicatorBucket(nc: NatsConnection, name: string): Promise<KV> {
  return readable(
    await new Kvm(nc).create(name, { history: 1, storage: StorageType.File, replicas: streamReplicas() }),
  );
}

/**
 * A bucket just created on a cluster answers direct reads only once its replicas are up ("no
 * responders" for a moment): waits for a read to answer (at most 10 s).
 */
export async function readable(kv: KV): Promise<KV> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await kv.get('readable');
      return kv;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * The bucket the read side and the live aggregator use; rebuild swaps it. `metaBucket` names the
 * pointer's own bucket (one per deployment; tests use their own).
 */
export async function openMetaBucket(nc: NatsConnection, metaBucket = indicatorMetaBucket): Promise<KV> {
  return readable(
    await new Kvm(nc).create(metaBucket, {
      history: 5,
      storage: StorageType.File,
      replicas: streamReplicas(),
    }),
  );
}

/** The bucket a meta bucket points to, pointing it at the default bucket on first use. */
export async function activeBucketIn(meta: KV): Promise<string> {
  const entry = await meta.get('active');
  if (entry && entry.operation === 'PUT') return entry.string();
  try {
    await meta.create('active', defaultIndicatorBucket);
  } catch {
    // Another process set it first.
  }
  return (await meta.get('active'))?.string() ?? defaultIndicatorBucket;
}

export async function activeBucketName(
  nc: NatsConnection,
  metaBucket = indicatorMetaBucket,
): Promise<string> {
  return activeBucketIn(await openMetaBucket(nc, metaBucket));
}

export async function setActiveBucket(
  nc: NatsConnection,
  name: string,
  metaBucket = indicatorMetaBucket,
): Promise<void> {
  const meta = await openMetaBucket(nc, metaBucket);
  await meta.put('active', name);
}

export async function readJson<T>(kv: KV, key: string): Promise<{ value: T; revision: number } | undefined> {
  const entry = await kv.get(key);
  if (entry?.operation !== 'PUT') return undefined;
  return { value: entry.json<T>(), revision: entry.revision };
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

  /** Writes unconditionally (keys only this aggregator writes, such as its journal). */
  async put(key: string, value: unknown): Promise<void> {
    const revision = await this.kv.put(key, JSON.stringify(value));
    this.touch(key, { value, revision });
  }

  async remove(key: string): Promise<void> {
    await this.kv.delete(key);
    this.touch(key, null);
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
        if (!isKvConflict(error)) throw error;
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

/** Adds a batch's delta to a counter key unless that batch was already applied to it. */
export async function applyCounterDelta(
  cache: KeyCache,
  key: string,
  batch: number,
  delta: Counts,
): Promise<void> {
  await cache.update<CounterRecord>(key, (current) => {
    if (current && current.batch >= batch) return undefined;
    return { batch, counters: addCounts(current?.counters ?? {}, delta) };
  });
}

/** Writes an entity's new facts unless a later (or the same) event was already recorded. */
export async function writeEntityRecord(cache: KeyCache, key: string, record: EntityRecord): Promise<void> {
  await cache.update<EntityRecord>(key, (current) =>
    current && current.seq >= record.seq ? undefined : record,
  );
}

/** Keeps only the non-zero fields (journals and records stay small). */
export function sparse(counts: Counts): Counts {
  return Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));
}

/**
 * Legacy buckets: completes a batch the aggregator before partitions left interrupted (its journal
 * `j.pending`), as that aggregator would have on its next batch: each counter key adds the
 * batch's deltas from the entity records once (its last-batch mark), then the journal is closed.
 */
export async function completeLegacyJournal(kv: KV): Promise<boolean> {
  const cache = new KeyCache(kv);
  const journal = (await cache.read<Journal>(journalKey))?.value;
  if (!journal) return false;
  const totals = new Map<string, Counts>();
  for (const key of journal.entityKeys) {
    const record = (await cache.read<EntityRecord>(key))?.value;
    if (record?.batch !== journal.batch) continue;
    for (const [counter, delta] of Object.entries(record.deltas ?? {}))
      totals.set(counter, addCounts(totals.get(counter) ?? {}, delta));
  }
  await Promise.all(
    [...totals].map(([counter, delta]) => applyCounterDelta(cache, counter, journal.batch, delta)),
  );
  await cache.put(lastBatchKey, journal.batch);
  await cache.remove(journalKey);
  return true;
}
