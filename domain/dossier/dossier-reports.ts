/**
 * What outside systems report back about a dossier: the national portal's acknowledgement of a
 * sync (DOMAIN.md §2.3 1.4: a dossier counts as synced once the portal has it), and a message to
 * the applicant that could not be delivered (shown on the dossier's timeline for the counter).
 * Pure: the services that talk to those systems send these reports to the workflow.
 */
import { z } from 'zod';
import { type Instant, parseInstant } from '../time.js';
import { instantSchema, textSchema } from '../validation.js';
import { reject } from './dossier-rejection.js';
import { type DossierState, record, type Transition } from './dossier-state.js';

export const portalSyncAckSchema = z.strictObject({
  /** The seq of the dossier's event whose state the portal acknowledged. */
  seq: z.number().int().positive(),
  /** When the portal acknowledged it. */
  acknowledgedAt: instantSchema,
});
export type PortalSyncAck = z.output<typeof portalSyncAckSchema>;

export const notificationChannels = ['sms', 'email'] as const;

export const notificationFailureSchema = z.strictObject({
  /** The seq of the dossier event the message was about. */
  seq: z.number().int().positive(),
  kind: textSchema,
  channel: z.enum(notificationChannels),
  reason: textSchema,
  failedAt: instantSchema,
});
export type NotificationFailure = z.output<typeof notificationFailureSchema>;

/**
 * The portal acknowledged the dossier's state as of event `seq`. The first acknowledgement makes
 * the dossier synced (an event, so the indicators and a rebuild see it); later ones only move the
 * acknowledged seq. An acknowledgement of a seq the dossier has not reached is refused (NOT_REACHED):
 * the stream can be ahead of a dossier for a moment, as its events are published before the
 * workflow task that commits them completes, so the portal sync tries such a report again later.
 */
export function recordPortalSync(
  state: DossierState,
  ack: PortalSyncAck,
  lastEventSeq: number,
): Transition | undefined {
  if (ack.seq > lastEventSeq) {
    reject('NOT_REACHED', `Hồ sơ ${state.code} chưa có sự kiện số ${ack.seq} để xác nhận đồng bộ`);
  }
  const at: Instant = parseInstant(ack.acknowledgedAt);
  const synced = state.portalSync;
  if (synced && synced.seq >= ack.seq) return undefined;
  const next: DossierState = {
    ...state,
    portalSyncedAt: state.portalSyncedAt ?? at,
    portalSync: { seq: ack.seq, at },
  };
  if (state.portalSyncedAt !== undefined) return { state: next, events: [] };
  return record(next, at, 'portal-synced', undefined, [
    { type: 'portal-synced', at, data: { seq: ack.seq } },
  ]);
}

/** A message to the applicant could not be delivered: on the timeline, and an event. */
export function recordNotificationFailure(state: DossierState, failure: NotificationFailure): Transition {
  const at = parseInstant(failure.failedAt);
  const note = `${failure.kind} (${failure.channel}): ${failure.reason}`;
  return record(
    state,
    at,
    'notification-failed',
    undefined,
    [
      {
        type: 'notification-failed',
        at,
        data: { seq: failure.seq, kind: failure.kind, channel: failure.channel, reason: failure.reason },
      },
    ],
    note,
  );
}
