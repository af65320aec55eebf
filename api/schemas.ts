/** zod schemas shared by the routes: path and query parameters, and response bodies (for OpenAPI). */
import { z } from 'zod';
import { procedureCodeSchema } from '../domain/catalogue.js';
import { type ActionName, actionNames } from '../domain/dossier/dossier-actions.js';
import { statusNames } from '../domain/dossier/dossier-status.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import type { IssuedFormKind } from '../domain/forms/dossier-forms.js';
import { unitCodeSchema } from '../domain/organisation.js';
import { isCivilDate, parseInstant } from '../domain/time.js';
import { isPeriodId } from '../indicators/periods.js';
import { errorSchema } from './http-errors.js';

export { dossierCodeSchema, errorSchema, procedureCodeSchema, unitCodeSchema };

export const codeParamsSchema = z.strictObject({ code: dossierCodeSchema });

/** The query parameters of a paged list: how many items a page holds, and where the next page starts. */
export const pageQueryFields = {
  pageSize: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number 1–100')
    .refine((text) => Number(text) >= 1 && Number(text) <= 100, 'must be a whole number 1–100')
    .optional(),
  pageToken: z.string().max(12_000, 'is not a page token').optional(),
};

export const formKinds = [
  'receipt',
  'supplementation-request',
  'refusal',
  'apology',
  'stop-notice',
  'control-sheet',
] as const satisfies readonly IssuedFormKind[];

export const documentRefSchema = z
  .string()
  .regex(/^sha256:[0-9a-f]{64}$/, 'must be a document reference sha256:<64 lower-case hex>')
  .describe('Content-addressed document reference');

export const statusKeys = Object.keys(statusNames) as [
  keyof typeof statusNames,
  ...(keyof typeof statusNames)[],
];
export const statusSchema = z.enum(statusKeys, `must be one of ${statusKeys.join(', ')}`);

export const civilDateParamSchema = z
  .string()
  .max(10, 'must be a date YYYY-MM-DD')
  .refine(isCivilDate, 'must be a real calendar date in the form YYYY-MM-DD');

/** An ISO 8601 instant with an offset, or a date YYYY-MM-DD (00:00 Vietnam time). */
export const instantOrDateSchema = z
  .string()
  .max(40, 'must be a date YYYY-MM-DD or an ISO 8601 instant with an offset')
  .refine(
    (text) => isCivilDate(text) || isInstant(text),
    'must be a date YYYY-MM-DD or an ISO 8601 instant with an offset, e.g. 2026-04-23T10:00:00+07:00',
  );

export const instantParamSchema = z
  .string()
  .max(40, 'must be an ISO 8601 instant with an offset')
  .refine(isInstant, 'must be an ISO 8601 instant with an offset, e.g. 2026-04-23T10:00:00+07:00');

function isInstant(text: string): boolean {
  try {
    parseInstant(text);
    return true;
  } catch {
    return false;
  }
}

export const periodSchema = z
  .string()
  .max(10, 'must be a period')
  .refine(isPeriodId, 'must be a period: YYYY-MM-DD, YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY-9M or YYYY')
  .describe('Reporting period, e.g. 2026-11, 2026-Q4, 2026');

// ---------------------------------------------------------------------------------------------
// Responses

export const formDataSchema = z
  .looseObject({
    kind: z.string(),
    number: z.string().describe('Mẫu số …'),
    title: z.string(),
    fields: z.record(z.string(), z.unknown()),
    lines: z.array(z.unknown()).optional(),
  })
  .meta({ id: 'FormData', description: 'Data of a statutory form (domain/forms.ts)' });

export const offeredActionSchema = z
  .object({
    name: z.enum(actionNames as [ActionName, ...ActionName[]]),
    title: z.string().describe('The action’s Vietnamese title, as on the console’s button'),
    allowed: z.boolean().describe('Whether the signed-in official may take it now'),
    code: z
      .string()
      .optional()
      .describe(
        'Why not: FORBIDDEN (role or unit, as the 403 of the action route), ILLEGAL_STATE for a dossier that has ended, or the rules’ code (ILLEGAL_STATE, OUT_OF_ORDER, ONCE_ONLY, TOO_LATE, WRONG_OFFICIAL, …) as the 409',
      ),
    reason: z.string().optional().describe('Why not, in Vietnamese'),
  })
  .meta({ id: 'OfferedAction' });

export const dossierViewSchema = z
  .looseObject({
    state: z.looseObject({
      code: z.string(),
      status: statusSchema,
      application: z.looseObject({ receivingUnit: z.string(), competentAgency: z.string() }),
      procedure: z.looseObject({ code: z.string(), name: z.string() }),
      history: z.array(z.unknown()),
    }),
    statusName: z.string(),
    deadlines: z.looseObject({}),
    forms: z.record(z.string(), formDataSchema),
    interAgencyWorkflows: z.array(z.object({ agency: z.string(), workflowId: z.string() })),
    eventSeq: z.number().int(),
    ended: z.boolean(),
    actions: z
      .array(offeredActionSchema)
      .describe(
        'Every action, in the state machine’s order, with whether the signed-in official may take it now: the API’s authorization, then the rules of the workflow without the payload',
      ),
  })
  .meta({ id: 'DossierView', description: 'The state of a dossier, its deadlines and issued forms' });

export const supplementItemOutSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string(),
  reason: z.string(),
  form: z.string(),
});

export const actionResultSchema = z
  .object({
    code: z.string(),
    action: z.string(),
    status: z.string(),
    statusName: z.string(),
    dueDate: z.string().optional(),
    forms: z.array(z.string()),
    stillMissing: z.array(supplementItemOutSchema).optional(),
  })
  .meta({ id: 'ActionResult' });

/** What may still be told of a dossier whose personal data was erased: the indicator read model's facts. */
export const erasedDossierFactsSchema = z
  .object({
    code: z.string(),
    procedure: z.object({ code: z.string(), name: z.string().optional() }),
    status: z.string(),
    statusName: z.string(),
    receivingUnit: z.string(),
    competentAgency: z.string(),
    submittedAt: z.string(),
    endedAt: z.string().optional(),
    returnedAt: z.string().optional(),
  })
  .meta({ id: 'ErasedDossierFacts', description: 'The non-personal facts of an erased dossier' });

/** 410 of a dossier whose personal data was erased, with its non-personal facts when they are known. */
export const erasedDossierSchema = errorSchema
  .extend({ dossier: erasedDossierFactsSchema.optional() })
  .meta({ id: 'ErasedDossier' });

/** Standard error responses of a route. */
export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 410 | 429 | 503>) {
  return Object.fromEntries(statuses.map((status) => [status, errorSchema])) as Record<
    number,
    typeof errorSchema
  >;
}
