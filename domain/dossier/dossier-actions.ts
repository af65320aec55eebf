/** What officials and applicants do to a dossier: each action's payload, validated with zod at the boundary. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { lazyRecord } from '../lazy.js';
import { unitCodeSchema } from '../unit-code.js';
import { civilDateSchema, kebabIdSchema, textSchema } from '../validation.js';

export const supplementItemSchema = z.strictObject({
  kind: kebabIdSchema.optional(),
  name: textSchema,
  reason: textSchema,
  form: z.enum(['paper', 'electronic']).default('electronic'),
});
export type SupplementItem = z.infer<typeof supplementItemSchema>;

const documentsSchema = z
  .array(
    z.strictObject({
      kind: kebabIdSchema,
      name: textSchema.optional(),
      form: z.enum(['paper', 'electronic']),
      fileRef: textSchema.optional(),
      pages: z.number().int().min(1).optional(),
    }),
  )
  .min(1, 'must list at least one document');

/**
 * Data an administrator may correct on an open dossier held up by a data error (issue #21 item 4).
 * The competent agency first; the applicant's contact details, the receiving unit and the
 * procedure are candidates (the last two change the dossier's code and rules, so they need more).
 */
export const correctableFields = ['competentAgency'] as const;
export type CorrectableField = (typeof correctableFields)[number];

export const actionSchemas = lazyRecord({
  'provide-intake-supplement': () => z.strictObject({ documents: documentsSchema }),
  'refuse-intake': () => z.strictObject({ reason: textSchema }),
  /** Online inbox: the receiving unit accepts a dossier submitted online (Giấy tiếp nhận, Mẫu 01). */
  'accept-intake': () => z.strictObject({ note: textSchema.optional() }),
  /** Online inbox: one request listing every item, electronic only (ND 61 Art 15(3), 17). */
  'request-intake-supplement': () =>
    z.strictObject({
      items: z.array(supplementItemSchema).min(1, 'must list every item to supplement at once'),
      reason: textSchema,
    }),
  'request-supplementation': () =>
    z.strictObject({
      items: z.array(supplementItemSchema).min(1, 'must list every item to supplement at once'),
      reason: textSchema,
    }),
  'provide-supplementation': () => z.strictObject({ documents: documentsSchema }),
  assign: () => z.strictObject({ specialist: z.strictObject({ id: textSchema, name: textSchema }) }),
  appraise: () => z.strictObject({ recommendation: z.enum(['approve', 'refuse']), note: textSchema }),
  'start-inter-agency': () =>
    z.strictObject({
      participants: z
        .array(z.strictObject({ agency: textSchema, task: textSchema, workingDays: z.number().int().min(1) }))
        .min(1, 'must name at least one participating agency'),
    }),
  'complete-inter-agency': () => z.strictObject({ agency: textSchema, opinion: textSchema }),
  approve: () => z.strictObject({ note: textSchema.optional(), alsoPaperResult: z.boolean().optional() }),
  refuse: () => z.strictObject({ reason: textSchema }),
  apologize: () => z.strictObject({ reason: textSchema, newDueDate: civilDateSchema }),
  stop: () => z.strictObject({ reason: textSchema }),
  withdraw: () => z.strictObject({ reason: textSchema.optional() }),
  'return-result': () =>
    z.strictObject({
      channel: z.enum(['counter', 'postal', 'online']),
      earlyNoticeSent: z.boolean().optional(),
    }),
  'record-payment': () =>
    z.strictObject({
      amountVnd: z.number().int().min(0),
      channel: z.enum(['dvcqg', 'local-portal', 'cash', 'transfer', 'postal']),
      receiptRef: textSchema.optional(),
      /** The payment gateway's transaction reference: a payment is recorded once per reference. */
      transactionRef: textSchema.optional(),
    }),
  evaluate: () =>
    z.strictObject({
      /** TT 01/2018 Art 13 per-dossier indicators 1, 2, 3, 4, 6, 7, each 0, 1 or 2 points. */
      scores: z
        .partialRecord(
          z.enum(['1', '2', '3', '4', '6', '7']),
          z.union([z.literal(0), z.literal(1), z.literal(2)]),
        )
        .refine((scores) => Object.keys(scores).length > 0, 'must score at least one indicator'),
      liked: z.boolean().optional(),
      comment: z.string().max(2000).optional(),
    }),
  'correct-data': () =>
    z.strictObject({
      field: z.enum(correctableFields, `must be one of ${correctableFields.join(', ')}`),
      /** The correct value: for the competent agency, its unit code. */
      value: unitCodeSchema,
      /** Why: the data error, and the document or request that shows the right value. */
      reason: textSchema,
    }),
});

export type ActionName = keyof typeof actionSchemas;
export const actionNames = Object.keys(actionSchemas) as ActionName[];
export type ActionPayload<A extends ActionName> = z.output<(typeof actionSchemas)[A]>;
export type ActionInput<A extends ActionName> = z.input<(typeof actionSchemas)[A]>;

export type DossierAction = {
  [A in ActionName]: { name: A; actor: Actor; payload: ActionPayload<A> };
}[ActionName];
