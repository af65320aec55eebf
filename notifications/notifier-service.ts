/**
 * The notifier (issue #17 item 4): a durable JetStream consumer (`tthc_notifier`) of the applicant
 * notification outbox (TTHC_NOTIFICATIONS) that delivers each message to the channel the applicant
 * chose: SMS through the gateway, e-mail over SMTP. Contents and contacts are opened with the
 * dossier's data key, here and nowhere else; nothing of them is logged or kept.
 *
 * Each message is sent once: its key (`<dossier>:<seq>:<kind>`) is recorded in KV
 * (`tthc_notifications`) when it is sent, so a redelivery does not send it again; across a crash
 * between sending and recording, the SMS gateway takes the key as an idempotency key and the e-mail
 * keeps a Message-ID made from it, so the applicant still gets it once. A message the gateway or the
 * server cannot take now is tried again with backoff (2 s, doubling, up to 5 min) `maxAttempts`
 * times; one refused for good, or still not taken then, is recorded as failed and shown on the
 * dossier's timeline (the `recordNotificationFailure` update), unless the dossier has ended. Messages
 * of one dossier are delivered one at a time, in order; dossiers in parallel.
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
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { recordNotificationFailureUpdate } from '../contract/dossier-contract.js';
import { formatInstant } from '../domain/time.js';
import { formatZodError } from '../domain/validation.js';
import { ErasedDataError, MissingDataKeyError } from '../encryption/data-keys.js';
import type { DetailKeys } from '../events/event-details.js';
import {
  type NotificationContent,
  type NotificationMessage,
  notificationKey,
  notificationMessageSchema,
  openNotification,
} from '../events/notification-message.js';
import { ensureStream, notificationStreamConfig, notificationStreamName } from '../events/stream.js';
import { notificationsFilter } from '../events/subjects.js';
import { maskContacts } from '../infra/logging.js';
import { DeliveryError } from './delivery-error.js';
import type { MailSender } from './mail-sender.js';
import { type DeliveryRecord, NotificationStore } from './notification-store.js';
import type { SmsGatewayClient } from './sms-gateway.js';

export const DEFAULT_NOTIFIER_CONSUMER = 'tthc_notifier';

export interface NotifierOptions {
  nc: NatsConnection;
  /** A client with the data converter, on the dossiers' namespace (failures go on the timeline). */
  temporal: Client;
  dataKeys: DetailKeys;
  sms: Pick<SmsGatewayClient, 'send'>;
  mail: Pick<MailSender, 'send'>;
  logger: Logger;
  consumerName?: string;
  bucket?: string;
  replicas?: number;
  /** Deliveries tried while the gateway or server cannot take a message (default 10). */
  maxAttempts?: number;
  /** Messages delivered at once (default 16). */
  concurrency?: number;
  /** First backoff (default 2 s), doubling up to 5 min. */
  backoffMs?: number;
  clock?: () => number;
}

export interface NotifierMetrics {
  sent: { sms: number; email: number };
  duplicate: number;
  skipped: { 'no-contact': number; erased: number; unreadable: number };
  failed: { sms: number; email: number };
  retried: number;
}

export class NotifierService {
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly counts: NotifierMetrics = {
    sent: { sms: 0, email: 0 },
    duplicate: 0,
    skipped: { 'no-contact': 0, erased: 0, unreadable: 0 },
    failed: { sms: 0, email: 0 },
    retried: 0,
  };
  private readonly consumerName: string;

  private constructor(
    private readonly options: NotifierOptions,
    private readonly store: NotificationStore,
  ) {
    this.consumerName = options.consumerName ?? DEFAULT_NOTIFIER_CONSUMER;
  }

  static async start(options: NotifierOptions): Promise<NotifierService> {
    const jsm = await jetstreamManager(options.nc);
    await ensureStream(jsm, notificationStreamConfig());
    const consumerName = options.consumerName ?? DEFAULT_NOTIFIER_CONSUMER;
    await jsm.consumers.add(notificationStreamName, {
      durable_name: consumerName,
      ack_policy: AckPolicy.Explicit,
      // Short, so that after a crash the messages in flight come back soon.
      ack_wait: nanos(30_000),
      max_deliver: -1,
      deliver_policy: DeliverPolicy.All,
      filter_subject: notificationsFilter,
    });
    const store = await NotificationStore.open(options.nc, {
      bucket: options.bucket,
      replicas: options.replicas,
    });
    const service = new NotifierService(options, store);
    await service.follow();
    options.logger.info({ consumer: consumerName }, 'notifier running');
    return service;
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Messages not yet handled (delivered or not). */
  async pending(): Promise<number> {
    const consumer = await jetstream(this.options.nc).consumers.get(
      notificationStreamName,
      this.consumerName,
    );
    const info = await consumer.info();
    return info.num_pending + info.num_ack_pending;
  }

  /** Resolves once every message published so far is handled (sent, skipped or failed). */
  async caughtUp(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.pending()) > 0 || this.inFlight.size > 0) {
      if (Date.now() > deadline) throw new Error('the notifier did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  metrics(): NotifierMetrics {
    return structuredClone(this.counts);
  }

  private async follow(): Promise<void> {
    const consumer = await jetstream(this.options.nc).consumers.get(
      notificationStreamName,
      this.consumerName,
    );
    const messages = await consumer.consume({ max_messages: 100 });
    this.messages = messages;
    const concurrency = this.options.concurrency ?? 16;
    this.loop = (async () => {
      for await (const message of messages) {
        while (this.inFlight.size >= concurrency) await Promise.race(this.inFlight);
        this.dispatch(message);
      }
    })().catch((error) => this.options.logger.error({ error: String(error) }, 'the notifier stopped'));
  }

  /** One dossier's messages one after the other; other dossiers' beside them. */
  private dispatch(message: JsMsg): void {
    const lane = message.subject;
    const previous = this.chains.get(lane) ?? Promise.resolve();
    const task = previous
      .then(() => this.handle(message))
      .catch((error) => {
        this.options.logger.warn(
          { streamSeq: message.seq, error: String(error) },
          'notification left for redelivery',
        );
        message.nak(5_000);
      });
    this.chains.set(lane, task);
    this.inFlight.add(task);
    void task.finally(() => {
      this.inFlight.delete(task);
      if (this.chains.get(lane) === task) this.chains.delete(lane);
    });
  }

  private async handle(message: JsMsg): Promise<void> {
    const parsed = notificationMessageSchema.safeParse(safeJson(message));
    if (!parsed.success) {
      this.counts.skipped.unreadable++;
      this.options.logger.error(
        { streamSeq: message.seq, issues: formatZodError(parsed.error).slice(0, 3) },
        'notifier: a message it cannot read; set aside',
      );
      message.term('unreadable');
      return;
    }
    const notification = parsed.data;
    const known = await this.store.get(notification);
    if (known && !(known.state === 'failed' && known.reported === 'no')) {
      this.counts.duplicate++;
      message.ack();
      return;
    }
    if (known) {
      await this.report(message, notification, known);
      return;
    }
    let content: NotificationContent;
    try {
      content = await openNotification(notification, this.options.dataKeys);
    } catch (error) {
      if (error instanceof ErasedDataError || error instanceof MissingDataKeyError) {
        await this.skip(message, notification, 'erased');
        return;
      }
      throw error;
    }
    if (!content.contact) {
      await this.skip(message, notification, 'no-contact');
      return;
    }
    const { contact } = content;
    const key = notificationKey(notification);
    const attempts = message.info.deliveryCount;
    try {
      const sentAs =
        contact.channel === 'sms'
          ? (await this.options.sms.send(contact.phone, content.text, key)).id
          : (
              await this.options.mail.send({
                to: contact.email,
                subject: content.subject ?? `Hồ sơ ${notification.dossierCode}`,
                text: content.text,
                key,
              })
            ).messageId;
      await this.store.put(notification, {
        state: 'sent',
        channel: contact.channel,
        at: this.now(),
        attempts,
        sentAs,
      });
      this.counts.sent[contact.channel]++;
      message.ack();
      this.options.logger.info(
        {
          dossierCode: notification.dossierCode,
          seq: notification.seq,
          kind: notification.kind,
          channel: contact.channel,
        },
        'notification sent',
      );
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      const maxAttempts = this.options.maxAttempts ?? 10;
      if (!error.permanent && attempts < maxAttempts) {
        this.counts.retried++;
        const delay = Math.min((this.options.backoffMs ?? 2_000) * 2 ** (attempts - 1), 300_000);
        this.options.logger.warn(
          {
            dossierCode: notification.dossierCode,
            kind: notification.kind,
            attempt: attempts,
            retryInMs: delay,
            error: maskContacts(error.message),
          },
          'notification not delivered yet; it will be tried again',
        );
        message.nak(delay);
        return;
      }
      const reason = error.permanent
        ? maskContacts(error.message)
        : `${maskContacts(error.message)} (sau ${attempts} lần thử)`;
      const failed: DeliveryRecord = {
        state: 'failed',
        channel: contact.channel,
        at: this.now(),
        attempts,
        reason,
        reported: 'no',
      };
      await this.store.put(notification, failed);
      this.counts.failed[contact.channel]++;
      await this.report(message, notification, failed);
    }
  }

  /** The failure goes on the dossier's timeline; recorded, then acknowledged. */
  private async report(
    message: JsMsg,
    notification: NotificationMessage,
    failed: DeliveryRecord,
  ): Promise<void> {
    let reported: DeliveryRecord['reported'] = 'yes';
    try {
      await this.options.temporal.workflow
        .getHandle(notification.dossierCode)
        .executeUpdate(recordNotificationFailureUpdate, {
          args: [
            {
              seq: Math.max(1, notification.seq),
              kind: notification.kind,
              channel: failed.channel ?? 'sms',
              reason: failed.reason ?? 'không gửi được',
              failedAt: failed.at,
            },
          ],
        });
    } catch (error) {
      const failure = error instanceof WorkflowUpdateFailedError ? error.cause : undefined;
      if (failure instanceof ApplicationFailure && failure.type === 'NOT_READY') {
        message.nak(2_000); // the dossier is still being received: a moment later
        return;
      }
      if (!(error instanceof WorkflowNotFoundError) && !/already completed/i.test(String(error))) throw error;
      reported = 'impossible';
    }
    await this.store.put(notification, { ...failed, reported });
    this.options.logger.warn(
      {
        dossierCode: notification.dossierCode,
        seq: notification.seq,
        kind: notification.kind,
        channel: failed.channel,
        reason: failed.reason,
        onTimeline: reported === 'yes',
      },
      'notification could not be delivered',
    );
    message.ack();
  }

  private async skip(
    message: JsMsg,
    notification: NotificationMessage,
    why: 'erased' | 'no-contact',
  ): Promise<void> {
    await this.store.put(notification, {
      state: 'skipped',
      at: this.now(),
      attempts: message.info.deliveryCount,
      reason: why,
    });
    this.counts.skipped[why]++;
    message.ack();
  }

  private now(): string {
    return formatInstant((this.options.clock ?? Date.now)());
  }
}

function safeJson(message: JsMsg): unknown {
  try {
    return message.json();
  } catch {
    return undefined;
  }
}
