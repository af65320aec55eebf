/**
 * Feedback and petitions (phản ánh, kiến nghị, ND 20/2008) — client/feedback-client.ts.
 *
 * Officials (bearer token):
 *   POST /v1/feedback                              register a feedback received at their unit
 *   GET  /v1/feedback                              list (Temporal visibility): received at or held by
 *                                                  a unit in the caller's scope, overdue flagged
 *   GET  /v1/feedback/{id}                         state (units it went through, supervisors above),
 *                                                  with the actions the caller may take now
 *   POST /v1/feedback/{id}/actions/{action}        accept, reject, forward, assign (leaders: the
 *                                                  specialist handling it), request-supplement,
 *                                                  assess, answer, publish (unit holding it)
 * Citizens (no token; the lookup secret returned at submission):
 *   GET  /v1/feedback/online/choices               the units that receive feedback, the procedures
 *   POST /v1/feedback/online                       submit online
 *   GET  /v1/lookup/feedback/{id}?secret=          status, limits, the answer; no personal data
 *   POST /v1/lookup/feedback/{id}/supplement?secret=   the supplement asked for
 *   POST /v1/lookup/feedback/{id}/rating?secret=       satisfied or not with the answer
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DossierNotFoundError,
  IllegalActionError,
  ServiceUnavailableError,
} from '../../client/client-errors.js';
import type { FeedbackClient } from '../../client/feedback-client.js';
import type { FeedbackView } from '../../contract/feedback-contract.js';
import type { Actor } from '../../domain/actor.js';
import { findProcedureVersion } from '../../domain/catalogue.js';
import {
  type FeedbackAction,
  feedbackActionSchemas,
  feedbackActionTitles,
} from '../../domain/feedback/feedback-actions.js';
import { checkAction } from '../../domain/feedback/feedback-checks.js';
import { FeedbackActionRejected } from '../../domain/feedback/feedback-rejection.js';
import { feedbackSchema } from '../../domain/feedback/feedback-schema.js';
import { type FeedbackStatus, feedbackStatusNames } from '../../domain/feedback/feedback-status.js';
import { FEEDBACK_ID, submitterId } from '../../domain/feedback/feedback-submission.js';
import { formatInstant, toCivilDate } from '../../domain/time.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { checkLookupSecret, lookupSecret, type Official } from '../auth.js';
import {
  enforce,
  type FeedbackScope,
  feedbackListScope,
  mayActOnFeedback,
  mayListFeedback,
  mayReadFeedback,
  mayRegisterFeedback,
  type OfficialFeedbackAction,
  roleMayActOnFeedback,
} from '../authorization.js';
import { type ApiContext, actorOf, requireOfficial } from '../context.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { errorResponses, pageQueryFields, unitCodeSchema } from '../schemas.js';

const feedbackIdSchema = z
  .string()
  .regex(FEEDBACK_ID, 'must be a feedback id PAKN-<unit code>-YYMMDD-XXXX')
  .describe('Feedback id (PAKN-…)');
const idParamsSchema = z.strictObject({ id: feedbackIdSchema });
const secretQuerySchema = z.strictObject({
  secret: z.string().max(64, 'is not a lookup secret').describe('Mã tra cứu returned at submission'),
});

const limitSchema = z.looseObject({ name: z.string() });

const receiptSchema = z
  .object({
    id: z.string(),
    existing: z.boolean(),
    status: z.string(),
    statusName: z.string(),
    handlingUnit: z.string(),
    limits: z.array(limitSchema),
    missingContactDetails: z.array(z.string()).describe('ND 20 Art 7 contact details not given'),
    lookupSecret: z.string().describe('Mã tra cứu for the submitter'),
  })
  .meta({ id: 'FeedbackReceipt' });

const feedbackResultSchema = z
  .object({
    id: z.string(),
    action: z.string(),
    status: z.string(),
    statusName: z.string(),
    handlingUnit: z.string(),
    limits: z.array(limitSchema),
  })
  .meta({ id: 'FeedbackActionResult' });

const offeredFeedbackActionSchema = z.object({
  name: z.string(),
  title: z.string().describe('The button’s Vietnamese title (displayNames.feedback.actions)'),
  allowed: z.boolean(),
  code: z.string().optional().describe('Why not: FORBIDDEN, or the rules’ rejection code'),
  reason: z.string().optional(),
});

const feedbackViewSchema = z
  .looseObject({
    state: z.looseObject({ id: z.string(), status: z.string(), handlingUnit: z.string() }),
    statusName: z.string(),
    limits: z.array(limitSchema),
    onTime: z.boolean(),
    eventSeq: z.number(),
    ended: z.boolean(),
    actions: z
      .array(offeredFeedbackActionSchema)
      .describe('Every official action, with whether the caller may take it now and why not'),
  })
  .meta({ id: 'FeedbackView' });

const feedbackStatuses = Object.keys(feedbackStatusNames) as [FeedbackStatus, ...FeedbackStatus[]];

const feedbackListQuerySchema = z.strictObject({
  receivingUnit: unitCodeSchema.optional().describe('Received at this unit'),
  handlingUnit: unitCodeSchema.optional().describe('Held by this unit now'),
  status: z.enum(feedbackStatuses, `must be one of ${feedbackStatuses.join(', ')}`).optional(),
  overdue: z.enum(['true', 'false'], 'must be "true" or "false"').optional(),
  ...pageQueryFields,
});

const feedbackListSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        receivingUnit: z.string().optional(),
        handlingUnit: z.string().optional(),
        channel: z.string().optional(),
        procedure: z.string().optional(),
        status: z.string().optional(),
        statusName: z.string().optional(),
        dueAt: z.string().optional().describe('The open answer or publication limit'),
        overdue: z.boolean().describe('A limit has passed (indicator 5.2)'),
        submittedAt: z.string().optional(),
        closed: z.boolean(),
      }),
    ),
    nextPageToken: z.string().optional(),
  })
  .meta({ id: 'FeedbackListPage' });

const citizenFeedbackSchema = z
  .object({
    id: z.string(),
    status: z.string(),
    statusName: z.string(),
    handlingUnit: z.object({ code: z.string(), name: z.string() }),
    limits: z.array(limitSchema),
    supplementRequested: z.object({ question: z.string(), items: z.array(z.string()) }).optional(),
    answer: z.object({ content: z.string(), at: z.string() }).optional(),
    published: z.boolean(),
    rated: z.boolean(),
    ended: z.boolean(),
  })
  .meta({ id: 'CitizenFeedbackLookup', description: 'What the submitter sees: no personal data' });

const officialActions: OfficialFeedbackAction[] = [
  'accept',
  'reject',
  'forward',
  'assign',
  'request-supplement',
  'assess',
  'answer',
  'publish',
];

function client(ctx: ApiContext): FeedbackClient {
  if (!ctx.feedback) throw new ServiceUnavailableError('feedback (PAKN) is not configured in this API');
  return ctx.feedback;
}

function scopeOf(view: FeedbackView): FeedbackScope {
  const { state } = view;
  return {
    id: state.id,
    receivingUnit: state.feedback.receivingUnit,
    handlingUnit: state.handlingUnit,
    units: [
      ...new Set([
        state.feedback.receivingUnit,
        state.handlingUnit,
        ...state.transfers.flatMap((t) => [t.from, t.to]),
      ]),
    ],
  };
}

/**
 * Every official action on the feedback, with whether this official may take it now: the API's
 * authorization (role, the unit holding it), the feedback not having ended, then the domain's own
 * checks (domain/feedback/feedback-checks.ts), as the act route and the workflow would judge it.
 */
export function offeredFeedbackActions(
  view: FeedbackView,
  official: Official,
  now: number,
): z.output<typeof offeredFeedbackActionSchema>[] {
  return officialActions.map((name) => {
    const title = feedbackActionTitles[name];
    const decision = mayActOnFeedback(official, name, scopeOf(view));
    if (!decision.allowed) return { name, title, allowed: false, code: 'FORBIDDEN', reason: decision.vi };
    if (view.ended) {
      return {
        name,
        title,
        allowed: false,
        code: 'ILLEGAL_STATE',
        reason: `Phản ánh, kiến nghị ${view.state.id} đã kết thúc`,
      };
    }
    // Only forwarding looks at its payload here: to another unit than the one holding it.
    const payload = name === 'forward' ? { to: '', topic: 'quy-dinh', reason: '' } : {};
    try {
      checkAction(view.state, { name, actor: actorOf(official), payload } as FeedbackAction, now);
      return { name, title, allowed: true };
    } catch (error) {
      if (!(error instanceof FeedbackActionRejected)) throw error;
      return { name, title, allowed: false, code: error.code, reason: error.message };
    }
  });
}

function checkUnits(ctx: ApiContext, fields: Record<string, string>): void {
  const issues = Object.entries(fields)
    .filter(([, code]) => !ctx.organisation.has(code))
    .map(([path, code]) => `${path}: "${code}" is not a unit of the organisation`);
  if (issues.length > 0) throw new BadRequestError('Invalid feedback', issues);
}

async function submit(
  ctx: ApiContext,
  feedback: z.output<typeof feedbackSchema>,
  official: Official | undefined,
): Promise<z.output<typeof receiptSchema>> {
  const receipt = await client(ctx).submit({ feedback });
  if (receipt.existing) {
    // A reused requestId answers with the earlier feedback only to whoever may see it.
    const view = await client(ctx).get(receipt.id);
    const allowed = official
      ? mayReadFeedback(official, scopeOf(view), ctx.organisation).allowed
      : view.state.feedback.channel === 'online' &&
        submitterId(view.state.feedback) === submitterId(feedback);
    if (!allowed) {
      throw new IllegalActionError(
        'REQUEST_ID_USED',
        'requestId đã được dùng cho một phản ánh khác (the requestId was already used for another feedback)',
      );
    }
  }
  return {
    id: receipt.id,
    existing: receipt.existing,
    status: receipt.status,
    statusName: receipt.statusName,
    handlingUnit: receipt.handlingUnit,
    limits: receipt.limits as unknown as z.output<typeof limitSchema>[],
    missingContactDetails: receipt.missingContactDetails,
    lookupSecret: lookupSecret(ctx.secret, receipt.id),
  };
}

/** Routes for officials; registered in the scope that requires a bearer token. */
export function registerFeedbackRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'Register a feedback received at the official’s unit (idempotent by feedback.requestId)',
        body: z.strictObject({ feedback: feedbackSchema }),
        response: { 200: receiptSchema, 201: receiptSchema, ...errorResponses(400, 401, 403, 409, 503) },
      },
    },
    async (request, reply) => {
      const official = requireOfficial(request);
      const { feedback } = request.body;
      checkUnits(ctx, { 'feedback.receivingUnit': feedback.receivingUnit });
      enforce(mayRegisterFeedback(official, feedback.receivingUnit));
      const receipt = await submit(ctx, feedback, official);
      request.log.info({ feedbackId: receipt.id, existing: receipt.existing }, 'feedback registered');
      return reply.code(receipt.existing ? 200 : 201).send(receipt);
    },
  );

  app.get(
    '/v1/feedback/:id',
    {
      schema: {
        tags: ['feedback'],
        summary: 'The state of a feedback',
        params: idParamsSchema,
        response: { 200: feedbackViewSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const view = await client(ctx).get(request.params.id);
      enforce(mayReadFeedback(official, scopeOf(view), ctx.organisation));
      return {
        ...view,
        actions: offeredFeedbackActions(view, official, ctx.now()),
      } as unknown as z.output<typeof feedbackViewSchema>;
    },
  );

  app.get(
    '/v1/feedback',
    {
      schema: {
        tags: ['feedback'],
        summary: 'List feedback received at or held by units in the caller’s scope, newest first, paged',
        description:
          'Administrators: all; supervisors: their subtree; other officials: their own unit. Overdue ' +
          'feedback (a limit passed) is flagged; `overdue=true` lists only those.',
        querystring: feedbackListQuerySchema,
        response: { 200: feedbackListSchema, ...errorResponses(400, 401, 403, 503) },
      },
    },
    async (request) => {
      const official = requireOfficial(request);
      const q = request.query;
      enforce(
        mayListFeedback(
          official,
          { receivingUnit: q.receivingUnit, handlingUnit: q.handlingUnit },
          ctx.organisation,
        ),
      );
      const scope = feedbackListScope(official, ctx.organisation);
      return ctx.search.searchFeedback(
        {
          receivingUnits: q.receivingUnit ? [q.receivingUnit] : undefined,
          handlingUnits: q.handlingUnit ? [q.handlingUnit] : undefined,
          involvingUnits: scope.kind === 'units' ? scope.units : undefined,
          status: q.status,
          overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
        },
        {
          pageSize: q.pageSize === undefined ? undefined : Number(q.pageSize),
          pageToken: q.pageToken,
        },
      );
    },
  );

  for (const action of officialActions) {
    app.post(
      `/v1/feedback/:id/actions/${action}`,
      {
        preValidation: async (request) => enforce(roleMayActOnFeedback(requireOfficial(request), action)),
        schema: {
          tags: ['feedback'],
          summary: `Feedback: ${action}`,
          operationId: `feedback-${action}`,
          params: idParamsSchema,
          body: feedbackActionSchemas[action],
          response: { 200: feedbackResultSchema, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        const official = requireOfficial(request);
        const { id } = request.params;
        const payload = request.body as Record<string, unknown>;
        if (action === 'forward') checkUnits(ctx, { to: payload.to as string });
        const view = await client(ctx).get(id);
        enforce(mayActOnFeedback(official, action, scopeOf(view)));
        const result = await ended(id, action, () =>
          client(ctx).act(id, { name: action, actor: actorOf(official), payload }),
        );
        request.log.info({ feedbackId: id, action, status: result.status }, 'feedback action done');
        return {
          id,
          action,
          status: result.status,
          statusName: result.statusName,
          handlingUnit: result.handlingUnit,
          limits: result.limits as unknown as z.output<typeof limitSchema>[],
        };
      },
    );
  }
}

/** Routes for citizens; registered in the public scope. */
export function registerCitizenFeedbackRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const notFound = () =>
    new NotFoundError(
      'Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu này (no feedback with this id and lookup secret)',
    );
  const viewFor = async (id: string, secret: string) => {
    ctx.lookupLockout.check(id);
    if (!checkLookupSecret(ctx.secret, id, secret)) {
      ctx.lookupLockout.failed(id);
      throw notFound();
    }
    ctx.lookupLockout.succeeded(id);
    try {
      return await client(ctx).get(id);
    } catch (error) {
      if (error instanceof DossierNotFoundError) throw notFound();
      throw error;
    }
  };
  const submitter = (view: FeedbackView): Actor => ({
    id: submitterId(view.state.feedback),
    name: 'Người gửi phản ánh, kiến nghị',
    unit: 'applicant',
    role: 'applicant',
  });

  app.get(
    '/v1/feedback/online/choices',
    {
      schema: {
        tags: ['citizens'],
        summary:
          'What a citizen chooses from when submitting online: the units that receive feedback and the procedures in force',
        description:
          'Public information (ND 20/2008 Art 6: where feedback is received is published): unit codes and names, ' +
          'procedure codes and names; no personal data.',
        security: [],
        response: {
          200: z
            .object({
              units: z.array(
                z.object({
                  code: z.string(),
                  name: z.string(),
                  kind: z.string().optional(),
                  parent: z.string().optional(),
                  province: z.string(),
                }),
              ),
              procedures: z.array(z.object({ code: z.string(), name: z.string() })),
            })
            .meta({ id: 'FeedbackChoices' }),
        },
      },
    },
    async () => {
      const org = ctx.organisation;
      const today = toCivilDate(ctx.now());
      const all = loadCatalogue().procedures;
      const procedures = [...new Set(all.map((p) => p.code))].flatMap((code) => {
        try {
          const version = findProcedureVersion(all, code, today);
          return [{ code: version.code, name: version.name }];
        } catch {
          return [];
        }
      });
      return {
        units: org.units.map((unit) => ({
          code: unit.code,
          name: unit.name,
          kind: unit.kind,
          parent: unit.parent,
          province: org.provinceOf(unit.code).code,
        })),
        procedures,
      };
    },
  );

  app.post(
    '/v1/feedback/online',
    {
      schema: {
        tags: ['citizens'],
        summary: 'A citizen or business submits a feedback online (no token; channel "online")',
        security: [],
        body: z.strictObject({ feedback: feedbackSchema }),
        response: { 200: receiptSchema, 201: receiptSchema, ...errorResponses(400, 409, 503) },
      },
    },
    async (request, reply) => {
      const { feedback } = request.body;
      if (feedback.channel !== 'online') {
        throw new BadRequestError('Invalid feedback', [
          'feedback.channel: must be "online" when submitted without a token',
        ]);
      }
      checkUnits(ctx, { 'feedback.receivingUnit': feedback.receivingUnit });
      const receipt = await submit(ctx, feedback, undefined);
      request.log.info({ feedbackId: receipt.id, existing: receipt.existing }, 'feedback submitted online');
      return reply.code(receipt.existing ? 200 : 201).send(receipt);
    },
  );

  app.get(
    '/v1/lookup/feedback/:id',
    {
      schema: {
        tags: ['citizens'],
        summary: 'The submitter looks a feedback up with its id and lookup secret',
        security: [],
        params: idParamsSchema,
        querystring: secretQuerySchema,
        response: { 200: citizenFeedbackSchema, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request) => {
      const view = await viewFor(request.params.id, request.query.secret);
      const { state } = view;
      const open = state.supplements.at(-1);
      const unit = state.handlingUnit;
      return {
        id: state.id,
        status: state.status,
        statusName: view.statusName,
        handlingUnit: {
          code: unit,
          name: ctx.organisation.has(unit) ? ctx.organisation.get(unit).name : unit,
        },
        limits: view.limits as unknown as z.output<typeof limitSchema>[],
        supplementRequested:
          open && open.providedAt === undefined && open.closedAt === undefined
            ? { question: open.question, items: open.items }
            : undefined,
        answer: state.answer
          ? { content: state.answer.content, at: formatInstant(state.answer.at) }
          : undefined,
        published: state.publication !== undefined,
        rated: state.rating !== undefined,
        ended: view.ended,
      };
    },
  );

  const citizenAction = (path: string, action: 'provide-supplement' | 'rate', summary: string) =>
    app.post(
      `/v1/lookup/feedback/:id/${path}`,
      {
        schema: {
          tags: ['citizens'],
          summary,
          security: [],
          params: idParamsSchema,
          querystring: secretQuerySchema,
          body: feedbackActionSchemas[action],
          response: { 200: feedbackResultSchema, ...errorResponses(400, 404, 409, 503) },
        },
      },
      async (request) => {
        const { id } = request.params;
        const view = await viewFor(id, request.query.secret);
        const result = await ended(id, action, () =>
          client(ctx).act(id, { name: action, actor: submitter(view), payload: request.body }),
        );
        request.log.info({ feedbackId: id, action }, 'feedback action by the submitter');
        return {
          id,
          action,
          status: result.status,
          statusName: result.statusName,
          handlingUnit: result.handlingUnit,
          limits: result.limits as unknown as z.output<typeof limitSchema>[],
        };
      },
    );

  citizenAction('supplement', 'provide-supplement', 'The submitter provides the supplement asked for');
  citizenAction('rating', 'rate', 'The submitter rates the answer (once)');
}

async function ended<T>(id: string, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof DossierNotFoundError) {
      throw new IllegalActionError(
        'ILLEGAL_STATE',
        `Phản ánh, kiến nghị ${id} đã kết thúc; không thực hiện được "${action}"`,
      );
    }
    throw error;
  }
}
