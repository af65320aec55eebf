/**
 * Domain events on JetStream (DOMAIN.md §2.5). Every event carries the dossier's facts so that
 * every Decision 766 rate can be rebuilt from any suffix of the stream.
 */
import { z } from 'zod';

export { channelCodes, duplicateWindowMs, publishRetrySpanMs } from './constants.js';

export const eventTypes = [
  'received',
  'accepted',
  'supplement-requested',
  'supplement-provided',
  'refused',
  'closed-incomplete',
  'digitized',
  'assigned',
  'appraised',
  'inter-agency-started',
  'inter-agency-completed',
  'apology-required',
  'rescheduled',
  'overdue-unapologized',
  'overdue',
  'approved',
  'stopped',
  'withdrawn',
  'result-returned',
  'payment-recorded',
  'evaluated',
  'portal-synced',
  'notification-failed',
  /** A calendar amendment moved the dossier's deadlines (domain/dossier/dossier-calendar-change.ts). */
  'deadline-recomputed',
  /** An administrator corrected a data error (domain/dossier/dossier-corrections.ts). */
  'data-corrected',
] as const;

export type DossierEventType = (typeof eventTypes)[number];

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with offset' });
const civilDate = z.iso.date('must be a date YYYY-MM-DD');

export const dossierFactsSchema = z.strictObject({
  procedureCode: z.string(),
  ruleVersion: z.string(),
  channel: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  serviceLevel: z.enum(['toan-trinh', 'mot-phan']),
  /** The procedure is eligible for full online service (CSDLQG flag); absent in events before it was carried. */
  eligibleForToanTrinh: z.boolean().optional(),
  status: z.string(),
  receivingUnit: z.string(),
  competentAgency: z.string(),
  submittedAt: isoInstant,
  acceptedAt: isoInstant.optional(),
  /** NgayHenTra as first set, and after the one reschedule. */
  dueDate: civilDate.optional(),
  rescheduledDueDate: civilDate.optional(),
  /** When the apology (Mẫu 04) was made, and whether in time (ND 61 Art 19(9)): a late one does not move NgayHenTra. */
  apologyAt: isoInstant.optional(),
  apologyInTime: z.boolean().optional(),
  /** The decree's view: restarted after the last supplementation. */
  decreeDueDate: civilDate.optional(),
  supplementations: z.array(
    z.strictObject({
      phase: z.enum(['intake', 'processing']),
      requestedAt: isoInstant,
      providedAt: isoInstant.optional(),
    }),
  ),
  /** NgayKetThucXuLy: approval or refusal after appraisal. */
  decidedAt: isoInstant.optional(),
  endedAt: isoInstant.optional(),
  returnedAt: isoInstant.optional(),
  /** When the national portal acknowledged the dossier's sync; absent: not synced (indicator 1.4). */
  portalSyncedAt: isoInstant.optional(),
  components: z.array(
    z.strictObject({
      kind: z.string(),
      form: z.enum(['paper', 'electronic']),
      digitized: z.boolean(),
      reused: z.boolean(),
      fromDataStore: z.boolean(),
    }),
  ),
  paperResultRequired: z.boolean(),
  eResultLink: z.string().optional(),
  vneidAuthenticated: z.boolean(),
  fees: z.array(z.strictObject({ name: z.string(), amountVnd: z.number().int().min(0) })),
  paidOnline: z.boolean(),
  overdueWithoutApology: z.boolean(),
  apologyIssued: z.boolean(),
  evaluation: z
    .strictObject({ liked: z.boolean().optional(), scores: z.record(z.string(), z.number()) })
    .optional(),
});

export type DossierFacts = z.infer<typeof dossierFactsSchema>;

export const dossierEventSchema = z.strictObject({
  /** `<dossier code>:<seq>`: also the JetStream message id, so retries never duplicate. */
  id: z.string(),
  dossierCode: z.string(),
  seq: z.number().int().positive(),
  type: z.enum(eventTypes),
  occurredAt: isoInstant,
  actor: z.strictObject({ id: z.string(), unit: z.string(), role: z.string() }).optional(),
  data: z.record(z.string(), z.unknown()),
  /**
   * The details of `data`, sealed with the dossier's data key (base64; events/event-details.ts).
   * Published events carry their details only here, and `data` empty; older events have them in `data`.
   */
  sealedData: z.string().optional(),
  facts: dossierFactsSchema,
});

export type DossierEvent = z.infer<typeof dossierEventSchema>;
