/**
 * Lockout of the citizen lookup: wrong lookup secrets for one dossier code (or feedback id) are
 * counted; after `attempts` wrong ones within `durationMs`, that code's lookup is locked for
 * `durationMs`, even with the right secret, and answers 429 with a Vietnamese message giving the
 * time to retry. A right secret before the lock clears the count. Kept in memory per API process
 * (several replicas multiply the attempts an attacker gets by the number of replicas; the per-address
 * rate limit still applies).
 */
import { TooManyRequestsError } from './http-errors.js';

interface Counter {
  failures: number;
  firstAt: number;
  lockedUntil?: number;
}

const MAX_TRACKED = 100_000;

export class LookupLockout {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly attempts: number,
    private readonly durationMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws TooManyRequestsError while the code's lookup is locked. */
  check(code: string): void {
    const counter = this.counters.get(code);
    if (!counter?.lockedUntil) return;
    const now = this.now();
    if (counter.lockedUntil <= now) {
      this.counters.delete(code);
      return;
    }
    throw lockedError(code, counter.lockedUntil, now);
  }

  /** Counts a wrong secret; throws TooManyRequestsError when this one locks the code. */
  failed(code: string): void {
    const now = this.now();
    let counter = this.counters.get(code);
    if (!counter || now - counter.firstAt > this.durationMs) {
      if (this.counters.size >= MAX_TRACKED) this.sweep(now);
      counter = { failures: 0, firstAt: now };
      this.counters.set(code, counter);
    }
    counter.failures += 1;
    if (counter.failures >= this.attempts) {
      counter.lockedUntil = now + this.durationMs;
      throw lockedError(code, counter.lockedUntil, now);
    }
  }

  succeeded(code: string): void {
    this.counters.delete(code);
  }

  private sweep(now: number): void {
    for (const [code, counter] of this.counters) {
      if ((counter.lockedUntil ?? counter.firstAt + this.durationMs) <= now) this.counters.delete(code);
    }
    if (this.counters.size >= MAX_TRACKED) this.counters.clear();
  }
}

function lockedError(code: string, until: number, now: number): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const minutes = Math.ceil(seconds / 60);
  const at = vietnamTime(until);
  return new TooManyRequestsError(
    `Mã tra cứu của ${code} đã bị nhập sai quá nhiều lần nên tạm khóa tra cứu; vui lòng thử lại sau ${minutes} phút (sau ${at}) ` +
      `(too many wrong lookup secrets for ${code}: its lookup is locked for ${seconds} s, until ${new Date(until).toISOString()})`,
    'LOOKUP_LOCKED',
    seconds,
    new Date(until).toISOString(),
  );
}

/** "14:05 ngày 23/04/2026" in Vietnam time (UTC+7, no daylight saving). */
function vietnamTime(epochMs: number): string {
  const d = new Date(epochMs + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ngày ${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}
