/**
 * Feedback (PAKN) events on JetStream, subjects `tthc.feedback.<handling unit>.<type>` on the
 * TTHC_EVENTS stream. Every event carries the feedback's facts, so that Decision 766 indicators
 * 5.1–5.3 (DOMAIN.md §2.3 group 5) can be rebuilt from the latest event of each feedback:
 * - 5.1: `facts.topic` / `facts.classification` of every feedback received in the period;
 * - 5.2: `facts.onTime` (processed on time, or in progress within time) and `facts.limits`;
 * - 5.3: `facts.satisfaction.countsAsSatisfied` (not "not satisfied", not followed up, not overdue).
 */
import { z } from 'zod';

export const feedbackEventTypes = [
  'submitted',
  'accepted',
  'rejected',
  'forwarded',
  'assigned',
  'supplement-requested',
  'supplement-provided',
  'assessed',
  'answered',
  'published',
  'rated',
  'reacted',
  'followed-up',
  'limit-overdue',
  'closed',
] as const;

export type FeedbackEventType = (typeof feedbackEventTypes)[number];

const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant with offset' });
const civilDate = z.iso.date('must be a date YYYY-MM-DD');

export const limitFactSchema = z.strictObject({
  workingDays: z.number().int().positive(),
  from: isoInstant,
  dueDate: civilDate,
  dueAt: isoInstant,
  outcome: z.enum(['pending', 'overdue', 'met', 'missed', 'not-applicable']),
  doneAt: isoInstant.optional(),
  /** When the timer found the limit passed with the step still open. */
  overdueSince: isoInstant.optional(),
});

export type LimitFact = z.infer<typeof limitFactSchema>;

export const feedbackFactsSchema = z.strictObject({
  channel: z.enum(['direct', 'postal', 'online', 'phone', 'opinion-form']),
  submitterType: z.enum(['citizen', 'organisation']),
  receivingUnit: z.string(),
  /** The unit holding the feedback now (the latest transfer's target). */
  handlingUnit: z.string(),
  status: z.enum([
    'CHO_TIEP_NHAN',
    'KHONG_TIEP_NHAN',
    'CHUYEN_XU_LY',
    'DANG_XU_LY',
    'CHO_CONG_KHAI',
    'DA_CONG_KHAI',
  ]),
  about: z
    .strictObject({
      dossierCode: z.string().optional(),
      procedureCode: z.string().optional(),
      feedbackId: z.string().optional(),
    })
    .optional(),
  /** Indicator 5.1: 'quy-dinh' (quy định, chính sách, thủ tục) or 'hanh-vi' (hành vi CBCC). */
  topic: z.enum(['quy-dinh', 'hanh-vi']).optional(),
  /** ND 20 Art 9(d) class given by the handling unit (or by the last forwarding unit). */
  classification: z.enum(['khong-tiep-nhan', 'hanh-vi', 'thuoc-tham-quyen', 'ngoai-tham-quyen']).optional(),
  ruleVersion: z.string(),
  /** When these facts were taken (the event's time): "today" for indicator 5.2 (absent in older events). */
  observedAt: isoInstant.optional(),
  submittedAt: isoInstant,
  /** Submission or the latest transfer: the limits count from here. */
  clockStartedAt: isoInstant,
  classifiedAt: isoInstant.optional(),
  rejectedAt: isoInstant.optional(),
  firstSupplementRequestedAt: isoInstant.optional(),
  answeredAt: isoInstant.optional(),
  publishedAt: isoInstant.optional(),
  endedAt: isoInstant.optional(),
  transfers: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      at: isoInstant,
      classification: z.enum(['hanh-vi', 'ngoai-tham-quyen']),
      dueDate: civilDate,
      met: z.boolean(),
    }),
  ),
  limits: z.strictObject({
    reject: limitFactSchema,
    supplement: limitFactSchema,
    forward: limitFactSchema,
    answer: limitFactSchema,
    publish: limitFactSchema.optional(),
  }),
  /** Indicator 5.2: no limit missed, answer and publication not past due while open. */
  onTime: z.boolean(),
  measure: z.string().optional(),
  satisfaction: z.strictObject({
    rated: z.boolean(),
    satisfied: z.boolean().optional(),
    likes: z.number().int().min(0),
    dislikes: z.number().int().min(0),
    notSatisfied: z.boolean(),
    followedUp: z.boolean(),
    overdue: z.boolean(),
    countsAsSatisfied: z.boolean(),
  }),
  followUps: z.array(z.strictObject({ feedbackId: z.string(), at: isoInstant })),
});

export type FeedbackFacts = z.infer<typeof feedbackFactsSchema>;

export const feedbackEventSchema = z.strictObject({
  /** `<feedback id>:<seq>`: also the JetStream message id, so retries never duplicate. */
  id: z.string(),
  feedbackId: z.string(),
  seq: z.number().int().positive(),
  type: z.enum(feedbackEventTypes),
  occurredAt: isoInstant,
  actor: z.strictObject({ id: z.string(), unit: z.string(), role: z.string() }).optional(),
  data: z.record(z.string(), z.unknown()),
  /**
   * The details of `data`, sealed with the feedback's data key (base64; events/event-details.ts).
   * Published events carry their details only here, and `data` empty; older events have them in `data`.
   */
  sealedData: z.string().optional(),
  facts: feedbackFactsSchema,
});

export type FeedbackEvent = z.infer<typeof feedbackEventSchema>;
