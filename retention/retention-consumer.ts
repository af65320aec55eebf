/**
 * Follows the dossier events (stream TTHC_EVENTS, subjects `tthc.dossier.>`) with a durable
 * consumer and records in the retention index, for each dossier that has ended, the day its
 * personal data falls due for erasure: the ended day (its facts' `endedAt` or `returnedAt`) plus
 * its procedure's retention (the catalogue's `personalDataRetention`). Only the facts it needs are
 * read from an event, so other fields may change without it noticing. Redelivery is harmless.
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Procedure } from '../domain/catalogue.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { endedOn, personalDataDueDate, type RetentionSource, retentionFor } from '../domain/retention.js';
import { formatInstant, parseInstant, toCivilDate } from '../domain/time.js';
import { formatZodError, instantSchema } from '../domain/validation.js';
import { ensureStream, eventStreamConfig, eventStreamName } from '../events/stream.js';
import { dossierEventsFilter } from '../events/subjects.js';
import type { EndedDossier, RetentionIndex } from './retention-index.js';

export const DEFAULT_RETENTION_CONSUMER = 'tthc_retention';

/** What this consumer reads of a dossier event; everything else is ignored. */
const retentionFactsSchema = z.object({
  dossierCode: dossierCodeSchema,
  facts: z.object({
    procedureCode: z.string().min(1),
    ruleVersion: z.string().min(1),
    submittedAt: instantSchema,
    endedAt: instantSchema.optional(),
    returnedAt: instantSchema.optional(),
  }),
});

export interface RetentionConsumerOptions {
  nc: NatsConnection;
  index: RetentionIndex;
  catalogue: readonly Procedure[];
  logger: Logger;
  consumerName?: string;
  /** When an entry is recorded (default Date.now). */
  clock?: () => number;
}

export class RetentionConsumer {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;

  private constructor(
    private readonly options: RetentionConsumerOptions,
    private readonly consumerName: string,
  ) {}

  /** Creates the durable consumer if needed and starts following the stream. */
  static async start(options: RetentionConsumerOptions): Promise<RetentionConsumer> {
    const consumerName = options.consumerName ?? DEFAULT_RETENTION_CONSUMER;
    const jsm = await jetstreamManager(options.nc);
    await ensureStream(jsm, eventStreamConfig());
    await jsm.consumers.add(eventStreamName, {
      durable_name: consumerName,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(60_000),
      max_deliver: -1,
      deliver_policy: DeliverPolicy.All,
      filter_subject: dossierEventsFilter,
    });
    const consumer = new RetentionConsumer(options, consumerName);
    await consumer.follow();
    return consumer;
  }

  /** Events not yet handled (delivered or not). */
  async pending(): Promise<number> {
    const consumer = await jetstream(this.options.nc).consumers.get(eventStreamName, this.consumerName);
    const info = await consumer.info();
    return info.num_pending + info.num_ack_pending;
  }

  /** Resolves once every event published so far is handled. */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.pending()) > 0) {
      if (Date.now() > deadline) throw new Error('the retention consumer did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
  }

  private async follow(): Promise<void> {
    const consumer = await jetstream(this.options.nc).consumers.get(eventStreamName, this.consumerName);
    const messages = await consumer.consume({ max_messages: 200 });
    this.messages = messages;
    this.loop = (async () => {
      for await (const message of messages) await this.handle(message);
    })().catch((error) =>
      this.options.logger.error({ error: String(error) }, 'the retention consumer stopped'),
    );
  }

  private async handle(message: JsMsg): Promise<void> {
    const ended = this.endedDossierOf(message);
    if (!ended) {
      message.ack();
      return;
    }
    try {
      const at = formatInstant((this.options.clock ?? Date.now)());
      const outcome = await this.options.index.recordEnded(ended.dossier, at);
      if (outcome === 'recorded') this.logRecorded(ended.dossier, ended.source);
      message.ack();
    } catch (error) {
      this.options.logger.warn(
        { streamSeq: message.seq, error: String(error) },
        'retention index not updated; the event will be redelivered',
      );
      message.nak(5_000);
    }
  }

  private logRecorded(dossier: EndedDossier, source: RetentionSource): void {
    const { dossierCode, procedureCode } = dossier;
    this.options.logger.info(
      { dossierCode, procedureCode, endedOn: dossier.endedOn, dueOn: dossier.dueOn },
      'personal data of an ended dossier falls due for erasure',
    );
    if (source !== 'rule-version') {
      this.options.logger.warn(
        { dossierCode, procedureCode, retentionSource: source },
        'retention: the dossier’s rule version is not in the catalogue; another entry’s period applies',
      );
    }
  }

  /** The dossier an event shows ended, with its due day; undefined for an open dossier or another event. */
  private endedDossierOf(message: JsMsg): { dossier: EndedDossier; source: RetentionSource } | undefined {
    let value: unknown;
    try {
      value = message.json();
    } catch {
      this.options.logger.warn({ streamSeq: message.seq }, 'retention: event is not JSON; skipped');
      return undefined;
    }
    const parsed = retentionFactsSchema.safeParse(value);
    if (!parsed.success) {
      this.options.logger.warn(
        { streamSeq: message.seq, issues: formatZodError(parsed.error).slice(0, 3) },
        'retention: event without the facts it needs; skipped',
      );
      return undefined;
    }
    const { dossierCode, facts } = parsed.data;
    const ended = endedOn(facts);
    if (!ended) return undefined;
    const retention = retentionFor(this.options.catalogue, {
      procedureCode: facts.procedureCode,
      ruleVersion: facts.ruleVersion,
      receivedOn: toCivilDate(parseInstant(facts.submittedAt)),
    });
    const dossier = {
      dossierCode,
      procedureCode: facts.procedureCode,
      endedOn: ended,
      retentionMonths: retention.months,
      dueOn: personalDataDueDate(ended, retention),
    };
    return { dossier, source: retention.source };
  }
}
