/**
 * domain/deadline.ts against the real national calendar (data/calendars/VN.json).
 * Every instant is written with its offset, so the results do not depend on the machine's zone
 * (checked by running this file under TZ=America/New_York and TZ=Asia/Ho_Chi_Minh).
 */
import { describe, expect, it } from 'vitest';
import { createCalendar } from '../../domain/calendar.js';
import {
  addWorkingHours,
  computeAppointment,
  type DeadlineLedger,
  DeadlineRuleError,
  decreeAppointment,
  endOfCivilDay,
  evaluate766,
  isSuspended,
  openLedger,
  receiptDate,
  reschedule,
  resume,
  suspend,
  workingDaysBetweenInstants,
} from '../../domain/deadline.js';
import type { StatutoryDuration } from '../../domain/duration.js';
import { formatInstant, parseInstant, toCivilDate } from '../../domain/time.js';
import { loadCalendar, loadCalendarData } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';

const vn = loadCalendar('VN');
const at = (iso: string) => parseInstant(iso);
const DAY_MS = 86_400_000;

const threeDays: StatutoryDuration = { unit: 'working-days', value: 3 };
const sameDay: StatutoryDuration = { unit: 'same-day', cutoff: '15:00' };

function dueDate(receivedIso: string, duration: StatutoryDuration = threeDays): string {
  return computeAppointment(at(receivedIso), duration, vn).dueDate;
}

describe('working-day deadlines (DOMAIN.md §1.4, Civil Code Art 147–148)', () => {
  it('§1.4 Art 147(2)–(3) + §6 Giỗ Tổ 2026: 1.001612 (3 working days) received Thu 23/4/2026 10:00 is due Wed 29/4 (Mon 27/4 is the compensatory day)', () => {
    const procedure = getProcedure('1.001612', '2026-04-23');
    expect(procedure.duration).toEqual({ unit: 'working-days', value: 3 });
    expect(vn.isWorkingDay('2026-04-27')).toBe(false);
    const appointment = computeAppointment(at('2026-04-23T10:00:00+07:00'), procedure.duration, vn);
    // Fri 24/4 is day 1 (the day of receipt is not counted), Sat–Mon are off, Tue 28/4, Wed 29/4.
    expect(appointment.dueDate).toBe('2026-04-29');
  });

  it('§1.4 Civil Code Art 148(1): the period ends at 24:00 of the due date (Vietnam time)', () => {
    const { dueAt } = computeAppointment(at('2026-04-23T10:00:00+07:00'), threeDays, vn);
    expect(dueAt).toBe(at('2026-04-30T00:00:00+07:00'));
    expect(dueAt).toBe(endOfCivilDay('2026-04-29'));
    expect(formatInstant(dueAt)).toBe('2026-04-30T00:00:00+07:00');
    expect(toCivilDate(dueAt - 1)).toBe('2026-04-29');
  });

  it('§1.4 Art 147(2): the first day is not counted — 1 working day from Mon 9/3/2026 is Tue 10/3, not Mon', () => {
    expect(dueDate('2026-03-09T08:00:00+07:00', { unit: 'working-days', value: 1 })).toBe('2026-03-10');
  });

  it('§6 Labour Code Art 112(1): 30/4 and 1/5/2026 are skipped — 3 working days from Tue 28/4 is Tue 5/5', () => {
    // Wed 29/4, then Thu 30/4, Fri 1/5, Sat 2/5, Sun 3/5 off, Mon 4/5, Tue 5/5.
    expect(dueDate('2026-04-28T09:00:00+07:00')).toBe('2026-05-05');
    expect(
      workingDaysBetweenInstants(at('2026-04-29T09:00:00+07:00'), at('2026-05-04T09:00:00+07:00'), vn),
    ).toBe(1);
  });

  it('§6 Tết 2026: a deadline received Fri 13/2/2026 skips Sat 14/2 to Sun 22/2', () => {
    // Day 1 is Mon 23/2, day 3 is Wed 25/2.
    expect(dueDate('2026-02-13T10:00:00+07:00')).toBe('2026-02-25');
    expect(dueDate('2026-02-13T10:00:00+07:00', { unit: 'working-days', value: 1 })).toBe('2026-02-23');
    expect(
      workingDaysBetweenInstants(at('2026-02-13T10:00:00+07:00'), at('2026-02-22T23:00:00+07:00'), vn),
    ).toBe(0);
  });

  it('§1.4 Civil Code Art 148(5): a last day that would fall on a holiday moves to the next working day (Wed 29/4 + 1 → Mon 4/5/2026)', () => {
    // Counting one day forward would land on Thu 30/4 (Ngày Chiến thắng); 1/5, Sat and Sun follow.
    const appointment = computeAppointment(
      at('2026-04-29T09:00:00+07:00'),
      { unit: 'working-days', value: 1 },
      vn,
    );
    expect(appointment.dueDate).toBe('2026-05-04');
    expect(appointment.dueAt).toBe(at('2026-05-05T00:00:00+07:00'));
    // A last day falling on a weekend: Fri 6/3/2026 + 1 → Mon 9/3, not Sat 7/3.
    expect(dueDate('2026-03-06T09:00:00+07:00', { unit: 'working-days', value: 1 })).toBe('2026-03-09');
  });

  it('§6 swap working Saturday: Sat 8/2/2025 counts, so a deadline across it is one day shorter than without the swap', () => {
    expect(vn.isWorkingDay('2025-02-08')).toBe(true);
    const data = loadCalendarData('VN');
    const year2025 = data.years['2025'];
    if (!year2025) throw new Error('VN.json has no 2025 data');
    const withoutSwap = createCalendar({
      ...data,
      years: { ...data.years, '2025': { ...year2025, workingDays: [] } },
    });
    expect(withoutSwap.isWorkingDay('2025-02-08')).toBe(false);
    const received = at('2025-02-06T10:00:00+07:00'); // Thursday
    // With the swap: Fri 7/2, Sat 8/2, Mon 10/2. Without it: Fri 7/2, Mon 10/2, Tue 11/2.
    expect(computeAppointment(received, threeDays, vn).dueDate).toBe('2025-02-10');
    expect(computeAppointment(received, threeDays, withoutSwap).dueDate).toBe('2025-02-11');
  });
});

describe('same-day procedures and the 15:00 cut-off (DOMAIN.md §1.4: Luật Hộ tịch Art 5(3), ND 23/2015 Art 7)', () => {
  it('§1.4 15:00 cut-off: received 14:59 on a working day (Thu 23/4/2026) → due that day, at 24:00', () => {
    const appointment = computeAppointment(at('2026-04-23T14:59:00+07:00'), sameDay, vn);
    expect(appointment.dueDate).toBe('2026-04-23');
    expect(appointment.dueAt).toBe(at('2026-04-24T00:00:00+07:00'));
  });

  it('§1.4 15:00 cut-off: received exactly 15:00 or at 15:30 → the next working day', () => {
    expect(dueDate('2026-04-23T15:00:00+07:00', sameDay)).toBe('2026-04-24');
    expect(dueDate('2026-04-23T15:30:00+07:00', sameDay)).toBe('2026-04-24');
  });

  it('§1.4 15:00 cut-off + §6: received after 15:00 on Fri 24/4/2026 → Tue 28/4 (Mon 27/4 is the Giỗ Tổ compensatory day)', () => {
    expect(dueDate('2026-04-24T15:30:00+07:00', sameDay)).toBe('2026-04-28');
  });

  it('§1.4 15:00 cut-off + §6: received after 15:00 on Wed 29/4/2026 (last working day before 30/4–1/5) → Mon 4/5/2026', () => {
    const appointment = computeAppointment(at('2026-04-29T15:30:00+07:00'), sameDay, vn);
    expect(appointment.dueDate).toBe('2026-05-04');
    expect(appointment.dueAt).toBe(at('2026-05-05T00:00:00+07:00'));
  });

  it('§1.4 15:00 cut-off: received on a Sunday (19/4/2026, even in the morning) → Monday 20/4', () => {
    expect(dueDate('2026-04-19T09:00:00+07:00', sameDay)).toBe('2026-04-20');
  });

  it('§1.4 15:00 cut-off is Vietnam time: 07:59Z is 14:59 in Hà Nội (same day), 08:00Z is 15:00 (next day)', () => {
    expect(dueDate('2026-04-23T07:59:00Z', sameDay)).toBe('2026-04-23');
    expect(dueDate('2026-04-23T08:00:00Z', sameDay)).toBe('2026-04-24');
  });
});

describe('off-hours receipt policy (DOMAIN.md §1.4: next-working-day practice is UNCONFIRMED)', () => {
  it("§1.4 off-hours: online on Sat 14/3/2026 — 'next-working-day' (default) counts from Mon 16/3 → due Thu 19/3; 'as-received' applies Art 147 to Saturday → due Wed 18/3", () => {
    const received = at('2026-03-14T10:00:00+07:00');
    expect(receiptDate(received, vn)).toBe('2026-03-16');
    expect(computeAppointment(received, threeDays, vn).dueDate).toBe('2026-03-19');
    expect(computeAppointment(received, threeDays, vn, { offHoursReceipt: 'next-working-day' }).dueDate).toBe(
      '2026-03-19',
    );
    expect(receiptDate(received, vn, { offHoursReceipt: 'as-received' })).toBe('2026-03-14');
    expect(computeAppointment(received, threeDays, vn, { offHoursReceipt: 'as-received' }).dueDate).toBe(
      '2026-03-18',
    );
  });

  it('§1.4 off-hours: received on a working day after office close (Thu 12/3/2026 17:30) counts from Fri 13/3 under the default', () => {
    const late = at('2026-03-12T17:30:00+07:00');
    expect(vn.officeHours.at(-1)?.end).toBe('17:00');
    expect(receiptDate(late, vn)).toBe('2026-03-13');
    // Counted from Fri 13/3: Mon 16, Tue 17, Wed 18.
    expect(computeAppointment(late, threeDays, vn).dueDate).toBe('2026-03-18');
    // As received: counted from Thu 12/3: Fri 13, Mon 16, Tue 17.
    expect(computeAppointment(late, threeDays, vn, { offHoursReceipt: 'as-received' }).dueDate).toBe(
      '2026-03-17',
    );
    // Within office hours the day of receipt stands.
    expect(receiptDate(at('2026-03-12T16:59:00+07:00'), vn)).toBe('2026-03-12');
    expect(dueDate('2026-03-12T16:59:00+07:00')).toBe('2026-03-17');
  });

  it('§1.4 off-hours + §6: online on Sun 26/4/2026 (Giỗ Tổ) counts from Tue 28/4, skipping the compensatory Mon 27/4', () => {
    expect(receiptDate(at('2026-04-26T20:00:00+07:00'), vn)).toBe('2026-04-28');
  });
});

describe('working-hours budgets (office hours of the VN calendar)', () => {
  it('calendar office hours are 07:30–11:30 and 13:00–17:00 (the arithmetic below depends on them)', () => {
    expect(vn.officeHours).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:00', end: '17:00' },
    ]);
  });

  it('8 working hours from Fri 13/3/2026 15:00 end Mon 16/3 15:00 (2 h Friday, 4 h morning, 2 h afternoon)', () => {
    const appointment = computeAppointment(
      at('2026-03-13T15:00:00+07:00'),
      { unit: 'working-hours', value: 8 },
      vn,
    );
    expect(appointment.dueAt).toBe(at('2026-03-16T15:00:00+07:00'));
    expect(appointment.dueDate).toBe('2026-03-16');
  });

  it('§6 Giỗ Tổ 2026: 8 working hours from Fri 24/4/2026 15:00 skip Mon 27/4 and end Tue 28/4 15:00', () => {
    const appointment = computeAppointment(
      at('2026-04-24T15:00:00+07:00'),
      { unit: 'working-hours', value: 8 },
      vn,
    );
    expect(appointment.dueAt).toBe(at('2026-04-28T15:00:00+07:00'));
    expect(appointment.dueDate).toBe('2026-04-28');
  });

  it('hours are counted only inside office hours: lunch, evenings and the morning before 07:30 do not count', () => {
    // 4 h from 07:30 end at 11:30, not after lunch.
    expect(addWorkingHours(at('2026-03-16T07:30:00+07:00'), 4, vn)).toBe(at('2026-03-16T11:30:00+07:00'));
    // Received during lunch: the clock starts at 13:00.
    expect(addWorkingHours(at('2026-03-16T12:00:00+07:00'), 1, vn)).toBe(at('2026-03-16T14:00:00+07:00'));
    // Received at 06:00: the clock starts at 07:30.
    expect(addWorkingHours(at('2026-03-16T06:00:00+07:00'), 1, vn)).toBe(at('2026-03-16T08:30:00+07:00'));
    // Received Friday evening: the clock starts Monday 07:30.
    expect(addWorkingHours(at('2026-03-13T18:00:00+07:00'), 1, vn)).toBe(at('2026-03-16T08:30:00+07:00'));
  });
});

// ---------------------------------------------------------------------------------------------
// The ledger: received Wed 4/3/2026 09:00, 3 working days → due Mon 9/3/2026 (24:00).

const RECEIVED = at('2026-03-04T09:00:00+07:00');
const ORIGINAL_DUE_AT = at('2026-03-10T00:00:00+07:00');
const PERIOD_END_MARCH = endOfCivilDay('2026-03-31');

function ledger(): DeadlineLedger {
  return openLedger(RECEIVED, threeDays);
}

/** Paused Fri 6/3 10:00 → Mon 9/3 10:00: three calendar days over the weekend. */
function pausedOverWeekend(): DeadlineLedger {
  return resume(suspend(ledger(), at('2026-03-06T10:00:00+07:00')), at('2026-03-09T10:00:00+07:00'));
}

describe('deadline ledger: decree view (DOMAIN.md §1.1 step 5(4): ND 61 Art 19(4) as amended by ND 107/2021)', () => {
  it('§1.1 step 5(4): without suspension the decree appointment is the statutory one (Mon 9/3/2026)', () => {
    const appointment = decreeAppointment(ledger(), vn);
    expect(appointment).toEqual({ dueDate: '2026-03-09', dueAt: ORIGINAL_DUE_AT });
  });

  it('§1.1 step 5(4) "tính lại từ đầu": while the applicant is supplementing no deadline runs (undefined)', () => {
    const paused = suspend(ledger(), at('2026-03-06T10:00:00+07:00'));
    expect(isSuspended(paused)).toBe(true);
    expect(decreeAppointment(paused, vn)).toBeUndefined();
  });

  it('§1.1 step 5(4) "tính lại từ đầu": after a pause over the weekend the full 3 days restart from the resume (Mon 9/3 10:00 → Thu 12/3)', () => {
    const resumed = pausedOverWeekend();
    expect(isSuspended(resumed)).toBe(false);
    expect(decreeAppointment(resumed, vn)).toEqual({
      dueDate: '2026-03-12',
      dueAt: at('2026-03-13T00:00:00+07:00'),
    });
  });

  it('§1.1 step 5(4): the ledger is not mutated by suspend/resume', () => {
    const original = ledger();
    const paused = suspend(original, at('2026-03-06T10:00:00+07:00'));
    expect(original.suspensions).toEqual([]);
    resume(paused, at('2026-03-09T10:00:00+07:00'));
    expect(paused.suspensions).toEqual([{ requestedAt: at('2026-03-06T10:00:00+07:00') }]);
  });

  it('§1.1 step 5(4): resume without a pause, double suspend, and out-of-order instants throw DeadlineRuleError', () => {
    expect(() => resume(ledger(), at('2026-03-05T10:00:00+07:00'))).toThrow(DeadlineRuleError);
    expect(() => resume(pausedOverWeekend(), at('2026-03-10T10:00:00+07:00'))).toThrow(DeadlineRuleError);
    const paused = suspend(ledger(), at('2026-03-06T10:00:00+07:00'));
    expect(() => suspend(paused, at('2026-03-06T11:00:00+07:00'))).toThrow(DeadlineRuleError);
    expect(() => resume(paused, at('2026-03-06T09:00:00+07:00'))).toThrow(DeadlineRuleError);
    expect(() => suspend(ledger(), at('2026-03-04T08:00:00+07:00'))).toThrow(DeadlineRuleError);
    expect(() => suspend(pausedOverWeekend(), at('2026-03-09T09:00:00+07:00'))).toThrow(DeadlineRuleError);
  });
});

describe('deadline ledger: reschedule (DOMAIN.md §1.1 step 5(9): "không quá một lần")', () => {
  it('§1.1 step 5(9): one reschedule replaces the appointment in both views', () => {
    const rescheduled = reschedule(
      ledger(),
      at('2026-03-06T10:00:00+07:00'),
      '2026-03-13',
      'cần xác minh thực địa',
      vn,
    );
    expect(rescheduled.reschedule).toMatchObject({ previousDueDate: '2026-03-09', newDueDate: '2026-03-13' });
    expect(decreeAppointment(rescheduled, vn)).toEqual({
      dueDate: '2026-03-13',
      dueAt: at('2026-03-14T00:00:00+07:00'),
    });
    const evaluation = evaluate766(rescheduled, vn, at('2026-03-12T10:00:00+07:00'), PERIOD_END_MARCH);
    expect(evaluation.dueDate).toBe('2026-03-13');
    expect(evaluation.onTime).toBe(true);
    // The same finish without the reschedule is late.
    expect(evaluate766(ledger(), vn, at('2026-03-12T10:00:00+07:00'), PERIOD_END_MARCH).onTime).toBe(false);
  });

  it('§1.1 step 5(9) "không quá một lần": a second reschedule throws DeadlineRuleError', () => {
    const once = reschedule(ledger(), at('2026-03-06T10:00:00+07:00'), '2026-03-13', 'xác minh', vn);
    expect(() => reschedule(once, at('2026-03-12T10:00:00+07:00'), '2026-03-20', 'lần hai', vn)).toThrow(
      DeadlineRuleError,
    );
  });

  it('§1.1 step 5(9): a new date not after the current one, or on a day off, is refused', () => {
    const when = at('2026-03-06T10:00:00+07:00');
    expect(() => reschedule(ledger(), when, '2026-03-09', 'same day', vn)).toThrow(DeadlineRuleError);
    expect(() => reschedule(ledger(), when, '2026-03-06', 'earlier', vn)).toThrow(DeadlineRuleError);
    expect(() => reschedule(ledger(), when, '2026-03-14', 'Saturday', vn)).toThrow(DeadlineRuleError);
    expect(() => reschedule(ledger(), when, '2026-04-30', 'holiday', vn)).toThrow(DeadlineRuleError);
    expect(() => reschedule(ledger(), when, '2026-04-27', 'Giỗ Tổ compensatory day', vn)).toThrow(
      DeadlineRuleError,
    );
  });

  it('§1.1 step 5(9): a reschedule while the clock is paused is refused (no current appointment)', () => {
    const paused = suspend(ledger(), at('2026-03-06T10:00:00+07:00'));
    expect(() => reschedule(paused, at('2026-03-06T11:00:00+07:00'), '2026-03-20', 'x', vn)).toThrow(
      DeadlineRuleError,
    );
  });
});

describe('deadline ledger: Decision 766 indicator 2.1 (DOMAIN.md §1.1 step 9, §2.3)', () => {
  it('§2.3 2.1 "end − (hoàn thành bổ sung − yêu cầu bổ sung)": finished 2 days after the due date with a 3-day weekend pause is on time', () => {
    const finished = at('2026-03-11T10:00:00+07:00'); // Wed, two days after Mon 9/3
    const evaluation = evaluate766(pausedOverWeekend(), vn, finished, PERIOD_END_MARCH);
    expect(evaluation.dueDate).toBe('2026-03-09'); // the 766 view keeps the original appointment
    expect(evaluation.dueAt).toBe(ORIGINAL_DUE_AT);
    expect(evaluation.endAt).toBe(finished);
    expect(evaluation.pausedMs).toBe(3 * DAY_MS);
    expect(evaluation.effectiveEndAt).toBe(at('2026-03-08T10:00:00+07:00'));
    expect(evaluation.onTime).toBe(true);
    expect(evaluation.lateReason).toBeUndefined();
    // The same finish without the pause is late.
    const unpaused = evaluate766(ledger(), vn, finished, PERIOD_END_MARCH);
    expect(unpaused).toMatchObject({ onTime: false, lateReason: 'past-due', pausedMs: 0 });
  });

  it('§2.3 2.1: the pause is subtracted only once — finished Fri 13/3 (4 days late, 3 paused) is still late', () => {
    const evaluation = evaluate766(
      pausedOverWeekend(),
      vn,
      at('2026-03-13T10:00:00+07:00'),
      PERIOD_END_MARCH,
    );
    expect(evaluation.effectiveEndAt).toBe(at('2026-03-10T10:00:00+07:00'));
    expect(evaluation).toMatchObject({ onTime: false, lateReason: 'past-due' });
  });

  it('§1.1 step 9 + §2.3 2.1: more than one supplementation request counts as late, even if finished early', () => {
    let twice = suspend(ledger(), at('2026-03-04T10:00:00+07:00'));
    twice = resume(twice, at('2026-03-04T11:00:00+07:00'));
    twice = suspend(twice, at('2026-03-04T14:00:00+07:00'));
    twice = resume(twice, at('2026-03-04T15:00:00+07:00'));
    const evaluation = evaluate766(twice, vn, at('2026-03-05T09:00:00+07:00'), PERIOD_END_MARCH);
    expect(evaluation).toMatchObject({ onTime: false, lateReason: 'more-than-one-supplementation' });
    // One request with the same timing is on time.
    const once = resume(suspend(ledger(), at('2026-03-04T10:00:00+07:00')), at('2026-03-04T11:00:00+07:00'));
    expect(evaluate766(once, vn, at('2026-03-05T09:00:00+07:00'), PERIOD_END_MARCH).onTime).toBe(true);
  });

  it('§2.3 2.1 "only Yêu cầu bổ sung": while still waiting for the applicant, end = the request time', () => {
    const requested = at('2026-03-06T10:00:00+07:00');
    const waiting = suspend(ledger(), requested);
    const evaluation = evaluate766(waiting, vn, undefined, PERIOD_END_MARCH);
    expect(evaluation.endAt).toBe(requested);
    expect(evaluation.effectiveEndAt).toBe(requested);
    expect(evaluation.pausedMs).toBe(0);
    expect(evaluation.onTime).toBe(true);
    // A request issued after the due date and still unanswered is late.
    const lateRequest = suspend(ledger(), at('2026-03-11T10:00:00+07:00'));
    const late = evaluate766(lateRequest, vn, undefined, PERIOD_END_MARCH);
    expect(late.endAt).toBe(at('2026-03-11T10:00:00+07:00'));
    expect(late).toMatchObject({ onTime: false, lateReason: 'past-due' });
  });

  it('§2.3 2.1 "no terminal status → end = last day of the period": a pending dossier is on time iff period end ≤ due', () => {
    const pending = ledger();
    // Period ending before the due date (Sun 8/3, 24:00).
    const before = evaluate766(pending, vn, undefined, endOfCivilDay('2026-03-08'));
    expect(before.endAt).toBe(endOfCivilDay('2026-03-08'));
    expect(before.onTime).toBe(true);
    // Period ending on the due date itself (Mon 9/3, 24:00): period end = due → on time.
    const onDueDate = evaluate766(pending, vn, undefined, endOfCivilDay('2026-03-09'));
    expect(onDueDate.endAt).toBe(ORIGINAL_DUE_AT);
    expect(onDueDate.onTime).toBe(true);
    // Period ending a day later: late.
    const after = evaluate766(pending, vn, undefined, endOfCivilDay('2026-03-10'));
    expect(after).toMatchObject({ onTime: false, lateReason: 'past-due' });
  });

  it('§2.3 2.1 "NgayKetThucXuLy ≤ NgayHenTra": finished on the due date is on time, the next morning is late', () => {
    expect(evaluate766(ledger(), vn, at('2026-03-09T16:30:00+07:00'), PERIOD_END_MARCH).onTime).toBe(true);
    expect(evaluate766(ledger(), vn, at('2026-03-10T07:45:00+07:00'), PERIOD_END_MARCH).onTime).toBe(false);
    // An hour budget is due at the exact hour: 8 h from Fri 13/3 15:00 → Mon 16/3 15:00.
    const hours = openLedger(at('2026-03-13T15:00:00+07:00'), { unit: 'working-hours', value: 8 });
    const exactly = evaluate766(hours, vn, at('2026-03-16T15:00:00+07:00'), PERIOD_END_MARCH);
    expect(exactly.dueAt).toBe(at('2026-03-16T15:00:00+07:00'));
    expect(exactly.onTime).toBe(true);
    expect(evaluate766(hours, vn, at('2026-03-16T15:01:00+07:00'), PERIOD_END_MARCH).onTime).toBe(false);
  });
});
