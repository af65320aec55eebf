/**
 * The portal-sync service (issue #17): a durable JetStream consumer (`tthc_portal_sync`) of the
 * dossier events that sends each dossier's record and every status change to the national portal
 * (portal-client.ts), and tells the dossier when the portal has acknowledged it.
 *
 * - **Order.** Events are handled in stream order, a batch at a time, each dossier's in seq order.
 *   When the portal cannot be reached the batch is retried in place (backoff up to `maxBackoffMs`,
 *   the messages kept from redelivery), so nothing behind it overtakes it: an older state is never
 *   sent after a newer one. Per batch, one record per dossier (its newest state) and every progress
 *   step, in order.
 * - **Exactly once.** Each dossier's cursor (portal-sync-store.ts) says which event it handled last;
 *   a redelivered event at or below it is not sent again. The record's version (`PhienBan`, the
 *   event seq) makes a send after a crash (sent, not yet recorded) a duplicate the portal ignores.
 * - **Refusals.** A record or step the portal refuses is put on the dead-letter stream
 *   (`tthc.dead.tthc_portal_sync.<dossier>`) with the portal's reason, and the dossier's later events
 *   are held there behind it, unsent, so that order holds; `resend` (`tthc portal resend`) sends
 *   them again, in order, after the fix.
 * - **Acknowledgement.** The first acknowledged state is reported to the dossier (the
 *   `recordPortalSync` update, which publishes `portal-synced`: indicator 1.4 and the others that
 *   count synced dossiers). A dossier whose workflow has ended cannot take an update: the service
 *   then publishes the `portal-synced` event itself, as the event after the dossier's last, with
 *   its last facts, so the indicators and a rebuild count it all the same. A dossier whose personal
 *   data was erased, or that Temporal has forgotten, cannot be sent or reported: it is skipped.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type Msg, type NatsConnection, nanos, type Subscription } from '@nats-io/transport-node';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { z } from 'zod';
import { recordPortalSyncUpdate } from '../contract/dossier-contract.js';
import type { Procedure } from '../domain/catalogue.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { formatInstant } from '../domain/time.js';
import { formatZodError } from '../domain/validation.js';
import { type DossierEvent, dossierEventSchema } from '../events/dossier-event-schema.js';
import { type DetailKeys, sealDetails } from '../events/event-details.js';
import {
  deadLetterStreamConfig,
  deadLetterStreamName,
  ensureStream,
  eventStreamConfig,
  eventStreamName,
} from '../events/stream.js';
import {
  dossierDeadLetterSubject,
  dossierEventSubject,
  dossierEventsFilter,
  portalResendSubject,
} from '../events/subjects.js';
import { maskContacts } from '../infra/logging.js';
import type { PortalMapping } from '../rules/portal-mapping-loader.js';
import { DossierViewReader, type ErasureCheck } from './dossier-view-reader.js';
import {
  type PortalItemResult,
  type PortalProgress,
  type PortalRecord,
  portalErrorCodes,
} from './portal-api.js';
import { type PortalClient, PortalUnavailableError } from './portal-client.js';
import {
  type DossierIdentity,
  type PortalReferences,
  portalProgress,
  portalRecord,
} from './portal-record.js';
import {
  DEFAULT_PORTAL_SYNC_CONSUMER,
  type PortalSyncBacklog,
  portalSyncBacklog,
} from './portal-sync-status.js';
import {
  type PortalRefusal,
  type PortalSyncStats,
  PortalSyncStore,
  type SyncCursor,
} from './portal-sync-store.js';

export { DEFAULT_PORTAL_SYNC_CONSUMER } from './portal-sync-status.js';

/** A dead letter of the portal sync (no personal data: the portal's reason is masked). */
export const portalDeadLetterSchema = z.strictObject({
  dossierCode: dossierCodeSchema,
  seq: z.number().int().positive(),
  /** The event's sequence in TTHC_EVENTS: `resend` reads it again from there. */
  streamSeq: z.number().int().positive(),
  type: z.string(),
  /** The portal refused this one (false), or it is held behind an earlier refusal (true). */
  held: z.boolean(),
  code: z.string(),
  reason: z.string(),
  at: z.string(),
});
export type PortalDeadLetter = z.output<typeof portalDeadLetterSchema>;

export const portalResendRequestSchema = z.strictObject({ dossierCode: dossierCodeSchema.optional() });
export const portalResendReplySchema = z.strictObject({
  dossiers: z.array(
    z.strictObject({
      dossierCode: z.string(),
      sent: z.number().int(),
      synced: z.boolean(),
      refusal: z.strictObject({ seq: z.number(), code: z.string(), reason: z.string() }).optional(),
    }),
  ),
  error: z.string().optional(),
});
export type PortalResendReply = z.output<typeof portalResendReplySchema>;

export interface PortalSyncOptions {
  nc: NatsConnection;
  /** A client with the data converter (the dossiers' views are encrypted), on the dossiers' namespace. */
  temporal: Client;
  /** Data keys: details of the portal-synced events it publishes are sealed, erased dossiers are known. */
  dataKeys: DetailKeys & ErasureCheck;
  portal: PortalClient;
  refs: PortalReferences;
  logger: Logger;
  consumerName?: string;
  bucket?: string;
  replicas?: number;
  /** Deliver from this stream sequence on (a new consumer); default the whole stream. */
  startSequence?: number;
  /** Events handled per batch (default 200); records and steps per request to the portal (default 100). */
  batchSize?: number;
  requestSize?: number;
  /** Backoff while the portal cannot be reached: from 1 s, doubling, up to this (default 30 s). */
  maxBackoffMs?: number;
  clock?: () => number;
}

export interface PortalSyncMetrics {
  updates: {
    synced: number;
    duplicate: number;
    skipped: number;
    refused: number;
    held: number;
    waiting: number;
  };
  dossiers: { synced: number; failed: number };
  retries: number;
  unavailable: Record<string, number>;
  lastStreamSeq: number;
  lag: { last: number; p50: number; p95: number; p99: number };
}

interface Parsed {
  message?: JsMsg;
  streamSeq: number;
  publishedAt: number;
  event: DossierEvent;
}

type Disposition =
  | { kind: 'duplicate' }
  | { kind: 'skipped'; why: string }
  | { kind: 'synced' }
  | { kind: 'refused'; code: string; reason: string }
  | { kind: 'held'; behind: number }
  /** An earlier event of the dossier has not been handled yet (redelivered late after a crash): later. */
  | { kind: 'waiting'; for: number };

interface Work {
  code: string;
  before: SyncCursor;
  cursor: SyncCursor;
  events: Parsed[];
  /** Resending dead letters: the hold is lifted for these events. */
  resend: boolean;
  outcome: Map<number, Disposition>;
}

export class PortalSyncService {
  private running = false;
  private stopping = false;
  private loop?: Promise<void>;
  private stream?: ConsumerMessages;
  private wake?: () => void;
  private sleeper?: { cancel(): void };
  private mutex: Promise<unknown> = Promise.resolve();
  private resendSubscription?: Subscription;
  private readonly lags: number[] = [];
  private readonly reportsDue = new Set<string>();
  private readonly reportsLater = new Set<string>();
  private reporting?: Promise<void>;
  private readonly counts: PortalSyncMetrics = {
    updates: { synced: 0, duplicate: 0, skipped: 0, refused: 0, held: 0, waiting: 0 },
    dossiers: { synced: 0, failed: 0 },
    retries: 0,
    unavailable: {},
    lastStreamSeq: 0,
    lag: { last: 0, p50: 0, p95: 0, p99: 0 },
  };
  private updatesSynced = 0;
  /** Dossiers found at start with an acknowledgement not yet reported. */
  private readonly unreported: string[] = [];
  private lastAckAt?: string;
  private readonly views: DossierViewReader;
  private readonly js: JetStreamClient;
  private readonly consumerName: string;

  private constructor(
    private readonly options: PortalSyncOptions,
    private readonly store: PortalSyncStore,
  ) {
    this.views = new DossierViewReader(options.temporal, options.dataKeys);
    this.js = jetstream(options.nc);
    this.consumerName = options.consumerName ?? DEFAULT_PORTAL_SYNC_CONSUMER;
  }

  /** Creates the consumer and the bucket if needed, counts what is synced, and starts following the stream. */
  static async start(options: PortalSyncOptions): Promise<PortalSyncService> {
    const service = await PortalSyncService.open(options);
    service.running = true;
    service.loop = service.run();
    service.scheduleReports(service.unreported);
    service.resendSubscription = options.nc.subscribe(portalResendSubject, {
      queue: service.consumerName,
      callback: (error, message) => {
        if (!error) void service.answerResend(message);
      },
    });
    options.logger.info({ consumer: service.consumerName }, 'portal sync running');
    return service;
  }

  /** The service without its background loop (`drain` processes what is there): for the bench. */
  static async open(options: PortalSyncOptions): Promise<PortalSyncService> {
    const jsm = await jetstreamManager(options.nc);
    await ensureStream(jsm, eventStreamConfig());
    await ensureStream(jsm, deadLetterStreamConfig());
    const consumerName = options.consumerName ?? DEFAULT_PORTAL_SYNC_CONSUMER;
    await jsm.consumers.add(eventStreamName, {
      durable_name: consumerName,
      ack_policy: AckPolicy.Explicit,
      // Short, so that after a crash the messages in flight come back soon (later ones wait for them).
      ack_wait: nanos(30_000),
      max_deliver: -1,
      max_ack_pending: 5_000,
      filter_subject: dossierEventsFilter,
      ...(options.startSequence
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: options.startSequence }
        : { deliver_policy: DeliverPolicy.All }),
    });
    const store = await PortalSyncStore.open(options.nc, {
      bucket: options.bucket,
      replicas: options.replicas,
    });
    const service = new PortalSyncService(options, store);
    await service.countFromStore();
    return service;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.running = false;
    // Reports in flight finish (a report not made is made at the next start).
    await Promise.race([this.reporting, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    this.resendSubscription?.unsubscribe();
    this.sleeper?.cancel();
    this.stream?.stop();
    this.wake?.();
    await this.loop;
    await this.mutex.catch(() => undefined);
  }

  /** Events not yet handled (delivered or not). */
  async pending(): Promise<number> {
    const info = await (await this.js.consumers.get(eventStreamName, this.consumerName)).info();
    return info.num_pending + info.num_ack_pending;
  }

  /** The backlog and the age of its oldest event (the metrics' and `tthc portal status`'s). */
  backlog(): Promise<PortalSyncBacklog> {
    return portalSyncBacklog(this.options.nc, this.consumerName, this.clock());
  }

  /** Resolves once every event published so far is handled and every acknowledgement reported. */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.pending()) > 0 || this.reportsPending()) {
      if (Date.now() > deadline) throw new Error('the portal sync did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Handles everything available now, without the background loop (do not call both). */
  async drain(): Promise<void> {
    const consumer = await this.js.consumers.get(eventStreamName, this.consumerName);
    for (;;) {
      const info = await consumer.info();
      if (info.num_pending + info.num_ack_pending === 0) return;
      // As many as are there (a fetch for more waits for its expiry).
      const size = Math.max(1, Math.min(this.batchSize(), info.num_pending));
      const batch = await consumer.fetch({ max_messages: size, expires: 2_000 });
      const messages: JsMsg[] = [];
      for await (const message of batch) messages.push(message);
      if (messages.length > 0) await this.exclusive(() => this.handleBatch(messages));
    }
  }

  metrics(): PortalSyncMetrics {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    return {
      ...structuredClone(this.counts),
      lag: { last: this.lags.at(-1) ?? 0, p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    };
  }

  /** Sends a dossier's dead letters again (or every held-back dossier's), in order. */
  resend(dossierCode?: string): Promise<PortalResendReply> {
    return this.exclusive(async () => {
      const codes = dossierCode ? [dossierCode] : (await this.store.failed()).map((f) => f.dossierCode);
      const dossiers: PortalResendReply['dossiers'] = [];
      for (const code of codes) {
        const cursor = await this.store.cursor(code);
        if (!cursor.blocked) {
          dossiers.push({ dossierCode: code, sent: 0, synced: cursor.ackedSeq !== undefined });
          continue;
        }
        const events = await this.deadLettered(code);
        const work: Work = {
          code,
          before: cursor,
          cursor: { ...cursor },
          events,
          resend: true,
          outcome: new Map(),
        };
        await this.retrying(async () => {
          await this.sync([work]);
        });
        const refusal = work.cursor.blocked;
        if (!refusal) await this.purgeDeadLetters(code);
        dossiers.push({
          dossierCode: code,
          sent: [...work.outcome.values()].filter((o) => o.kind === 'synced').length,
          synced: !refusal,
          ...(refusal ? { refusal: { seq: refusal.seq, code: refusal.code, reason: refusal.reason } } : {}),
        });
      }
      await this.writeStats();
      return { dossiers };
    });
  }

  // -------------------------------------------------------------------------------------------

  private batchSize(): number {
    return this.options.batchSize ?? 200;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.mutex.then(fn, fn);
    this.mutex = run.catch(() => undefined);
    return run;
  }

  private async run(): Promise<void> {
    const consumer = await this.js.consumers.get(eventStreamName, this.consumerName);
    const stream = await consumer.consume({ max_messages: this.batchSize() * 2 });
    this.stream = stream;
    const queue: JsMsg[] = [];
    const reader = (async () => {
      for await (const message of stream) {
        queue.push(message);
        this.wake?.();
      }
    })().catch((error) => this.options.logger.error({ error: String(error) }, 'portal sync: stream stopped'));
    while (this.running) {
      if (queue.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      const batch = queue.splice(0, this.batchSize());
      await this.exclusive(() => this.handleBatch(batch)).catch((error) =>
        this.options.logger.error({ error: String(error) }, 'portal sync: batch left for redelivery'),
      );
    }
    stream.stop();
    await reader;
  }

  /** One batch from the stream: parsed, synced (retried in place while the portal is unreachable), acknowledged. */
  private async handleBatch(messages: JsMsg[]): Promise<void> {
    const parsed: Parsed[] = [];
    for (const message of messages) {
      const one = await this.parse(message);
      if (one) parsed.push(one);
    }
    const byDossier = new Map<string, Parsed[]>();
    for (const item of parsed) {
      const list = byDossier.get(item.event.dossierCode) ?? [];
      list.push(item);
      byDossier.set(item.event.dossierCode, list);
    }
    let waiting = new Set<Parsed>();
    await this.retrying(
      async () => {
        const work = await Promise.all(
          [...byDossier].map(async ([code, events]): Promise<Work> => {
            const cursor = await this.store.cursor(code);
            return {
              code,
              before: cursor,
              cursor: { ...cursor },
              events: events.sort((a, b) => a.event.seq - b.event.seq),
              resend: false,
              outcome: new Map(),
            };
          }),
        );
        waiting = await this.sync(work);
      },
      () => {
        for (const message of messages) message.working();
      },
    );
    for (const item of parsed) {
      if (waiting.has(item)) {
        item.message?.nak(2_000);
        continue;
      }
      this.counts.lastStreamSeq = Math.max(this.counts.lastStreamSeq, item.streamSeq);
      item.message?.ack();
    }
    await this.writeStats();
  }

  /** Runs `attempt` until it succeeds, backing off while the portal or Temporal cannot be reached. */
  private async retrying(
    attempt: () => Promise<void>,
    keepAlive: () => void = () => undefined,
  ): Promise<void> {
    let delay = 1_000;
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (this.stopping) throw error;
        this.counts.retries++;
        const reason = error instanceof PortalUnavailableError ? error.reason : 'other';
        this.counts.unavailable[reason] = (this.counts.unavailable[reason] ?? 0) + 1;
        const log = tries === 1 || tries % 10 === 0 ? 'warn' : 'debug';
        this.options.logger[log](
          { error: (error as Error).message, attempt: tries, retryInMs: delay },
          'portal sync: cannot sync now; retrying the batch',
        );
        keepAlive();
        await this.sleep(delay, keepAlive);
        delay = Math.min(delay * 2, this.options.maxBackoffMs ?? 30_000);
      }
    }
  }

  private async sleep(ms: number, keepAlive: () => void): Promise<void> {
    await new Promise<void>((resolve) => {
      const tick = setInterval(keepAlive, 20_000);
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        clearInterval(tick);
        resolve();
      }
      this.sleeper = { cancel: done };
    });
    this.sleeper = undefined;
    if (this.stopping) throw new Error('stopping');
  }

  private async parse(message: JsMsg): Promise<Parsed | undefined> {
    let value: unknown;
    try {
      value = message.json();
    } catch {
      value = undefined;
    }
    const parsed = dossierEventSchema.safeParse(value);
    if (parsed.success) {
      return {
        message,
        streamSeq: message.seq,
        publishedAt: Number(message.info.timestampNanos / 1_000_000),
        event: parsed.data,
      };
    }
    // Not a dossier event this service can read (a bug upstream): set aside, never blocking the rest.
    const code = (value as { dossierCode?: unknown } | undefined)?.dossierCode;
    const reason = formatZodError(parsed.error).slice(0, 3).join('; ');
    this.options.logger.error({ streamSeq: message.seq, reason }, 'portal sync: unreadable event set aside');
    if (typeof code === 'string' && dossierCodeSchema.safeParse(code).success) {
      await this.deadLetter({
        dossierCode: code,
        seq: Number((value as { seq?: unknown }).seq) || 1,
        streamSeq: message.seq,
        type: String((value as { type?: unknown }).type ?? 'unknown'),
        held: false,
        code: 'unreadable',
        reason: `the event does not match the event schema: ${reason}`,
        at: formatInstant(this.clock()),
      });
    }
    message.ack();
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Syncing: records, progress, refusals, the dossier's acknowledgement, cursors.

  /** Syncs what it can; the events that must wait for an earlier one of their dossier are returned. */
  private async sync(work: Work[]): Promise<Set<Parsed>> {
    const toSend = new Map<Work, Parsed[]>();
    const waiting = new Set<Parsed>();
    for (const w of work) {
      const send: Parsed[] = [];
      let next = w.cursor.handledSeq + 1;
      let waitingFor: number | undefined;
      for (const item of w.events) {
        const { seq, type } = item.event;
        const done = w.resend ? (w.cursor.ackedSeq ?? 0) : w.cursor.handledSeq;
        if (seq <= done) {
          w.outcome.set(seq, { kind: 'duplicate' });
          continue;
        }
        if (!w.resend && (waitingFor !== undefined || (seq > next && !this.gapGivenUp(w.code, next, item)))) {
          // After a crash JetStream redelivers the messages in flight only when their ack wait ends,
          // while later ones keep coming: a dossier's state never goes out before an earlier one.
          waitingFor ??= next;
          w.outcome.set(seq, { kind: 'waiting', for: waitingFor });
          waiting.add(item);
          continue;
        }
        next = seq + 1;
        if (!this.options.refs.mapping.isSynced(type))
          w.outcome.set(seq, { kind: 'skipped', why: 'not sent to the portal' });
        else if (w.cursor.blocked && !w.resend)
          w.outcome.set(seq, { kind: 'held', behind: w.cursor.blocked.seq });
        else send.push(item);
      }
      if (send.length > 0) toSend.set(w, send);
    }

    // The record goes out as the dossier's newest state, never older than one this service may
    // already have sent (before a crash, its cursor not yet written): that one is read again.
    const sources = new Map<Work, Parsed>();
    await Promise.all(
      [...toSend].map(async ([w, events]) => {
        const newest = events.at(-1) as Parsed;
        const sent = w.cursor.sent;
        const earlier = sent && sent.seq > newest.event.seq ? await this.eventAt(sent.streamSeq) : undefined;
        sources.set(w, earlier ?? newest);
      }),
    );

    // What the portal needs of each dossier beyond its events.
    const identities = new Map<Work, DossierIdentity>();
    await Promise.all(
      [...toSend].map(async ([w, events]) => {
        const source = (sources.get(w) as Parsed).event;
        const identity = await this.views.identity(w.code, {
          supplements: source.facts.supplementations.length,
          payment: source.facts.paidOnline,
        });
        if (typeof identity === 'string') {
          for (const item of events)
            w.outcome.set(item.event.seq, { kind: 'skipped', why: `personal data ${identity}` });
          toSend.delete(w);
          this.options.logger.warn(
            { dossierCode: w.code, why: identity },
            'portal sync: the dossier cannot be read (erased, or gone from Temporal); not sent',
          );
        } else identities.set(w, identity);
      }),
    );

    // Records: one per dossier, its newest state; created once, then updated. What is about to be
    // sent is written down first.
    const records = new Map<Work, PortalRecord>();
    for (const w of toSend.keys()) {
      const source = sources.get(w) as Parsed;
      records.set(w, portalRecord(source.event, identities.get(w) as DossierIdentity, this.options.refs));
      if (source.event.seq > (w.cursor.sent?.seq ?? 0))
        w.cursor.sent = { seq: source.event.seq, streamSeq: source.streamSeq };
    }
    await Promise.all([...toSend.keys()].map((w) => this.store.putCursor(w.code, w.cursor, w.before)));
    const recordResults = await this.sendRecords(records);
    for (const [w, result] of recordResults) {
      if (result.error_code !== portalErrorCodes.ok && result.error_code !== portalErrorCodes.olderVersion) {
        this.refuse(w, (toSend.get(w) as Parsed[])[0] as Parsed, result);
        toSend.delete(w);
      } else w.cursor.created = true;
    }

    // Progress: every step, in order; a refused step holds back the dossier's later ones.
    const steps: Array<[Work, Parsed, PortalProgress]> = [];
    for (const [w, events] of toSend)
      for (const item of events) steps.push([w, item, portalProgress(item.event, this.options.refs)]);
    const stepResults = await this.inChunks(steps, (chunk) =>
      this.options.portal.sendProgress(chunk.map(([, , step]) => step)),
    );
    const refused = new Set<Work>();
    steps.forEach(([w, item], i) => {
      if (refused.has(w)) return;
      const result = stepResults[i] as PortalItemResult;
      if (result.error_code === portalErrorCodes.ok || result.error_code === portalErrorCodes.olderVersion) {
        w.outcome.set(item.event.seq, { kind: 'synced' });
        this.recordLag(item.publishedAt);
      } else {
        this.refuse(w, item, result);
        refused.add(w);
      }
    });

    // Later events of a refused dossier are held behind the refusal, in the dead-letter stream too.
    for (const w of work) {
      for (const item of w.events) {
        const outcome = w.outcome.get(item.event.seq);
        if (!outcome && w.cursor.blocked)
          w.outcome.set(item.event.seq, { kind: 'held', behind: w.cursor.blocked.seq });
      }
    }
    await this.deadLetterAll(work);
    if (this.options.logger.isLevelEnabled('debug'))
      for (const w of work)
        this.options.logger.debug(
          {
            dossierCode: w.code,
            cursor: w.cursor,
            outcomes: [...w.outcome].map(([seq, o]) => `${seq}:${o.kind}`),
          },
          'portal sync: batch of a dossier',
        );
    await this.advance(work);
    await Promise.all(work.map((w) => this.store.putCursor(w.code, w.cursor, w.before)));
    this.count(work);
    // Not a dossier still at intake (only `received` acknowledged): it would refuse it (NOT_READY).
    this.scheduleReports(
      work.filter((w) => (w.cursor.ackedSeq ?? 0) > 1 && w.cursor.reported === 'no').map((w) => w.code),
    );
    return waiting;
  }

  /**
   * A dossier's earlier event that never comes (an unreadable one set aside, a stream trimmed by
   * hand) would hold the dossier back for good: after many redeliveries the gap is accepted.
   */
  private gapGivenUp(code: string, missing: number, item: Parsed): boolean {
    if ((item.message?.info.deliveryCount ?? 0) < 60) return false;
    this.options.logger.error(
      { dossierCode: code, missing, seq: item.event.seq },
      'portal sync: an earlier event of the dossier never came; its later events are sent without it',
    );
    return true;
  }

  /** Sends the records, creating new ones and updating known ones; the portal's result per dossier. */
  private async sendRecords(records: Map<Work, PortalRecord>): Promise<Map<Work, PortalItemResult>> {
    const results = new Map<Work, PortalItemResult>();
    const send = async (group: Array<[Work, PortalRecord]>, isUpdating: boolean) => {
      const answers = await this.inChunks(group, (chunk) =>
        this.options.portal.syncRecords(
          chunk.map(([, record]) => record),
          isUpdating,
        ),
      );
      const retry: Array<[Work, PortalRecord]> = [];
      group.forEach(([w, record], i) => {
        const answer = answers[i] as PortalItemResult;
        const wrongMode = isUpdating ? portalErrorCodes.notFound : portalErrorCodes.alreadyExists;
        if (answer.error_code === wrongMode) retry.push([w, record]);
        else results.set(w, answer);
      });
      return retry;
    };
    const entries = [...records];
    const createRetries = await send(
      entries.filter(([w]) => !w.cursor.created),
      false,
    );
    const updateRetries = await send(
      entries.filter(([w]) => w.cursor.created),
      true,
    );
    // The cursor did not know (a crash between the portal's answer and the cursor): the other way.
    for (const [w, record] of await send(createRetries, true)) results.set(w, notSent(record));
    for (const [w, record] of await send(updateRetries, false)) results.set(w, notSent(record));
    return results;
  }

  private async inChunks<T, R>(items: readonly T[], call: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
    const size = this.options.requestSize ?? 100;
    const out: R[] = [];
    for (let i = 0; i < items.length; i += size) out.push(...(await call(items.slice(i, i + size))));
    return out;
  }

  private refuse(w: Work, item: Parsed, result: PortalItemResult): void {
    const reason = maskContacts(result.message);
    w.outcome.set(item.event.seq, { kind: 'refused', code: result.error_code, reason });
    w.cursor.blocked = {
      seq: item.event.seq,
      code: result.error_code,
      reason,
      at: formatInstant(this.clock()),
    };
    this.options.logger.warn(
      { dossierCode: w.code, seq: item.event.seq, code: result.error_code, reason },
      'portal sync: the portal refused the dossier’s update; it and the dossier’s later updates are dead-lettered',
    );
  }

  private async deadLetterAll(work: Work[]): Promise<void> {
    const letters: PortalDeadLetter[] = [];
    for (const w of work) {
      for (const item of w.events) {
        const outcome = w.outcome.get(item.event.seq);
        if (!outcome || (outcome.kind !== 'refused' && outcome.kind !== 'held')) continue;
        if (w.resend && outcome.kind === 'held') continue; // already in the dead-letter stream
        const refusal = w.cursor.blocked as PortalRefusal;
        letters.push({
          dossierCode: w.code,
          seq: item.event.seq,
          streamSeq: item.streamSeq,
          type: item.event.type,
          held: outcome.kind === 'held',
          code: outcome.kind === 'refused' ? outcome.code : 'held',
          reason:
            outcome.kind === 'refused'
              ? outcome.reason
              : `held behind the refused update ${refusal.seq} of the dossier (${refusal.reason})`,
          at: formatInstant(this.clock()),
        });
      }
    }
    await Promise.all(letters.map((letter) => this.deadLetter(letter)));
  }

  /** A dead letter; `resend` reads a dossier's by subject, the newest per event seq wins. */
  private async deadLetter(letter: PortalDeadLetter): Promise<void> {
    await this.js.publish(
      dossierDeadLetterSubject(this.consumerName, letter.dossierCode),
      JSON.stringify(portalDeadLetterSchema.parse(letter)),
      { msgID: `${this.consumerName}:${letter.dossierCode}:${letter.seq}:${letter.at}` },
    );
  }

  /** The cursor moves past every event handled; what the portal acknowledged is remembered. */
  private async advance(work: Work[]): Promise<void> {
    const now = formatInstant(this.clock());
    for (const w of work) {
      for (const item of w.events) {
        const outcome = w.outcome.get(item.event.seq);
        if (!outcome || outcome.kind === 'waiting') continue;
        const seq = item.event.seq;
        if (seq >= w.cursor.handledSeq) {
          w.cursor.handledSeq = seq;
          w.cursor.handledStreamSeq = item.streamSeq;
        }
        if (outcome.kind === 'synced') {
          w.cursor.ackedSeq = Math.max(w.cursor.ackedSeq ?? 0, seq);
          w.cursor.ackedAt = now;
          w.cursor.acked++;
          this.lastAckAt = now;
        }
      }
      if (w.resend && ![...w.outcome.values()].some((o) => o.kind === 'refused'))
        w.cursor.blocked = undefined;
    }
  }

  /**
   * Reports the dossiers' first acknowledgements beside the sync, a few at a time, so that the
   * portal's pace never waits on Temporal's: each due dossier is reported (the `recordPortalSync`
   * update) and its cursor marked, briefly under the sync's lock. Dossiers whose report could not
   * be made yet are tried again after a while; at start, every cursor still unreported is due.
   */
  private scheduleReports(codes: Iterable<string>): void {
    for (const code of codes) this.reportsDue.add(code);
    if (this.reporting || this.reportsDue.size === 0 || this.stopping) return;
    this.reporting = (async () => {
      while (this.reportsDue.size > 0 && !this.stopping) {
        const batch = [...this.reportsDue].slice(0, 8);
        for (const code of batch) this.reportsDue.delete(code);
        await Promise.all(batch.map((code) => this.report(code)));
      }
    })().finally(() => {
      this.reporting = undefined;
      if (this.reportsDue.size > 0) this.scheduleReports([]);
    });
  }

  /** Whether acknowledgements are still to be reported (or being reported). */
  private reportsPending(): boolean {
    return this.reporting !== undefined || this.reportsDue.size > 0 || this.reportsLater.size > 0;
  }

  private async report(code: string): Promise<void> {
    try {
      const cursor = await this.store.cursor(code);
      if (cursor.reported !== 'no' || (cursor.ackedSeq ?? 0) <= 1) return;
      const outcome = await this.reportTo(code, cursor);
      if (outcome === 'later') return this.reportLater(code);
      await this.exclusive(async () => {
        const now = await this.store.cursor(code);
        await this.store.putCursor(code, { ...now, reported: outcome }, now);
      });
    } catch (error) {
      this.options.logger.warn(
        { dossierCode: code, error: String(error) },
        'portal sync: the acknowledgement could not be reported yet; it will be tried again',
      );
      this.reportLater(code);
    }
  }

  private reportLater(code: string): void {
    this.reportsLater.add(code);
    setTimeout(() => {
      this.reportsLater.delete(code);
      if (!this.stopping) this.scheduleReports([code]);
    }, 5_000).unref();
  }

  /** The report itself: `yes`, `impossible` (erased, or gone from Temporal), or `later`. */
  private async reportTo(code: string, cursor: SyncCursor): Promise<'yes' | 'impossible' | 'later'> {
    const ack = { seq: cursor.ackedSeq as number, acknowledgedAt: cursor.ackedAt as string };
    try {
      await this.options.temporal.workflow
        .getHandle(code)
        .executeUpdate(recordPortalSyncUpdate, { args: [ack] });
      return 'yes';
    } catch (error) {
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      // NOT_REACHED: the dossier has not committed the acknowledged event yet. The sync read it
      // from the stream, and a dossier's events are published before the workflow task that
      // commits them completes: one whose task is retried (a worker restarted) is behind for a while.
      if (
        failure instanceof ApplicationFailure &&
        (failure.type === 'NOT_READY' || failure.type === 'NOT_REACHED')
      )
        return 'later';
      if (failure instanceof ApplicationFailure) {
        this.options.logger.error(
          { dossierCode: code, seq: ack.seq, error: failure.message },
          'portal sync: the dossier refused the acknowledgement',
        );
        return 'impossible';
      }
      if (!(error instanceof WorkflowNotFoundError) && !isClosedWorkflowError(error)) throw error;
    }
    return this.reportForEndedDossier(code, cursor, ack);
  }

  /**
   * The dossier's workflow has ended and takes no update: the `portal-synced` event is published
   * here, as the dossier's next event, with its last facts, once this service has handled that last
   * event (until then, `later`: the batch that handles it reports again).
   */
  private async reportForEndedDossier(
    code: string,
    cursor: SyncCursor,
    ack: { seq: number; acknowledgedAt: string },
  ): Promise<'yes' | 'impossible' | 'later'> {
    const view = await this.views.view(code);
    if (typeof view === 'string') {
      this.options.logger.warn(
        { dossierCode: code, why: view },
        'portal sync: the acknowledgement cannot be recorded (the dossier is erased or gone)',
      );
      return 'impossible';
    }
    if (view.state.portalSyncedAt !== undefined || view.eventSeq < cursor.handledSeq) return 'yes';
    const last =
      view.eventSeq === cursor.handledSeq && cursor.handledStreamSeq !== undefined
        ? await this.eventAt(cursor.handledStreamSeq)
        : undefined;
    if (!last || last.event.seq !== view.eventSeq) return 'later';
    const seq = view.eventSeq + 1;
    const event: DossierEvent = {
      id: `${code}:${seq}`,
      dossierCode: code,
      seq,
      type: 'portal-synced',
      occurredAt: ack.acknowledgedAt,
      data: { seq: ack.seq, recordedBy: 'portal-sync' },
      facts: { ...last.event.facts, portalSyncedAt: ack.acknowledgedAt },
    };
    const published = await sealDetails(dossierEventSchema.parse(event), code, this.options.dataKeys);
    await this.js.publish(dossierEventSubject(event), JSON.stringify(published), {
      msgID: event.id,
      expect: { streamName: eventStreamName },
    });
    this.options.logger.info(
      { dossierCode: code, seq },
      'portal sync: the dossier had ended; its portal-synced event is published by the sync service',
    );
    return 'yes';
  }

  private count(work: Work[]): void {
    for (const w of work) {
      for (const outcome of w.outcome.values()) {
        if (outcome.kind === 'synced') this.updatesSynced++;
        this.counts.updates[outcome.kind]++;
      }
      if (w.before.ackedSeq === undefined && w.cursor.ackedSeq !== undefined) this.counts.dossiers.synced++;
      if (!w.before.blocked && w.cursor.blocked) this.counts.dossiers.failed++;
      if (w.before.blocked && !w.cursor.blocked) this.counts.dossiers.failed--;
    }
  }

  private recordLag(publishedAt: number): void {
    this.lags.push(Math.max(0, this.clock() - publishedAt));
    if (this.lags.length > 1_000) this.lags.shift();
  }

  // -------------------------------------------------------------------------------------------
  // Counts, stats, dead letters.

  /** The counts `tthc portal status` shows, from the bucket (one pass at start); failed marks put right. */
  private async countFromStore(): Promise<void> {
    let synced = 0;
    let failed = 0;
    let updates = 0;
    const marked = new Set((await this.store.failed()).map((f) => f.dossierCode));
    for await (const [code, cursor] of this.store.cursors()) {
      if (cursor.ackedSeq !== undefined) synced++;
      if ((cursor.ackedSeq ?? 0) > 1 && cursor.reported === 'no') this.unreported.push(code);
      updates += cursor.acked;
      if (cursor.blocked) failed++;
      if (Boolean(cursor.blocked) !== marked.has(code)) await this.store.markFailed(code, cursor.blocked);
    }
    this.counts.dossiers = { synced, failed };
    this.updatesSynced = updates;
    await this.writeStats();
  }

  private async writeStats(): Promise<void> {
    const { lag } = this.metrics();
    const stats: PortalSyncStats = {
      dossiersSynced: this.counts.dossiers.synced,
      updatesSynced: this.updatesSynced,
      dossiersFailed: this.counts.dossiers.failed,
      ...(this.lastAckAt ? { lastAckAt: this.lastAckAt } : {}),
      lag,
      writtenAt: formatInstant(this.clock()),
    };
    await this.store.putStats(stats);
  }

  /** The dossier's dead-lettered events, read again from TTHC_EVENTS, in seq order. */
  private async deadLettered(code: string): Promise<Parsed[]> {
    const consumer = await this.js.consumers.get(deadLetterStreamName, {
      filter_subjects: [dossierDeadLetterSubject(this.consumerName, code)],
      deliver_policy: DeliverPolicy.All,
    });
    const bySeq = new Map<number, number>();
    const info = await consumer.info();
    if (info.num_pending > 0) {
      const messages = await consumer.fetch({ max_messages: info.num_pending, expires: 2_000 });
      for await (const message of messages) {
        const letter = portalDeadLetterSchema.safeParse(message.json());
        if (letter.success) bySeq.set(letter.data.seq, letter.data.streamSeq);
        if (message.info.pending === 0) break;
      }
    }
    await consumer.delete().catch(() => undefined);
    const events = await Promise.all([...bySeq.values()].map((streamSeq) => this.eventAt(streamSeq)));
    return events.filter((e): e is Parsed => e !== undefined).sort((a, b) => a.event.seq - b.event.seq);
  }

  /** A dossier event read again from TTHC_EVENTS by its stream sequence. */
  private async eventAt(streamSeq: number): Promise<Parsed | undefined> {
    const stored = await (await jetstreamManager(this.options.nc)).streams.getMessage(eventStreamName, {
      seq: streamSeq,
    });
    if (!stored) return undefined;
    const parsed = dossierEventSchema.safeParse(stored.json());
    return parsed.success ? { streamSeq, publishedAt: stored.time.getTime(), event: parsed.data } : undefined;
  }

  private async purgeDeadLetters(code: string): Promise<void> {
    const jsm = await jetstreamManager(this.options.nc);
    await jsm.streams.purge(deadLetterStreamName, {
      filter: dossierDeadLetterSubject(this.consumerName, code),
    });
  }

  private async answerResend(message: Msg): Promise<void> {
    let reply: PortalResendReply;
    try {
      const request = portalResendRequestSchema.parse(message.json());
      reply = await this.resend(request.dossierCode);
    } catch (error) {
      reply = {
        dossiers: [],
        error: error instanceof z.ZodError ? formatZodError(error).join('; ') : (error as Error).message,
      };
    }
    message.respond(JSON.stringify(reply));
  }

  private clock(): number {
    return (this.options.clock ?? Date.now)();
  }
}

/** A record the portal took neither as new nor as an update. */
function notSent(record: PortalRecord): PortalItemResult {
  return {
    MaHoSo: record.MaHoSo,
    PhienBan: record.PhienBan,
    error_code: portalErrorCodes.systemError,
    message: 'the portal refused the record both as new and as an update',
  };
}

/** Update on a workflow that has completed (the server says so rather than not found, in some versions). */
function isClosedWorkflowError(error: unknown): boolean {
  return /workflow execution already completed|already completed/i.test(String((error as Error)?.message));
}

/** The catalogue, organisation, mapping and public address as the record needs them. */
export function portalReferences(options: {
  catalogue: readonly Procedure[];
  organisation: OrganisationRegistry;
  mapping: PortalMapping;
  publicUrl: string;
}): PortalReferences {
  const find = (code: string, ruleVersion: string) =>
    options.catalogue.find((p) => p.code === code && p.ruleVersion.version === ruleVersion) ??
    options.catalogue.filter((p) => p.code === code).at(-1);
  return {
    mapping: options.mapping,
    publicUrl: options.publicUrl,
    procedure(code, ruleVersion) {
      const procedure = find(code, ruleVersion);
      return { name: procedure?.name ?? code, sector: procedure?.sector };
    },
    documentName(code, ruleVersion, kind) {
      const procedure = find(code, ruleVersion);
      return procedure?.requiredDocuments.find((d) => d.kind === kind)?.name ?? kind;
    },
    unitName: (code) => (options.organisation.has(code) ? options.organisation.get(code).name : code),
  };
}
