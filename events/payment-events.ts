/**
 * Payment events: every notification the payment gateway sends (IPN), as the merchant judged it,
 * on the append-only JetStream stream `TTHC_PAYMENTS`, subject `tthc.payment.<unit>.<outcome>`:
 *
 * - `confirmed`: a paid order, checked (signature, order, amount) and recorded on the dossier once
 *   (the dossier's own `payment-recorded` event then carries `paidOnline`, from which indicators 3.5,
 *   3.5b and 3.6 are counted: docs/indicators.md);
 * - `duplicate`: the same transaction again (a retry or a replay): answered '02', nothing recorded;
 * - `refused`: a bad signature, an unknown order, a wrong amount or merchant: answered with the
 *   error code, logged, nothing recorded;
 * - `failed`: the gateway reports a payment that did not go through (cancelled, declined).
 *
 * Entries carry no personal data: the dossier code, the order and transaction numbers, amounts and
 * reason codes (the gateway knows no more of the citizen than the order).
 */
import { randomUUID } from 'node:crypto';
import { type JetStreamClient, jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { appendOnlyStreamConfig, ensureStream, readStreamToEnd } from './stream.js';
import { paymentSubject, paymentsFilter } from './subjects.js';

export const paymentStreamName = 'TTHC_PAYMENTS';
export const paymentOutcomes = ['confirmed', 'duplicate', 'refused', 'failed'] as const;
export type PaymentOutcome = (typeof paymentOutcomes)[number];

export const paymentEventSchema = z.strictObject({
  id: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  outcome: z.enum(paymentOutcomes),
  /** The merchant's order reference (vnp_TxnRef): `<dossier code>.<attempt>`. */
  txnRef: z.string().max(100).optional(),
  dossierCode: z.string().max(40).optional(),
  receivingUnit: z.string().max(40).optional(),
  /** The gateway's transaction number (vnp_TransactionNo). */
  transactionNo: z.string().max(20).optional(),
  amountVnd: z.number().int().min(0).optional(),
  /** 766 DuocThanhToanTrucTuyen: 2 = the province's payment portal. */
  paidOnlineVia: z.literal(2).optional(),
  /** The gateway's response code, or the reason the notification was refused. */
  reason: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .optional(),
  /** The answer given to the gateway (RspCode). */
  answer: z.string().regex(/^\d{2}$/),
});
export type PaymentEvent = z.output<typeof paymentEventSchema>;
export type PaymentEventInput = Omit<PaymentEvent, 'id' | 'at'> & { at?: string };

export function paymentStreamConfig(
  replicas?: number,
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return appendOnlyStreamConfig(paymentStreamName, [paymentsFilter], replicas);
}

export class PaymentEvents {
  private constructor(private readonly js: JetStreamClient) {}

  static async open(nc: NatsConnection, options: { replicas?: number } = {}): Promise<PaymentEvents> {
    await ensureStream(await jetstreamManager(nc), paymentStreamConfig(options.replicas));
    return new PaymentEvents(jetstream(nc));
  }

  async record(input: PaymentEventInput): Promise<PaymentEvent> {
    const event = paymentEventSchema.parse({
      ...input,
      id: randomUUID(),
      at: input.at ?? new Date().toISOString(),
    });
    await this.js.publish(paymentSubject(event.receivingUnit, event.outcome), JSON.stringify(event), {
      msgID: event.id,
      expect: { streamName: paymentStreamName },
      timeout: 5_000,
    });
    return event;
  }

  /** The events of an order (or of every order when absent), oldest first. */
  async list(txnRef?: string): Promise<PaymentEvent[]> {
    const events: PaymentEvent[] = [];
    await readStreamToEnd(this.js, paymentStreamName, undefined, (message) => {
      const parsed = paymentEventSchema.safeParse(message.json());
      if (parsed.success && (txnRef === undefined || parsed.data.txnRef === txnRef)) events.push(parsed.data);
    });
    return events;
  }
}
