/**
 * What one dossier contributes to the Decision 766 counters of a (unit, period) (DOMAIN.md §2.3),
 * computed from the facts every dossier event carries (events/dossier-event-schema.ts, DOMAIN.md §2.5).
 *
 * Counters are plain whole numbers, so an aggregator can keep one record per (unit, period) and,
 * when newer facts of a dossier arrive, subtract the old contribution and add the new one
 * (`affectedPeriods` names the periods to revisit: those of the old facts and of the new).
 * Which unit a dossier counts for (receiving unit or competent agency) is the aggregator's choice.
 *
 * Which dossiers count in a period:
 * - acceptance-based (NgayTiepNhan in the period): 1.4, 2.2, 3.3, the toàn trình share, 3.6, 4.1,
 *   4.2, 4.3, 4.4, 4.5b. The doc states it for 1.4, 3.3, 3.6 ("start of processing"), 4.3, 4.4
 *   and 2.2 ("start in the period"); 4.1, 4.2 and 4.5b give no date, so acceptance is used too.
 *   Dossiers never accepted (refused or closed at intake) count in none of them.
 * - 2.1 and 5.4: accepted in the period, or reaching a terminal status in it.
 * - TT 01/2018 evaluations: result returned in the period (the facts carry no evaluation time).
 * - `submitted` (NgayNopHoSo in the period) is a monitoring count only: no indicator here is
 *   submission-based.
 * Attribute flags (channel, e-result, components, fees, payment, VNeID) are read from the newest
 * facts: they carry no timestamp.
 * Synced: a dossier counts as synced to the national portal only once the portal acknowledged it
 * (`portalSyncedAt`): 1.4, and the numerators of 3.6, 4.1 and the procedure counts of 3.5 and
 * 4.5a, count synced dossiers only (DOMAIN.md §2.3).
 */
import { endOfCivilDay } from '../domain/deadline.js';
import { type Instant, parseInstant } from '../domain/time.js';
import { channelCodes, type DossierFacts } from '../events/dossier-event-schema.js';
import {
  defaultPeriodKinds,
  type PeriodId,
  type PeriodKind,
  periodBounds,
  periodsContaining,
} from './periods.js';
import {
  dossierScores,
  emptyTt01Tally,
  type Tt01Score,
  type Tt01Tally,
  tt01DossierIndicators,
} from './tt01.js';

export const counterFields = [
  /** Submitted (NgayNopHoSo) in the period: monitoring only. */
  'submitted',
  /** Accepted (NgayTiepNhan) in the period: 1.4 denominator; base of 3.3, 4.2, 4.3, 4.4, 4.5b. */
  'accepted',
  /** 1.4 numerator: accepted dossiers whose sync the national portal acknowledged. */
  'synced',
  /** 3.3 numerator: channel 2 and, where the TTHC requires a paper result, an e-result link. */
  'acceptedOnline',
  /** 3.3 direct rate (channel 1) and postal rate (channel 3): monitoring. */
  'acceptedCounter',
  'acceptedPostal',
  /** Toàn trình share (the 12 points of group 3a): accepted dossiers of TTHC eligible for toàn trình … */
  'toanTrinhBase',
  /** … of which submitted online (channel 2) to a toàn trình service, with an e-result where one is required. */
  'toanTrinhOnline',
  /** 3.6 denominator: accepted dossiers whose fee list has an amount > 0. */
  'feeBearing',
  /** 3.6 numerator: of those, synced and paid online (DVCQG or the local payment portal). */
  'paidOnline',
  /** 4.1 denominator: accepted dossiers of TTHC requiring a written or paper result. */
  'paperResultRequired',
  /** 4.1 numerator: of those, synced with an e-result link. */
  'eResult',
  /** 4.2 numerator (denominator `accepted`): every component digitised, e-result where required. */
  'digitized',
  /** 4.3 numerator (denominator `accepted`): at least one component reusing digitised data. */
  'reusedData',
  /** 4.4 numerator (denominator `accepted`): at least one component from the DVCQG data store. */
  'fromDataStore',
  /** 4.5b numerator (denominator `accepted`): VNeID-authenticated account. */
  'populationData',
  /** 2.1 denominator: accepted in the period or reaching a terminal status in it. */
  'progressTotal',
  /** 2.1 numerator: of those, handled on time or still within time. */
  'progressOnTime',
  /** 5.4: of the 2.1 dossiers, those the applicant disliked. */
  'progressDisliked',
  /** 2.2: dossiers accepted in the period with status Đã xử lý xong or Đã trả kết quả … */
  'completed',
  /** … and their total processing time in milliseconds (acceptance → NgayKetThucXuLy). */
  'processingMs',
  /** Results returned in the period that the applicant evaluated. */
  'evaluated',
  /** TT 01/2018 per-dossier scores of the evaluations counted in `evaluated`: sum and count. */
  'tt01Sum1',
  'tt01Count1',
  'tt01Sum2',
  'tt01Count2',
  'tt01Sum3',
  'tt01Count3',
  'tt01Sum4',
  'tt01Count4',
  'tt01Sum6',
  'tt01Count6',
  'tt01Sum7',
  'tt01Count7',
] as const;

export type CounterField = (typeof counterFields)[number];
export type DossierCounters = Record<CounterField, number>;

const zeroCounters = Object.freeze(
  Object.fromEntries(counterFields.map((field) => [field, 0])) as DossierCounters,
);

export function emptyCounters(): DossierCounters {
  return { ...zeroCounters };
}

function combine(a: DossierCounters, b: DossierCounters, sign: 1 | -1): DossierCounters {
  return Object.fromEntries(
    counterFields.map((field) => [field, a[field] + sign * b[field]]),
  ) as DossierCounters;
}

export function addCounters(a: DossierCounters, b: DossierCounters): DossierCounters {
  return combine(a, b, 1);
}

export function subtractCounters(a: DossierCounters, b: DossierCounters): DossierCounters {
  return combine(a, b, -1);
}

export function sumCounters(list: readonly DossierCounters[]): DossierCounters {
  return list.reduce(addCounters, emptyCounters());
}

export function isEmptyCounters(counters: DossierCounters): boolean {
  return counterFields.every((field) => counters[field] === 0);
}

/** The TT 01/2018 sums kept in the counters, for indicators/tt01.ts. */
export function tt01Tally(counters: DossierCounters): Tt01Tally {
  const tally = emptyTt01Tally();
  for (const id of tt01DossierIndicators) {
    tally[id] = { sum: counters[`tt01Sum${id}`], count: counters[`tt01Count${id}`] };
  }
  return tally;
}

// ---------------------------------------------------------------------------------------------
// Options

export interface ContributionOptions {
  /**
   * How 2.1 judges a period that has ended before the dossier's newest facts (UNCONFIRMED: the
   * doc does not say). 'as-of-period-end' (default): only terminal statuses and supplementation
   * steps before the period end count, so a closed period's rate does not move when a dossier
   * finishes later. 'latest-facts': the newest terminal status is used whatever its date.
   */
  progressView: 'as-of-period-end' | 'latest-facts';
  /** 2.2: subtract completed supplementation intervals from the processing time (UNCONFIRMED). */
  processingTimeExcludesSupplementation: boolean;
}

export const defaultContributionOptions: ContributionOptions = {
  progressView: 'as-of-period-end',
  processingTimeExcludesSupplementation: true,
};

// ---------------------------------------------------------------------------------------------
// Times

interface Interval {
  requestedAt: Instant;
  providedAt?: Instant;
}

/** Parsed instants, memoised: a dossier's events repeat the same few instants over and over. */
const parsedInstants = new Map<string, Instant>();

function instant(text: string | undefined): Instant | undefined {
  if (text === undefined) return undefined;
  let parsed = parsedInstants.get(text);
  if (parsed === undefined) {
    parsed = parseInstant(text);
    if (parsedInstants.size >= 100_000) parsedInstants.clear();
    parsedInstants.set(text, parsed);
  }
  return parsed;
}

/** Processing supplementation requests; intake requests precede acceptance and the due date. */
function processingSupplements(facts: DossierFacts): Interval[] {
  return facts.supplementations
    .filter((s) => s.phase === 'processing')
    .map((s) => ({ requestedAt: parseInstant(s.requestedAt), providedAt: instant(s.providedAt) }));
}

/**
 * The terminal instant, by the 766 priority Đã xử lý xong > Đã trả kết quả > Dừng xử lý / Từ chối
 * (DOMAIN.md §2.3). `decidedAt` is NgayKetThucXuLy (approval, or refusal after appraisal; the
 * facts do not say which). Stops, withdrawals and refusals end at `endedAt`, and count only for
 * accepted dossiers.
 */
export function terminalAt(facts: DossierFacts): Instant | undefined {
  const decided = instant(facts.decidedAt) ?? instant(facts.returnedAt);
  if (decided !== undefined) return decided;
  return facts.acceptedAt === undefined ? undefined : instant(facts.endedAt);
}

export interface ProgressView {
  terminalAt?: Instant;
  supplements: Interval[];
}

/** What was known at `end`: later terminal statuses and supplementation steps are dropped. */
function viewAsOf(view: ProgressView, end: Instant): ProgressView {
  const before = (t: Instant | undefined) => (t !== undefined && t < end ? t : undefined);
  return {
    terminalAt: before(view.terminalAt),
    supplements: view.supplements
      .filter((s) => s.requestedAt < end)
      .map((s) => ({ requestedAt: s.requestedAt, providedAt: before(s.providedAt) })),
  };
}

/** Time spent waiting for the applicant up to `endAt` (an open request counts until `endAt`). */
function pausedMs(supplements: readonly Interval[], endAt: Instant): number {
  return supplements.reduce(
    (sum, s) => sum + Math.max(0, Math.min(s.providedAt ?? endAt, endAt) - s.requestedAt),
    0,
  );
}

// ---------------------------------------------------------------------------------------------
// 2.1: on time or within time

export type LateReason = 'past-due' | 'more-than-one-supplementation';

export interface ProgressJudgement {
  /** NgayHenTra: the rescheduled date if the apology came in time, else the original one. */
  dueDate: string;
  /** 24:00 of the due date. */
  dueAt: Instant;
  /** The terminal instant; the period end while pending; the request time while waiting for the applicant. */
  endAt: Instant;
  pausedMs: number;
  effectiveEndAt: Instant;
  onTime: boolean;
  lateReason?: LateReason;
}

/**
 * NgayHenTra: the rescheduled date when the apology came in time (ND 61 Art 19(9), DOMAIN.md
 * §1.1 (9)), else the original one. Events from before `apologyInTime` was carried count the
 * reschedule, as they did.
 */
export function appointmentInForce(facts: DossierFacts): string | undefined {
  if (facts.rescheduledDueDate !== undefined && facts.apologyInTime !== false)
    return facts.rescheduledDueDate;
  return facts.dueDate;
}

/**
 * Indicator 2.1 for one dossier and period (DOMAIN.md §2.3); undefined when the dossier is not in
 * the period's 2.1 population (neither accepted nor terminal in it, never accepted, or no due date).
 * - end = terminal instant; no terminal status → the period end (00:00 after its last day);
 * - still waiting for the applicant → end = time of that request;
 * - completed supplementation intervals are subtracted from the end;
 * - more than one processing supplementation request → late;
 * - on time ⇔ end ≤ 24:00 of NgayHenTra (the rescheduled date if the apology came in time).
 */
export function judgeProgress(
  facts: DossierFacts,
  period: PeriodId,
  options: ContributionOptions = defaultContributionOptions,
): ProgressJudgement | undefined {
  const acceptedAt = instant(facts.acceptedAt);
  const dueDate = appointmentInForce(facts);
  if (acceptedAt === undefined || dueDate === undefined) return undefined;
  const { start, end } = periodBounds(period);
  const latest: ProgressView = { terminalAt: terminalAt(facts), supplements: processingSupplements(facts) };
  const view = options.progressView === 'as-of-period-end' ? viewAsOf(latest, end) : latest;
  const inPeriod = (t: Instant | undefined) => t !== undefined && t >= start && t < end;
  if (!inPeriod(acceptedAt) && !inPeriod(view.terminalAt)) return undefined;

  const last = view.supplements.at(-1);
  const waiting = view.terminalAt === undefined && last !== undefined && last.providedAt === undefined;
  const endAt = view.terminalAt ?? (waiting && last ? last.requestedAt : end);
  const paused = pausedMs(view.supplements, endAt);
  const dueAt = endOfCivilDay(dueDate);
  const base = { dueDate, dueAt, endAt, pausedMs: paused, effectiveEndAt: endAt - paused };
  if (view.supplements.length > 1)
    return { ...base, onTime: false, lateReason: 'more-than-one-supplementation' };
  if (base.effectiveEndAt > dueAt) return { ...base, onTime: false, lateReason: 'past-due' };
  return { ...base, onTime: true };
}

// ---------------------------------------------------------------------------------------------
// Contributions

const flag = (value: boolean): number => (value ? 1 : 0);

/** The portal acknowledged the dossier's sync (DOMAIN.md §2.3 1.4): until then it is not synced anywhere. */
export function isSynced(facts: DossierFacts): boolean {
  return facts.portalSyncedAt !== undefined;
}

/** Eligible for toàn trình; events before the flag was carried tell it by the service offered. */
function eligibleForToanTrinh(facts: DossierFacts): boolean {
  return facts.eligibleForToanTrinh ?? facts.serviceLevel === 'toan-trinh';
}

/** The acceptance-based indicators: 1.4, 3.3, toàn trình, 3.6, 4.1, 4.2, 4.3, 4.4, 4.5b. */
function acceptanceCounters(facts: DossierFacts): Partial<DossierCounters> {
  const online = facts.channel === channelCodes.online;
  const synced = isSynced(facts);
  const paper = facts.paperResultRequired;
  const eResult = Boolean(facts.eResultLink);
  const eResultWhereRequired = !paper || eResult;
  const components = facts.components;
  const feeBearing = isFeeBearing(facts);
  const eligible = eligibleForToanTrinh(facts);
  return {
    accepted: 1,
    synced: flag(synced),
    acceptedOnline: flag(online && eResultWhereRequired),
    acceptedCounter: flag(facts.channel === channelCodes.counter),
    acceptedPostal: flag(facts.channel === channelCodes.postal),
    toanTrinhBase: flag(eligible),
    toanTrinhOnline: flag(eligible && facts.serviceLevel === 'toan-trinh' && online && eResultWhereRequired),
    feeBearing: flag(feeBearing),
    paidOnline: flag(feeBearing && synced && facts.paidOnline),
    paperResultRequired: flag(paper),
    eResult: flag(paper && synced && eResult),
    digitized: flag(components.length > 0 && components.every((c) => c.digitized) && eResultWhereRequired),
    reusedData: flag(components.some((c) => c.reused)),
    fromDataStore: flag(components.some((c) => c.fromDataStore)),
    populationData: flag(facts.vneidAuthenticated),
  };
}

function isFeeBearing(facts: DossierFacts): boolean {
  return facts.fees.some((fee) => fee.amountVnd > 0);
}

// ---------------------------------------------------------------------------------------------
// Per procedure (TTHC): the catalogue-level indicators count distinct procedures with dossiers.

/** What a procedure's dossiers show, for 3.5, 3.5b and 4.5a (DOMAIN.md §2.3). */
export const procedureFlags = ['syncedWithFee', 'paidOnline', 'syncedPopulationData'] as const;
export type ProcedureFlag = (typeof procedureFlags)[number];

const procedureFlagPrefix = 'tthc.';

/** The counter key of a procedure's flag: `tthc.<procedure code>.<flag>`. */
export function procedureFlagKey(procedureCode: string, name: ProcedureFlag): string {
  return `${procedureFlagPrefix}${procedureCode}.${name}`;
}

/**
 * A dossier accepted in the period marks its procedure: synced with a fee (3.5), paid online
 * (3.5b, formula UNCONFIRMED), synced with a VNeID-authenticated applicant (4.5a). Kept as counts
 * per procedure, so that a dossier's later facts move them like every other counter.
 */
export function procedureContribution(facts: DossierFacts, period: PeriodId): Record<string, number> {
  const { start, end } = periodBounds(period);
  const acceptedAt = instant(facts.acceptedAt);
  if (acceptedAt === undefined || acceptedAt < start || acceptedAt >= end) return {};
  const synced = isSynced(facts);
  const marks: Record<ProcedureFlag, boolean> = {
    syncedWithFee: synced && isFeeBearing(facts),
    paidOnline: facts.paidOnline,
    syncedPopulationData: synced && facts.vneidAuthenticated,
  };
  return Object.fromEntries(
    procedureFlags
      .filter((name) => marks[name])
      .map((name) => [procedureFlagKey(facts.procedureCode, name), 1]),
  );
}

/** How many distinct procedures have each flag, from counters summed over units. */
export function proceduresFlagged(counts: Readonly<Record<string, number>>): Record<ProcedureFlag, number> {
  const tally: Record<ProcedureFlag, number> = { syncedWithFee: 0, paidOnline: 0, syncedPopulationData: 0 };
  for (const [key, value] of Object.entries(counts)) {
    if (!key.startsWith(procedureFlagPrefix) || value <= 0) continue;
    const name = key.slice(key.lastIndexOf('.') + 1) as ProcedureFlag;
    if (name in tally) tally[name] += 1;
  }
  return tally;
}

function progressCounters(
  judgement: ProgressJudgement | undefined,
  facts: DossierFacts,
): Partial<DossierCounters> {
  if (!judgement) return {};
  return {
    progressTotal: 1,
    progressOnTime: flag(judgement.onTime),
    progressDisliked: flag(facts.evaluation?.liked === false),
  };
}

const completedStatuses: ReadonlySet<string> = new Set(['DA_XU_LY_XONG', 'DA_TRA_KET_QUA']);

/** 2.2: acceptance → NgayKetThucXuLy, less completed supplementation if configured. */
export function processingTimeMs(
  facts: DossierFacts,
  options: ContributionOptions = defaultContributionOptions,
): number | undefined {
  const acceptedAt = instant(facts.acceptedAt);
  const endAt = instant(facts.decidedAt) ?? instant(facts.returnedAt);
  if (!completedStatuses.has(facts.status) || acceptedAt === undefined || endAt === undefined)
    return undefined;
  const paused = options.processingTimeExcludesSupplementation
    ? pausedMs(processingSupplements(facts), endAt)
    : 0;
  return Math.max(0, endAt - acceptedAt - paused);
}

function completionCounters(facts: DossierFacts, options: ContributionOptions): Partial<DossierCounters> {
  const ms = processingTimeMs(facts, options);
  return ms === undefined ? {} : { completed: 1, processingMs: ms };
}

function evaluationCounters(facts: DossierFacts): Partial<DossierCounters> {
  if (!facts.evaluation) return {};
  const scores = Object.entries(dossierScores(facts.evaluation.scores)) as [string, Tt01Score][];
  return {
    evaluated: 1,
    ...Object.fromEntries(
      scores.flatMap(([id, score]) => [
        [`tt01Sum${id}`, score],
        [`tt01Count${id}`, 1],
      ]),
    ),
  };
}

/** The counters one dossier contributes to a period (see the module comment for the rules). */
export function dossierContribution(
  facts: DossierFacts,
  period: PeriodId,
  options: ContributionOptions = defaultContributionOptions,
): DossierCounters {
  const { start, end } = periodBounds(period);
  const inPeriod = (text: string | undefined) => {
    const t = instant(text);
    return t !== undefined && t >= start && t < end;
  };
  const accepted = inPeriod(facts.acceptedAt);
  return {
    ...emptyCounters(),
    submitted: flag(inPeriod(facts.submittedAt)),
    ...(accepted ? acceptanceCounters(facts) : {}),
    ...(accepted ? completionCounters(facts, options) : {}),
    ...progressCounters(judgeProgress(facts, period, options), facts),
    ...(inPeriod(facts.returnedAt) ? evaluationCounters(facts) : {}),
  };
}

/** Everything a dossier adds to its unit's counter record for a period: the counters and its procedure's marks. */
export function dossierCounts(
  facts: DossierFacts,
  period: PeriodId,
  options: ContributionOptions = defaultContributionOptions,
): Record<string, number> {
  return { ...dossierContribution(facts, period, options), ...procedureContribution(facts, period) };
}

/**
 * The periods (of the given kinds) to which these facts can contribute: those containing the
 * submission, acceptance, decision, return or end. An aggregator revisits the union of the old
 * and the new facts' periods when a dossier changes.
 */
export function affectedPeriods(
  facts: DossierFacts,
  kinds: readonly PeriodKind[] = defaultPeriodKinds,
): PeriodId[] {
  const times = [facts.submittedAt, facts.acceptedAt, facts.decidedAt, facts.returnedAt, facts.endedAt];
  const ids = times.flatMap((text) => {
    const t = instant(text);
    return t === undefined ? [] : periodsContaining(t, kinds);
  });
  return [...new Set(ids)].sort();
}

// ---------------------------------------------------------------------------------------------
// Many periods at once: what an aggregator computes for every event.

/**
 * A dossier's facts with what does not depend on the period worked out once: its instants parsed,
 * the periods it can count in, and the period-independent parts of its contribution.
 * `preparedCounts(prepared, period)` equals `dossierCounts(facts, period, options)` without its
 * zero fields (test/unit/indicator-contributions.test.ts checks this on random facts), at a
 * fraction of the cost when a dossier counts in many periods. Throws (RangeError) on facts whose
 * instants cannot be parsed, as `affectedPeriods` does.
 */
export interface PreparedDossierFacts {
  readonly facts: DossierFacts;
  /** `affectedPeriods(facts, kinds)`. */
  readonly periods: readonly PeriodId[];
  readonly submittedAt?: Instant;
  readonly acceptedAt?: Instant;
  readonly returnedAt?: Instant;
  /** Acceptance, completion and procedure-mark counts (non-zero), for a period containing the acceptance. */
  readonly whenAccepted: Readonly<Record<string, number>>;
  /** Evaluation counts (non-zero), for a period containing the return. */
  readonly whenReturned: Readonly<Record<string, number>>;
  /** 2.1 inputs, absent when the dossier is outside 2.1 (never accepted, or no due date). */
  readonly progress?: {
    readonly dueAt: Instant;
    readonly latest: ProgressView;
    readonly disliked: number;
  };
  readonly options: ContributionOptions;
}

function nonZero(into: Record<string, number>, counts: Readonly<Record<string, number>>): void {
  for (const field in counts) {
    const value = counts[field] as number;
    if (value !== 0) into[field] = value;
  }
}

export function prepareDossierFacts(
  facts: DossierFacts,
  kinds: readonly PeriodKind[] = defaultPeriodKinds,
  options: ContributionOptions = defaultContributionOptions,
): PreparedDossierFacts {
  const submittedAt = instant(facts.submittedAt);
  const acceptedAt = instant(facts.acceptedAt);
  const returnedAt = instant(facts.returnedAt);
  // affectedPeriods(facts, kinds), from the instants parsed once.
  const ids = new Set<PeriodId>();
  for (const t of [submittedAt, acceptedAt, instant(facts.decidedAt), returnedAt, instant(facts.endedAt)])
    if (t !== undefined) for (const id of periodsContaining(t, kinds)) ids.add(id);
  const periods = [...ids].sort();
  const whenAccepted: Record<string, number> = {};
  if (acceptedAt !== undefined) {
    nonZero(whenAccepted, acceptanceCounters(facts));
    nonZero(whenAccepted, completionCounters(facts, options));
    // procedureContribution's marks, for a period containing the acceptance.
    const synced = isSynced(facts);
    const marks: Record<ProcedureFlag, boolean> = {
      syncedWithFee: synced && isFeeBearing(facts),
      paidOnline: facts.paidOnline,
      syncedPopulationData: synced && facts.vneidAuthenticated,
    };
    for (const name of procedureFlags)
      if (marks[name]) whenAccepted[procedureFlagKey(facts.procedureCode, name)] = 1;
  }
  const whenReturned: Record<string, number> = {};
  nonZero(whenReturned, evaluationCounters(facts));
  const dueDate = appointmentInForce(facts);
  const progress =
    acceptedAt === undefined || dueDate === undefined
      ? undefined
      : {
          dueAt: endOfCivilDay(dueDate),
          latest: { terminalAt: terminalAt(facts), supplements: processingSupplements(facts) },
          disliked: flag(facts.evaluation?.liked === false),
        };
  return {
    facts,
    periods,
    submittedAt,
    acceptedAt,
    returnedAt,
    whenAccepted,
    whenReturned,
    progress,
    options,
  };
}

/** `dossierCounts(facts, period, options)` without its zero fields, from prepared facts. */
export function preparedCounts(prepared: PreparedDossierFacts, period: PeriodId): Record<string, number> {
  const { start, end } = periodBounds(period);
  const counts: Record<string, number> = {};
  if (within(prepared.submittedAt, start, end)) counts.submitted = 1;
  const accepted = within(prepared.acceptedAt, start, end);
  if (accepted) Object.assign(counts, prepared.whenAccepted);
  const { progress } = prepared;
  if (progress) {
    const view =
      prepared.options.progressView === 'as-of-period-end' ? viewAsOf(progress.latest, end) : progress.latest;
    if (accepted || within(view.terminalAt, start, end)) {
      const last = view.supplements.at(-1);
      const waiting = view.terminalAt === undefined && last !== undefined && last.providedAt === undefined;
      const endAt = view.terminalAt ?? (waiting && last ? last.requestedAt : end);
      const effectiveEndAt = endAt - pausedMs(view.supplements, endAt);
      counts.progressTotal = 1;
      if (view.supplements.length <= 1 && effectiveEndAt <= progress.dueAt) counts.progressOnTime = 1;
      if (progress.disliked) counts.progressDisliked = 1;
    }
  }
  if (within(prepared.returnedAt, start, end)) Object.assign(counts, prepared.whenReturned);
  return counts;
}

function within(t: Instant | undefined, start: Instant, end: Instant): boolean {
  return t !== undefined && t >= start && t < end;
}
