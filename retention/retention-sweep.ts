/**
 * The retention sweep: at start and then periodically (TTHC_RETENTION_SWEEP_INTERVAL, hourly by
 * default), every dossier whose personal data is due on or before today (Vietnam) in the retention
 * index is erased (retention/dossier-erasure.ts), as the organisation's system official. A dossier
 * still open then (its evaluation window, say) is moved to the next day, never erased; one whose
 * erasure fails (Temporal or NATS unreachable) stays due and is tried again at the next sweep. It
 * reads only the index, never Temporal's visibility. Progress goes to the log: dossier codes,
 * dates and counts, no personal data.
 */
import type { Logger } from 'pino';
import type { AccessOfficial } from '../audit/access-entry.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { addCalendarDays, type CivilDate, toCivilDate } from '../domain/time.js';
import { type DossierEraser, DossierStillOpenError } from './dossier-erasure.js';
import type { DueEntry, RetentionIndex } from './retention-index.js';

/** The sweep's identity in the access log: the citizen's lookup names its unit, the organisation's root. */
export function retentionSweepOfficial(organisation: OrganisationRegistry): AccessOfficial {
  const roots = organisation.units.filter((unit) => unit.parent === undefined);
  const root = roots.find((unit) => unit.province === undefined) ?? roots[0];
  if (!root) throw new RangeError('the organisation registry has no top-level unit');
  return {
    id: 'system:retention',
    name: 'Hệ thống (xóa dữ liệu cá nhân hết thời hạn lưu trữ)',
    role: 'administrator',
    unit: root.code,
  };
}

export interface SweepOutcome {
  today: CivilDate;
  due: number;
  erased: string[];
  alreadyErased: string[];
  postponed: Array<{ dossierCode: string; to: CivilDate }>;
  failed: Array<{ dossierCode: string; error: string }>;
}

export interface SweepDeps {
  index: RetentionIndex;
  eraser: DossierEraser;
  official: AccessOfficial;
  logger: Logger;
}

/** Erases every dossier due on or before `today`. */
export async function sweepDueErasures(deps: SweepDeps, today: CivilDate): Promise<SweepOutcome> {
  const due = await deps.index.dueOnOrBefore(today);
  const outcome: SweepOutcome = {
    today,
    due: due.length,
    erased: [],
    alreadyErased: [],
    postponed: [],
    failed: [],
  };
  for (const entry of due) await sweepOne(deps, entry, today, outcome);
  return outcome;
}

async function sweepOne(
  deps: SweepDeps,
  entry: DueEntry,
  today: CivilDate,
  outcome: SweepOutcome,
): Promise<void> {
  const { dossierCode } = entry;
  try {
    const erased = await deps.eraser.erase(dossierCode, {
      by: deps.official,
      reason: 'retention-expired',
      knownToHaveEnded: true,
    });
    await deps.index.markErased(entry, erased.erasedAt);
    (erased.alreadyErased ? outcome.alreadyErased : outcome.erased).push(dossierCode);
  } catch (error) {
    if (error instanceof DossierStillOpenError) {
      const to = addCalendarDays(today, 1);
      await deps.index.postpone(entry, to);
      outcome.postponed.push({ dossierCode, to });
      deps.logger.info(
        { dossierCode, dueOn: entry.scheduledOn, to },
        'retention: dossier still open; erasure moved to a later day',
      );
      return;
    }
    outcome.failed.push({ dossierCode, error: String(error) });
    deps.logger.error(
      { dossierCode, error: String(error) },
      'retention: erasure failed; it is tried again at the next sweep',
    );
  }
}

export interface RetentionSweepOptions extends SweepDeps {
  /** How often to sweep after the first sweep at start (ms). */
  intervalMs: number;
  /** "Now" (default Date.now): a test server's clock in tests. */
  clock?: () => number | Promise<number>;
}

export interface RunningSweep {
  /** Sweeps now (after the sweep in progress, if any) and answers what it did. */
  runNow(): Promise<SweepOutcome>;
  stop(): Promise<void>;
}

/** Sweeps at start, then every `intervalMs`; two sweeps never overlap; a failed sweep is logged. */
export function startRetentionSweep(options: RetentionSweepOptions): RunningSweep {
  const clock = options.clock ?? Date.now;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const sweep = async (): Promise<SweepOutcome> => {
    const started = Date.now();
    const outcome = await sweepDueErasures(options, toCivilDate(await clock()));
    if (outcome.due > 0) {
      const { today, due, erased, alreadyErased, postponed, failed } = outcome;
      options.logger.info(
        {
          today,
          due,
          erased: erased.length,
          alreadyErased: alreadyErased.length,
          postponed: postponed.length,
          failed: failed.length,
          ms: Date.now() - started,
        },
        'retention sweep done',
      );
    }
    return outcome;
  };
  const runNow = (): Promise<SweepOutcome> => {
    const next = running.then(sweep, sweep);
    running = next.catch(() => undefined);
    return next;
  };
  let scheduledInProgress = false;
  const scheduled = () => {
    // A sweep longer than the interval is not queued behind again and again.
    if (stopped || scheduledInProgress) return;
    scheduledInProgress = true;
    runNow()
      .catch((error) => options.logger.error({ error: String(error) }, 'retention sweep failed'))
      .finally(() => {
        scheduledInProgress = false;
      });
  };
  scheduled();
  const timer = setInterval(scheduled, options.intervalMs);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
