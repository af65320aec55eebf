/**
 * An independent recount of the Decision 766 scoreboard from an export's views (dossier and
 * feedback state as the API shows them), written from DOMAIN.md §2 and the project's reading of
 * it (/work/prompts/766-spec.md), without indicators/, events/ facts or aggregators/. Only the
 * due dates come from domain/ (§1.4 is not what is checked); the catalogue-level denominators come
 * from the procedure catalogue (the export does not hold it), the subtrees from the organisation.
 *
 * Choices the documents leave open, made here as the project documents them:
 * - a dossier counts for its competent agency, a feedback for its handling unit; a unit's board
 *   sums its subtree (parent chain of the registry);
 * - a dossier accepted in the period counts in the acceptance-based indicators; 2.1 and 5.4 take
 *   the dossiers accepted in the period or reaching a terminal status in it;
 * - supplementation: only requests during processing count (intake requests precede the clock);
 * - 2.2: hours from acceptance to the end of processing, less completed supplementation;
 * - a procedure's catalogue entry is its latest version;
 * - a dossier's fee list has an amount when a fee without a condition costs something on the
 *   dossier's channel (`onlineAmountVnd` for an online dossier, where the catalogue gives one).
 */
import type { DossierView } from '../../contract/dossier-contract.js';
import type { FeedbackView } from '../../contract/feedback-contract.js';
import type { WorkingCalendar } from '../../domain/calendar.js';
import type { Procedure } from '../../domain/catalogue.js';
import { computeAppointment, endOfCivilDay } from '../../domain/deadline.js';
import type { DossierState } from '../../domain/dossier/dossier-state.js';
import type { FeedbackState } from '../../domain/feedback/feedback-state.js';
import type { OrganisationRegistry } from '../../domain/organisation.js';
import {
  type CivilDate,
  type Instant,
  parseCivilDate,
  startOfCivilDay,
  toCivilDate,
} from '../../domain/time.js';

// ---------------------------------------------------------------------------------------------
// The scoreboard's shape (766-spec.md: maxima, targets, groups)

export type Status = 'measured' | 'no-data' | 'not-computable';

export interface RecountedIndicator {
  id: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  points: number;
  max: number;
  status: Status;
}

export interface RecountedScoreboard {
  unit: string;
  indicators: RecountedIndicator[];
  groups: Array<{ id: string; points: number }>;
  total: number;
  notComputablePoints: number;
  /** Per indicator, the dossiers or feedback in the numerator and in the rest of the denominator. */
  behind: Record<string, { numerator: string[]; rest: string[] }>;
}

const maxima: Record<string, number> = {
  '1.1': 6,
  '1.2': 4,
  '1.3': 2,
  '1.4': 6,
  '2.1': 20,
  '2.2': 0,
  '3.1': 0,
  '3.3': 0,
  '3.TT': 12,
  '3.5': 2,
  '3.5b': 2,
  '3.6': 6,
  '4.1': 6,
  '4.2': 4,
  '4.CT': 2,
  '4.3': 2,
  '4.4': 4,
  '4.5a': 2,
  '4.5b': 2,
  '5.1': 0,
  '5.2': 6,
  '5.3': 6,
  '5.4': 6,
};
const targets: Record<string, number> = {
  '3.1': 80,
  '3.3': 50,
  '3.5': 80,
  '3.5b': 80,
  '4.2': 80,
  '4.3': 80,
  '5.4': 90,
};
/** The groups in the scoreboard's order (an array: object keys such as '4' would sort before '3a'). */
export const groupsOfIndicators: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['1', ['1.1', '1.2', '1.3', '1.4']],
  ['2', ['2.1', '2.2']],
  ['3a', ['3.1', '3.3', '3.TT']],
  ['3b', ['3.5', '3.5b', '3.6']],
  ['4', ['4.1', '4.2', '4.CT', '4.3', '4.4', '4.5a', '4.5b']],
  ['5', ['5.1', '5.2', '5.3', '5.4']],
];
/** No data source: the catalogue holds no publication records (1.1, 1.2); certified copies are not recorded (4.CT). */
const notComputable = new Set(['1.1', '1.2', '4.CT']);

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** numerator ÷ denominator × 100 to 2 decimals (exact: the division is of whole numbers). */
function percent(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator * 10_000) / denominator) / 100 : null;
}

function points(id: string, rate: number | null): number {
  const max = maxima[id] ?? 0;
  if (rate === null || max === 0) return 0;
  const target = targets[id] ?? 100;
  return rate >= target ? max : round((rate * max) / target, 3);
}

// ---------------------------------------------------------------------------------------------
// What the recount reads

export interface RecountInput {
  period: string;
  dossiers: readonly DossierView[];
  feedback: readonly FeedbackView[];
  organisation: OrganisationRegistry;
  catalogue: readonly Procedure[];
  calendarOf: (unit: string) => WorkingCalendar;
}

interface Period {
  start: Instant;
  end: Instant;
}

/** 'YYYY-MM' (the simulation's report period): from 00:00 of the 1st to 00:00 of the next month, Vietnam time. */
export function monthPeriod(id: string): Period {
  const { year, month } = parseCivilDate(`${id}-01`);
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { start: startOfCivilDay(`${id}-01`), end: startOfCivilDay(next) };
}

// ---------------------------------------------------------------------------------------------
// Dossiers

/** What the recount needs of one dossier, read from its state. */
interface DossierReading {
  code: string;
  state: DossierState;
  acceptedAt?: Instant;
  online: boolean;
  synced: boolean;
  paperResult: boolean;
  eResult: boolean;
  feeBearing: boolean;
  paidOnline: boolean;
  eligibleForToanTrinh: boolean;
  toanTrinh: boolean;
}

function readDossier(view: DossierView, catalogue: readonly Procedure[]): DossierReading {
  const state = view.state;
  const online = state.application.channel === 'online';
  const procedure = state.procedure;
  const entry = catalogue.find(
    (p) => p.code === procedure.code && p.ruleVersion.version === procedure.ruleVersion.version,
  );
  return {
    code: state.code,
    state,
    acceptedAt: state.acceptedAt,
    online,
    synced: (state as { portalSyncedAt?: unknown }).portalSyncedAt != null,
    paperResult: procedure.paperResult,
    eResult: Boolean(state.result?.link),
    // The dossier's fee list: the amount for its channel, conditional fees aside.
    feeBearing: procedure.fees.some(
      (fee) => !fee.condition && ((online ? fee.onlineAmountVnd : undefined) ?? fee.amountVnd) > 0,
    ),
    paidOnline: state.payments.some((p) => p.channel === 'dvcqg' || p.channel === 'local-portal'),
    // Views from before the flag was kept: the catalogue entry of the version received under.
    eligibleForToanTrinh: procedure.eligibleForToanTrinh ?? entry?.eligibleForToanTrinh ?? false,
    toanTrinh: procedure.serviceLevel === 'toan-trinh',
  };
}

/** ND 61 Art 19(9): the rescheduled date counts only for an apology made before the due date then in force. */
function dueDateOf(d: DossierReading, calendar: WorkingCalendar): CivilDate | undefined {
  const ledger = d.state.deadline;
  if (!ledger) return undefined;
  const original = computeAppointment(ledger.receivedAt, ledger.duration, calendar).dueDate;
  const apology = d.state.apology;
  if (apology && toCivilDate(apology.at) < original) return apology.newDueDate;
  return original;
}

/** The terminal instant by the 766 priority: processed > returned > stopped / refused / withdrawn. */
function terminalAt(state: DossierState): Instant | undefined {
  if (state.decidedAt !== undefined) return state.decidedAt;
  if (state.returnedAt !== undefined) return state.returnedAt;
  const terminalEnds = ['DUNG_XU_LY', 'CONG_DAN_RUT', 'TU_CHOI'];
  return terminalEnds.includes(state.status) ? state.endedAt : undefined;
}

/** Indicator 2.1 for one dossier (on time or not); undefined when it is not in the period's population. */
function judgeProgress(d: DossierReading, period: Period, calendar: WorkingCalendar): boolean | undefined {
  const inPeriod = (t: Instant | undefined) => t !== undefined && t >= period.start && t < period.end;
  const terminal = terminalAt(d.state);
  const terminalBeforeEnd = terminal !== undefined && terminal < period.end ? terminal : undefined;
  if (d.acceptedAt === undefined || !(inPeriod(d.acceptedAt) || inPeriod(terminalBeforeEnd)))
    return undefined;
  const dueDate = dueDateOf(d, calendar);
  if (!dueDate) return undefined;
  const requests = d.state.supplements.filter((s) => s.phase === 'processing' && s.requestedAt < period.end);
  if (requests.length > 1) return false;
  const last = requests.at(-1);
  const stillWaiting = last !== undefined && (last.providedAt === undefined || last.providedAt >= period.end);
  const end = terminalBeforeEnd ?? (stillWaiting && last ? last.requestedAt : period.end);
  const completed = requests.filter((s) => s.providedAt !== undefined && s.providedAt <= end);
  const paused = completed.reduce((sum, s) => sum + ((s.providedAt as Instant) - s.requestedAt), 0);
  return end - paused <= endOfCivilDay(dueDate);
}

// ---------------------------------------------------------------------------------------------
// Feedback

/** The instant a limit of `workingDays` counted from `from` passes (24:00 of its last day). */
function limitDueAt(from: Instant, workingDays: number, calendar: WorkingCalendar): Instant {
  return computeAppointment(from, { unit: 'working-days', value: workingDays }, calendar).dueAt;
}

interface FeedbackJudgement {
  id: string;
  submittedInPeriod: boolean;
  processedInPeriod: boolean;
  processedOnTime: boolean;
  inProgressWithinTime: boolean;
  countsAsSatisfied: boolean;
  classified: boolean;
}

/** 5.1–5.3 for one feedback, judged at `judgedAt` (the period end once it has passed). */
function judgeFeedback(
  state: FeedbackState,
  period: Period,
  judgedAt: Instant,
  calendar: WorkingCalendar,
): FeedbackJudgement {
  const inPeriod = (t: Instant | undefined) => t !== undefined && t >= period.start && t < period.end;
  const { rules, clockStartedAt } = state;
  const answerDue = limitDueAt(clockStartedAt, rules.answerWorkingDays, calendar);
  const processedAt = state.answer?.at ?? state.rejection?.at;
  const processed = processedAt !== undefined && processedAt < judgedAt;
  const firstRequest = state.supplements.find((s) => s.requestedAt >= clockStartedAt);
  const missed: string[] = [];
  if (state.rejection && state.rejection.at > limitDueAt(clockStartedAt, rules.rejectWorkingDays, calendar))
    missed.push('reject');
  if (
    firstRequest &&
    firstRequest.requestedAt > limitDueAt(clockStartedAt, rules.supplementWorkingDays, calendar)
  )
    missed.push('supplement');
  if (state.answer ? state.answer.at > answerDue : !state.rejection && judgedAt > answerDue)
    missed.push('answer');
  if (state.answer) {
    const publishDue = limitDueAt(state.answer.at, rules.publishWorkingDays, calendar);
    const publishedAt = state.publication?.at;
    if (publishedAt !== undefined ? publishedAt > publishDue : judgedAt > publishDue) missed.push('publish');
  }
  const values = Object.values(state.reactions);
  const likes = values.filter(Boolean).length;
  const notSatisfied = state.rating?.satisfied === false || values.length - likes > likes;
  const followedUp = state.followUps.length > 0;
  return {
    id: state.id,
    submittedInPeriod: inPeriod(state.submittedAt),
    processedInPeriod: inPeriod(processedAt),
    processedOnTime: processed && missed.length === 0,
    inProgressWithinTime: !processed && judgedAt <= answerDue,
    countsAsSatisfied: !(notSatisfied || followedUp || missed.length > 0),
    classified: state.topic === 'quy-dinh' || state.topic === 'hanh-vi',
  };
}

// ---------------------------------------------------------------------------------------------
// The catalogue

/** The latest version of each procedure of the tiers present in the subtree. */
function catalogueOf(input: RecountInput, subtree: readonly string[]): Procedure[] {
  const tiers = new Set(subtree.map((code) => input.organisation.get(code).tier));
  const latest = new Map<string, Procedure>();
  for (const p of input.catalogue) {
    if (!tiers.has(p.level)) continue;
    const known = latest.get(p.code);
    if (!known || known.ruleVersion.effectiveFrom < p.ruleVersion.effectiveFrom) latest.set(p.code, p);
  }
  return [...latest.values()];
}

const hasFee = (p: Procedure) => p.fees.some((fee) => fee.amountVnd > 0);

/** ND 63/2010 Art 8(2): tên, trình tự, cách thức, thành phần và số lượng hồ sơ, thời hạn, đối tượng, cơ quan thực hiện. */
function statesAllSevenParts(p: Procedure): boolean {
  const text = (value: string | undefined) => (value ?? '').trim().length > 0;
  const documents =
    p.requiredDocuments.length > 0 && p.requiredDocuments.every((d) => d.copies !== undefined);
  return (
    text(p.name) &&
    p.steps.length > 0 &&
    (p.submissionMethods?.length ?? 0) > 0 &&
    documents &&
    p.duration !== undefined &&
    (p.applicantTypes?.length ?? 0) > 0 &&
    text(p.competentAuthority)
  );
}

// ---------------------------------------------------------------------------------------------
// The scoreboard of one unit

/** Per indicator, the keys (dossier codes, procedure codes, feedback ids) in its numerator and the rest. */
class Tally {
  readonly indicators = new Map<string, { numerator: string[]; rest: string[] }>();

  count(id: string, key: string, inNumerator: boolean): void {
    const entry = this.entry(id);
    (inNumerator ? entry.numerator : entry.rest).push(key);
  }

  entry(id: string): { numerator: string[]; rest: string[] } {
    let entry = this.indicators.get(id);
    if (!entry) {
      entry = { numerator: [], rest: [] };
      this.indicators.set(id, entry);
    }
    return entry;
  }

  numerator(id: string): number {
    return this.entry(id).numerator.length;
  }

  denominator(id: string): number {
    return this.entry(id).numerator.length + this.entry(id).rest.length;
  }
}

/** Counts that are not one key per denominator member (2.2, 3.3, 5.4). */
type RawCounts = Map<string, { numerator: number; denominator: number; rate?: number | null }>;

type Predicate = (d: DossierReading) => boolean;
const always: Predicate = () => true;
const eResultWhereRequired: Predicate = (d) => !d.paperResult || d.eResult;

/** The acceptance-based indicators: [id, in the denominator, in the numerator], over D. */
const acceptanceIndicators: ReadonlyArray<readonly [string, Predicate, Predicate]> = [
  ['1.4', always, (d) => d.synced],
  ['3.3', always, (d) => d.online && eResultWhereRequired(d)],
  ['3.TT', (d) => d.eligibleForToanTrinh, (d) => d.online && d.toanTrinh && eResultWhereRequired(d)],
  ['3.6', (d) => d.feeBearing, (d) => d.synced && d.paidOnline],
  ['4.1', (d) => d.paperResult, (d) => d.synced && d.eResult],
  [
    '4.2',
    always,
    (d) =>
      d.state.components.length > 0 &&
      d.state.components.every((c) => c.digitized) &&
      eResultWhereRequired(d),
  ],
  ['4.3', always, (d) => d.state.components.some((c) => c.reused)],
  ['4.4', always, (d) => d.state.components.some((c) => c.fromDataStore)],
  ['4.5b', always, (d) => Boolean(d.state.application.vneidAuthenticated)],
];

function countAccepted(accepted: readonly DossierReading[], tally: Tally, raw: RawCounts): void {
  for (const [id, inDenominator, inNumerator] of acceptanceIndicators) {
    tally.entry(id);
    for (const d of accepted.filter(inDenominator)) tally.count(id, d.code, inNumerator(d));
  }
  // 3.3: the online share × the sync ratio (1.4 as a fraction).
  const [online, synced, all] = [tally.numerator('3.3'), tally.numerator('1.4'), accepted.length];
  raw.set('3.3', {
    numerator: online,
    denominator: all,
    rate: all > 0 ? Math.round((online * synced * 10_000) / all ** 2) / 100 : null,
  });
  // 2.2: processed or returned dossiers, hours from acceptance to the end of processing.
  const completed = accepted.filter((d) => ['DA_XU_LY_XONG', 'DA_TRA_KET_QUA'].includes(d.state.status));
  const hours = completed.reduce((sum, d) => {
    const end = d.state.decidedAt ?? d.state.returnedAt ?? 0;
    const paused = d.state.supplements
      .filter((s) => s.phase === 'processing' && s.providedAt !== undefined && s.providedAt <= end)
      .reduce((total, s) => total + ((s.providedAt as Instant) - s.requestedAt), 0);
    return sum + Math.max(0, end - (d.acceptedAt as Instant) - paused) / 3_600_000;
  }, 0);
  raw.set('2.2', { numerator: round(hours, 2), denominator: completed.length, rate: null });
}

/** 2.1, and 5.4: 100 % − (late rate + dislike rate) over the same dossiers. */
function countProgress(
  dossiers: readonly DossierReading[],
  input: RecountInput,
  period: Period,
  tally: Tally,
  raw: RawCounts,
): void {
  const aboutDossier = new Set(input.feedback.flatMap((f) => f.state.feedback.about?.dossierCode ?? []));
  let disliked = 0;
  tally.entry('2.1');
  for (const d of dossiers) {
    const onTime = judgeProgress(d, period, input.calendarOf(d.state.application.competentAgency));
    if (onTime === undefined) continue;
    tally.count('2.1', d.code, onTime);
    const dislike = d.state.evaluation?.liked === false || aboutDossier.has(d.code);
    if (dislike) disliked++;
    tally.count('5.4', d.code, onTime && !dislike);
  }
  const total = tally.denominator('2.1');
  const late = total - tally.numerator('2.1');
  raw.set('5.4', { numerator: Math.max(0, total - late - disliked), denominator: total });
}

/** 1.3, 3.1, 3.5, 3.5b, 4.5a: distinct procedures of the catalogue, some marked by D. */
function countProcedures(
  procedures: readonly Procedure[],
  accepted: readonly DossierReading[],
  tally: Tally,
): void {
  const codesWhere = (predicate: Predicate) =>
    new Set(accepted.filter(predicate).map((d) => d.state.procedure.code));
  const bySyncedFee = codesWhere((d) => d.synced && d.feeBearing);
  const byPaidOnline = codesWhere((d) => d.paidOnline);
  const bySyncedVneid = codesWhere((d) => d.synced && Boolean(d.state.application.vneidAuthenticated));
  for (const p of procedures) {
    tally.count('1.3', p.code, statesAllSevenParts(p));
    tally.count('3.1', p.code, p.serviceLevel === 'toan-trinh' || p.serviceLevel === 'mot-phan');
    if (hasFee(p)) {
      tally.count('3.5', p.code, bySyncedFee.has(p.code));
      tally.count('3.5b', p.code, byPaidOnline.has(p.code));
    }
    if (p.applicantTypes?.includes('citizen')) tally.count('4.5a', p.code, bySyncedVneid.has(p.code));
  }
}

/** 5.1–5.3, judged at the period end (the simulation's run ends with its period). */
function countFeedback(
  feedback: readonly FeedbackView[],
  input: RecountInput,
  period: Period,
  tally: Tally,
): void {
  for (const view of feedback) {
    const f = judgeFeedback(view.state, period, period.end, input.calendarOf(view.state.handlingUnit));
    if (f.submittedInPeriod || f.processedInPeriod) {
      const withinTime =
        (f.processedInPeriod && f.processedOnTime) || (f.submittedInPeriod && f.inProgressWithinTime);
      tally.count('5.2', f.id, withinTime);
    }
    if (f.submittedInPeriod) {
      tally.count('5.3', f.id, f.countsAsSatisfied);
      tally.count('5.1', f.id, f.classified);
    }
  }
}

function scored(id: string, tally: Tally, raw: RawCounts): RecountedIndicator {
  const counts = raw.get(id) ?? { numerator: tally.numerator(id), denominator: tally.denominator(id) };
  const { numerator, denominator } = counts;
  const rate = counts.rate !== undefined ? counts.rate : percent(numerator, denominator);
  const max = maxima[id] ?? 0;
  if (notComputable.has(id))
    return { id, numerator, denominator, rate: null, points: 0, max, status: 'not-computable' };
  const status: Status = denominator === 0 ? 'no-data' : 'measured';
  return { id, numerator, denominator, rate, points: points(id, rate), max, status };
}

export function recountScoreboard(unit: string, input: RecountInput): RecountedScoreboard {
  const period = monthPeriod(input.period);
  const subtree = [unit, ...input.organisation.descendants(unit).map((u) => u.code)];
  const inSubtree = new Set(subtree);
  const tally = new Tally();
  const raw: RawCounts = new Map();
  const dossiers = input.dossiers
    .filter((view) => inSubtree.has(view.state.application.competentAgency))
    .map((view) => readDossier(view, input.catalogue));
  const accepted = dossiers.filter(
    (d) => d.acceptedAt !== undefined && d.acceptedAt >= period.start && d.acceptedAt < period.end,
  );
  countAccepted(accepted, tally, raw);
  countProgress(dossiers, input, period, tally, raw);
  countProcedures(catalogueOf(input, subtree), accepted, tally);
  countFeedback(
    input.feedback.filter((f) => inSubtree.has(f.state.handlingUnit)),
    input,
    period,
    tally,
  );
  const indicators = Object.keys(maxima).map((id) => scored(id, tally, raw));
  const groups = groupsOfIndicators.map(([id, ids]) => ({
    id,
    points: round(
      indicators.filter((i) => ids.includes(i.id)).reduce((sum, i) => sum + i.points, 0),
      3,
    ),
  }));
  const notComputableIndicators = indicators.filter((i) => i.status === 'not-computable');
  return {
    unit,
    indicators,
    groups,
    total: round(
      groups.reduce((sum, g) => sum + g.points, 0),
      3,
    ),
    notComputablePoints: notComputableIndicators.reduce((sum, i) => sum + i.max, 0),
    behind: Object.fromEntries(tally.indicators),
  };
}
