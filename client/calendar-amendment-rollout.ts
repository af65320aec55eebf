/**
 * Bringing a calendar amendment to the open dossiers (issue #21 item 1; `tthc calendar amend`):
 * validate it against the calendar files, find the running dossiers whose calendar includes its
 * jurisdiction (Temporal visibility), ask each what the amendment would do (a query: changes
 * nothing), and, unless it is a dry run, publish it (NATS KV, so new dossiers get it) and send it
 * to each of them (an update: each recounts its own deadlines).
 *
 * Publishing first, then listing: a dossier started after the listing already has the amendment
 * from its rules; one started in the moment between (visibility lags by about a second) is caught
 * by running the command again, which is harmless (the store and the dossiers ignore a repeat).
 */
import type { Client } from '@temporalio/client';
import { amendCalendarChain } from '../domain/calendar.js';
import { type CalendarAmendment, parseCalendarAmendment } from '../domain/calendar-amendment.js';
import type { AmendmentOutcome } from '../domain/dossier/dossier-calendar-change.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { ValidationError } from '../domain/validation.js';
import type { CalendarAmendmentStore } from '../infra/calendar-amendment-store.js';
import { agencyJurisdiction, listJurisdictions, loadCalendarChain } from '../rules/calendar-loader.js';
import { DossierNotFoundError } from './client-errors.js';
import type { DossierClient } from './dossier-client.js';
import { buildDossierQuery } from './search.js';

/** Dossiers asked at once. */
const CONCURRENCY = 8;

export interface RolloutReport {
  amendment: { id: string; jurisdiction: string; source: CalendarAmendment['source'] };
  dryRun: boolean;
  /** Whether the store took it now, had it already, or (dry run) was not asked. */
  publication: 'published' | 'already-published' | 'not-published';
  /** Open dossiers looked at. */
  openDossiers: number;
  /** The dossiers whose deadlines it moves (or moved), with the old and new dates. */
  moved: AmendmentOutcome[];
  /** Dossiers that take it but whose deadlines do not move. */
  unchanged: number;
  /** Dossiers that already had it, are decided, or keep another jurisdiction's calendar. */
  skipped: number;
  /** Dossiers that could not be asked (ended in the meantime, still at intake, …). */
  failed: Array<{ code: string; error: string }>;
}

/**
 * Validates an amendment for publication: the schema, a calendar file for its jurisdiction, and that
 * calendar able to take it. Throws ValidationError naming every problem.
 */
export function validateAmendment(raw: unknown, what: string): CalendarAmendment {
  const amendment = parseCalendarAmendment(raw, what);
  if (!listJurisdictions().includes(amendment.jurisdiction)) {
    throw new ValidationError(what, [
      `jurisdiction: no calendar "${amendment.jurisdiction}" (known: ${listJurisdictions().join(', ')})`,
    ]);
  }
  try {
    amendCalendarChain(loadCalendarChain(amendment.jurisdiction), amendment);
  } catch (error) {
    throw new ValidationError(what, [(error as Error).message.replace(/\n\s*-\s*/g, ' ')]);
  }
  return amendment;
}

export interface RolloutDependencies {
  temporal: Client;
  dossiers: DossierClient;
  organisation: OrganisationRegistry;
  /** Needed unless it is a dry run. */
  store?: CalendarAmendmentStore;
}

export async function rollOutAmendment(
  amendment: CalendarAmendment,
  deps: RolloutDependencies,
  options: { dryRun: boolean },
): Promise<RolloutReport> {
  let publication: RolloutReport['publication'] = 'not-published';
  if (!options.dryRun) {
    if (!deps.store) throw new Error('publishing an amendment needs the amendment store');
    publication = await deps.store.publish(amendment);
  }
  const codes = await openDossiers(
    deps.temporal,
    agenciesFollowing(deps.organisation, amendment.jurisdiction),
  );
  const ask = options.dryRun
    ? (code: string) => deps.dossiers.previewCalendarAmendment(code, amendment)
    : (code: string) => deps.dossiers.applyCalendarAmendment(code, amendment);
  const report: RolloutReport = {
    amendment: { id: amendment.id, jurisdiction: amendment.jurisdiction, source: amendment.source },
    dryRun: options.dryRun,
    publication,
    openDossiers: codes.length,
    moved: [],
    unchanged: 0,
    skipped: 0,
    failed: [],
  };
  await inBatches(codes, async (code) => {
    try {
      const outcome = await ask(code);
      if (!outcome.applied) report.skipped++;
      else if (outcome.changed) report.moved.push(outcome);
      else report.unchanged++;
    } catch (error) {
      const ended = error instanceof DossierNotFoundError;
      report.failed.push({ code, error: ended ? 'the dossier has ended' : (error as Error).message });
    }
  });
  report.moved.sort((a, b) => (a.code < b.code ? -1 : 1));
  return report;
}

/** The competent agencies whose calendar includes the jurisdiction; undefined when that is every agency. */
function agenciesFollowing(organisation: OrganisationRegistry, jurisdiction: string): string[] | undefined {
  const units = organisation.units.map((unit) => unit.code);
  const following = units.filter((code) =>
    loadCalendarChain(agencyJurisdiction(organisation, code)).some(
      (data) => data.jurisdiction === jurisdiction,
    ),
  );
  return following.length === units.length ? undefined : following;
}

async function openDossiers(temporal: Client, agencies: string[] | undefined): Promise<string[]> {
  if (agencies?.length === 0) return [];
  const query = `${buildDossierQuery({ competentAgencies: agencies })} AND ExecutionStatus = 'Running'`;
  const codes: string[] = [];
  for await (const execution of temporal.workflow.list({ query })) codes.push(execution.workflowId);
  return codes;
}

async function inBatches<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) {
    await Promise.all(items.slice(i, i + CONCURRENCY).map(run));
  }
}
