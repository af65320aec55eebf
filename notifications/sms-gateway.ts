/**
 * The SMS brandname gateway's API as tthc-flow speaks it, and the adapter. No public API document
 * of the Vietnamese brandname gateways was found (reference/integrations.md): this is a generic
 * HTTP/JSON API with what exactly-once delivery needs, an idempotency key per message (the same key
 * again returns the first answer and sends nothing), and it is what the emulator
 * (sms-gateway-emulator.ts) implements. A real gateway plugs in by configuration
 * (TTHC_SMS_GATEWAY_URL, TTHC_SMS_GATEWAY_TOKEN) or behind a small adapter of the same shape.
 *
 *   POST <url>   Authorization: Bearer <token>   Idempotency-Key: <dossier>:<seq>:<kind>
 *   { "to": "0912345678", "text": "…", "sender": "MOTCUA" }
 *   200 { "id": "…", "status": "accepted", "duplicate": false }
 *   400, 422 { "code": "INVALID_REQUEST" | "INVALID_NUMBER", "message": "…" }   never taken
 *   401 (a wrong key), 429, 5xx or no answer                                    try again
 */
import { z } from 'zod';
import { PHONE } from '../domain/application.js';
import { DeliveryError } from './delivery-error.js';

/** Longer texts are cut (with "…") before they are sent: a brandname SMS of at most 8 parts. */
export const SMS_MAX_LENGTH = 480;

export const smsSendRequestSchema = z.strictObject({
  to: z.string().regex(PHONE, 'must be a Vietnamese phone number'),
  text: z
    .string()
    .min(1, 'must not be empty')
    .max(SMS_MAX_LENGTH, `must be at most ${SMS_MAX_LENGTH} characters`),
  sender: z
    .string()
    .regex(/^[A-Za-z0-9.\-_ ]{1,11}$/, 'must be a brandname of 1–11 letters, digits, . - _ or spaces'),
});
export type SmsSendRequest = z.output<typeof smsSendRequestSchema>;

export const smsSendResponseSchema = z.object({
  id: z.string().min(1),
  status: z.literal('accepted'),
  duplicate: z.boolean().optional(),
});

export const smsErrorSchema = z.object({ code: z.string(), message: z.string() });

export interface SmsGatewayOptions {
  url: string;
  token: string;
  sender: string;
  timeoutMs?: number;
}

export class SmsGatewayClient {
  constructor(private readonly options: SmsGatewayOptions) {}

  /** Sends one SMS (once, whatever the retries: the key); the gateway's message id. */
  async send(to: string, text: string, idempotencyKey: string): Promise<{ id: string; duplicate: boolean }> {
    const body: SmsSendRequest = {
      to,
      text: text.length > SMS_MAX_LENGTH ? `${text.slice(0, SMS_MAX_LENGTH - 1)}…` : text,
      sender: this.options.sender,
    };
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'idempotency-key': idempotencyKey,
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new DeliveryError(
        timedOut ? `the SMS gateway did not answer within ${timeoutMs} ms` : 'cannot reach the SMS gateway',
        false,
      );
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (response.ok) {
      const parsed = smsSendResponseSchema.safeParse(answer);
      if (!parsed.success) throw new DeliveryError('the SMS gateway’s answer is not its API’s', false);
      return { id: parsed.data.id, duplicate: parsed.data.duplicate ?? false };
    }
    const error = smsErrorSchema.safeParse(answer);
    const detail = error.success ? `${error.data.code}: ${error.data.message}` : `HTTP ${response.status}`;
    // The message itself is wrong (400, 422): never taken. A refused key (401, 403) is the
    // configuration's fault, not the message's: tried again until an operator mends it.
    const permanent = response.status === 400 || response.status === 422;
    throw new DeliveryError(`the SMS gateway refused the message (${detail})`, permanent);
  }
}
