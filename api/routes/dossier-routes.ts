/**
 * Dossiers: receive (idempotent by request id), read, search, act, forms.
 *   POST /v1/dossiers                               receive at the counter
 *   GET  /v1/dossiers                               search (Temporal visibility), paged
 *   GET  /v1/dossiers/{code}                        state, and the actions the official may take now
 *   POST /v1/dossiers/{code}/actions/{action}       one route per action of domain/dossier.ts
 *   GET  /v1/dossiers/{code}/forms/{form}           statutory forms
 *   GET  /v1/inter-agency-tasks                     the liên thông steps asked of the caller's agency
 * The view and every form naming the applicant are personal data: their reading is recorded in
 * the access log before the answer is sent (api/access-logging.ts), and so is the stored receipt a
 * repeated request id answers. Search results and action results carry no applicant data, and a
 * new receipt only what the counter officer has just entered: not recorded (docs/operations.md,
 * "Access log").
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DossierNotFoundError, IllegalActionError } from '../../client/client-errors.js';
import type { DossierSearchFilter, InterAgencyTaskSummary } from '../../client/search.js';
import type { DossierView } from '../../contract/dossier-contract.js';
import { dossierApplicationSchema } from '../../domain/application.js';
import { type ActionName, actionNames, actionSchemas } from '../../domain/dossier/dossier-actions.js';
import { buildDossierForm } from '../../domain/forms/dossier-forms.js';
import type { OrganisationRegistry } from '../../domain/organisation.js';
import { parseInstant, startOfCivilDay } from '../../domain/time.js';
import { textSchema } from '../../domain/validation.js';
import { formCarriesPersonalData, recordPersonalDataRead } from '../access-logging.js';
import { lookupSecret } from '../auth.js';
import {
  enforce,
  interAgencyListScope,
  mayAct,
  mayReadDossier,
  mayReceive,
  maySearch,
  roleMayAct,
  roleMayReceive,
  searchScope,
} from '../authorization.js';
import { type ApiContext, actorForAction, actorOf, requireOfficial, scopeOf } from '../context.js';
import { viewOrGone } from '../erased-dossiers.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { endedDossierReason, offeredActions } from '../offered-actions.js';
import {
  actionResultSchema,
  codeParamsSchema,
  dossierCodeSchema,
  dossierViewSchema,
  erasedDossierSchema,
  errorResponses,
  formDataSchema,
  formKinds,
  instantOrDateSchema,
  pageQueryFields,
  procedureCodeSchema,
  statusSchema,
  supplementItemOutSchema,
  unitCodeSchema,
} from '../schemas.js';

const supplementItemSchema = actionSchemas['request-supplementation'].shape.items.element;

const intakeSchema = z
  .strictObject({
    extraItems: z
      .array(supplementItemSchema)
      .max(100)
      .optional()
      .describe('Items the officer found inaccurate or missing beyond the catalogue check'),
    refuseReason: textSchema
      .max(2000)
      .optional()
      .describe('Refuse the dossier at intake (Mẫu 03) for this reason'),
    receiptRequested: z
      .boolean()
      .optional()
      .describe('Same-day procedures: the applicant asks for a receipt'),
  })
  .describe('The counter officer’s intake decision; the officer is the token’s official');

const receiveBodySchema = z.strictObject({
  application: dossierApplicationSchema,
  intake: intakeSchema.optional(),
});

export const receiveResponseSchema = z
  .object({
    code: dossierCodeSchema,
    existing: z.boolean().describe('True when the request id was seen before: nothing new was created'),
    outcome: z.enum(['accepted', 'supplement', 'refused']),
    status: z.string(),
    statusName: z.string(),
    appointmentDate: z.string().optional().describe('Ngày hẹn trả kết quả, YYYY-MM-DD'),
    forms: z.array(z.string()),
    missing: z.array(supplementItemOutSchema).optional(),
    lookupSecret: z.string().describe('Mã tra cứu for the citizen: print it on the receipt'),
    receipt: formDataSchema.optional().describe('Data of the receipt (Mẫu 01), when one was issued'),
    links: z.object({ self: z.string(), lookup: z.string() }),
  })
  .meta({ id: 'ReceiveResult' });

const searchQuerySchema = z.strictObject({
  receivingUnit: unitCodeSchema.optional(),
  competentAgency: unitCodeSchema.optional(),
  procedure: procedureCodeSchema.optional(),
  status: statusSchema.optional(),
  overdue: z.enum(['true', 'false'], 'must be "true" or "false"').optional(),
  dueBefore: instantOrDateSchema
    .optional()
    .describe('Appointment before this instant (or 00:00 of this date)'),
  dueAfter: instantOrDateSchema
    .optional()
    .describe('Appointment at or after this instant (or 00:00 of this date)'),
  ...pageQueryFields,
});

export const searchResponseSchema = z
  .object({
    items: z.array(
      z.object({
        code: z.string(),
        receivingUnit: z.string().optional(),
        competentAgency: z.string().optional(),
        procedure: z.string().optional(),
        channel: z.string().optional(),
        status: z.string().optional(),
        statusName: z.string().optional(),
        dueAt: z.string().optional(),
        overdue: z.boolean(),
        startedAt: z.string().optional(),
        closed: z.boolean(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .meta({ id: 'DossierSearchPage' });

const actionDescriptions: Record<ActionName, string> = {
  'provide-intake-supplement': 'Counter: the applicant brings the items asked for at intake',
  'refuse-intake': 'Counter: refuse a dossier still at intake (Mẫu 03)',
  'accept-intake':
    'Counter (online inbox): accept a dossier submitted online; the receipt (Mẫu 01) goes to the citizen',
  'request-intake-supplement':
    'Counter (online inbox): one request for electronic supplements, within 3 working days (Mẫu 02); never paper',
  'request-supplementation': 'Competent agency: ask for supplements once, within 3 working days (Mẫu 02)',
  'provide-supplementation': 'Counter: the applicant brings the supplements; the clock resumes',
  assign: 'Leader: assign a specialist',
  appraise: 'Specialist: appraise and recommend approval or refusal',
  'start-inter-agency': 'Competent agency: ask other agencies for a liên thông opinion',
  'complete-inter-agency':
    'Participating agency: give the liên thông opinion (agency defaults to the token’s unit)',
  approve: 'Leader: approve; the signed result is issued',
  refuse: 'Leader: refuse after appraisal (Mẫu 03)',
  apologize: 'Leader: apology letter with a new appointment date, once (Mẫu 04)',
  stop: 'Leader: stop processing (Mẫu 05)',
  withdraw: 'Counter: the applicant withdraws the dossier',
  'return-result': 'Counter: hand the result back',
  'record-payment': 'Counter: record a fee payment',
  evaluate: 'Counter: record the applicant’s evaluation (TT 01/2018 Art 13) on their behalf',
  'correct-data':
    'Administrator: correct a data error of an open dossier (the competent agency, of the receiving unit’s province), with the reason; audited on the timeline',
};

const completeInterAgencyBodySchema = z.strictObject({
  agency: unitCodeSchema.optional().describe('The participating agency; defaults to the token’s unit'),
  opinion: textSchema.max(10_000),
});

export function registerDossierRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/dossiers',
    {
      // A role that never receives is refused before its body is even looked at.
      preValidation: async (request) => enforce(roleMayReceive(requireOfficial(request))),
      schema: {
        tags: ['dossiers'],
        summary: 'Receive a dossier at the counter (idempotent by application.requestId)',
        body: receiveBodySchema,
        response: {
          200: receiveResponseSchema,
          201: receiveResponseSchema,
          ...errorResponses(400, 401, 403, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const official = requireOfficial(request);
      const { application, intake } = request.body;
      const unknown = (['receivingUnit', 'competentAgency'] as const).filter(
        (field) => !ctx.organisation.has(application[field]),
      );
      if (unknown.length > 0) {
        throw new BadRequestError(
          'Invalid application',
          unknown.map(
            (field) => `application.${field}: "${application[field]}" is not a unit of the organisation`,
          ),
        );
      }
      enforce(mayReceive(official, application, ctx.organisation));
      const received = await ctx.dossiers.receive({
        application,
        intake: { ...intake, officer: actorOf(official) },
      });
      const view = await ctx.dossiers.get(received.code);
      if (received.existing && !mayReadDossier(official, scopeOf(view), ctx.organisation).allowed) {
        throw new IllegalActionError(
          'REQUEST_ID_USED',
          `requestId đã được dùng cho một hồ sơ khác (the requestId was already used for another dossier)`,
        );
      }
      if (received.existing && view.forms.receipt) {
        // A repeated request id answers the stored receipt, which names the applicant as recorded then.
        await recordPersonalDataRead(ctx, official, {
          dossierCode: received.code,
          route: 'form',
          detail: 'receipt',
        });
      }
      const secret = lookupSecret(ctx.secret, received.code);
      request.log.info(
        { dossierCode: received.code, outcome: received.outcome, existing: received.existing },
        'dossier received',
      );
      return reply.code(received.existing ? 200 : 201).send({
        code: received.code,
        existing: received.existing,
        outcome: received.outcome,
        status: received.status,
        statusName: received.statusName,
        appointmentDate: received.dueDate,
        forms: received.forms,
        missing: received.missing,
        lookupSecret: secret,
        receipt: view.forms.receipt as z.output<typeof formDataSchema> | undefined,
        links: {
          self: `/v1/dossiers/${received.code}`,
          lookup: `/v1/lookup/${received.code}?secret=${secret}`,
        },
      });
    },
  );

  app.get(
    '/v1/dossiers',
    {
      schema: {
        tags: ['dossiers'],
        summary: 'Search dossiers (within the caller’s scope), newest first, paged',
        querystring: searchQuerySchema,
        response: { 200: searchResponseSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const q = request.query;
      enforce(
        maySearch(
          official,
          { receivingUnit: q.receivingUnit, competentAgency: q.competentAgency },
          ctx.organisation,
        ),
      );
      const filter: DossierSearchFilter = {
        procedure: q.procedure,
        status: q.status,
        overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        dueBefore: q.dueBefore === undefined ? undefined : instantOf(q.dueBefore),
        dueAfter: q.dueAfter === undefined ? undefined : instantOf(q.dueAfter),
        receivingUnits: q.receivingUnit ? [q.receivingUnit] : undefined,
        competentAgencies: q.competentAgency ? [q.competentAgency] : undefined,
      };
      const scope = searchScope(official, ctx.organisation);
      if (scope.kind === 'subtree') filter.involvingUnits = scope.units;
      if (scope.kind === 'receiving-unit') filter.receivingUnits = [scope.unit];
      if (scope.kind === 'competent-agency') filter.competentAgencies = [scope.unit];
      return ctx.search.search(filter, {
        pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
        pageToken: q.pageToken,
      });
    },
  );

  app.get(
    '/v1/inter-agency-tasks',
    {
      schema: {
        tags: ['dossiers'],
        summary:
          'The liên thông steps asked of the caller’s agency (its subtree for supervisors), newest first, paged',
        description:
          'Each item names the dossier (its page carries the task, its due date and the opinion action). ' +
          '`open=false` also lists the steps already answered. Counter officers give no opinion: 403.',
        querystring: z.strictObject({
          open: z.enum(['true', 'false'], 'must be "true" or "false"').optional(),
          pageSize: searchQuerySchema.shape.pageSize,
          pageToken: searchQuerySchema.shape.pageToken,
        }),
        response: {
          200: z
            .object({
              items: z.array(
                z.object({
                  dossierCode: z.string(),
                  agency: z.string().describe('The agency asked for its opinion'),
                  leadAgency: z.string().optional().describe('The competent agency that asked'),
                  task: z.string().optional().describe('What the agency is asked (open steps)'),
                  dueDate: z
                    .string()
                    .optional()
                    .describe('Its share of the deadline as the dossier holds it now (open steps)'),
                  startedAt: z.string().optional(),
                  closed: z.boolean().describe('The opinion was given'),
                }),
              ),
              nextPageToken: z.string().optional(),
            })
            .meta({ id: 'InterAgencyTaskPage' }),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const scope = interAgencyListScope(official, ctx.organisation);
      if (!scope.allowed) {
        enforce(scope.decision);
        return { items: [] };
      }
      const q = request.query;
      const page = await ctx.search.searchInterAgencyTasks(
        { agencies: scope.agencies, open: q.open !== 'false' },
        { pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize), pageToken: q.pageToken },
      );
      return { ...page, items: await Promise.all(page.items.map((item) => withShare(ctx, item))) };
    },
  );

  app.get(
    '/v1/dossiers/:code',
    {
      schema: {
        tags: ['dossiers'],
        summary: 'The state of a dossier, and the actions the signed-in official may take now',
        description:
          'A dossier whose personal data was erased (retention, or a data subject’s request) answers 410 with its non-personal facts, when the indicators hold them.',
        params: codeParamsSchema,
        response: {
          200: dossierViewSchema,
          ...errorResponses(400, 401, 403, 404, 409, 503),
          410: erasedDossierSchema,
        },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const view = await viewOrGone(ctx, official, request.params.code);
      enforce(mayReadDossier(official, scopeOf(view), ctx.organisation));
      const actions = offeredActions(view, official, ctx.organisation, ctx.now(), ctx.agencyCalendar);
      // The view carries the application with the applicant: recorded before it is sent.
      await recordPersonalDataRead(ctx, official, { dossierCode: view.state.code, route: 'dossier-view' });
      return { ...view, actions } as unknown as z.output<typeof dossierViewSchema>;
    },
  );

  app.get(
    '/v1/dossiers/:code/forms/:form',
    {
      schema: {
        tags: ['dossiers'],
        summary: 'A statutory form of the dossier (the control sheet is built on demand)',
        params: z.strictObject({
          code: dossierCodeSchema,
          form: z.enum(formKinds, `must be one of ${formKinds.join(', ')}`),
        }),
        response: { 200: formDataSchema, ...errorResponses(400, 401, 403, 404, 409, 410, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const { code, form } = request.params;
      const view = await ctx.dossiers.get(code);
      enforce(mayReadDossier(official, scopeOf(view), ctx.organisation));
      const data = form === 'control-sheet' ? controlSheet(ctx, view) : view.forms[form];
      if (!data) {
        throw new NotFoundError(
          `Hồ sơ ${code} chưa có phiếu "${form}" (no ${form} has been issued for ${code})`,
        );
      }
      if (formCarriesPersonalData(form)) {
        await recordPersonalDataRead(ctx, official, { dossierCode: code, route: 'form', detail: form });
      }
      return data as unknown as z.output<typeof formDataSchema>;
    },
  );

  for (const action of actionNames) registerAction(app, ctx, action);
}

function registerAction(app: FastifyInstance, ctx: ApiContext, action: ActionName): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const body = action === 'complete-inter-agency' ? completeInterAgencyBodySchema : actionSchemas[action];
  typed.post(
    `/v1/dossiers/:code/actions/${action}`,
    {
      // A role that never takes this action is refused before its body is even looked at.
      preValidation: async (request) => enforce(roleMayAct(requireOfficial(request), action)),
      schema: {
        tags: ['actions'],
        summary: actionDescriptions[action],
        operationId: `action-${action}`,
        params: codeParamsSchema,
        body,
        response: { 200: actionResultSchema, ...errorResponses(400, 401, 403, 404, 409, 410, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const { code } = request.params;
      enforce(roleMayAct(official, action));
      const view = await ctx.dossiers.get(code);
      const payload = request.body as Record<string, unknown>;
      const agency =
        action === 'complete-inter-agency'
          ? ((payload.agency as string | undefined) ?? official.unit)
          : undefined;
      enforce(mayAct(official, action, scopeOf(view), { agency }));
      if (view.ended) {
        throw new IllegalActionError(
          'ILLEGAL_STATE',
          `${endedDossierReason(view, action)} (the dossier has ended)`,
        );
      }
      if (action === 'complete-inter-agency') {
        const result = await ended(code, action, () =>
          ctx.dossiers.completeInterAgency(
            code,
            agency as string,
            actorOf(official),
            payload.opinion as string,
          ),
        );
        const after = await ctx.dossiers.get(code);
        request.log.info({ dossierCode: code, action, agency: result.agency }, 'inter-agency opinion given');
        return resultOf(code, action, after);
      }
      if (action === 'correct-data') checkCorrectedAgency(ctx.organisation, view, String(payload.value));
      const actor = actorForAction(action, code, official);
      const result = await ended(code, action, () =>
        ctx.dossiers.act(code, { name: action, actor, payload }),
      );
      request.log.info({ dossierCode: code, action, status: result.status }, 'action done');
      return { code, action, ...result };
    },
  );
}

/** A corrected competent agency is a deciding unit of the registry, in the receiving unit's province. */
function checkCorrectedAgency(organisation: OrganisationRegistry, view: DossierView, agency: string): void {
  const receiving = view.state.application.receivingUnit;
  const problem = !organisation.has(agency)
    ? `${agency} is not a unit of the organisation registry`
    : organisation.get(agency).kind === 'one-stop-centre'
      ? `${agency} is a one-stop centre, not an agency that decides dossiers`
      : organisation.has(receiving) &&
          organisation.provinceOf(agency).code !== organisation.provinceOf(receiving).code
        ? `${agency} is not in the province of the receiving unit ${receiving}`
        : undefined;
  if (problem) throw new BadRequestError('Invalid correct-data', [`value: ${problem}`]);
}

/** A dossier that ended between the read and the action no longer takes updates: a 409, not a 404. */
async function ended<T>(code: string, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DossierNotFoundError) {
      throw new IllegalActionError(
        'ILLEGAL_STATE',
        `Hồ sơ ${code} đã kết thúc hoặc bước liên thông đã xong; không thực hiện được "${action}"`,
      );
    }
    throw error;
  }
}

function resultOf(code: string, action: string, view: DossierView) {
  return {
    code,
    action,
    status: view.state.status,
    statusName: view.statusName,
    dueDate: view.deadlines.decree?.dueDate,
    forms: Object.keys(view.forms),
  };
}

function controlSheet(ctx: ApiContext, view: DossierView) {
  const { receivingUnit, competentAgency } = view.state.application;
  const org = ctx.organisation;
  const units = Object.fromEntries(
    [receivingUnit, competentAgency, ...view.state.interAgency.map((t) => t.agency)]
      .filter((code) => org.has(code))
      .map((code) => [code, org.get(code).name]),
  );
  const calendar = ctx.agencyCalendar(competentAgency);
  return buildDossierForm('control-sheet', view.state, calendar, ctx.now(), { units });
}

function instantOf(text: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? startOfCivilDay(text) : parseInstant(text);
}

/**
 * An open liên thông step with its task and due date as the dossier holds them now: a calendar
 * amendment moves the dossier's date, not the step's. Nothing personal is added.
 */
async function withShare(ctx: ApiContext, item: InterAgencyTaskSummary): Promise<InterAgencyTaskSummary> {
  if (item.closed) return item;
  try {
    const view = await ctx.dossiers.get(item.dossierCode);
    const share = view.state.interAgency.find((t) => t.agency === item.agency && !t.completedAt);
    return share ? { ...item, task: share.task, dueDate: share.dueDate } : item;
  } catch {
    return item; // an ended or erased dossier: the step as the search has it
  }
}
