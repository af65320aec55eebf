/**
 * Calendar amendments (issue #21 item 1): the schema, how an amendment changes a jurisdiction's
 * calendar (domain/calendar.ts), and what it does to an open dossier's deadlines
 * (domain/dossier/dossier-calendar-change.ts), on the real VN calendar. In 2026, 25–27/4 (weekend
 * and the day in lieu of Giỗ Tổ) and 30/4–3/5 are days off.
 */
import { describe, expect, it } from 'vitest';
import {
  amendCalendarChain,
  amendCalendarChainWithAll,
  type CalendarData,
  createCalendar,
  createChainCalendar,
  parseCalendarData,
} from '../../domain/calendar.js';
import {
  type CalendarAmendment,
  type CalendarAmendmentInput,
  parseCalendarAmendment,
} from '../../domain/calendar-amendment.js';
import { decreeAppointment, openLedger, reschedule } from '../../domain/deadline.js';
import {
  deadlineChangeNotice,
  planCalendarAmendment,
  recordDeadlineChange,
} from '../../domain/dossier/dossier-calendar-change.js';
import { accept } from '../../domain/dossier/dossier-intake.js';
import { type DossierState, newDossier } from '../../domain/dossier/dossier-state.js';
import { applyAction } from '../../domain/dossier/dossier-transitions.js';
import { ValidationError } from '../../domain/validation.js';
import { amendedChainLoader, loadCalendarChain } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import {
  actor,
  vietnamInstant as at,
  citizenApplication,
  demoUnits,
  dossierAction,
  signedResult,
} from '../support/fixtures.js';

const vnChain = loadCalendarChain('VN');
const vn = createChainCalendar(vnChain);
/** 1.001612 Đăng ký thành lập hộ kinh doanh: 03 working days. */
const householdBusiness = getProcedure('1.001612', '2026-04-23');
const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'cv-01');

/** A day off on Tue 28/4/2026 announced on 20/4. */
const extraDayOff: CalendarAmendmentInput = {
  id: '2026-tb-100-nghi-them',
  jurisdiction: 'VN',
  source: { number: '100/TB-BNV', date: '2026-04-15' },
  publishedOn: '2026-04-20',
  effectiveFrom: '2026-04-20',
  daysOff: [{ date: '2026-04-28', name: 'Nghỉ thêm (TB 100/TB-BNV)' }],
};

function amendment(overrides: Partial<CalendarAmendmentInput> = {}): CalendarAmendment {
  return parseCalendarAmendment({ ...extraDayOff, ...overrides });
}

function issuesOf(input: unknown): string[] {
  try {
    parseCalendarAmendment(input);
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
  return [];
}

/** Accepted Thu 23/4/2026 10:00: due Wed 29/4 (24/4, 28/4, 29/4). */
function acceptedDossier(): DossierState {
  const application = citizenApplication({ procedureCode: householdBusiness.code });
  const T0 = at('2026-04-23T10:00');
  const submitted = newDossier('000.01.41.H99-260423-0001', application, householdBusiness, T0);
  return accept(submitted, T0, vn, counter).state;
}

describe('the amendment schema', () => {
  it('takes an amendment with its source, publication and effective dates', () => {
    const parsed = amendment();
    expect(parsed.source.number).toBe('100/TB-BNV');
    expect(parsed.workingDays).toEqual([]);
  });

  it('names every failing field', () => {
    expect(issuesOf({ ...extraDayOff, id: 'Bad Id', daysOff: [] })).toEqual([
      expect.stringMatching(/^id: must be lower-case/),
      'daysOff: an amendment must change at least one day (daysOff or workingDays)',
    ]);
    expect(issuesOf({ ...extraDayOff, publishedOn: '2026-04-10', effectiveFrom: '2026-04-10' })).toEqual([
      "publishedOn: must not be before the decision's date 2026-04-15",
      "effectiveFrom: must not be before the decision's date 2026-04-15",
    ]);
    expect(
      issuesOf({
        ...extraDayOff,
        daysOff: [{ date: '2026-04-18', name: 'Trước hiệu lực' }],
        workingDays: [{ date: '2026-04-18', name: 'Trùng' }],
      }),
    ).toEqual([
      'daysOff[0].date: must not be before effectiveFrom 2026-04-20',
      'workingDays[0].date: must not be before effectiveFrom 2026-04-20',
      'workingDays[0].date: 2026-04-18 is listed twice in the amendment',
    ]);
    expect(issuesOf({ ...extraDayOff, source: { number: '', date: '2026-02-30' } })).toEqual([
      'source.number: must not be empty',
      'source.date: must be a real date written YYYY-MM-DD',
    ]);
  });
});

describe('an amendment changes the calendar of its jurisdiction', () => {
  const data = vnChain[0] as CalendarData;

  it('is the top layer: a day off and a swapped working Saturday, named; a later publication wins a day', () => {
    const swap = amendment({
      id: '2026-tb-101-hoan-doi',
      publishedOn: '2026-04-21',
      daysOff: [],
      workingDays: [{ date: '2026-05-09', name: 'Làm bù' }],
    });
    const cancel = amendment({
      id: '2026-tb-102-huy',
      publishedOn: '2026-04-22',
      daysOff: [],
      workingDays: [{ date: '2026-04-28', name: 'Hủy ngày nghỉ thêm' }],
    });
    const amended = createCalendar({ ...data, amendments: [swap, amendment()] });
    expect(vn.isWorkingDay('2026-04-28')).toBe(true);
    expect(amended.dayOffReason('2026-04-28')).toBe('Nghỉ thêm (TB 100/TB-BNV)');
    expect(amended.isWorkingDay('2026-05-09')).toBe(true);
    expect(amended.amendments.map((a) => a.id)).toEqual(['2026-tb-100-nghi-them', '2026-tb-101-hoan-doi']);
    expect(amended.addWorkingDays('2026-04-23', 3)).toBe('2026-05-04');
    const cancelled = createCalendar({ ...data, amendments: [cancel, amendment()] });
    expect(cancelled.isWorkingDay('2026-04-28')).toBe(true);
  });

  it('refuses an amendment of another jurisdiction, and working days in a calendar that extends another', () => {
    expect(() => parseCalendarData({ ...data, amendments: [amendment({ jurisdiction: 'VN-HN' })] })).toThrow(
      /amendments\.0\.jurisdiction: must be VN/,
    );
    const province = {
      jurisdiction: 'VN-XX',
      name: 'Tỉnh XX',
      version: 't',
      effectiveFrom: '2024-01-01',
      extends: 'VN',
      amendments: [
        amendment({ jurisdiction: 'VN-XX', daysOff: [], workingDays: [{ date: '2026-05-09', name: 'x' }] }),
      ],
    };
    expect(() => parseCalendarData(province)).toThrow(/amendments\.0\.workingDays: working days come from/);
  });

  it('amendCalendarChain adds it to the calendar of its jurisdiction once; other jurisdictions are untouched', () => {
    const province = parseCalendarData({
      jurisdiction: 'VN-XX',
      name: 'Tỉnh XX',
      version: 't',
      effectiveFrom: '2024-01-01',
      extends: 'VN',
    });
    const chain = [data, province];
    const amended = amendCalendarChain(chain, amendment()) as CalendarData[];
    expect(amended[0]?.amendments.map((a) => a.id)).toEqual(['2026-tb-100-nghi-them']);
    expect(amended[1]).toBe(province);
    expect(createChainCalendar(amended).isWorkingDay('2026-04-28')).toBe(false);
    expect(amendCalendarChain(amended, amendment())).toBeUndefined();
    expect(amendCalendarChain(chain, amendment({ jurisdiction: 'VN-HN' }))).toBeUndefined();
    const refused = amendment({
      id: 'x',
      jurisdiction: 'VN-XX',
      daysOff: [],
      workingDays: [{ date: '2026-05-09', name: 'x' }],
    });
    const all = amendCalendarChainWithAll(chain, [refused, amendment()]);
    expect(all.refused.map((r) => r.id)).toEqual(['x']);
    expect(all.chain[0]?.amendments).toHaveLength(1);
  });

  it('a rescheduled appointment made a day off ends on the next working day (Civil Code Art 148(5))', () => {
    const ledger = reschedule(
      openLedger(at('2026-04-20T09:00'), householdBusiness.duration),
      at('2026-04-21T09:00'),
      '2026-04-28',
      'Xác minh',
      vn,
    );
    expect(decreeAppointment(ledger, vn)?.dueDate).toBe('2026-04-28');
    const amended = createChainCalendar(amendCalendarChain(vnChain, amendment()) as CalendarData[]);
    expect(decreeAppointment(ledger, amended)?.dueDate).toBe('2026-04-29');
  });

  it('the rules loader adds the published amendments, again whenever they change', () => {
    let published: CalendarAmendment[] = [];
    let revision = 0;
    const load = amendedChainLoader({ revision: () => revision, amendments: () => published });
    expect(load('VN')[0]?.amendments).toEqual([]);
    published = [amendment()];
    expect(load('VN')[0]?.amendments).toEqual([]); // same revision: the cached chain
    revision++;
    expect(load('VN')[0]?.amendments.map((a) => a.id)).toEqual(['2026-tb-100-nghi-them']);
  });
});

describe('an amendment reaching an open dossier (DOMAIN.md §1.4)', () => {
  it('a day off before the due date moves it, with an event, a timeline entry naming the decision, and a notice', () => {
    const state = acceptedDossier();
    const plan = planCalendarAmendment(state, vnChain, vn, amendment());
    expect(plan.outcome).toMatchObject({
      applied: true,
      changed: true,
      previousDueDate: '2026-04-29',
      dueDate: '2026-05-04',
      previous766DueDate: '2026-04-29',
      due766Date: '2026-05-04',
    });
    expect(plan.calendar?.isWorkingDay('2026-04-28')).toBe(false);
    const transition = recordDeadlineChange(state, plan.outcome, amendment(), at('2026-04-24T08:00'));
    expect(transition.events).toEqual([
      expect.objectContaining({
        type: 'deadline-recomputed',
        data: expect.objectContaining({
          amendmentId: '2026-tb-100-nghi-them',
          source: { number: '100/TB-BNV', date: '2026-04-15' },
          previousDueDate: '2026-04-29',
          dueDate: '2026-05-04',
        }),
      }),
    ]);
    const entry = transition.state.history.at(-1);
    expect(entry?.action).toBe('deadline-recomputed');
    expect(entry?.note).toContain('100/TB-BNV');
    expect(entry?.note).toContain('từ 29/04/2026 sang 04/05/2026');
    expect(transition.state.history.slice(0, -1)).toEqual(state.history);
    expect(deadlineChangeNotice(plan.outcome, amendment())).toContain('04/05/2026');
  });

  it('a day off after the due date changes nothing; a dossier decided, or one that has the amendment, is skipped', () => {
    const state = acceptedDossier();
    const later = amendment({ daysOff: [{ date: '2026-05-05', name: 'Sau hạn' }] });
    const plan = planCalendarAmendment(state, vnChain, vn, later);
    expect(plan.outcome).toMatchObject({ applied: true, changed: false, dueDate: '2026-04-29' });
    expect(deadlineChangeNotice(plan.outcome, later)).toBeUndefined();

    const amendedChain = plan.chain as CalendarData[];
    expect(planCalendarAmendment(state, amendedChain, vn, later).outcome).toMatchObject({
      applied: false,
      skipped: 'already-applied',
    });
    expect(
      planCalendarAmendment(state, vnChain, vn, amendment({ jurisdiction: 'VN-HN' })).outcome.skipped,
    ).toBe('other-jurisdiction');
    let decided = applyAction(
      state,
      dossierAction('assign', leader, { specialist: { id: 'cv-01', name: 'x' } }),
      at('2026-04-23T11:00'),
      vn,
    ).state;
    decided = applyAction(
      decided,
      dossierAction('appraise', specialist, { recommendation: 'approve', note: 'Đủ' }),
      at('2026-04-23T12:00'),
      vn,
    ).state;
    decided = applyAction(decided, dossierAction('approve', leader, {}), at('2026-04-23T13:00'), vn, {
      result: signedResult(),
    }).state;
    expect(planCalendarAmendment(decided, vnChain, vn, amendment()).outcome).toMatchObject({
      applied: false,
      skipped: 'decided-or-closed',
    });
  });

  it('while the clock is paused the decree has no date, but 766’s NgayHenTra and pending liên thông shares move', () => {
    let state = acceptedDossier();
    state = applyAction(
      state,
      dossierAction('assign', leader, { specialist: { id: 'cv-01', name: 'x' } }),
      at('2026-04-23T11:00'),
      vn,
    ).state;
    state = applyAction(
      state,
      dossierAction('start-inter-agency', leader, {
        participants: [{ agency: demoUnits.justiceDepartment, task: 'Cho ý kiến', workingDays: 2 }],
      }),
      at('2026-04-23T12:00'),
      vn,
    ).state;
    state = applyAction(
      state,
      dossierAction('request-supplementation', specialist, {
        items: [{ name: 'Giấy tờ', reason: 'Thiếu', form: 'electronic' }],
        reason: 'Thiếu',
      }),
      at('2026-04-23T14:00'),
      vn,
    ).state;
    const plan = planCalendarAmendment(state, vnChain, vn, amendment());
    expect(plan.outcome).toMatchObject({
      changed: true,
      previousDueDate: undefined,
      dueDate: undefined,
      due766Date: '2026-05-04',
      interAgency: [
        { agency: demoUnits.justiceDepartment, previousDueDate: '2026-04-28', dueDate: '2026-04-29' },
      ],
    });
    const next = recordDeadlineChange(state, plan.outcome, amendment(), at('2026-04-24T08:00')).state;
    expect(next.interAgency[0]?.dueDate).toBe('2026-04-29');
    expect(deadlineChangeNotice(plan.outcome, amendment())).toBeUndefined();
  });
});
