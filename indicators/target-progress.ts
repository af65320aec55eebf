/**
 * A unit's progress against its yearly targets (domain/unit-targets.ts): the share so far in the
 * year, and a simple forecast of the year's share if the recent pace holds: the rest of the year
 * brings as many dossiers as the year so far did per day, at the share of the recent months.
 */
import { type CivilDate, civilDate, dayNumber, parseCivilDate } from '../domain/time.js';
import type { TargetMeasure, UnitTarget } from '../domain/unit-targets.js';
import { targetMeasures } from '../domain/unit-targets.js';
import type { DossierCounters } from './dossier-counters.js';

type Count = (counters: DossierCounters) => number;

/**
 * What each measure is a share of. Online is by the channel the dossier came in (what a province
 * counts when it gives the target), not Decision 766's 3.3, which also wants an e-result.
 */
export const targetMeasureFields: Record<TargetMeasure, { numerator: Count; denominator: Count }> = {
  online: {
    numerator: (c) => c.accepted - c.acceptedCounter - c.acceptedPostal,
    denominator: (c) => c.accepted,
  },
  onlinePayment: { numerator: (c) => c.paidOnline, denominator: (c) => c.feeBearing },
  onTime: { numerator: (c) => c.progressOnTime, denominator: (c) => c.progressTotal },
  digitization: { numerator: (c) => c.digitized, denominator: (c) => c.accepted },
};

export interface MeasureProgress {
  measure: TargetMeasure;
  /** Per cent; absent when the unit has no target for this measure. */
  target?: number;
  /** The share so far in the year (per cent); null without dossiers. */
  actual: number | null;
  numerator: number;
  denominator: number;
  /** The year's share if the recent pace holds (per cent); null without dossiers. */
  forecast: number | null;
  /** A target the forecast falls short of. */
  behind: boolean;
}

export interface TargetProgressInput {
  target: UnitTarget | undefined;
  /** Counters of the year so far, and of the recent months (the pace). */
  yearToDate: DossierCounters;
  recent: DossierCounters;
  /** Share of the year elapsed, 0–1 (yearElapsed). */
  elapsed: number;
}

export function targetProgress(input: TargetProgressInput): MeasureProgress[] {
  return targetMeasures.map((measure) => measureProgress(measure, input));
}

function measureProgress(measure: TargetMeasure, input: TargetProgressInput): MeasureProgress {
  const { numerator: n, denominator: d } = targetMeasureFields[measure];
  const numerator = n(input.yearToDate);
  const denominator = d(input.yearToDate);
  const actual = denominator > 0 ? (100 * numerator) / denominator : null;
  const forecast = forecastShare(numerator, denominator, n(input.recent), d(input.recent), input.elapsed);
  const target = input.target?.[measure];
  return {
    measure,
    ...(target === undefined ? {} : { target }),
    actual,
    numerator,
    denominator,
    forecast,
    behind: target !== undefined && forecast !== null && forecast < target,
  };
}

function forecastShare(
  numerator: number,
  denominator: number,
  recentNumerator: number,
  recentDenominator: number,
  elapsed: number,
): number | null {
  if (denominator === 0) return null;
  if (elapsed >= 1 || elapsed <= 0) return (100 * numerator) / denominator;
  const pace = recentDenominator > 0 ? recentNumerator / recentDenominator : numerator / denominator;
  const remaining = (denominator * (1 - elapsed)) / elapsed;
  return (100 * (numerator + pace * remaining)) / (denominator + remaining);
}

/** The share of `year` elapsed on `today` (today counted): 0 before it, 1 after it. */
export function yearElapsed(year: number, today: CivilDate): number {
  const first = dayNumber(civilDate(year, 1, 1));
  const last = dayNumber(civilDate(year, 12, 31));
  const day = dayNumber(today);
  if (day < first) return 0;
  if (day > last) return 1;
  return (day - first + 1) / (last - first + 1);
}

/** The month periods (`YYYY-MM`) of the pace: the month of `today` and the one before, within the year. */
export function recentMonths(year: number, today: CivilDate): string[] {
  const { year: y, month } = parseCivilDate(today);
  if (y !== year) return [];
  const months = month === 1 ? [1] : [month - 1, month];
  return months.map((m) => `${year}-${String(m).padStart(2, '0')}`);
}
