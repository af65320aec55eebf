/**
 * `tthc calendar amend` (cli/calendar-amend-command.ts) as a child process, against the shared dev
 * server in a namespace of its own (the command lists open dossiers through visibility, which the
 * time-skipping server lacks) and a KV bucket of its own: the dry run lists the dossier it would
 * move and changes nothing; the real run publishes the amendment and moves the due date.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CalendarAmendmentInput } from '../../domain/calendar-amendment.js';
import { addCalendarDays, toCivilDate } from '../../domain/time.js';
import { CalendarAmendmentStore } from '../../infra/calendar-amendment-store.js';
import { projectRoot } from '../../infra/tools.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { type NamespaceSystem, startNamespaceSystem } from '../support/namespace-system.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { connectNats } from '../support/test-servers.js';

const calendar = loadCalendar('VN');
const bucket = `tthc_calendar_amendments_cli_${process.pid}_${Date.now()}`;
let nc: NatsConnection;
let system: NamespaceSystem;
let workDir: string;

beforeAll(async () => {
  nc = await connectNats('tthc-test-calendar-amend');
  system = await startNamespaceSystem(nc, 'amend', { calendarAmendmentBucket: bucket });
  workDir = await mkdtemp(join(tmpdir(), 'tthc-cli-amend-'));
});
afterAll(async () => {
  await system?.stop();
  await nc?.drain();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function tthc(args: string[]): Promise<RunResult> {
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TTHC_'))),
    TTHC_KEYRING_FILE: inject('keyringFile'),
  };
  const servers = [
    '--temporal',
    inject('temporalAddress'),
    '--namespace',
    system.namespace,
    '--nats',
    inject('natsUrl'),
    '--amendment-bucket',
    bucket,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', 'calendar', 'amend', ...args, ...servers],
      { cwd: projectRoot, env, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

async function amendmentFile(name: string, amendment: unknown): Promise<string> {
  const file = join(workDir, name);
  await writeFile(file, JSON.stringify(amendment));
  return file;
}

function previousWorkingDay(date: string): string {
  let day = addCalendarDays(date, -1);
  while (!calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
  return day;
}

describe('tthc calendar amend', () => {
  it('the dry run lists the dossier whose due date it moves and changes nothing; the real run moves it', async () => {
    const outcome = await system.dossiers.receive({
      application: await scannedHouseholdBusiness(system.documents, {
        requestId: `cli-amend-${Date.now()}`,
        applicant: { type: 'citizen', fullName: 'Phan Văn Cường', idNumber: '051094400001' },
        channel: 'counter',
        receivingUnit: demoUnits.camThanhOneStop,
        competentAgency: demoUnits.camThanhCommittee,
      }),
      intake: { officer: actor('counter-officer', demoUnits.camThanhOneStop) },
    });
    const dueDate = outcome.dueDate as string;
    // The working day before the due date becomes a day off: the due date moves to the next working day.
    const dayOff = previousWorkingDay(dueDate);
    const newDueDate = calendar.nextWorkingDay(dueDate);
    const today = toCivilDate(Date.now());
    const amendment: CalendarAmendmentInput = {
      id: `cli-test-${Date.now()}`,
      jurisdiction: 'VN',
      source: { number: '888/TB-BNV', date: today },
      publishedOn: today,
      effectiveFrom: today,
      daysOff: [{ date: dayOff, name: 'Nghỉ thêm' }],
    };
    const file = await amendmentFile('amendment.json', amendment);

    // Visibility shows a new dossier after a moment.
    let dry: RunResult | undefined;
    for (let attempt = 0; attempt < 30; attempt++) {
      dry = await tthc(['--file', file, '--dry-run', '--json']);
      if (dry.code !== 0 || JSON.parse(dry.stdout).openDossiers > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(dry?.stderr).toBe('');
    expect(dry?.code).toBe(0);
    const report = JSON.parse(dry?.stdout ?? '{}');
    expect(report).toMatchObject({ dryRun: true, publication: 'not-published', openDossiers: 1 });
    expect(report.moved).toEqual([
      expect.objectContaining({ code: outcome.code, previousDueDate: dueDate, dueDate: newDueDate }),
    ]);
    expect((await system.dossiers.get(outcome.code)).deadlines.decree?.dueDate).toBe(dueDate);
    const store = await CalendarAmendmentStore.open(nc, bucket);
    expect(await store.get(amendment.id)).toBeUndefined();

    const real = await tthc(['--file', file]);
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(outcome.code);
    expect(real.stdout).toContain('đã công bố');
    expect((await system.dossiers.get(outcome.code)).deadlines.decree?.dueDate).toBe(newDueDate);
    expect((await store.get(amendment.id))?.source.number).toBe('888/TB-BNV');

    // Again: harmless.
    const again = JSON.parse((await tthc(['--file', file, '--json'])).stdout);
    expect(again).toMatchObject({ publication: 'already-published', moved: [], skipped: 1 });
  });

  it('an invalid file is refused with one line naming the field, before any server is asked', async () => {
    const file = await amendmentFile('bad.json', {
      id: 'bad',
      jurisdiction: 'VN-ZZ',
      source: { number: '1', date: '2026-01-01' },
      publishedOn: '2026-01-01',
      effectiveFrom: '2026-01-01',
      daysOff: [{ date: '2025-12-31', name: 'x' }],
    });
    const result = await tthc(['--file', file, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/daysOff\[0\]\.date: must not be before effectiveFrom/);
    const unknown = await amendmentFile('unknown.json', {
      id: 'unknown',
      jurisdiction: 'VN-ZZ',
      source: { number: '1', date: '2026-01-01' },
      publishedOn: '2026-01-01',
      effectiveFrom: '2026-01-01',
      daysOff: [{ date: '2026-01-05', name: 'x' }],
    });
    expect((await tthc(['--file', unknown, '--dry-run'])).stderr).toMatch(
      /jurisdiction: no calendar "VN-ZZ"/,
    );
  });
});
