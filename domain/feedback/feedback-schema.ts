/**
 * The feedback a citizen or organisation submits (PAKN, DOMAIN.md §5), validated at the client and
 * HTTP boundaries. Kept apart from the feedback state machine so that workflow code does not build the
 * applicant and catalogue schemas in every workflow's sandbox.
 */
import { z } from 'zod';
import { applicantSchema } from '../application.js';
import { procedureCodeSchema } from '../catalogue.js';
import { isDossierCode } from '../dossier-code.js';
import { unitCodeSchema } from '../organisation.js';
import { instantSchema, textSchema } from '../validation.js';
import { FEEDBACK_ID, feedbackChannels } from './feedback-submission.js';

export const feedbackSchema = z.strictObject({
  /** Client idempotency key: resubmitting the same requestId must not create a second feedback. */
  requestId: z.string().regex(/^[\x21-\x7E]{8,128}$/, 'must be 8–128 visible ASCII characters (no spaces)'),
  /** The citizen or organisation giving the feedback (same shape as a dossier applicant). */
  submitter: applicantSchema,
  channel: z.enum(feedbackChannels, `must be one of ${feedbackChannels.join(', ')}`),
  /** Unit code of the body that receives the feedback. */
  receivingUnit: unitCodeSchema,
  title: textSchema.optional(),
  content: textSchema.pipe(z.string().max(20_000, 'must be at most 20000 characters')),
  /** What the feedback is about: a dossier, a procedure, or the result of an earlier feedback. */
  about: z
    .strictObject({
      dossierCode: z
        .string()
        .refine(isDossierCode, 'must be a dossier code <agency code>-YYMMDD-XXXX')
        .optional(),
      procedureCode: procedureCodeSchema.optional(),
      feedbackId: z.string().regex(FEEDBACK_ID, 'must be a feedback id PAKN-<unit>-YYMMDD-XXXX').optional(),
    })
    .optional(),
  /** When the feedback reached the unit, if earlier than its registration (a letter by post). */
  submittedAt: instantSchema.optional(),
});

export type Feedback = z.output<typeof feedbackSchema>;
export type FeedbackInput = z.input<typeof feedbackSchema>;
