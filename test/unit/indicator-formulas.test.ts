/**
 * The Decision 766 indicator core (DOMAIN.md §2.3–§2.4): one dossier's contribution to a
 * (unit, period), the scoreboard and the ranking. Facts are built the way events/dossier-facts.ts derives
 * them; every instant carries the Vietnam offset. April 2026: 6/4 is a Monday.
 */
import { describe, expect, it } from 'vitest';
import { type DossierFacts, dossierFactsSchema } from '../../events/dossier-event-schema.js';
import {
  addCounters,
  affectedPeriods,
  type DossierCounters,
  dossierContribution,
  dossierCounts,
  emptyCounters,
  isEmptyCounters,
  judgeProgress,
  type ProcedureFlag,
  procedureFlagKey,
  processingTimeMs,
  subtractCounters,
  sumCounters,
  tt01Tally,
} from '../../indicators/dossier-counters.js';
import {
  contributionOptions,
  defaultIndicatorConfig,
  groupDefinitions,
  indicatorConfig,
  rank,
  ratingLabel,
  scoreboard,
  thresholdPoints,
} from '../../indicators/scoring.js';

type FactsInput = Partial<DossierFacts>;

const electronic = {
  kind: 'to-khai',
  form: 'electronic',
  digitized: true,
  reused: false,
  fromDataStore: false,
} as const;

/** A counter dossier accepted Monday 6/4/2026 09:30, due Thursday 9/4, still being processed. */
function facts(overrides: FactsInput = {}): DossierFacts {
  return dossierFactsSchema.parse({
    procedureCode: '1.001612',
    ruleVersion: '2026-01-01',
    channel: 1,
    serviceLevel: 'mot-phan',
    status: 'DANG_XU_LY',
    receivingUnit: '000.01.41.H99',
    competentAgency: '000.02.41.H99',
    submittedAt: '2026-04-06T09:00:00+07:00',
    acceptedAt: '2026-04-06T09:30:00+07:00',
    dueDate: '2026-04-09',
    supplementations: [],
    components: [electronic],
    paperResultRequired: false,
    vneidAuthenticated: false,
    fees: [],
    paidOnline: false,
    overdueWithoutApology: false,
    apologyIssued: false,
    ...overrides,
  });
}

const decided = (at: string): FactsInput => ({ status: 'DA_XU_LY_XONG', decidedAt: at });
const synced: FactsInput = { portalSyncedAt: '2026-04-06T10:00:00+07:00' };
const april = '2026-04';

function onTime(input: FactsInput, period = april) {
  return judgeProgress(facts(input), period)?.onTime;
}

describe('2.1 on time: terminal dossiers (DOMAIN.md §2.3 "NgayKetThucXuLy ≤ NgayHenTra")', () => {
  it('is on time when decided at any moment of the due date (24:00 of NgayHenTra)', () => {
    expect(onTime(decided('2026-04-09T23:59:00+07:00'))).toBe(true);
    expect(onTime(decided('2026-04-10T00:00:00+07:00'))).toBe(true);
    expect(onTime(decided('2026-04-10T00:00:01+07:00'))).toBe(false);
  });

  it('uses the rescheduled due date when there is one (DOMAIN.md §2.3, §2.5: rescheduling once)', () => {
    const lateDecision = decided('2026-04-14T10:00:00+07:00');
    expect(onTime(lateDecision)).toBe(false);
    expect(onTime({ ...lateDecision, rescheduledDueDate: '2026-04-15', apologyIssued: true })).toBe(true);
  });

  it('DOMAIN.md §1.1 (9): an apology that came too late does not move NgayHenTra; the dossier is judged on its original date', () => {
    const lateDecision = decided('2026-04-14T10:00:00+07:00');
    const rescheduled = { ...lateDecision, rescheduledDueDate: '2026-04-15', apologyIssued: true };
    expect(onTime({ ...rescheduled, apologyAt: '2026-04-08T10:00:00+07:00', apologyInTime: true })).toBe(
      true,
    );
    const tooLate = { ...rescheduled, apologyAt: '2026-04-09T10:00:00+07:00', apologyInTime: false };
    expect(judgeProgress(facts(tooLate), april)).toMatchObject({ onTime: false, dueDate: '2026-04-09' });
  });

  it('terminal-status priority: Đã xử lý xong wins over a later Đã trả kết quả (DOMAIN.md §2.3)', () => {
    const returnedLate = {
      status: 'DA_TRA_KET_QUA',
      decidedAt: '2026-04-09T16:00:00+07:00',
      returnedAt: '2026-04-13T09:00:00+07:00',
    };
    expect(judgeProgress(facts(returnedLate), april)).toMatchObject({
      onTime: true,
      endAt: Date.parse('2026-04-09T16:00:00+07:00'),
    });
    // Only a return on record: the return time is the end.
    expect(onTime({ status: 'DA_TRA_KET_QUA', returnedAt: '2026-04-13T09:00:00+07:00' })).toBe(false);
  });

  it('stops and withdrawals of accepted dossiers end at their own time (Dừng xử lý, Công dân rút)', () => {
    expect(onTime({ status: 'DUNG_XU_LY', endedAt: '2026-04-08T10:00:00+07:00' })).toBe(true);
    expect(onTime({ status: 'CONG_DAN_RUT', endedAt: '2026-04-20T10:00:00+07:00' })).toBe(false);
  });

  it('dossiers refused or closed at intake (never accepted) are outside 2.1', () => {
    const refused = {
      status: 'TU_CHOI',
      acceptedAt: undefined,
      dueDate: undefined,
      endedAt: '2026-04-06T10:00:00+07:00',
    };
    expect(judgeProgress(facts(refused), april)).toBeUndefined();
    expect(dossierContribution(facts(refused), april)).toMatchObject({
      submitted: 1,
      accepted: 0,
      progressTotal: 0,
    });
  });
});

describe('2.1 within time: pending dossiers (DOMAIN.md §2.3 "no terminal status → end = last day of period")', () => {
  const pending = (dueDate: string) => facts({ acceptedAt: '2026-04-28T09:00:00+07:00', dueDate });

  it('a dossier pending at the period end is within time iff the period end ≤ its due date', () => {
    expect(judgeProgress(pending('2026-05-04'), april)?.onTime).toBe(true);
    expect(judgeProgress(pending('2026-04-30'), april)?.onTime).toBe(true); // due on the last day
    expect(judgeProgress(pending('2026-04-29'), april)).toMatchObject({
      onTime: false,
      lateReason: 'past-due',
    });
  });

  it('the same dossier judged on the day 28/4 is within time', () => {
    expect(judgeProgress(pending('2026-04-29'), '2026-04-28')?.onTime).toBe(true);
  });

  it('by default a closed period is judged on what was known at its end (UNCONFIRMED, config)', () => {
    const finishedLateInMay = facts({
      acceptedAt: '2026-04-28T09:00:00+07:00',
      dueDate: '2026-05-05',
      ...decided('2026-05-08T10:00:00+07:00'),
    });
    expect(judgeProgress(finishedLateInMay, april)?.onTime).toBe(true);
    expect(judgeProgress(finishedLateInMay, '2026-05')?.onTime).toBe(false);
    const latest = contributionOptions(indicatorConfig({ progressView: 'latest-facts' }));
    expect(judgeProgress(finishedLateInMay, april, latest)?.onTime).toBe(false);
  });

  it('counts in a period where it was received or handled, and in no other', () => {
    const marchToApril = facts({
      acceptedAt: '2026-03-30T09:00:00+07:00',
      dueDate: '2026-04-02',
      ...decided('2026-04-02T10:00:00+07:00'),
    });
    expect(dossierContribution(marchToApril, '2026-03')).toMatchObject({
      accepted: 1,
      progressTotal: 1,
      progressOnTime: 1,
    });
    expect(dossierContribution(marchToApril, april)).toMatchObject({
      accepted: 0,
      progressTotal: 1,
      progressOnTime: 1,
    });
    expect(dossierContribution(marchToApril, '2026-Q1')).toMatchObject({ progressTotal: 1 });
    expect(dossierContribution(marchToApril, '2026-05')).toEqual(emptyCounters());
    expect(affectedPeriods(marchToApril, ['month'])).toEqual(['2026-03', '2026-04']);
  });
});

describe('2.1 supplementation (DOMAIN.md §2.3 detailed rules)', () => {
  const request = (requestedAt: string, providedAt?: string) => ({
    phase: 'processing' as const,
    requestedAt,
    providedAt,
  });

  it('a completed supplementation is subtracted: a late-looking dossier is on time', () => {
    // Due 9/4; decided 11/4 12:00 (1.5 days late) after 3 days away (7/4 10:00 → 10/4 10:00).
    const judgement = judgeProgress(
      facts({
        ...decided('2026-04-11T12:00:00+07:00'),
        supplementations: [request('2026-04-07T10:00:00+07:00', '2026-04-10T10:00:00+07:00')],
      }),
      april,
    );
    expect(judgement).toMatchObject({ onTime: true, pausedMs: 3 * 86_400_000 });
    expect(judgement?.effectiveEndAt).toBe(Date.parse('2026-04-08T12:00:00+07:00'));
  });

  it('two processing supplementation requests → late, however early the result', () => {
    const twice = [
      request('2026-04-07T10:00:00+07:00', '2026-04-07T15:00:00+07:00'),
      request('2026-04-08T09:00:00+07:00', '2026-04-08T11:00:00+07:00'),
    ];
    expect(
      judgeProgress(facts({ ...decided('2026-04-08T16:00:00+07:00'), supplementations: twice }), april),
    ).toMatchObject({
      onTime: false,
      lateReason: 'more-than-one-supplementation',
    });
  });

  it('an intake supplementation (before acceptance) is not a processing request', () => {
    const intake = {
      phase: 'intake' as const,
      requestedAt: '2026-04-03T10:00:00+07:00',
      providedAt: '2026-04-06T09:00:00+07:00',
    };
    const once = [intake, request('2026-04-07T10:00:00+07:00', '2026-04-07T15:00:00+07:00')];
    expect(onTime({ ...decided('2026-04-09T10:00:00+07:00'), supplementations: once })).toBe(true);
  });

  it('still waiting for the applicant → end = time of the request, even after the due date', () => {
    const waiting = facts({
      status: 'YEU_CAU_BO_SUNG',
      supplementations: [request('2026-04-08T10:00:00+07:00')],
    });
    expect(judgeProgress(waiting, april)).toMatchObject({
      onTime: true,
      endAt: Date.parse('2026-04-08T10:00:00+07:00'),
    });
  });

  it('a request made after the due date while waiting is late', () => {
    const waiting = facts({
      status: 'YEU_CAU_BO_SUNG',
      supplementations: [request('2026-04-10T10:00:00+07:00')],
    });
    expect(judgeProgress(waiting, april)?.onTime).toBe(false);
  });
});

describe('acceptance-based counters (DOMAIN.md §2.3 groups 1, 3, 4)', () => {
  it('1.4 (DOMAIN.md §2.3): a dossier is synced only once the national portal acknowledged it', () => {
    expect(dossierContribution(facts(), april)).toMatchObject({ accepted: 1, synced: 0, submitted: 1 });
    expect(dossierContribution(facts(synced), april)).toMatchObject({ accepted: 1, synced: 1 });
  });

  it('3.3: an online dossier counts only with an e-result when the TTHC requires a paper result', () => {
    const online = { channel: 2 as const, paperResultRequired: true };
    expect(dossierContribution(facts(online), april)).toMatchObject({
      acceptedOnline: 0,
      paperResultRequired: 1,
      eResult: 0,
    });
    const withLink = {
      ...online,
      ...decided('2026-04-08T10:00:00+07:00'),
      eResultLink: 'https://kq.example/1',
    };
    // 4.1 counts the synced result only (DOMAIN.md §2.3 4.1); 3.3's numerator is not restricted.
    expect(dossierContribution(facts(withLink), april)).toMatchObject({ acceptedOnline: 1, eResult: 0 });
    expect(dossierContribution(facts({ ...withLink, ...synced }), april)).toMatchObject({
      acceptedOnline: 1,
      eResult: 1,
    });
    expect(dossierContribution(facts({ channel: 3 }), april)).toMatchObject({
      acceptedOnline: 0,
      acceptedPostal: 1,
    });
  });

  it('toàn trình share: online dossiers of toàn trình TTHC over all their dossiers', () => {
    expect(dossierContribution(facts({ serviceLevel: 'toan-trinh', channel: 2 }), april)).toMatchObject({
      toanTrinhBase: 1,
      toanTrinhOnline: 1,
    });
    expect(dossierContribution(facts({ serviceLevel: 'toan-trinh' }), april)).toMatchObject({
      toanTrinhBase: 1,
      toanTrinhOnline: 0,
    });
    expect(dossierContribution(facts({ channel: 2 }), april)).toMatchObject({ toanTrinhBase: 0 });
  });

  it('toàn trình share (DOMAIN.md §2.3 3.1/3.3): dossiers of eligible TTHC; online to a toàn trình service, e-result where required', () => {
    const eligible = { eligibleForToanTrinh: true, channel: 2 as const };
    // Eligible but offered only partly online: in the base, not in the share.
    expect(dossierContribution(facts({ ...eligible, serviceLevel: 'mot-phan' }), april)).toMatchObject({
      toanTrinhBase: 1,
      toanTrinhOnline: 0,
    });
    const paperResult = { ...eligible, serviceLevel: 'toan-trinh' as const, paperResultRequired: true };
    expect(dossierContribution(facts(paperResult), april)).toMatchObject({
      toanTrinhBase: 1,
      toanTrinhOnline: 0,
    });
    expect(
      dossierContribution(facts({ ...paperResult, eResultLink: 'https://kq.example/2' }), april),
    ).toMatchObject({ toanTrinhBase: 1, toanTrinhOnline: 1 });
    // Not eligible: outside the share whatever the channel.
    expect(dossierContribution(facts({ eligibleForToanTrinh: false, channel: 2 }), april)).toMatchObject({
      toanTrinhBase: 0,
    });
  });

  it('3.6: only dossiers with a fee > 0 count, paid online or not', () => {
    const free = { fees: [{ name: 'Lệ phí', amountVnd: 0 }], paidOnline: true };
    expect(dossierContribution(facts(free), april)).toMatchObject({ feeBearing: 0, paidOnline: 0 });
    const paid = {
      fees: [
        { name: 'Lệ phí', amountVnd: 0 },
        { name: 'Phí', amountVnd: 50_000 },
      ],
      paidOnline: true,
    };
    // 3.6 counts synced dossiers paid online (DOMAIN.md §2.3 3.6).
    expect(dossierContribution(facts(paid), april)).toMatchObject({ feeBearing: 1, paidOnline: 0 });
    expect(dossierContribution(facts({ ...paid, ...synced }), april)).toMatchObject({
      feeBearing: 1,
      paidOnline: 1,
    });
  });

  it('4.2–4.5b: digitised (every component, e-result where required), reuse, data store, VNeID', () => {
    const paperScan = { ...electronic, kind: 'giay-to', form: 'paper' as const, digitized: false };
    expect(dossierContribution(facts({ components: [electronic, paperScan] }), april)).toMatchObject({
      digitized: 0,
    });
    expect(dossierContribution(facts({ components: [] }), april)).toMatchObject({ digitized: 0 });
    const reused = { ...electronic, kind: 'cccd', reused: true, fromDataStore: true };
    expect(
      dossierContribution(facts({ components: [electronic, reused], vneidAuthenticated: true }), april),
    ).toMatchObject({ digitized: 1, reusedData: 1, fromDataStore: 1, populationData: 1 });
  });

  it('2.2: processing time from acceptance to decision, less the supplementation, of completed dossiers', () => {
    const supplemented = facts({
      ...decided('2026-04-09T09:30:00+07:00'),
      supplementations: [
        {
          phase: 'processing',
          requestedAt: '2026-04-07T09:30:00+07:00',
          providedAt: '2026-04-08T09:30:00+07:00',
        },
      ],
    });
    expect(processingTimeMs(supplemented)).toBe(2 * 86_400_000);
    expect(dossierContribution(supplemented, april)).toMatchObject({
      completed: 1,
      processingMs: 2 * 86_400_000,
    });
    expect(processingTimeMs(facts())).toBeUndefined();
  });

  it('TT 01/2018 evaluations and 5.4 dislikes are read from the returned, evaluated dossier', () => {
    const evaluated = facts({
      status: 'DA_TRA_KET_QUA',
      decidedAt: '2026-04-08T10:00:00+07:00',
      returnedAt: '2026-04-09T10:00:00+07:00',
      evaluation: { liked: false, scores: { '1': 2, '3': 1, '7': 0 } },
    });
    const counters = dossierContribution(evaluated, april);
    expect(counters).toMatchObject({
      evaluated: 1,
      progressDisliked: 1,
      tt01Sum1: 2,
      tt01Count1: 1,
      tt01Sum3: 1,
      tt01Count7: 1,
    });
    expect(tt01Tally(counters)['2']).toEqual({ sum: 0, count: 0 });
  });
});

describe('add and subtract counters (an aggregator moving a dossier contribution)', () => {
  const dossiers = [
    facts(),
    facts({
      channel: 2,
      ...decided('2026-04-08T10:00:00+07:00'),
      fees: [{ name: 'Phí', amountVnd: 10_000 }],
      paidOnline: true,
    }),
    facts({ status: 'CONG_DAN_RUT', endedAt: '2026-04-15T10:00:00+07:00' }),
  ];

  it('subtracting one contribution from the sum leaves the sum of the others', () => {
    const all = sumCounters(dossiers.map((d) => dossierContribution(d, april)));
    const [first, ...rest] = dossiers.map((d) => dossierContribution(d, april));
    expect(subtractCounters(all, first as DossierCounters)).toEqual(sumCounters(rest));
    expect(isEmptyCounters(subtractCounters(all, all))).toBe(true);
  });

  it('newer facts replace the old contribution: subtract old, add new', () => {
    const before = facts();
    const after = facts({ ...decided('2026-04-10T08:00:00+07:00') });
    const others = dossierContribution(dossiers[1] as DossierFacts, april);
    const aggregate = addCounters(others, dossierContribution(before, april));
    const moved = addCounters(
      subtractCounters(aggregate, dossierContribution(before, april)),
      dossierContribution(after, april),
    );
    expect(moved).toEqual(addCounters(others, dossierContribution(after, april)));
    expect(moved.progressOnTime).toBe(1);
    expect(moved.completed).toBe(2);
  });
});

function counters(values: Partial<DossierCounters>): DossierCounters {
  return { ...emptyCounters(), ...values };
}

/** Counter-record marks of procedures, as the aggregator sums them over dossiers and units. */
function procedureMarks(codes: string[], ...flags: ProcedureFlag[]): Record<string, number> {
  return Object.fromEntries(codes.flatMap((code) => flags.map((flag) => [procedureFlagKey(code, flag), 2])));
}

function indicatorOf(board: ReturnType<typeof scoreboard>, id: string) {
  const found = board.indicators.find((i) => i.id === id);
  if (!found) throw new Error(`no indicator ${id}`);
  return found;
}

describe('procedure marks (DOMAIN.md §2.3 3.5, 3.5b, 4.5a)', () => {
  it('a dossier accepted in the period marks its procedure: synced with a fee, paid online, synced with VNeID', () => {
    const paidFee = {
      fees: [{ name: 'Phí', amountVnd: 50_000 }],
      paidOnline: true,
      vneidAuthenticated: true,
    };
    expect(dossierCounts(facts(paidFee), april)).toMatchObject({
      [procedureFlagKey('1.001612', 'paidOnline')]: 1,
    });
    expect(dossierCounts(facts(paidFee), april)).not.toHaveProperty(
      procedureFlagKey('1.001612', 'syncedWithFee'),
    );
    expect(dossierCounts(facts({ ...paidFee, ...synced }), april)).toMatchObject({
      [procedureFlagKey('1.001612', 'syncedWithFee')]: 1,
      [procedureFlagKey('1.001612', 'paidOnline')]: 1,
      [procedureFlagKey('1.001612', 'syncedPopulationData')]: 1,
    });
    // Counted by acceptance: not in another period.
    expect(Object.keys(dossierCounts(facts({ ...paidFee, ...synced }), '2026-05'))).not.toContain(
      procedureFlagKey('1.001612', 'paidOnline'),
    );
  });
});

describe('scoreboard (DOMAIN.md §2.2–§2.4)', () => {
  it('group maxima are 18 / 20 / 12 / 10 / 22 / 18 and sum to 100', () => {
    const board = scoreboard(emptyCounters());
    expect(board.groups.map((g) => [g.id, g.max])).toEqual([
      ['1', 18],
      ['2', 20],
      ['3a', 12],
      ['3b', 10],
      ['4', 22],
      ['5', 18],
    ]);
    expect(board.groups.reduce((sum, g) => sum + g.max, 0)).toBe(100);
    expect(groupDefinitions.map((g) => g.name)).toContain('Số hóa hồ sơ');
  });

  it('zero denominators: rate null and 0 points, the maximum still counts ("show 0 or N/A")', () => {
    const board = scoreboard(emptyCounters());
    expect(board.indicators.every((i) => i.rate === null && i.points === 0)).toBe(true);
    expect(board).toMatchObject({ total: 0, rating: 'Yếu' });
  });

  it('5.4 threshold: 89.99% → 89.99 × 6 ÷ 90, 90% → the full 6 points', () => {
    // 10 000 dossiers, 999 late, 2 disliked: 100 − (9.99 + 0.02) = 89.99.
    const below = scoreboard(counters({ progressTotal: 10_000, progressOnTime: 9_001, progressDisliked: 2 }));
    expect(below.indicators.find((i) => i.id === '5.4')).toMatchObject({
      rate: 89.99,
      target: 90,
      points: 5.999,
      max: 6,
    });
    const at = scoreboard(counters({ progressTotal: 10_000, progressOnTime: 9_002, progressDisliked: 2 }));
    expect(at.indicators.find((i) => i.id === '5.4')).toMatchObject({ rate: 90, points: 6 });
    expect(thresholdPoints(95, 6, 90)).toBe(6);
  });

  it('2.1 without a stated target scores rate × 20 ÷ 100 (UNCONFIRMED default)', () => {
    const board = scoreboard(counters({ progressTotal: 8, progressOnTime: 7 }));
    expect(board.indicators.find((i) => i.id === '2.1')).toMatchObject({ rate: 87.5, points: 17.5, max: 20 });
    expect(board.indicators.find((i) => i.id === '2.1')?.target).toBeUndefined();
  });

  it('3a: the 12 points go to toàn trình dossiers ÷ dossiers of eligible TTHC; 3.3 includes the sync ratio', () => {
    const board = scoreboard(
      counters({
        accepted: 10,
        synced: 10,
        acceptedOnline: 4,
        acceptedCounter: 6,
        toanTrinhBase: 5,
        toanTrinhOnline: 3,
      }),
    );
    expect(board.indicators.find((i) => i.id === '3.TT')).toMatchObject({ rate: 60, points: 7.2, max: 12 });
    expect(board.indicators.find((i) => i.id === '3.3')).toMatchObject({
      rate: 40,
      target: 50,
      points: 0,
      max: 0,
    });
    expect(board.groups.find((g) => g.id === '3a')).toMatchObject({ points: 7.2, max: 12 });
    const halfSynced = scoreboard(counters({ accepted: 10, synced: 5, acceptedOnline: 4 }));
    expect(halfSynced.indicators.find((i) => i.id === '3.3')?.rate).toBe(20);
  });

  it('2.2 reports the average processing time in elapsed hours and days', () => {
    const board = scoreboard(counters({ completed: 2, processingMs: 3 * 86_400_000 }));
    expect(board.indicators.find((i) => i.id === '2.2')).toMatchObject({
      numerator: 72,
      denominator: 2,
      rate: null,
      average: { hours: 36, days: 1.5 },
      points: 0,
    });
  });

  it('a unit perfect on every indicator scores 100, Xuất sắc', () => {
    const all = {
      ...counters({
        accepted: 10,
        synced: 10,
        acceptedOnline: 10,
        toanTrinhBase: 4,
        toanTrinhOnline: 4,
        feeBearing: 3,
        paidOnline: 3,
        paperResultRequired: 2,
        eResult: 2,
        digitized: 10,
        reusedData: 10,
        fromDataStore: 10,
        populationData: 10,
        progressTotal: 10,
        progressOnTime: 10,
      }),
      ...procedureMarks(['1.001612', '1.001613'], 'syncedWithFee', 'paidOnline', 'syncedPopulationData'),
    };
    const catalogue = {
      published: 5,
      publishedOnTime: 5,
      dueForDisclosure: 5,
      disclosedOnTime: 5,
      disclosed: 9,
      disclosedComplete: 9,
      withFees: 2,
      forIndividuals: 2,
      offersElectronicCertifiedCopy: true,
    };
    const feedback = {
      receivedOrProcessed: 4,
      processedOnTime: 3,
      inProgressWithinTime: 1,
      firstReceived: 4,
      notSatisfiedFollowedUpOrOverdue: 0,
    };
    const board = scoreboard(all, catalogue, feedback);
    expect(board.groups.map((g) => g.points)).toEqual([18, 20, 12, 10, 22, 18]);
    expect(board).toMatchObject({ total: 100, notComputablePoints: 0, rating: 'Xuất sắc' });
    expect(board.indicators.every((i) => i.status === 'measured' || i.max === 0)).toBe(true);
  });

  it('DOMAIN.md §2.3 3.5, 3.5b, 4.5a: distinct procedures marked by their dossiers over the catalogue', () => {
    const marks = {
      ...procedureMarks(['1.001612'], 'syncedWithFee'),
      ...procedureMarks(['1.001612', '2.000815', '1.000894'], 'paidOnline'),
    };
    const board = scoreboard({ ...emptyCounters(), ...marks }, { withFees: 4, forIndividuals: 5 });
    expect(indicatorOf(board, '3.5')).toMatchObject({
      numerator: 1,
      denominator: 4,
      rate: 25,
      points: 0.625,
    });
    expect(indicatorOf(board, '3.5b')).toMatchObject({ numerator: 3, denominator: 4, rate: 75 });
    expect(indicatorOf(board, '4.5a')).toMatchObject({
      numerator: 0,
      denominator: 5,
      rate: 0,
      status: 'measured',
    });
  });

  it('an indicator without a source is not computable, never a measured 0 %; the total says how many points', () => {
    const board = scoreboard(counters({ accepted: 4, synced: 0 }));
    for (const id of ['1.1', '1.2', '1.3', '3.5', '3.5b', '4.CT', '4.5a'] as const) {
      expect(indicatorOf(board, id), id).toMatchObject({ status: 'not-computable', points: 0 });
      expect(indicatorOf(board, id).why, id).toBeTruthy();
    }
    expect(board.notComputablePoints).toBe(6 + 4 + 2 + 2 + 2 + 2 + 2);
    // Measured at 0 %: no dossier of the four was synced.
    expect(indicatorOf(board, '1.4')).toMatchObject({ status: 'measured', rate: 0, points: 0 });
    // No dossier in the denominator: no data, not 0 %.
    expect(indicatorOf(board, '3.6')).toMatchObject({ status: 'no-data', rate: null });
  });

  it('5.2 and 5.3 from the feedback counters (DOMAIN.md §2.3 group 5, §5)', () => {
    const feedback = {
      receivedOrProcessed: 10,
      processedOnTime: 6,
      inProgressWithinTime: 2,
      firstReceived: 8,
      notSatisfiedFollowedUpOrOverdue: 2,
    };
    const board = scoreboard(emptyCounters(), {}, feedback);
    expect(board.indicators.find((i) => i.id === '5.2')).toMatchObject({
      numerator: 8,
      denominator: 10,
      rate: 80,
      points: 4.8,
    });
    expect(board.indicators.find((i) => i.id === '5.3')).toMatchObject({
      numerator: 6,
      denominator: 8,
      rate: 75,
      points: 4.5,
    });
  });

  it('configuration overrides maxima and targets per indicator and is validated', () => {
    const config = indicatorConfig({ targets: { '2.1': 95 } });
    const board = scoreboard(counters({ progressTotal: 100, progressOnTime: 95 }), {}, undefined, config);
    expect(board.indicators.find((i) => i.id === '2.1')).toMatchObject({ target: 95, points: 20 });
    expect(config.maxima['5.4']).toBe(6);
    expect(() => indicatorConfig({ targets: { '2.1': 0 } })).toThrow();
    const unsorted = [
      { label: 'Khá', min: 70 },
      { label: 'Tốt', min: 80 },
    ];
    expect(() => indicatorConfig({ ratingBands: unsorted })).toThrow(/highest first/);
    expect(defaultIndicatorConfig.targets['5.4']).toBe(90);
  });
});

describe('rating labels at the band edges (DOMAIN.md §2.4, UNCONFIRMED bands)', () => {
  it.each([
    [100, 'Xuất sắc'],
    [90, 'Xuất sắc'],
    [89.999, 'Tốt'],
    [80, 'Tốt'],
    [79.999, 'Khá'],
    [70, 'Khá'],
    [69.999, 'Trung bình'],
    [50, 'Trung bình'],
    [49.999, 'Yếu'],
    [0, 'Yếu'],
  ])('%d points → %s', (total, label) => {
    expect(ratingLabel(total)).toBe(label);
  });
});

describe('ranking (DOMAIN.md §2.2, §2.4: competition ranking, ties within 0.001)', () => {
  it('gives tied units the same rank and skips the next ranks', () => {
    const ranked = rank([
      { unit: 'A', total: 90 },
      { unit: 'B', total: 90.0005 },
      { unit: 'C', total: 85 },
      { unit: 'D', total: 85 },
      { unit: 'E', total: 80 },
    ]);
    expect(ranked.map((r) => [r.unit, r.rank])).toEqual([
      ['B', 1],
      ['A', 1],
      ['C', 3],
      ['D', 3],
      ['E', 5],
    ]);
  });

  it('measures a tie from the total that opened the rank, so ties do not chain', () => {
    const ranked = rank([
      { unit: 'A', total: 10 },
      { unit: 'B', total: 9.9995 },
      { unit: 'C', total: 9.999 },
      { unit: 'D', total: 9.9985 },
    ]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 1, 1, 4]);
  });
});
