/**
 * A message to the applicant on the notification outbox (stream TTHC_NOTIFICATIONS,
 * `tthc.notify.<dossier code>`): which dossier, after which event, what kind, and, sealed with the
 * dossier's data key, the text and where it goes (the applicant's phone or e-mail). Nothing personal
 * travels in plaintext; after the dossier's erasure nobody can open it. Messages from before the
 * contents were sealed carry a plain `text` and no contact: nobody is sent those.
 */
import { z } from 'zod';
import { PHONE } from '../domain/application.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import type { DetailKeys } from './event-details.js';

export const notificationMessageSchema = z.strictObject({
  dossierCode: dossierCodeSchema,
  /** The dossier event the message follows. */
  seq: z.number().int().min(0),
  kind: z.string().regex(/^[a-z]+(-[a-z]+)*$/),
  /** The content (below), sealed with the dossier's data key (base64), bound to the message's key. */
  sealedContent: z.string().optional(),
  /** Before the content was sealed: the templated text (codes and dates), no contact. */
  text: z.string().optional(),
});
export type NotificationMessage = z.output<typeof notificationMessageSchema>;

export const notificationContactSchema = z.discriminatedUnion('channel', [
  z.strictObject({ channel: z.literal('sms'), phone: z.string().regex(PHONE) }),
  z.strictObject({ channel: z.literal('email'), email: z.email() }),
]);

export const notificationContentSchema = z.strictObject({
  subject: z.string().optional(),
  text: z.string().min(1),
  contact: notificationContactSchema.optional(),
});
export type NotificationContent = z.output<typeof notificationContentSchema>;

/** `<dossier code>:<seq>:<kind>`: the message's identity, its JetStream id, the gateways' idempotency key. */
export function notificationKey(message: Pick<NotificationMessage, 'dossierCode' | 'seq' | 'kind'>): string {
  return `${message.dossierCode}:${message.seq}:${message.kind}`;
}

function contentContext(key: string): string {
  return `notification\n${key}`;
}

export async function sealNotification(
  message: Pick<NotificationMessage, 'dossierCode' | 'seq' | 'kind'>,
  content: NotificationContent,
  keys: DetailKeys,
): Promise<NotificationMessage> {
  const plaintext = new TextEncoder().encode(JSON.stringify(notificationContentSchema.parse(content)));
  const sealed = await keys.seal(message.dossierCode, plaintext, contentContext(notificationKey(message)));
  return {
    dossierCode: message.dossierCode,
    seq: message.seq,
    kind: message.kind,
    sealedContent: Buffer.from(sealed).toString('base64'),
  };
}

/** The content of a message (a legacy one: its text, no contact). Throws ErasedDataError after erasure. */
export async function openNotification(
  message: NotificationMessage,
  keys: DetailKeys,
): Promise<NotificationContent> {
  if (message.sealedContent === undefined) return { text: message.text ?? '' };
  const plaintext = await keys.open(
    message.dossierCode,
    Buffer.from(message.sealedContent, 'base64'),
    contentContext(notificationKey(message)),
  );
  return notificationContentSchema.parse(JSON.parse(new TextDecoder().decode(plaintext)));
}
