/**
 * The Decision 766 indicator aggregator: a durable pull consumer with explicit acks that keeps,
 * per unit and period, the counters every dossier-level indicator is computed from.
 *
 * Messages are processed a batch at a time: each dossier's contribution is moved from its previous
 * facts to its new ones (subtract old, add new) for every period either touches. Exactly-once
 * effect (see indicator-store.ts): an event counts only if its seq is above its entity's recorded
 * seq, whatever the delivery order; a batch is journalled, its entity records carry their deltas,
 * and counter keys remember the last batch applied, so a crash anywhere is completed, never
 * doubled. An event that cannot be parsed goes to the dead-letter stream after bounded retries and
 * does not block the others. Run one aggregator per bucket: it is the bucket's only writer.
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import {
  deadLetterStreamConfig,
  ensureStream,
  eventStreamConfig,
  eventStreamName,
} from '../events/stream.js';
import { deadLetterSubject, everySubjectUnder } from '../events/subjects.js';
import { defaultPeriodKinds, type PeriodKind } from '../indicators/periods.js';
import {
  addCounts,
  applyCounterDelta,
  type Counts,
  type EntityRecord,
  type Journal,
  journalKey,
  KeyCache,
  lastBatchKey,
  openIndicatorBucket,
  sparse,
  writeEntityRecord,
} from './indicator-store.js';
import { type EventSource, eventSources, type ParsedEvent, sourceFor } from './sources.js';

export { deadLetterStreamName } from '../events/stream.js';

export interface AggregatorOptions {
  nc: NatsConnection;
  bucket: string;
  consumerName: string;
  logger: Logger;
  /** Deliver from this stream sequence on (a new consumer); default: the whole stream. */
  startSequence?: number;
  batchSize?: number;
  /** Deliveries before an unprocessable event is dead-lettered. */
  maxAttempts?: number;
  periodKinds?: readonly PeriodKind[];
  /** Fault injection for tests: runs after the entity records are written, before the counters. */
  midBatch?: () => void;
}

export interface AggregatorMetrics {
  processed: number;
  duplicates: number;
  deadLettered: number;
  lastStreamSeq: number;
  /** Publish → counters updated, over the last 1000 events (ms). */
  lag: { last: number; p50: number; p95: number; p99: number };
}

interface PendingMessage {
  message: JsMsg;
  parsed?: { source: EventSource; event: ParsedEvent };
}

export class IndicatorAggregator {
  private running = false;
  private loop?: Promise<void>;
  private stream?: ConsumerMessages;
  private wake?: () => void;
  private readonly lags: number[] = [];
  private readonly counts = { processed: 0, duplicates: 0, deadLettered: 0, lastStreamSeq: 0 };

  private constructor(
    private readonly options: Required<Omit<AggregatorOptions, 'startSequence'>> & { startSequence?: number },
    private readonly js: JetStreamClient,
    private readonly cache: KeyCache,
    private readonly consumer: Consumer,
  ) {}

  static async create(options: AggregatorOptions): Promise<IndicatorAggregator> {
    const settings = {
      batchSize: 200,
      maxAttempts: 3,
      periodKinds: defaultPeriodKinds,
      ...options,
      midBatch: options.midBatch ?? (() => undefined),
    };
    const jsm = await jetstreamManager(options.nc);
    await ensureStream(jsm, eventStreamConfig());
    await ensureStream(jsm, deadLetterStreamConfig());
    await jsm.consumers.add(eventStreamName, {
      durable_name: options.consumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(60_000),
      max_deliver: -1,
      filter_subjects: eventSources.map((source) => everySubjectUnder(source.subjectRoot)),
      ...(options.startSequence
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.startSequence }
        : { deliver_policy: DeliverPolicy.All }),
    });
    const js = jetstream(options.nc);
    const consumer = await js.consumers.get(eventStreamName, options.consumerName);
    const kv = await openIndicatorBucket(options.nc, options.bucket);
    return new IndicatorAggregator(settings, js, new KeyCache(kv), consumer);
  }

  /** Runs in the background, applying messages as they arrive (micro-batches, in order). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stream?.stop();
    this.wake?.();
    await this.loop;
  }

  /**
   * Processes everything available now, without the background loop (do not call both);
   * resolves when the consumer has nothing pending.
   */
  async drain(onProgress: (processed: number) => void = () => undefined): Promise<void> {
    for (;;) {
      const handled = await this.processBatch(1_000, this.options.batchSize * 5);
      if (handled > 0) onProgress(this.counts.processed);
      if (handled === 0 && (await this.pending()) === 0) return;
    }
  }

  async pending(): Promise<number> {
    const info = await this.consumer.info();
    return info.num_pending + info.num_ack_pending;
  }

  metrics(): AggregatorMetrics {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return {
      ...this.counts,
      lag: { last: this.lags.at(-1) ?? 0, p50: at(0.5), p95: at(0.95), p99: at(0.99) },
    };
  }

  private async run(): Promise<void> {
    const queue: JsMsg[] = [];
    const stream = await this.consumer.consume({ max_messages: this.options.batchSize * 2 });
    this.stream = stream;
    const reader = (async () => {
      for await (const message of stream) {
        queue.push(message);
        this.wake?.();
      }
    })();
    while (this.running) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      try {
        await this.handle(queue.splice(0, this.options.batchSize));
      } catch (error) {
        this.options.logger.error({ error: String(error) }, 'indicator batch failed; it will be redelivered');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
    stream.stop();
    await reader;
  }

  /** Fetches and applies one batch; returns how many messages it handled. */
  private async processBatch(expiresMs: number, size: number): Promise<number> {
    const batch = await this.consumer.fetch({ max_messages: size, expires: expiresMs });
    const messages: JsMsg[] = [];
    for await (const message of batch) {
      messages.push(message);
      if (messages.length >= size) break;
    }
    await this.handle(messages);
    return messages.length;
  }

  /** Parses and applies messages in order; on failure they are negatively acknowledged for redelivery. */
  private async handle(messages: readonly JsMsg[]): Promise<void> {
    if (messages.length === 0) return;
    const pending: PendingMessage[] = [];
    for (const message of messages) pending.push(await this.parse(message));
    try {
      await this.apply(pending.filter((p): p is Required<PendingMessage> => p.parsed !== undefined));
    } catch (error) {
      for (const p of pending) if (p.parsed) p.message.nak(1_000);
      throw error;
    }
  }

  private async parse(message: JsMsg): Promise<PendingMessage> {
    const source = sourceFor(message.subject);
    const outcome = (() => {
      if (!source) return { error: `no indicator source for subject ${message.subject}` };
      try {
        return source.parse(message.json());
      } catch (error) {
        return { error: `not JSON: ${(error as Error).message}` };
      }
    })();
    if (source && 'event' in outcome) return { message, parsed: { source, event: outcome.event } };
    const reason = 'error' in outcome ? outcome.error : 'unparseable';
    if (message.info.deliveryCount < this.options.maxAttempts) {
      message.nak(500);
    } else {
      await this.deadLetter(message, reason);
    }
    return { message };
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
    message.term(reason);
    this.counts.deadLettered++;
    this.options.logger.warn({ streamSeq: message.seq, reason }, 'event dead-lettered');
  }

  private nextBatch?: number;

  private async apply(items: ReadonlyArray<Required<PendingMessage>>): Promise<void> {
    await this.recover();
    const batch = await this.batchNumber();
    const records = new Map<string, EntityRecord | undefined>();
    const keys = [...new Set(items.map(({ parsed }) => parsed.source.recordKey(parsed.event.id)))];
    await Promise.all(
      keys.map(async (key) => records.set(key, (await this.cache.read<EntityRecord>(key))?.value)),
    );
    const changed = new Map<string, EntityRecord>();
    let duplicates = 0;
    for (const { message, parsed } of items) {
      const { source, event } = parsed;
      const key = source.recordKey(event.id);
      const previous = records.get(key);
      if (previous && event.seq <= previous.seq) {
        duplicates++;
        continue;
      }
      const deltas = { ...(changed.get(key)?.deltas ?? {}) };
      for (const [counter, delta] of source.changes(previous?.facts, event.facts, this.options.periodKinds)) {
        deltas[counter] = sparse(addCounts(deltas[counter] ?? {}, delta));
      }
      const record: EntityRecord = {
        code: event.id,
        seq: event.seq,
        streamSeq: message.seq,
        facts: event.facts,
        batch,
        deltas,
      };
      records.set(key, record);
      changed.set(key, record);
    }
    if (changed.size > 0) {
      await this.cache.put(journalKey, { batch, entityKeys: [...changed.keys()] } satisfies Journal);
      await Promise.all([...changed].map(([key, record]) => writeEntityRecord(this.cache, key, record)));
      this.options.midBatch();
      await this.complete(batch, [...changed.keys()]);
    }
    this.counts.duplicates += duplicates;
    const now = Date.now();
    for (const { message } of items) {
      message.ack();
      this.counts.processed++;
      this.counts.lastStreamSeq = Math.max(this.counts.lastStreamSeq, message.seq);
      this.recordLag(now - Number(message.info.timestampNanos / 1_000_000));
    }
  }

  /** The next batch number, after the last one fully applied (kept in the bucket). */
  private async batchNumber(): Promise<number> {
    if (this.nextBatch === undefined)
      this.nextBatch = ((await this.cache.read<number>(lastBatchKey))?.value ?? 0) + 1;
    return this.nextBatch++;
  }

  /** Completes a batch that was interrupted (a crash, a KV error) before anything new is applied. */
  private async recover(): Promise<void> {
    const journal = (await this.cache.read<Journal>(journalKey))?.value;
    if (journal) await this.complete(journal.batch, journal.entityKeys);
  }

  /** Applies the deltas the batch's entity records carry, once per counter key, then closes the journal. */
  private async complete(batch: number, entityKeys: readonly string[]): Promise<void> {
    const totals = new Map<string, Counts>();
    for (const key of entityKeys) {
      const record = (await this.cache.read<EntityRecord>(key))?.value;
      if (record?.batch !== batch) continue;
      for (const [counter, delta] of Object.entries(record.deltas ?? {})) {
        totals.set(counter, addCounts(totals.get(counter) ?? {}, delta));
      }
    }
    await Promise.all(
      [...totals].map(([counter, delta]) => applyCounterDelta(this.cache, counter, batch, delta)),
    );
    await this.cache.put(lastBatchKey, batch);
    await this.cache.remove(journalKey);
    if (this.nextBatch !== undefined && this.nextBatch <= batch) this.nextBatch = batch + 1;
  }

  private recordLag(ms: number): void {
    this.lags.push(Math.max(0, ms));
    if (this.lags.length > 1_000) this.lags.shift();
  }
}
