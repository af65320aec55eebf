/**
 * The Decision 766 indicator aggregator: reads the event stream in order and keeps, per unit and
 * period, the counters every dossier-level indicator is computed from, in a NATS KV bucket.
 *
 * Events are aggregated in memory and written in checkpoints. A checkpoint moves each changed
 * dossier's (or feedback's) contribution from its committed facts to its newest ones once, however
 * many of its events arrived since the last checkpoint, and writes the entity records, the counters
 * they moved and the partitions' checkpoint marks (`k.<p>`: the stream sequence reached) in atomic
 * batches (aggregators/atomic-kv-batch.ts). So the bucket only ever holds whole checkpoints: after
 * a crash, the aggregator reads the marks and goes on from there.
 *
 * Exactly-once effect:
 * - an event counts only if its seq is above the seq its entity's record holds, whatever the
 *   delivery order, so a duplicate (even under another message id) or a replayed event is skipped;
 * - a batch is self-consistent: its entity records and exactly the counter moves they cause, so a
 *   checkpoint split over several batches (more than 1 000 keys) stays exact if it is cut short,
 *   and the mark's watermark only moves in its last batch;
 * - every batch compare-and-sets the marks of the partitions it writes: a process that lost a
 *   partition (its lease expired and another took it over) cannot write to it any more, and drops
 *   everything it held in memory.
 * Any failure (a KV error, a refused batch, a lost partition) resets the in-memory state and reads
 * the stream again from the checkpoints: nothing is lost or counted twice.
 *
 * Partitions (aggregators/partitions.ts) let several processes share the stream: each owns some
 * partitions (aggregators/partition-leases.ts decides which), reads the stream once from the lowest
 * checkpoint it owns, and skips the events of the others. An event that fails the schema, or whose
 * facts cannot be counted, goes to the dead-letter stream and does not block the others.
 */
import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import {
  deadLetterStreamConfig,
  ensureStream,
  eventStreamConfig,
  eventStreamName,
} from '../events/stream.js';
import { deadLetterSubject, everySubjectUnder } from '../events/subjects.js';
import { defaultPeriodKinds, type PeriodKind } from '../indicators/periods.js';
import { isKvConflict } from '../infra/kv-conflicts.js';
import {
  AtomicBatchError,
  commitAtomically,
  enableAtomicBatches,
  type KvWrite,
  kvStreamName,
  maxBatchMessages,
  wrongLastSequence,
} from './atomic-kv-batch.js';
import {
  type BucketLayout,
  type CounterRecord,
  type Counts,
  completeLegacyJournal,
  type EntityRecord,
  journalKey,
  lastBatchKey,
  layoutKey,
  markKey,
  openIndicatorBucket,
  type PartitionMark,
  readJson,
  readLayout,
} from './indicator-store.js';
import { KnownKeys } from './known-keys.js';
import { partitionedKey, partitionOfSubject } from './partitions.js';
import { type EventSource, eventSources, sourceFor } from './sources.js';

export { deadLetterStreamName } from '../events/stream.js';

export interface AggregatorOptions {
  nc: NatsConnection;
  bucket: string;
  /** Names the dead-letter subject; for a bucket written before partitions, its durable consumer. */
  consumerName: string;
  logger: Logger;
  /** A new bucket: where partitions without a checkpoint start reading (default the stream's start). */
  startSequence?: number;
  /** A new bucket: its partition count (default 1). An existing bucket keeps its own. */
  partitions?: number;
  /** Own every partition from the start (default), or none until `acquire` (a lease coordinator). */
  own?: 'all' | 'none';
  /** Written in the checkpoint marks of the partitions this process owns. */
  owner?: string;
  periodKinds?: readonly PeriodKind[];
  /** Clean entity records kept in memory (dirty ones always are). */
  maxCachedEntities?: number;
  /** Counter records kept in memory. */
  maxCachedCounters?: number;
  /** A checkpoint waits for the one in flight once this many entities changed since. */
  maxDirtyEntities?: number;
  /**
   * Fault injection for tests: `beforeCommit` runs before a checkpoint commits (an atomic batch's
   * messages are sent but not committed; a journalled mark is not written), `afterJournal` after a
   * journalled checkpoint's marks are written, before its writes.
   */
  faults?: {
    beforeCommit?: (batch: number) => void;
    afterJournal?: (batch: number) => void | Promise<void>;
  };
  /** Called after each checkpoint with every event's publish → committed lag (ms), for the bench. */
  onCommitted?: (lagsMs: readonly number[]) => void;
}

export interface AggregatorMetrics {
  /** Events applied or found duplicate, in the partitions owned. */
  processed: number;
  duplicates: number;
  deadLettered: number;
  /** The stream sequence every owned partition is committed up to. */
  lastStreamSeq: number;
  checkpoints: number;
  resets: number;
  partitions: { total: number; owned: number[] };
  /** Publish → counters updated (committed), over the last 1000 events (ms). */
  lag: { last: number; p50: number; p95: number; p99: number };
}

/** The last facts applied for an entity, and what its committed facts contribute. */
interface Entity {
  key: string;
  source: EventSource;
  code: string;
  seq: number;
  streamSeq: number;
  /** The newest facts, while not yet committed (prepared at the checkpoint, once). */
  facts?: unknown;
  /** The committed facts' contribution (counter keys with the partition's suffix) … */
  base?: Map<string, Counts>;
  /** … or, loaded from the bucket, the committed facts themselves. */
  baseFacts?: unknown;
  partition: number;
  /** The revision of its record in the bucket (0: none yet), for the compare-and-set of a journalled write. */
  revision: number;
  dirty: boolean;
}

/** A key's value as read from the bucket, with its revision (`value` undefined: deleted). */
interface Stored {
  value: unknown;
  raw: string | undefined;
  revision: number;
}

/** An entity's change in a checkpoint: its new record and what it moves, per counter key. */
interface Change {
  entity: Entity;
  value: string;
  delta: Map<string, Counts>;
}

/** A checkpoint is journalled (in its marks) up to this size; larger ones go in atomic batches. */
const journalBytes = 256 * 1024;

interface Owned {
  partition: number;
  /** The mark's revision, for the compare-and-set of the next batch. */
  revision: number;
  mark: PartitionMark;
}

interface Pending {
  message: JsMsg;
  source: EventSource;
  partition: number;
  key: string;
  id: string;
  seq: number;
  facts: unknown;
}

class PartitionLostError extends Error {
  override name = 'PartitionLostError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class IndicatorAggregator {
  private running = false;
  private loop?: Promise<void>;
  private messages?: ConsumerMessages;
  private readonly queue: JsMsg[] = [];
  private wake?: () => void;
  private space?: () => void;
  private restart = false;
  /** The stream sequence of the last message taken from the queue. */
  private position = 0;
  /** The stream sequence every owned partition is committed up to. */
  private committed = 0;
  private inFlight?: Promise<void>;
  private failure?: unknown;
  /** Set while `drain` runs: a failure ends it (rejects) instead of being retried. */
  private drainError?: { error: unknown };
  private draining = false;
  /** Ownership changes, run by the loop between two reads of the stream. */
  private readonly ownershipChanges: Array<() => Promise<void>> = [];
  private checkpointSerial = 0;
  private readonly owned = new Map<number, Owned>();
  private readonly entities = new Map<string, Entity>();
  private readonly counters = new Map<string, { counts: Counts; revision: number }>();
  private readonly dirty = new Set<Entity>();
  private readonly known = new KnownKeys();
  /**
   * Whether every key this bucket holds for the owned partitions was written by this instance:
   * true until it takes over a partition someone already wrote to (its checkpoint is not 0).
   */
  private knowsEveryKey = true;
  private windowLags: number[] = [];
  private readonly lags: number[] = [];
  private readonly counts = { processed: 0, duplicates: 0, deadLettered: 0, checkpoints: 0, resets: 0 };
  private readonly maxCachedEntities: number;
  private readonly maxCachedCounters: number;
  private readonly maxDirtyEntities: number;
  private readonly periodKinds: readonly PeriodKind[];
  readonly owner: string;

  private constructor(
    private readonly options: AggregatorOptions,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly kv: KV,
    readonly layout: BucketLayout,
  ) {
    this.owner = options.owner ?? `aggregator-${process.pid}`;
    this.maxCachedEntities = options.maxCachedEntities ?? 50_000;
    this.maxCachedCounters = options.maxCachedCounters ?? 50_000;
    this.maxDirtyEntities = options.maxDirtyEntities ?? 4_000;
    this.periodKinds = options.periodKinds ?? defaultPeriodKinds;
  }

  static async create(options: AggregatorOptions): Promise<IndicatorAggregator> {
    const jsm = await jetstreamManager(options.nc);
    await ensureStream(jsm, eventStreamConfig());
    await ensureStream(jsm, deadLetterStreamConfig());
    const kv = await openIndicatorBucket(options.nc, options.bucket);
    await enableAtomicBatches(options.nc, options.bucket);
    const layout = await openLayout(kv, jsm, options);
    const aggregator = new IndicatorAggregator(options, jetstream(options.nc), jsm, kv, layout);
    if ((options.own ?? 'all') === 'all')
      for (let p = 0; p < layout.partitions; p++) await aggregator.takeOver(p);
    return aggregator;
  }

  /** Runs in the background, applying events as they arrive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    // A loop that just failed may still be resetting: the new one starts after it.
    this.loop = (this.loop ?? Promise.resolve()).then(() => this.run());
  }

  /** Stops reading, commits what was applied, and returns once nothing is in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    this.wake?.();
    this.space?.();
    await this.loop;
    for (const change of this.ownershipChanges.splice(0)) await change();
  }

  /**
   * Applies everything in the stream now (and whatever arrives meanwhile), then stops; for a rebuild
   * or a one-off count. Rejects if a checkpoint fails (call again to go on from the checkpoints).
   */
  async drain(onProgress: (applied: number, target: number) => void = () => undefined): Promise<void> {
    this.drainError = undefined;
    this.draining = true;
    this.start();
    try {
      for (;;) {
        const target = await this.streamLastSeq();
        while (this.committed < target && !this.drainError) {
          onProgress(this.committed, target);
          await sleep(50);
        }
        const failed = this.drainError as { error: unknown } | undefined;
        if (failed) throw failed.error;
        onProgress(this.committed, target);
        if ((await this.streamLastSeq()) <= this.committed) return;
      }
    } finally {
      await this.stop();
      this.draining = false;
    }
  }

  /** Events of the stream beyond what every owned partition has committed (0 when owning none). */
  async pending(): Promise<number> {
    if (this.owned.size === 0) return 0;
    return Math.max(0, (await this.streamLastSeq()) - this.committed);
  }

  /** The stream sequence every partition of the bucket is committed up to, whoever owns it. */
  async committedEverywhere(): Promise<number> {
    let lowest = Number.POSITIVE_INFINITY;
    for (let p = 0; p < this.layout.partitions; p++) {
      const mark = await readJson<PartitionMark>(this.kv, markKey(p));
      lowest = Math.min(lowest, mark?.value.watermark ?? this.layout.startSequence - 1);
    }
    return lowest;
  }

  ownedPartitions(): number[] {
    return [...this.owned.keys()].sort((a, b) => a - b);
  }

  /** Takes partition p over (its mark names this process; the previous owner is fenced) and reads it. */
  acquire(partition: number): Promise<void> {
    return this.changeOwnership(async () => {
      if (this.owned.has(partition)) return;
      this.forget();
      await this.takeOver(partition);
    });
  }

  /** Commits what was applied, then stops applying partition p (its next owner takes it over). */
  release(partition: number): Promise<void> {
    return this.changeOwnership(async () => {
      this.owned.delete(partition);
    });
  }

  /** Runs an ownership change between two reads of the stream, after the applied events are committed. */
  private changeOwnership(change: () => Promise<void>): Promise<void> {
    if (!this.running) return change();
    return new Promise<void>((resolve, reject) => {
      this.ownershipChanges.push(() => change().then(resolve, reject));
      this.requestRestart();
    });
  }

  metrics(): AggregatorMetrics {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      ...this.counts,
      lastStreamSeq: this.committed,
      partitions: { total: this.layout.partitions, owned: this.ownedPartitions() },
      lag: { last: this.lags.at(-1) ?? 0, p50: at(0.5), p95: at(0.95), p99: at(0.99) },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Reading

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.readOnce();
        for (const change of this.ownershipChanges.splice(0)) await change();
      } catch (error) {
        if (this.draining) {
          this.drainError = { error };
          this.running = false;
        }
        if (!(error instanceof PartitionLostError))
          this.options.logger.error(
            { error: String(error), bucket: this.options.bucket },
            'indicator checkpoint failed; reading again from the last checkpoint',
          );
        await this.reset();
        if (this.running) await sleep(error instanceof PartitionLostError ? 0 : 500);
      }
    }
  }

  /** Reads from the lowest owned checkpoint until stopped, restarted or failed. */
  private async readOnce(): Promise<void> {
    this.restart = this.ownershipChanges.length > 0;
    if (this.restart) return;
    this.queue.length = 0;
    this.position = this.lowestWatermark();
    this.committed = this.position;
    if (this.owned.size === 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (!this.running || this.ownershipChanges.length > 0) resolve();
      });
      this.wake = undefined;
      return;
    }
    const consumer = await this.js.consumers.get(eventStreamName, {
      filter_subjects: eventSources.map((source) => everySubjectUnder(source.subjectRoot)),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.position + 1,
    });
    const messages = await consumer.consume({ max_messages: 2_000 });
    this.messages = messages;
    const reader = (async () => {
      for await (const message of messages) {
        this.queue.push(message);
        this.wake?.();
        if (this.queue.length >= 4_000)
          await new Promise<void>((resolve) => {
            this.space = resolve;
          });
      }
    })();
    try {
      await this.process();
    } finally {
      messages.stop();
      this.space?.();
      this.wake?.();
      await reader.catch(() => undefined);
      this.messages = undefined;
    }
  }

  /** Applies windows of queued events and starts checkpoints, until stopped or restarted. */
  private async process(): Promise<void> {
    while (this.running && !this.restart) {
      if (this.failure !== undefined) {
        await this.settle();
        throw this.failure;
      }
      if (this.queue.length === 0) {
        if (this.inFlight === undefined && (this.dirty.size > 0 || this.position > this.committed))
          this.startCheckpoint();
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          if (this.queue.length > 0 || !this.running || this.restart) resolve();
        });
        this.wake = undefined;
        continue;
      }
      const window = this.queue.splice(0, 2_000);
      this.space?.();
      this.space = undefined;
      await this.apply(window);
      if (this.failure !== undefined) continue;
      if (this.inFlight === undefined) this.startCheckpoint();
      else if (this.dirty.size >= this.maxDirtyEntities) {
        await this.inFlight;
        if (this.failure) throw this.failure;
        this.startCheckpoint();
      }
    }
    await this.settle();
    if (this.failure) throw this.failure;
    // Stopping or changing partitions: commit what was applied first.
    if (this.dirty.size > 0 || this.position > this.committed) await this.checkpoint();
  }

  private requestRestart(): void {
    this.restart = true;
    this.messages?.stop();
    this.wake?.();
    this.space?.();
  }

  private async streamLastSeq(): Promise<number> {
    return (await this.jsm.streams.info(eventStreamName)).state.last_seq;
  }

  private lowestWatermark(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const { mark } of this.owned.values()) lowest = Math.min(lowest, mark.watermark);
    return Number.isFinite(lowest) ? lowest : 0;
  }

  // -------------------------------------------------------------------------------------------
  // Applying events in memory

  private async apply(window: readonly JsMsg[]): Promise<void> {
    const items: Pending[] = [];
    const deadLetters: Promise<void>[] = [];
    for (const message of window) {
      const partition = partitionOfSubject(message.subject, this.layout.partitions);
      const owned = this.owned.get(partition);
      if (!owned || message.seq <= owned.mark.watermark) continue;
      const item = this.parse(message, partition);
      if (typeof item === 'string') deadLetters.push(this.deadLetter(message, item));
      else items.push(item);
    }
    await Promise.all(deadLetters);
    await this.load(items);
    for (const item of items) {
      const entity = this.entities.get(item.key) as Entity;
      this.counts.processed++;
      this.windowLags.push(Number(item.message.info.timestampNanos) / 1_000_000);
      if (item.seq <= entity.seq) {
        this.counts.duplicates++;
        continue;
      }
      entity.seq = item.seq;
      entity.streamSeq = item.message.seq;
      entity.facts = item.facts;
      if (!entity.dirty) {
        entity.dirty = true;
        this.dirty.add(entity);
      }
    }
    const last = window.at(-1);
    if (last) this.position = Math.max(this.position, last.seq);
  }

  private parse(message: JsMsg, partition: number): Pending | string {
    const source = sourceFor(message.subject);
    if (!source) return `no indicator source for subject ${message.subject}`;
    let json: unknown;
    try {
      json = message.json();
    } catch (error) {
      return `not JSON: ${(error as Error).message}`;
    }
    const outcome = source.parse(json);
    if ('error' in outcome) return outcome.error;
    const { id, seq, facts } = outcome.event;
    const uncountable = source.check(facts);
    if (uncountable) return `facts cannot be counted: ${uncountable}`;
    return { message, source, partition, key: source.recordKey(id), id, seq, facts };
  }

  private async deadLetter(message: JsMsg, reason: string): Promise<void> {
    await this.js.publish(
      deadLetterSubject(this.options.consumerName),
      JSON.stringify({
        reason,
        subject: message.subject,
        streamSeq: message.seq,
        deliveries: message.info.deliveryCount,
        data: message.string(),
      }),
      { msgID: `${this.options.consumerName}:${message.seq}` },
    );
    this.counts.deadLettered++;
    this.options.logger.warn({ streamSeq: message.seq, reason }, 'event dead-lettered');
  }

  /** Makes sure every entity of the window is in memory: cached, certainly new, or read from the bucket. */
  private async load(items: readonly Pending[]): Promise<void> {
    const wanted = new Map<string, Pending>();
    for (const item of items) {
      const cached = this.entities.get(item.key);
      if (cached) {
        this.touch(this.entities, item.key, cached);
        continue;
      }
      if (!wanted.has(item.key)) wanted.set(item.key, item);
    }
    const read = new Set<string>();
    for (const key of wanted.keys()) if (!this.knowsEveryKey || this.known.mightContain(key)) read.add(key);
    const records = await this.readMany([...read]);
    for (const [key, item] of wanted) {
      const stored = records.get(key);
      const record = stored?.value as EntityRecord | undefined;
      const entity: Entity = {
        key,
        source: item.source,
        code: item.id,
        seq: record?.seq ?? 0,
        streamSeq: record?.streamSeq ?? 0,
        revision: stored?.revision ?? 0,
        baseFacts: record?.facts,
        base: record ? undefined : new Map(),
        partition: item.partition,
        dirty: false,
      };
      this.entities.set(key, entity);
    }
    // Not while a checkpoint is in flight: an entity it writes must not be read back before it lands.
    if (this.inFlight === undefined) this.evict();
  }

  /**
   * The current values of many keys of the bucket with their revisions (absent keys are left
   * out): one direct get of the last messages of up to 256 subjects per request.
   */
  private async readMany(keys: readonly string[]): Promise<Map<string, Stored>> {
    const values = new Map<string, Stored>();
    const prefix = `$KV.${this.options.bucket}.`;
    const chunks: string[][] = [];
    for (let i = 0; i < keys.length; i += 256) chunks.push(keys.slice(i, i + 256).map((k) => prefix + k));
    await Promise.all(
      chunks.map(async (subjects) => {
        const messages = await this.jsm.direct.getLastMessagesFor(kvStreamName(this.options.bucket), {
          multi_last: subjects,
        });
        for await (const message of messages) {
          const operation = message.header?.get('KV-Operation');
          const key = message.subject.slice(prefix.length);
          if (operation === 'DEL' || operation === 'PURGE' || message.data.length === 0) {
            values.set(key, { value: undefined, raw: undefined, revision: message.seq });
            continue;
          }
          const raw = message.string();
          values.set(key, { value: JSON.parse(raw), raw, revision: message.seq });
        }
      }),
    );
    return values;
  }

  private touch<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
  }

  /** Drops the least recently used clean entities and counters beyond the cache limits. */
  private evict(): void {
    if (this.entities.size > this.maxCachedEntities) {
      let excess = this.entities.size - this.maxCachedEntities;
      for (const [key, entity] of this.entities) {
        if (excess <= 0) break;
        if (entity.dirty) continue;
        this.entities.delete(key);
        excess--;
      }
    }
    if (this.counters.size > this.maxCachedCounters) {
      let excess = this.counters.size - this.maxCachedCounters;
      for (const key of this.counters.keys()) {
        if (excess-- <= 0) break;
        this.counters.delete(key);
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Checkpoints

  private startCheckpoint(): void {
    // After a failed checkpoint nothing more may be committed until the state is reset: a later
    // checkpoint would move the watermark past changes that were never written.
    if (this.failure !== undefined) return;
    if (this.dirty.size === 0 && this.position <= this.committed) return;
    this.inFlight = this.checkpoint()
      .catch((error: unknown) => {
        this.failure = error;
        this.wake?.();
      })
      .finally(() => {
        this.inFlight = undefined;
        this.wake?.();
      });
  }

  /** Waits for the checkpoint in flight. */
  private async settle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /**
   * Writes the changes applied since the last checkpoint: moves each changed entity's
   * contribution once, then commits the entity records, the counters they move and the marks.
   * A small checkpoint is journalled: each partition's mark (one message, compare-and-set) carries
   * its writes, which are then put with a compare-and-set each; after a crash the journal is put
   * again. A large one goes in atomic batches of at most 1 000 keys (a server-side batch costs
   * a few milliseconds on a single-replica file stream, so it pays only for many keys).
   */
  private async checkpoint(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const watermark = this.position;
    const lags = this.windowLags;
    this.windowLags = [];
    // Synchronously: what each changed entity moves, and its record (later events may follow).
    const changes: Change[] = [];
    const counterKeys = new Map<string, number>();
    let bytes = 0;
    for (const entity of this.dirty) {
      const base =
        entity.base ??
        (entity.baseFacts === undefined
          ? new Map<string, Counts>()
          : this.contributions(entity, entity.source.prepare(entity.baseFacts, this.periodKinds)));
      const final = this.contributions(entity, entity.source.prepare(entity.facts, this.periodKinds));
      const delta = new Map<string, Counts>();
      for (const [key, counts] of final) delta.set(key, { ...counts });
      for (const [key, counts] of base) {
        const d = delta.get(key) ?? {};
        for (const field in counts) d[field] = (d[field] ?? 0) - (counts[field] as number);
        delta.set(key, d);
      }
      for (const key of delta.keys()) counterKeys.set(key, entity.partition);
      const record: EntityRecord = {
        code: entity.code,
        seq: entity.seq,
        streamSeq: entity.streamSeq,
        facts: entity.facts,
      };
      const value = JSON.stringify(record);
      bytes += value.length;
      changes.push({ entity, value, delta });
      entity.base = final;
      entity.baseFacts = undefined;
      entity.facts = undefined;
      entity.dirty = false;
      this.known.add(entity.key);
    }
    this.dirty.clear();
    // The counters' current values and revisions (one read for those not in memory).
    const missing = [...counterKeys.keys()].filter(
      (key) => !this.counters.has(key) && (!this.knowsEveryKey || this.known.mightContain(key)),
    );
    const stored = await this.readMany(missing);
    for (const key of counterKeys.keys()) {
      if (!this.counters.has(key)) {
        const found = stored.get(key);
        this.counters.set(key, {
          counts: (found?.value as CounterRecord | undefined)?.counters ?? {},
          revision: found?.revision ?? 0,
        });
      }
      this.known.add(key);
    }
    bytes += counterKeys.size * 400;
    if (bytes <= journalBytes && changes.length + counterKeys.size < maxBatchMessages / 2)
      await this.commitJournalled(changes, counterKeys, watermark);
    else await this.commitInBatches(changes, watermark);
    this.committed = Math.max(this.committed, watermark);
    const now = Date.now();
    for (const publishedAt of lags) this.recordLag(now - publishedAt);
    this.options.onCommitted?.(lags.map((publishedAt) => now - publishedAt));
    this.evict();
  }

  /** The counter records a checkpoint writes, each summed over the changes given (absolute values). */
  private counterWrites(changes: readonly Change[], serial: number): Array<KvWrite & { counts: Counts }> {
    const sums = new Map<string, Counts>();
    for (const { delta } of changes)
      for (const [key, d] of delta) {
        let sum = sums.get(key);
        if (!sum) {
          sum = {};
          sums.set(key, sum);
        }
        for (const field in d) sum[field] = (sum[field] ?? 0) + (d[field] as number);
      }
    const writes: Array<KvWrite & { counts: Counts }> = [];
    for (const [key, delta] of sums) {
      const current = this.counters.get(key) ?? { counts: {}, revision: 0 };
      const next: Counts = { ...current.counts };
      for (const field in delta) {
        const value = (next[field] ?? 0) + (delta[field] as number);
        if (value === 0) delete next[field];
        else next[field] = value;
      }
      writes.push({
        key,
        value: JSON.stringify({ batch: serial, counters: next } satisfies CounterRecord),
        expectRevision: current.revision,
        counts: next,
      });
    }
    return writes;
  }

  private nextMarks(watermark: number | undefined, journal?: Map<number, Array<[string, string]>>) {
    const at = new Date().toISOString();
    return [...this.owned.values()].map((owned) => {
      const mark: PartitionMark = {
        partition: owned.partition,
        watermark: watermark === undefined ? owned.mark.watermark : Math.max(watermark, owned.mark.watermark),
        checkpoint: owned.mark.checkpoint + 1,
        owner: this.owner,
        at,
        ...(journal ? { journal: journal.get(owned.partition) ?? [] } : {}),
      };
      return {
        owned,
        mark,
        write: { key: markKey(owned.partition), value: JSON.stringify(mark), expectRevision: owned.revision },
      };
    });
  }

  /** Many keys: atomic batches of at most 1 000 keys, each self-consistent; the last moves the watermark. */
  private async commitInBatches(changes: readonly Change[], watermark: number): Promise<void> {
    const plans: Change[][] = [];
    const marks = this.owned.size;
    let plan: Change[] = [];
    const planCounters = new Set<string>();
    for (const change of changes) {
      let added = 0;
      for (const key of change.delta.keys()) if (!planCounters.has(key)) added++;
      if (plan.length > 0 && plan.length + 1 + planCounters.size + added + marks > maxBatchMessages) {
        plans.push(plan);
        plan = [];
        planCounters.clear();
      }
      plan.push(change);
      for (const key of change.delta.keys()) planCounters.add(key);
    }
    plans.push(plan);
    for (let i = 0; i < plans.length; i++) {
      const batch = plans[i] as Change[];
      const serial = ++this.checkpointSerial;
      const counters = this.counterWrites(batch, serial);
      const marks = this.nextMarks(i === plans.length - 1 ? watermark : undefined);
      const writes: KvWrite[] = [
        ...batch.map(({ entity, value }) => ({ key: entity.key, value })),
        ...counters.map(({ key, value }) => ({ key, value })),
        ...marks.map(({ write }) => write),
      ];
      this.options.faults?.beforeCommit?.(serial);
      let revisions: number[];
      try {
        revisions = await commitAtomically(this.options.nc, this.options.bucket, writes);
      } catch (error) {
        if (error instanceof AtomicBatchError && error.code === wrongLastSequence)
          throw new PartitionLostError(`a partition of ${this.options.bucket} was taken over`);
        throw error;
      }
      batch.forEach(({ entity }, j) => {
        entity.revision = revisions[j] as number;
      });
      counters.forEach(({ key, counts }, j) => {
        this.touch(this.counters, key, { counts, revision: revisions[batch.length + j] as number });
      });
      marks.forEach(({ owned, mark }, j) => {
        owned.revision = revisions[batch.length + counters.length + j] as number;
        owned.mark = mark;
      });
      this.counts.checkpoints++;
    }
  }

  /**
   * Few keys: each partition's mark carries its writes (the journal: one message, so all or
   * nothing), then every write is put with a compare-and-set on the revision this process last
   * wrote or read, so that a process that lost the partition meanwhile cannot overwrite anything.
   */
  private async commitJournalled(
    changes: readonly Change[],
    counterPartitions: ReadonlyMap<string, number>,
    watermark: number,
  ): Promise<void> {
    const serial = ++this.checkpointSerial;
    const counters = this.counterWrites(changes, serial);
    const journal = new Map<number, Array<[string, string]>>();
    const add = (partition: number, key: string, value: string) => {
      let entries = journal.get(partition);
      if (!entries) {
        entries = [];
        journal.set(partition, entries);
      }
      entries.push([key, value]);
    };
    for (const { entity, value } of changes) add(entity.partition, entity.key, value);
    for (const { key, value } of counters) add(counterPartitions.get(key) ?? 0, key, value);
    const marks = this.nextMarks(watermark, journal);
    this.options.faults?.beforeCommit?.(serial);
    const revisions = await Promise.all(marks.map(({ write }) => this.put(write)));
    marks.forEach(({ owned, mark }, j) => {
      owned.revision = revisions[j] as number;
      owned.mark = mark;
    });
    await this.options.faults?.afterJournal?.(serial);
    await Promise.all([
      ...changes.map(async ({ entity, value }) => {
        entity.revision = await this.put({ key: entity.key, value, expectRevision: entity.revision });
      }),
      ...counters.map(async ({ key, value, expectRevision, counts }) => {
        this.touch(this.counters, key, { counts, revision: await this.put({ key, value, expectRevision }) });
      }),
    ]);
    this.counts.checkpoints++;
  }

  /** One key, compare-and-set on its revision (0: must not exist); a conflict means the partition was lost. */
  private async put(write: KvWrite): Promise<number> {
    try {
      const ack = await this.js.publish(`$KV.${this.options.bucket}.${write.key}`, write.value, {
        expect: { lastSubjectSequence: write.expectRevision ?? 0 },
      });
      return ack.seq;
    } catch (error) {
      if (isKvConflict(error))
        throw new PartitionLostError(`${write.key} of ${this.options.bucket} was written by another process`);
      throw error;
    }
  }

  /**
   * Puts a partition's journal again (after a crash between the mark and its writes, or a take-over):
   * each key gets the journal's value unless it already has it; idempotent, safe to repeat.
   */
  private async applyJournal(mark: PartitionMark): Promise<void> {
    const journal = mark.journal ?? [];
    if (journal.length === 0) return;
    const current = await this.readMany(journal.map(([key]) => key));
    await Promise.all(
      journal.map(async ([key, value]) => {
        let found = current.get(key);
        for (let attempt = 0; attempt < 10; attempt++) {
          if (found?.raw === value) return;
          try {
            await this.js.publish(`$KV.${this.options.bucket}.${key}`, value, {
              expect: { lastSubjectSequence: found?.revision ?? 0 },
            });
            return;
          } catch (error) {
            if (!isKvConflict(error)) throw error;
            found = (await this.readMany([key])).get(key);
          }
        }
        throw new Error(`${key} of ${this.options.bucket} kept changing while its journal was applied`);
      }),
    );
  }

  /** A source's contributions with the partition's suffix on every counter key. */
  private contributions(entity: Entity, prepared: unknown): Map<string, Counts> {
    const plain = entity.source.contributions(prepared);
    if (this.layout.partitions <= 1) return plain;
    const keyed = new Map<string, Counts>();
    for (const [key, counts] of plain)
      keyed.set(partitionedKey(key, entity.partition, this.layout.partitions), counts);
    return keyed;
  }

  /** Takes over partition p's mark (compare-and-set), fencing its previous owner; puts its journal again. */
  private async takeOver(partition: number): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const entry = await this.kv.get(markKey(partition));
      const current =
        entry?.operation === 'PUT'
          ? entry.json<PartitionMark>()
          : {
              partition,
              watermark: this.layout.startSequence - 1,
              checkpoint: 0,
              owner: '',
              at: '',
            };
      const mark: PartitionMark = { ...current, owner: this.owner, at: new Date().toISOString() };
      let revision: number;
      try {
        revision =
          entry?.operation === 'PUT'
            ? await this.kv.update(markKey(partition), JSON.stringify(mark), entry.revision)
            : await this.kv.create(markKey(partition), JSON.stringify(mark));
      } catch (error) {
        if (!isKvConflict(error)) throw error;
        continue;
      }
      if (current.checkpoint > 0) this.knowsEveryKey = false;
      await this.applyJournal(mark);
      this.owned.set(partition, { partition, revision, mark });
      return;
    }
    throw new Error(`partition ${partition} of ${this.options.bucket}: its mark kept changing`);
  }

  /** After a failure: drops what memory held and reads the marks again; lost partitions are let go. */
  private async reset(): Promise<void> {
    await this.settle();
    this.counts.resets++;
    this.forget();
    for (const [partition, owned] of [...this.owned]) {
      try {
        const entry = await this.kv.get(markKey(partition));
        const mark = entry?.operation === 'PUT' ? entry.json<PartitionMark>() : undefined;
        if (!entry || !mark || mark.owner !== this.owner) {
          this.owned.delete(partition);
          this.options.logger.warn(
            { partition, bucket: this.options.bucket, owner: mark?.owner },
            'indicator partition taken over by another process',
          );
          continue;
        }
        // Cut short between a journalled mark and its writes: put them (again).
        await this.applyJournal(mark);
        owned.revision = entry.revision;
        owned.mark = mark;
      } catch (error) {
        this.options.logger.warn({ error: String(error) }, 'cannot read an indicator checkpoint yet');
      }
    }
    this.failure = undefined;
  }

  private forget(): void {
    this.entities.clear();
    this.counters.clear();
    this.dirty.clear();
    this.windowLags = [];
    this.queue.length = 0;
  }

  private recordLag(ms: number): void {
    this.lags.push(Math.max(0, ms));
    if (this.lags.length > 1_000) this.lags.splice(0, this.lags.length - 1_000);
  }
}

/** The bucket's layout: read, created for a new bucket, or migrated from the batch journal. */
async function openLayout(kv: KV, jsm: JetStreamManager, options: AggregatorOptions): Promise<BucketLayout> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await readLayout(kv);
    if (existing) {
      if (options.partitions !== undefined && options.partitions !== existing.partitions)
        options.logger.warn(
          { bucket: options.bucket, partitions: existing.partitions, configured: options.partitions },
          'the indicator bucket keeps the partition count it was created with; rebuild to change it',
        );
      return existing;
    }
    const legacy =
      (await readJson<number>(kv, lastBatchKey)) !== undefined ||
      (await readJson<unknown>(kv, journalKey)) !== undefined;
    if (legacy) return migrate(kv, jsm, options);
    const layout: BucketLayout = {
      version: 2,
      partitions: Math.max(1, options.partitions ?? 1),
      startSequence: Math.max(1, options.startSequence ?? 1),
    };
    try {
      await kv.create(layoutKey, JSON.stringify(layout));
      return layout;
    } catch (error) {
      if (!isKvConflict(error)) throw error;
    }
  }
  throw new Error(`the layout of ${options.bucket} kept changing`);
}

/**
 * A bucket written before partitions: completes its interrupted batch, then goes on as one
 * partition from its durable consumer's acknowledged position (events after it that were applied
 * are skipped by their entity's seq), and removes that consumer.
 */
async function migrate(kv: KV, jsm: JetStreamManager, options: AggregatorOptions): Promise<BucketLayout> {
  const completed = await completeLegacyJournal(kv);
  let watermark = 0;
  try {
    const info = await jsm.consumers.info(eventStreamName, options.consumerName);
    watermark = info.ack_floor.stream_seq;
  } catch {
    // No durable consumer: read the whole stream (every applied event is skipped by its seq).
  }
  const layout: BucketLayout = { version: 2, partitions: 1, startSequence: 1, migratedFrom: 'batch-journal' };
  const mark: PartitionMark = {
    partition: 0,
    watermark,
    checkpoint: 1,
    owner: options.owner ?? '',
    at: new Date().toISOString(),
  };
  try {
    await commitAtomically(options.nc, options.bucket, [
      { key: markKey(0), value: JSON.stringify(mark), expectRevision: 0 },
      { key: layoutKey, value: JSON.stringify(layout), expectRevision: 0 },
    ]);
  } catch (error) {
    if (!(error instanceof AtomicBatchError && error.code === wrongLastSequence)) throw error;
    return (await readLayout(kv)) ?? layout;
  }
  await jsm.consumers.delete(eventStreamName, options.consumerName).catch(() => undefined);
  options.logger.info(
    { bucket: options.bucket, watermark, completedJournal: completed },
    'indicator bucket migrated from the batch journal to checkpoints',
  );
  return layout;
}
