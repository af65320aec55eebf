/**
 * Retention of the applicant's personal data (Law 91/2025/QH15: personal data is kept only as long
 * as the purpose of processing needs): each procedure of the catalogue names a period in months,
 * counted from the day the dossier ended (`personalDataRetention`); on the day it runs out the
 * dossier's personal data falls due for erasure (retention/ does the erasing). Pure: the facts
 * come from the dossier's events, "today" from the caller.
 */
import type { PersonalDataRetention, Procedure } from './catalogue.js';
import { addCalendarMonths, type CivilDate, parseInstant, toCivilDate } from './time.js';

/** What a dossier's events say about its end: the decision ended it, or the result was handed back. */
export interface EndFacts {
  endedAt?: string;
  returnedAt?: string;
}

/** The day (Vietnam) the dossier ended: the later of its end and its hand-back; undefined while open. */
export function endedOn(facts: EndFacts): CivilDate | undefined {
  const instants = [facts.endedAt, facts.returnedAt]
    .filter((text): text is string => text !== undefined)
    .map(parseInstant);
  return instants.length === 0 ? undefined : toCivilDate(Math.max(...instants));
}

/** The day the personal data falls due for erasure: the ended day plus the retention period. */
export function personalDataDueDate(
  ended: CivilDate,
  retention: Pick<PersonalDataRetention, 'months'>,
): CivilDate {
  return addCalendarMonths(ended, retention.months);
}

/** Which catalogue entry gave a dossier's retention, so that a fallback can be logged. */
export type RetentionSource = 'rule-version' | 'in-force' | 'latest-version' | 'longest-in-catalogue';

export interface DossierRetention {
  months: number;
  source: RetentionSource;
}

/**
 * The retention of a dossier's procedure: the rule version it was received under; else the
 * version in force on the day it was received (a version since removed from the catalogue); else
 * the procedure's latest version; else, for a procedure the catalogue no longer lists, the longest
 * period of the catalogue (never shorter than some procedure would keep it).
 */
export function retentionFor(
  procedures: readonly Procedure[],
  dossier: { procedureCode: string; ruleVersion: string; receivedOn: CivilDate },
): DossierRetention {
  const versions = procedures.filter((procedure) => procedure.code === dossier.procedureCode);
  const exact = versions.find((procedure) => procedure.ruleVersion.version === dossier.ruleVersion);
  if (exact) return { months: exact.personalDataRetention.months, source: 'rule-version' };
  const inForce = latest(versions.filter((p) => p.ruleVersion.effectiveFrom <= dossier.receivedOn));
  if (inForce) return { months: inForce.personalDataRetention.months, source: 'in-force' };
  const newest = latest(versions);
  if (newest) return { months: newest.personalDataRetention.months, source: 'latest-version' };
  const longest = Math.max(...procedures.map((procedure) => procedure.personalDataRetention.months));
  if (!Number.isFinite(longest)) throw new RangeError('the procedure catalogue is empty');
  return { months: longest, source: 'longest-in-catalogue' };
}

function latest(versions: readonly Procedure[]): Procedure | undefined {
  return [...versions].sort((a, b) =>
    a.ruleVersion.effectiveFrom < b.ruleVersion.effectiveFrom ? 1 : -1,
  )[0];
}
