/**
 *   GET /healthz   the process is up
 *   GET /readyz    ready when Temporal and NATS both answer within a short timeout
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';

const checkSchema = z.object({ status: z.enum(['up', 'down']), error: z.string().optional() });
const readySchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.object({ temporal: checkSchema, nats: checkSchema }),
  })
  .meta({ id: 'Readiness' });

export function registerHealthRoutes(scope: FastifyInstance, ctx: ApiContext): void {
  const app = scope.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        security: [],
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: Temporal and NATS are reachable',
        security: [],
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const timeoutMs = ctx.readinessTimeoutMs ?? 2_000;
      const [temporal, nats] = await Promise.all([
        probe(() => ctx.temporal.workflowService.getSystemInfo({}), timeoutMs),
        probe(async () => {
          if (ctx.nc.isClosed()) throw new Error('connection closed');
          await ctx.nc.flush();
        }, timeoutMs),
      ]);
      const ready = temporal.status === 'up' && nats.status === 'up';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', checks: { temporal, nats } });
    },
  );
}

async function probe(
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<{ status: 'up' | 'down'; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message.split('\n')[0] };
  } finally {
    clearTimeout(timer);
  }
}
