/** Plumbing shared by the workflows (deterministic: workflow APIs and pure code only). */
import type { SearchAttributePair, SearchAttributeUpdatePair } from '@temporalio/common';
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { z } from 'zod';
import { type Actor, actorSchema } from '../domain/actor.js';
import { createCalendar, type WorkingCalendar } from '../domain/calendar.js';
import { ActionRejection } from '../domain/state-machine-kit.js';
import { formatZodError } from '../domain/validation.js';

/** The working-day calendar from the rule data an activity loaded and parsed (most general first). */
export function buildCalendar(chain: Parameters<typeof createCalendar>[0][]): WorkingCalendar {
  let calendar: WorkingCalendar | undefined;
  for (const data of chain) calendar = createCalendar(data, calendar, { alreadyParsed: true });
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
  /** A free lock is taken without first waiting for the next condition sweep. */
  takeAtOnce = false;

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // Waiters released by the same condition sweep resume one by one: the first takes the lock,
    // the others see it taken and wait again (one `await condition` alone let both in).
    if (!this.takeAtOnce || this.busy) {
      do await condition(() => !this.busy);
      while (this.busy);
    }
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }
}

/**
 * One timer for the next deadline check, kept while that moment stays the same (the "updatable
 * timer" pattern): an action that leaves the next check where it was starts and cancels no timer.
 */
export class DeadlineTimer {
  private at: number | undefined;
  private scope: CancellationScope | undefined;
  private fired = false;

  /** Aims the timer at `at` (epoch ms, workflow time); undefined: no timer. */
  aim(at: number | undefined): void {
    if (at === this.at && !this.fired) return;
    this.scope?.cancel();
    this.at = at;
    this.fired = false;
    this.scope = undefined;
    if (at === undefined) return;
    const scope = new CancellationScope();
    this.scope = scope;
    scope
      .run(() => sleep(Math.max(1, at - Date.now())))
      .then(
        () => {
          if (this.scope === scope) this.fired = true;
        },
        (error: unknown) => {
          if (!isCancellation(error)) throw error;
        },
      );
  }

  get hasFired(): boolean {
    return this.fired;
  }

  /** True once, when the timer aimed last has fired; it must be aimed again to fire again. */
  takeFired(): boolean {
    if (!this.fired) return false;
    this.fired = false;
    this.at = undefined;
    this.scope = undefined;
    return true;
  }
}

/**
 * Search-attribute upserts. With `onlyChanges`, a key is written only when its value differs from
 * the one written before, and staged keys ride with the next write: fewer commands and visibility
 * writes per dossier. Without it, every call upserts at once, as dossiers begun before did.
 */
export class SearchAttributeWriter {
  private readonly written = new Map<string, unknown>();
  private staged: SearchAttributeUpdatePair[] = [];
  private readonly absentIsEmpty: boolean;

  /**
   * `startedWith`: the attributes the workflow was started with, taken as written; a key they lack
   * counts as written empty. Undefined for a workflow started without them.
   */
  constructor(
    private readonly onlyChanges: boolean,
    startedWith?: readonly SearchAttributePair[],
  ) {
    this.absentIsEmpty = startedWith !== undefined;
    for (const pair of startedWith ?? []) this.written.set(pair.key.name, comparable(pair.value));
  }

  /** Written with the next `write` (at once without `onlyChanges`). */
  stage(pairs: SearchAttributeUpdatePair[]): void {
    if (this.onlyChanges) this.staged.push(...pairs);
    else upsertSearchAttributes(pairs);
  }

  write(pairs: SearchAttributeUpdatePair[]): void {
    if (!this.onlyChanges) {
      upsertSearchAttributes(pairs);
      return;
    }
    const latest = new Map([...this.staged, ...pairs].map((pair) => [pair.key.name, pair]));
    this.staged = [];
    const changed = [...latest.values()].filter((pair) => {
      const name = pair.key.name;
      if (!this.written.has(name)) return !(this.absentIsEmpty && pair.value === null);
      return this.written.get(name) !== comparable(pair.value);
    });
    if (changed.length === 0) return;
    for (const pair of changed) this.written.set(pair.key.name, comparable(pair.value));
    upsertSearchAttributes(changed);
  }
}

function comparable(value: SearchAttributeUpdatePair['value']): unknown {
  if (value instanceof Date) return value.getTime();
  if (Array.isArray(value)) return JSON.stringify(value);
  return value;
}
