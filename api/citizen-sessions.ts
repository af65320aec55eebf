/**
 * Citizens' sessions in the web console: the same mechanism as officials' (api/console-sessions.ts)
 * — the provider's tokens stay on the server, the browser holds a random id in an HttpOnly,
 * SameSite=Strict cookie of its own (`tthc_citizen`), every state-changing request carries the
 * session's CSRF token — but a distinct principal: a citizen's session never opens an official's
 * route, nor an official's a citizen's. The citizen's applicant key (the HMAC of the ID number
 * under the keyring's pseudonym secret) is computed once, at sign-in.
 */
import { randomBytes } from 'node:crypto';
import type { Citizen } from './authentication.js';

export const CITIZEN_COOKIE = 'tthc_citizen';

export interface CitizenSession {
  id: string;
  csrfToken: string;
  citizen: Citizen;
  /** HMAC of the ID number: what the citizen's drafts and dossiers are filed under. */
  applicantKey: string;
  expiresAt: number;
  createdAt: number;
}

export class CitizenSessions {
  private readonly sessions = new Map<string, CitizenSession>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxSessions = 100_000,
  ) {}

  create(citizen: Citizen, applicantKey: string, expiresAt: number): CitizenSession {
    this.sweep();
    if (this.sessions.size >= this.maxSessions) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.createdAt - b.createdAt)[0];
      if (oldest) this.sessions.delete(oldest.id);
    }
    const session: CitizenSession = {
      id: randomBytes(32).toString('base64url'),
      csrfToken: randomBytes(24).toString('base64url'),
      citizen,
      applicantKey,
      expiresAt,
      createdAt: this.now(),
    };
    this.sessions.set(session.id, session);
    return session;
  }

  lookup(id: string | undefined): CitizenSession | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}
