/**
 * What the notifier remembers of each message, in the NATS KV bucket `tthc_notifications`, key
 * `n.<dossier>.<seq>.<kind>`: sent (with the gateway's id), failed (with the reason, masked, and
 * whether the dossier's timeline has it), or skipped (no contact, erased). No contact and no text:
 * a redelivered message is recognised by its key and never sent twice.
 */
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { instantSchema } from '../domain/validation.js';
import { subjectToken } from '../events/subjects.js';

export const DEFAULT_NOTIFICATION_BUCKET = 'tthc_notifications';

export const deliveryRecordSchema = z.strictObject({
  state: z.enum(['sent', 'failed', 'skipped']),
  channel: z.enum(['sms', 'email']).optional(),
  at: instantSchema,
  /** Deliveries of the message it took. */
  attempts: z.number().int().min(1),
  /** The SMS gateway's message id, or the e-mail's Message-ID. */
  sentAs: z.string().optional(),
  /** Why it failed or was skipped (anything like a contact masked). */
  reason: z.string().optional(),
  /** A failure is on the dossier's timeline (`impossible` when the dossier has ended or is gone). */
  reported: z.enum(['no', 'yes', 'impossible']).optional(),
});
export type DeliveryRecord = z.output<typeof deliveryRecordSchema>;

export class NotificationStore {
  private constructor(private readonly kv: KV) {}

  static async open(
    nc: NatsConnection,
    options: { bucket?: string; replicas?: number } = {},
  ): Promise<NotificationStore> {
    const kv = await new Kvm(nc).create(options.bucket ?? DEFAULT_NOTIFICATION_BUCKET, {
      history: 1,
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
    });
    return new NotificationStore(kv);
  }

  async get(message: {
    dossierCode: string;
    seq: number;
    kind: string;
  }): Promise<DeliveryRecord | undefined> {
    const entry = await this.kv.get(keyOf(message));
    if (entry?.operation !== 'PUT') return undefined;
    return deliveryRecordSchema.parse(entry.json());
  }

  async put(
    message: { dossierCode: string; seq: number; kind: string },
    record: DeliveryRecord,
  ): Promise<void> {
    await this.kv.put(keyOf(message), JSON.stringify(deliveryRecordSchema.parse(record)));
  }
}

function keyOf(message: { dossierCode: string; seq: number; kind: string }): string {
  return `n.${subjectToken(message.dossierCode)}.${message.seq}.${message.kind}`;
}
