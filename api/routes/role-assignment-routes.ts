/**
 * The role-assignment table and the security log, for administrators (identity/role-assignments.ts,
 * audit/security-log.ts):
 *   GET  /v1/role-assignments                          every official's latest assignment
 *   GET  /v1/role-assignments/{officialId}             the current one and the whole history
 *   PUT  /v1/role-assignments/{officialId}             assigns a role at a unit, from a date, with a reason
 *   POST /v1/role-assignments/{officialId}/revocation  revokes it, with a reason
 *   GET  /v1/security-log?kind=&limit=                 sign-ins, failed sign-ins, sign-outs, role changes
 * Every change is a new revision in the table (who, what, when, why) and an entry of the security log.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { securityEntrySchema, securityEventKinds } from '../../audit/security-log.js';
import { ServiceUnavailableError } from '../../client/client-errors.js';
import { unitCodeSchema } from '../../domain/unit-code.js';
import {
  officialIdSchema,
  RoleAssignmentNotFoundError,
  type RoleAssignments,
  roleAssignmentSchema,
} from '../../identity/role-assignments.js';
import { type OfficialRole, officialRoles } from '../auth.js';
import { enforce, mayManageRoles } from '../authorization.js';
import { type ApiContext, requireOfficial } from '../context.js';
import { BadRequestError, NotFoundError } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

const assignmentSchema = roleAssignmentSchema.meta({ id: 'RoleAssignment' });
const paramsSchema = z.strictObject({ officialId: officialIdSchema });

export function registerRoleAssignmentRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();
  const adminOnly = {
    preValidation: async (request: Parameters<typeof requireOfficial>[0]) =>
      enforce(mayManageRoles(requireOfficial(request))),
  };
  const table = (): RoleAssignments => {
    if (!ctx.assignments) {
      throw new ServiceUnavailableError(
        'Máy chủ API chạy không có bảng phân quyền (this API runs without the role-assignment table)',
      );
    }
    return ctx.assignments;
  };

  app.get(
    '/v1/role-assignments',
    {
      ...adminOnly,
      schema: {
        tags: ['roles'],
        summary: 'Every official’s latest role assignment (revoked ones marked)',
        response: {
          200: z.object({ assignments: z.array(assignmentSchema) }),
          ...errorResponses(401, 403, 503),
        },
      },
    },
    async () => ({ assignments: await table().list() }),
  );

  app.get(
    '/v1/role-assignments/:officialId',
    {
      ...adminOnly,
      schema: {
        tags: ['roles'],
        summary: 'An official’s current role assignment and its history, oldest first',
        params: paramsSchema,
        response: {
          200: z.object({ current: assignmentSchema.optional(), history: z.array(assignmentSchema) }),
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => {
      const history = await table().history(request.params.officialId);
      if (history.length === 0) {
        throw new NotFoundError(
          `Cán bộ ${request.params.officialId} chưa từng được gán vai trò (no role was ever assigned to ${request.params.officialId})`,
        );
      }
      return { current: await table().current(request.params.officialId, ctx.now()), history };
    },
  );

  app.put(
    '/v1/role-assignments/:officialId',
    {
      ...adminOnly,
      schema: {
        tags: ['roles'],
        summary: 'Assigns a role at a unit to an official (replacing the current assignment)',
        params: paramsSchema,
        body: z.strictObject({
          role: z.enum(
            officialRoles as [OfficialRole, ...OfficialRole[]],
            `must be one of ${officialRoles.join(', ')}`,
          ),
          unit: unitCodeSchema,
          name: z.string().trim().min(1).max(200).optional().describe('The official’s full name'),
          from: z.iso
            .datetime({
              offset: true,
              error: 'must be an ISO 8601 instant with an offset, e.g. 2026-05-04T07:30:00+07:00',
            })
            .optional()
            .describe('When it takes effect (default: now)'),
          reason: z
            .string()
            .trim()
            .min(1, 'must not be empty')
            .max(500)
            .describe('Why (a decision number, say)'),
        }),
        response: {
          200: z.object({ assignment: assignmentSchema, previous: assignmentSchema.optional() }),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      const admin = requireOfficial(request);
      const { officialId } = request.params;
      const { role, unit, name, from, reason } = request.body;
      if (!ctx.organisation.has(unit)) {
        throw new BadRequestError('Đơn vị không có trong danh mục (unknown unit)', [
          `unit: ${unit} is not a unit of the organisation`,
        ]);
      }
      const changedAt = new Date(ctx.now()).toISOString();
      const { assignment, previous } = await table().assign({
        officialId,
        name,
        role,
        unit,
        from: from ?? changedAt,
        reason,
        changedBy: { id: admin.id, name: admin.name },
        changedAt,
      });
      await ctx.securityLog?.record({
        kind: 'role-assigned',
        via: 'api',
        official: { id: admin.id, name: admin.name, role: admin.role, unit: admin.unit },
        change: {
          officialId,
          role,
          unit,
          from: assignment.from,
          previous: previous ? { role: previous.role, unit: previous.unit } : undefined,
          note: reason,
        },
      });
      request.log.info({ official: admin.id, officialId, role, unit }, 'role assigned');
      return { assignment, previous };
    },
  );

  app.post(
    '/v1/role-assignments/:officialId/revocation',
    {
      ...adminOnly,
      schema: {
        tags: ['roles'],
        summary: 'Revokes an official’s assigned role (they hold none from now on)',
        params: paramsSchema,
        body: z.strictObject({ reason: z.string().trim().min(1, 'must not be empty').max(500) }),
        response: {
          200: z.object({ assignment: assignmentSchema, previous: assignmentSchema }),
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request) => {
      const admin = requireOfficial(request);
      const { officialId } = request.params;
      let result: Awaited<ReturnType<RoleAssignments['revoke']>>;
      try {
        result = await table().revoke(officialId, {
          reason: request.body.reason,
          changedBy: { id: admin.id, name: admin.name },
          changedAt: new Date(ctx.now()).toISOString(),
        });
      } catch (error) {
        if (error instanceof RoleAssignmentNotFoundError) {
          throw new NotFoundError(
            `Cán bộ ${officialId} không có vai trò được gán để thu hồi (${officialId} holds no assigned role)`,
          );
        }
        throw error;
      }
      await ctx.securityLog?.record({
        kind: 'role-revoked',
        via: 'api',
        official: { id: admin.id, name: admin.name, role: admin.role, unit: admin.unit },
        change: {
          officialId,
          previous: { role: result.previous.role, unit: result.previous.unit },
          note: request.body.reason,
        },
      });
      request.log.info({ official: admin.id, officialId }, 'role revoked');
      return result;
    },
  );

  app.get(
    '/v1/security-log',
    {
      ...adminOnly,
      schema: {
        tags: ['roles'],
        summary: 'Sign-ins, failed sign-ins, sign-outs and role changes, latest last (administrators)',
        querystring: z.strictObject({
          kind: z.enum(securityEventKinds, `must be one of ${securityEventKinds.join(', ')}`).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
        response: {
          200: z.object({ entries: z.array(securityEntrySchema.meta({ id: 'SecurityEntry' })) }),
          ...errorResponses(400, 401, 403, 503),
        },
      },
    },
    async (request) => {
      if (!ctx.securityLog) {
        throw new ServiceUnavailableError('Máy chủ API chạy không có nhật ký bảo mật (no security log)');
      }
      const { kind, limit } = request.query;
      return { entries: await ctx.securityLog.list({ kinds: kind ? [kind] : undefined, limit }) };
    },
  );
}
