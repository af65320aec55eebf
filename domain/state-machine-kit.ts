/**
 * What the dossier and the feedback state machines share: the rejection of an action the rules do
 * not allow now (it changes nothing), the transition a machine returns (the next state and the
 * domain events to publish), the history entry it records, and the role guard.
 */
import type { Actor, Role } from './actor.js';
import { formatInstant, type Instant } from './time.js';

export interface DomainEvent {
  type: string;
  at: Instant;
  data: Record<string, unknown>;
}

export interface Transition<S> {
  state: S;
  events: DomainEvent[];
}

export interface HistoryEntry<S extends string> {
  at: string;
  action: string;
  status: S;
  actor?: { id: string; name: string; unit: string; role: Role };
  note?: string;
}

/** An action the rules do not allow now; it changes nothing. Each machine names its own codes. */
export abstract class ActionRejection<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(message);
  }
}

export type Reject<C extends string> = (code: C, message: string) => never;

/** The `reject(code, message)` of one machine: throws that machine's rejection. */
export function rejecter<C extends string>(
  Rejection: new (code: C, message: string) => ActionRejection<C>,
): Reject<C> {
  return (code, message) => {
    throw new Rejection(code, message);
  };
}

/** The transition to `state`, with the history entry of the action that led there. */
export function recordTransition<St extends string, S extends { status: St; history: HistoryEntry<St>[] }>(
  state: S,
  at: Instant,
  action: string,
  actor: Actor | undefined,
  events: DomainEvent[],
  note?: string,
): Transition<S> {
  const entry: HistoryEntry<St> = {
    at: formatInstant(at),
    action,
    status: state.status,
    actor: actor ? { id: actor.id, name: actor.name, unit: actor.unit, role: actor.role } : undefined,
    ...(note === undefined ? {} : { note }),
  };
  return { state: { ...state, history: [...state.history, entry] }, events };
}

/** The actor's role must be one of `allowed`. */
export function requireRole(actor: Actor, allowed: readonly Role[], reject: Reject<'WRONG_ROLE'>): void {
  if (!allowed.includes(actor.role)) {
    reject(
      'WRONG_ROLE',
      `Thao tác này cần vai trò ${allowed.join(' hoặc ')}; người thực hiện có vai trò ${actor.role}`,
    );
  }
}
