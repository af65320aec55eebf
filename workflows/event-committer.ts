/**
 * Committing a transition, the same for every entity workflow (dossier, feedback): the entity's
 * hook runs first (its state, version, search attributes), then the transition's events are
 * numbered `<entity id>:<seq>` in order and published exactly once. Deterministic: workflow APIs
 * and pure code only.
 */
import {
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  type LocalActivityOptions,
  log,
  sleep,
} from '@temporalio/workflow';
import { formatInstant } from '../domain/time.js';
import { publishRetrySpanMs } from '../events/constants.js';

/** The failure type of the publishing activities for an event that does not match its schema. */
const invalidEventType = 'INVALID_EVENT';

/** Options of the publishing activity (remote or local): it retries within the publish span. */
export const publishActivityOptions = {
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: publishRetrySpanMs,
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [invalidEventType],
  },
} satisfies ActivityOptions & LocalActivityOptions;

/** What a domain transition carries: the new state and what happened, in order. */
export interface CommittableTransition<S> {
  state: S;
  events: ReadonlyArray<{ type: string; at: number; data: Record<string, unknown> }>;
}

/** Who acted, as events record it (no name). */
export interface EventActor {
  id: string;
  unit: string;
  role: string;
}

/** The fields every published event has, besides the one naming its entity. */
export interface PublishedEvent {
  id: string;
  seq: number;
  type: string;
  occurredAt: string;
  actor?: EventActor;
  data: Record<string, unknown>;
  facts: unknown;
}

export interface EventCommitterOptions<S, E extends PublishedEvent> {
  /** The entity's id: events are `<entityId>:<seq>` and carry it in `idField`. */
  entityId: string;
  idField: Exclude<keyof E & string, keyof PublishedEvent>;
  facts(state: S): E['facts'];
  /** Runs first on every commit, before the events are built. */
  onCommit(state: S): void;
  /** The publishing activity. */
  publish(events: E[]): Promise<unknown>;
}

export interface EventCommitter<S> {
  commit(transition: CommittableTransition<S>, actor?: EventActor): Promise<void>;
  /** The seq of the last event built (0 before the first). */
  readonly lastSeq: number;
}

/**
 * Thrown when the publishing activity refuses an event as invalid. Retrying the activity cannot
 * help (the workflow built the event wrongly) and failing the workflow would lose the dossier or
 * feedback, so this is deliberately a plain Error, not an ApplicationFailure: it fails the workflow
 * *task*, which keeps the workflow and its state, and Temporal retries the task until a build that
 * fixes the event is deployed. A timer loop would only fill the history with timers.
 */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

export function createEventCommitter<S, E extends PublishedEvent>(
  options: EventCommitterOptions<S, E>,
): EventCommitter<S> {
  const { entityId, idField } = options;
  let lastSeq = 0;

  function toEvent(event: CommittableTransition<S>['events'][number], state: S, actor?: EventActor): E {
    lastSeq++;
    return {
      id: `${entityId}:${lastSeq}`,
      [idField]: entityId,
      seq: lastSeq,
      type: event.type,
      occurredAt: formatInstant(event.at),
      actor: actor ? { id: actor.id, unit: actor.unit, role: actor.role } : undefined,
      data: JSON.parse(JSON.stringify(event.data)),
      facts: options.facts(state),
    } as E;
  }

  /** Retries past the activity's own retry span: an entity's events are never dropped. */
  async function publish(events: E[]): Promise<void> {
    for (;;) {
      try {
        await options.publish(events);
        return;
      } catch (error) {
        const invalid = invalidEventFailure(error);
        if (invalid) {
          log.error('an event does not match its schema; failing the workflow task', {
            [idField]: entityId,
            error: invalid.message,
          });
          throw new InvalidEventError(`${invalidEventType}: ${invalid.message}`);
        }
        log.error('publishing events failed; retrying', { [idField]: entityId, error: String(error) });
        await sleep('1 minute');
      }
    }
  }

  return {
    async commit(transition, actor) {
      options.onCommit(transition.state);
      const events = transition.events.map((event) => toEvent(event, transition.state, actor));
      if (events.length > 0) await publish(events);
    },
    get lastSeq() {
      return lastSeq;
    },
  };
}

/** An activity call fails with an ActivityFailure whose cause is the activity's ApplicationFailure. */
function invalidEventFailure(error: unknown): ApplicationFailure | undefined {
  const failures = error instanceof ActivityFailure ? [error, error.cause] : [error];
  return failures.find(
    (failure): failure is ApplicationFailure =>
      failure instanceof ApplicationFailure && failure.type === invalidEventType,
  );
}
