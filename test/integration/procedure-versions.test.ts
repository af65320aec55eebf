/**
 * Procedure versions (issue #21 item 2; DOMAIN.md §0): a dossier keeps the version in force on the
 * day it was received, and a new version applies to dossiers received from its effective date. Real
 * workers on the time-skipping server read a catalogue holding two versions of 1.001612: 03 working
 * days, then 05 working days from the day after the first dossier.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCalendarDays, atCivilTime, toCivilDate } from '../../domain/time.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { CATALOGUE_FILE, loadCatalogue } from '../../rules/catalogue-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const calendar = loadCalendar('VN');
let system: DossierTestSystem;
let workDir: string;
/** The first working day (after today) whose next day is a working day too: the old version's last day. */
let lastOldDay: string;
let firstNewDay: string;

beforeAll(async () => {
  const today = toCivilDate(Date.now());
  lastOldDay = addCalendarDays(today, 1);
  while (!calendar.isWorkingDay(lastOldDay) || !calendar.isWorkingDay(addCalendarDays(lastOldDay, 1)))
    lastOldDay = addCalendarDays(lastOldDay, 1);
  firstNewDay = addCalendarDays(lastOldDay, 1);
  const catalogue = loadCatalogue(CATALOGUE_FILE);
  const current = catalogue.procedures.find((p) => p.code === '1.001612');
  const next = {
    ...current,
    duration: { unit: 'working-days', value: 5 },
    ruleVersion: { version: 'test-5-days', effectiveFrom: firstNewDay, legalBasis: ['Văn bản giả định'] },
  };
  workDir = await mkdtemp(join(tmpdir(), 'tthc-versions-'));
  const file = join(workDir, 'catalogue.json');
  await writeFile(file, JSON.stringify({ ...catalogue, procedures: [...catalogue.procedures, next] }));
  system = await startDossierSystem({ timeSkipping: true, catalogueFile: pathToFileURL(file) });
});
afterAll(async () => {
  await system?.teardown();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function sleepUntil(instant: number): Promise<void> {
  const wait = instant - ((await system.env?.currentTimeMs()) ?? Date.now());
  if (wait > 0) await system.env?.sleep(wait);
}

let requestCounter = 0;
async function receive(): Promise<string> {
  requestCounter++;
  const outcome = await system.client.receive({
    application: await scannedHouseholdBusiness(system.documents, {
      requestId: `versions-${Date.now()}-${requestCounter}`,
      applicant: {
        type: 'citizen',
        fullName: 'Võ Thị Mai',
        idNumber: `0510955${String(requestCounter).padStart(5, '0')}`,
      },
      channel: 'counter',
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    }),
    intake: { officer: actor('counter-officer', demoUnits.camThanhOneStop) },
  });
  expect(outcome.outcome).toBe('accepted');
  return outcome.code;
}

describe('a new procedure version', () => {
  it('applies to dossiers received from its effective date; one received the day before keeps the old duration', async () => {
    await sleepUntil(atCivilTime(lastOldDay, '09:00'));
    const before = await receive();
    await sleepUntil(atCivilTime(firstNewDay, '09:00'));
    const after = await receive();

    const old = await system.client.get(before);
    expect(old.state.procedure.ruleVersion.version).toBe('2025-07');
    expect(old.state.procedure.duration).toEqual({ unit: 'working-days', value: 3 });
    expect(old.deadlines.decree?.dueDate).toBe(calendar.addWorkingDays(lastOldDay, 3));

    const fresh = await system.client.get(after);
    expect(fresh.state.procedure.ruleVersion).toMatchObject({
      version: 'test-5-days',
      effectiveFrom: firstNewDay,
    });
    expect(fresh.state.procedure.duration).toEqual({ unit: 'working-days', value: 5 });
    expect(fresh.deadlines.decree?.dueDate).toBe(calendar.addWorkingDays(firstNewDay, 5));
    expect((await system.events(after)).at(-1)?.facts.ruleVersion).toBe('test-5-days');
  });
});
