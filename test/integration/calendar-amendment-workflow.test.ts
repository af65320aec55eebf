/**
 * Calendar amendments reaching running dossiers (issue #21 item 1), on the time-skipping server with
 * real workers: an amendment that arrives while dossiers wait moves exactly the due dates it
 * affects, and their apology timers, and no others; a dossier received after its publication gets
 * the amended calendar from its rules without a restart; a preview (the dry run) changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendarAmendmentInput, parseCalendarAmendment } from '../../domain/calendar-amendment.js';
import { addCalendarDays, atCivilTime, startOfCivilDay, toCivilDate, weekday } from '../../domain/time.js';
import { CalendarAmendmentStore } from '../../infra/calendar-amendment-store.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const calendar = loadCalendar('VN');
const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const bucket = `tthc_calendar_amendments_test_${process.pid}_${Date.now()}`;
let system: DossierTestSystem;
let requestCounter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, calendarAmendmentBucket: bucket });
});
afterAll(async () => {
  await system?.teardown();
});

const now = async () => (await system.env?.currentTimeMs()) ?? Date.now();

async function sleepUntil(instant: number): Promise<void> {
  const wait = instant - (await now());
  if (wait > 0) await system.env?.sleep(wait);
}

/** The next Monday from which nine days hold no day off but the weekend, so only the amendment moves dates. */
async function plainMonday(): Promise<string> {
  let date = addCalendarDays(toCivilDate(await now()), 1);
  const plain = (monday: string) =>
    [0, 1, 2, 3, 4, 7, 8].every((offset) => calendar.isWorkingDay(addCalendarDays(monday, offset)));
  while (weekday(date) !== 1 || !plain(date)) date = addCalendarDays(date, 1);
  return date;
}

/** A complete 1.001612 dossier (03 working days), accepted at the counter now. */
async function acceptedDossier(): Promise<string> {
  requestCounter++;
  const outcome = await system.client.receive({
    application: await scannedHouseholdBusiness(system.documents, {
      requestId: `amendment-${Date.now()}-${requestCounter}`,
      applicant: {
        type: 'citizen',
        fullName: 'Trần Văn Bình',
        idNumber: `0510933${String(requestCounter).padStart(5, '0')}`,
      },
      channel: 'counter',
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    }),
    intake: { officer: counter },
  });
  expect(outcome.outcome).toBe('accepted');
  return outcome.code;
}

async function dueDateOf(code: string): Promise<string | undefined> {
  return (await system.client.get(code)).deadlines.decree?.dueDate;
}

async function eventTypes(code: string): Promise<string[]> {
  return (await system.events(code)).map((event) => event.type);
}

/** Waits (real time) until the workers' watch has the published amendment: a new dossier's rules show it. */
async function untilWorkersSee(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the workers never saw the published amendment');
}

/** A timer's flag carries the instant it fired: its time, or a few milliseconds after. */
function expectFiredAt(flaggedAt: number | undefined, timerAt: number): void {
  expect(flaggedAt).toBeGreaterThanOrEqual(timerAt);
  expect(flaggedAt).toBeLessThan(timerAt + 60_000);
}

describe('a calendar amendment published while dossiers wait (DOMAIN.md §1.4, §6)', () => {
  it('moves exactly the due dates it affects and their apology timers, and no others', async () => {
    const monday = await plainMonday();
    const day = (offset: number) => addCalendarDays(monday, offset);
    const [wednesday, friday, nextMonday, nextTuesday] = [day(2), day(4), day(7), day(8)];

    // B: received Monday, due Thursday — before the day the amendment adds.
    await sleepUntil(atCivilTime(monday, '09:00'));
    const early = await acceptedDossier();
    expect(await dueDateOf(early)).toBe(day(3));

    // A: received Wednesday, due next Monday; its apology check is at the start of Friday.
    await sleepUntil(atCivilTime(wednesday, '09:00'));
    const late = await acceptedDossier();
    expect(await dueDateOf(late)).toBe(nextMonday);

    const amendment: CalendarAmendmentInput = {
      id: `test-${Date.now()}-nghi-them`,
      jurisdiction: 'VN',
      source: { number: '999/QĐ-TTg', date: wednesday },
      publishedOn: wednesday,
      effectiveFrom: wednesday,
      daysOff: [{ date: friday, name: 'Nghỉ thêm (QĐ 999/QĐ-TTg)' }],
    };

    // The dry run: what it would do, and nothing changes.
    const eventsBefore = await eventTypes(late);
    const preview = await system.client.previewCalendarAmendment(late, amendment);
    expect(preview).toMatchObject({
      applied: true,
      changed: true,
      previousDueDate: nextMonday,
      dueDate: nextTuesday,
    });
    expect((await system.client.previewCalendarAmendment(early, amendment)).changed).toBe(false);
    expect(await dueDateOf(late)).toBe(nextMonday);
    expect(await eventTypes(late)).toEqual(eventsBefore);

    // Published: a dossier received now gets the amended calendar from its rules, without a restart.
    await (await CalendarAmendmentStore.open(system.nc, bucket)).publish(parseCalendarAmendment(amendment));
    let received = '';
    await untilWorkersSee(async () => {
      received = await acceptedDossier();
      return (await dueDateOf(received)) === nextTuesday;
    });

    // Sent to the open dossiers.
    const moved = await system.client.applyCalendarAmendment(late, amendment);
    expect(moved).toMatchObject({ changed: true, previousDueDate: nextMonday, dueDate: nextTuesday });
    expect((await system.client.applyCalendarAmendment(early, amendment)).changed).toBe(false);
    expect((await system.client.applyCalendarAmendment(received, amendment)).skipped).toBe('already-applied');
    expect((await system.client.applyCalendarAmendment(late, amendment)).skipped).toBe('already-applied');
    expect(await dueDateOf(late)).toBe(nextTuesday);
    expect(await dueDateOf(early)).toBe(day(3));

    const lateView = await system.client.get(late);
    const entry = lateView.state.history.at(-1);
    expect(entry?.action).toBe('deadline-recomputed');
    expect(entry?.note).toContain('999/QĐ-TTg');
    const recomputed = (await system.events(late)).filter((e) => e.type === 'deadline-recomputed');
    expect(recomputed).toHaveLength(1);
    expect(recomputed[0]?.data).toMatchObject({ previousDueDate: nextMonday, dueDate: nextTuesday });
    expect(recomputed[0]?.facts.decreeDueDate).toBe(nextTuesday);
    expect((await system.notifications(late)).map((n) => n.kind)).toContain('deadline-changed');
    for (const code of [early, received]) {
      expect(await eventTypes(code)).not.toContain('deadline-recomputed');
      expect((await system.notifications(code)).map((n) => n.kind)).not.toContain('deadline-changed');
    }

    // The old apology time passes without a flag; B's overdue timer was not moved by the new day off.
    await sleepUntil(atCivilTime(friday, '08:00'));
    expect((await system.client.get(late)).state.apologyRequiredSince).toBeUndefined();
    expectFiredAt((await system.client.get(early)).state.overdueSince, startOfCivilDay(friday));

    // The flag comes at the new time: the start of the working day before the new due date.
    await sleepUntil(atCivilTime(nextMonday, '08:00'));
    expectFiredAt((await system.client.get(late)).state.apologyRequiredSince, startOfCivilDay(nextMonday));
    expect(await eventTypes(late)).toContain('apology-required');
  });

  it('refuses an invalid amendment before it reaches the dossier, naming the field', async () => {
    const code = await acceptedDossier();
    await expect(
      system.client.applyCalendarAmendment(code, {
        id: 'x',
        jurisdiction: 'VN',
        source: { number: '1', date: '2026-01-01' },
        publishedOn: '2026-01-01',
        effectiveFrom: '2026-01-01',
      }),
    ).rejects.toMatchObject({ issues: [expect.stringMatching(/^daysOff: /)] });
  });
});
