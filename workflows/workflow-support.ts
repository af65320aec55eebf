/** Plumbing shared by the workflows (deterministic: workflow APIs and pure code only). */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import type { z } from 'zod';
import { type Actor, actorSchema } from '../domain/actor.js';
import { createCalendar, type WorkingCalendar } from '../domain/calendar.js';
import { ActionRejection } from '../domain/state-machine-kit.js';
import { formatZodError } from '../domain/validation.js';

/** The working-day calendar from the rule data an activity loaded (most general first). */
export function buildCalendar(chain: Parameters<typeof createCalendar>[0][]): WorkingCalendar {
  let calendar: WorkingCalendar | undefined;
  for (const data of chain) calendar = createCalendar(data, calendar);
  if (!calendar) throw ApplicationFailure.nonRetryable('No working-day calendar', 'NO_CALENDAR');
  return calendar;
}

/** Validates a report from an outside service at the boundary (zod). */
export function parseReport<T>(schema: z.ZodType<T>, report: unknown, what: string): T {
  const parsed = schema.safeParse(report);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${what}: ${formatZodError(parsed.error).join('; ')}`,
      'INVALID_INPUT',
    );
  }
  return parsed.data;
}

/** Validates an action request at the boundary (zod): a known name, its payload and the actor. */
export function parseActionRequest<N extends string>(
  schemas: Readonly<Record<N, z.ZodType>>,
  request: { name: string; actor: unknown; payload: unknown },
): { name: N; actor: Actor; payload: unknown } {
  const schema = Object.hasOwn(schemas, request.name)
    ? (schemas as Record<string, z.ZodType | undefined>)[request.name]
    : undefined;
  if (!schema) throw ApplicationFailure.nonRetryable(`Unknown action "${request.name}"`, 'INVALID_INPUT');
  const payload = schema.safeParse(request.payload ?? {});
  if (!payload.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid ${request.name}: ${formatZodError(payload.error).join('; ')}`,
      'INVALID_INPUT',
    );
  }
  const actor = actorSchema.safeParse(request.actor);
  if (!actor.success) {
    throw ApplicationFailure.nonRetryable(
      `Invalid actor: ${formatZodError(actor.error).join('; ')}`,
      'INVALID_INPUT',
    );
  }
  return { name: request.name as N, actor: actor.data, payload: payload.data };
}

/** Runs a pure domain call; a rule violation becomes a typed, non-retryable failure for the caller. */
export function check<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ActionRejection) throw ApplicationFailure.nonRetryable(error.message, error.code);
    throw error;
  }
}

/** Serialises async sections of a workflow (updates and timers interleave at every await). */
export class WorkflowMutex {
  private busy = false;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // Waiters released by the same condition sweep resume one by one: the first takes the lock,
    // the others see it taken and wait again (one `await condition` alone let both in).
    do await condition(() => !this.busy);
    while (this.busy);
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }
}
