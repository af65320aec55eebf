/**
 * The console's sessions: after the authorization-code sign-in, the tokens stay here and the
 * browser holds only a random session id in an HttpOnly cookie. Each session has a CSRF token the
 * console reads from `GET /auth/session` and sends in `x-csrf-token` with every state-changing
 * request. A session ends when its access token does (the provider's lifetime), on sign-out, or
 * when the API process restarts (sessions are kept in memory: run one API replica per browser,
 * or sticky sessions, or sign in again).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Official } from './auth.js';

export const SESSION_COOKIE = 'tthc_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSession {
  id: string;
  csrfToken: string;
  official: Official;
  /** Epoch ms. */
  expiresAt: number;
  createdAt: number;
}

/** A sign-in in progress: what the callback checks (PKCE verifier, state, nonce) and where to go after. */
export interface PendingSignIn {
  id: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  popup: boolean;
  /** A citizen's sign-in (the citizens' area), not an official's. */
  citizen?: boolean;
  expiresAt: number;
}

export type SessionLookup =
  | { status: 'active'; session: ConsoleSession }
  | { status: 'expired'; expiredAt?: number }
  | { status: 'none' };

export class ConsoleSessions {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly ended = new Map<string, number>();
  private readonly pending = new Map<string, PendingSignIn>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxSessions = 50_000,
  ) {}

  create(official: Official, expiresAt: number): ConsoleSession {
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.createdAt - b.createdAt)[0];
      if (oldest) this.sessions.delete(oldest.id);
    }
    const session: ConsoleSession = {
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(24).toString('base64url'),
      official,
      expiresAt,
      createdAt: this.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  lookup(id: string | undefined): SessionLookup {
    if (!id) return { status: 'none' };
    const session = this.sessions.get(id);
    if (!session) {
      // Ended (expired or signed out) or unknown to this process (a restart): sign in again.
      return { status: 'expired', expiredAt: this.ended.get(id) };
    }
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      this.ended.set(id, session.expiresAt);
      return { status: 'expired', expiredAt: session.expiresAt };
    }
    return { status: 'active', session };
  }

  end(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    return session;
  }

  startSignIn(input: Omit<PendingSignIn, 'id' | 'expiresAt'>): PendingSignIn {
    this.sweep();
    if (this.pending.size >= this.maxSessions) this.pending.clear();
    const pending: PendingSignIn = {
      ...input,
      id: randomBytes(24).toString('base64url'),
      expiresAt: this.now() + 10 * 60_000,
    };
    this.pending.set(pending.id, pending);
    return pending;
  }

  /** The sign-in in progress, once (it is forgotten as it is taken). */
  takeSignIn(id: string | undefined): PendingSignIn | undefined {
    if (!id) return undefined;
    const pending = this.pending.get(id);
    this.pending.delete(id);
    if (!pending || pending.expiresAt <= this.now()) return undefined;
    return pending;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) {
      if (session.expiresAt <= now) {
        this.sessions.delete(id);
        this.ended.set(id, session.expiresAt);
      }
    }
    for (const [id, at] of this.ended) if (at < now - 24 * 3_600_000) this.ended.delete(id);
    if (this.ended.size > this.maxSessions) this.ended.clear();
    for (const [id, pending] of this.pending) if (pending.expiresAt <= now) this.pending.delete(id);
  }
}

export function csrfMatches(
  session: Pick<ConsoleSession, 'csrfToken'>,
  given: string | string[] | undefined,
): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}
