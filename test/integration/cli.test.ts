/**
 * The real `tthc` command (bin/tthc.mjs) run as a child process from the project root.
 * It needs no servers. Each spawn costs about a second, so independent commands run concurrently.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function tthc(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.TTHC_DEBUG; // would print stack traces on purpose
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', ...args],
      { cwd: PROJECT_ROOT, env, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(error); // could not spawn, or killed by the timeout
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function expectOneLineError(result: RunResult, mentions: RegExp): void {
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^tthc: /);
  expect(lines[0]).toMatch(mentions);
  expect(result.stderr).not.toContain('    at ');
}

const RECEIVED = '2026-04-23T10:00:00+07:00';

describe('tthc calendar (bin/tthc.mjs)', () => {
  it('§1.4 + §6: `calendar due` for 1.001612 received Thu 23/4/2026 10:00 gives 29/04/2026 (JSON and human line), whatever the machine zone', async () => {
    const [json, human, newYork] = await Promise.all([
      tthc(['calendar', 'due', '--procedure', '1.001612', '--received', RECEIVED, '--json']),
      tthc(['calendar', 'due', '--procedure', '1.001612', '--received', RECEIVED]),
      tthc(['calendar', 'due', '--procedure', '1.001612', '--received', RECEIVED, '--json'], {
        TZ: 'America/New_York',
      }),
    ]);

    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const data = JSON.parse(json.stdout);
    expect(data).toMatchObject({
      procedure: { code: '1.001612' },
      duration: { unit: 'working-days', value: 3 },
      receivedAt: RECEIVED,
      countedFrom: '2026-04-23',
      dueDate: '2026-04-29',
      dueAt: '2026-04-30T00:00:00+07:00',
      jurisdiction: 'VN',
    });

    expect(human.code).toBe(0);
    expect(human.stdout.trim().split('\n')).toHaveLength(1);
    expect(human.stdout).toContain('29/04/2026');
    expect(human.stdout).toContain('1.001612');

    expect(newYork.code).toBe(0);
    expect(JSON.parse(newYork.stdout)).toEqual(data);
  });

  it('§6 Giỗ Tổ 2026: `calendar is-working-day 2026-04-27` says it is a day off because of Giỗ Tổ', async () => {
    const [human, json, workingDay] = await Promise.all([
      tthc(['calendar', 'is-working-day', '2026-04-27']),
      tthc(['calendar', 'is-working-day', '2026-04-27', '--json']),
      tthc(['calendar', 'is-working-day', '2026-04-28', '--json']),
    ]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('27/04/2026');
    expect(human.stdout).toContain('ngày nghỉ');
    expect(human.stdout).toContain('Giỗ Tổ');

    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.date).toBe('2026-04-27');
    expect(data.workingDay).toBe(false);
    expect(data.reason).toMatch(/Giỗ Tổ/);

    expect(JSON.parse(workingDay.stdout)).toMatchObject({ workingDay: true, reason: null });
  });

  it('§1.4 Art 147 + §6 Tết 2026: `calendar add 2026-02-13 1 --json` gives 2026-02-23', async () => {
    const result = await tthc(['calendar', 'add', '2026-02-13', '1', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      date: '2026-02-13',
      workingDays: 1,
      result: '2026-02-23',
    });
  });

  it('bad input gives a non-zero exit, one `tthc:` line on stderr and no stack trace', async () => {
    const [unknownProcedure, badDate, noOffset, notANumber, emptyNumber, hexNumber, badDueDate] =
      await Promise.all([
        tthc(['calendar', 'due', '--procedure', '9.999999', '--received', RECEIVED]),
        tthc(['calendar', 'is-working-day', '2026-04-31']),
        tthc(['calendar', 'due', '--procedure', '1.001612', '--received', '2026-04-23T10:00:00']),
        tthc(['calendar', 'add', '2026-02-13', 'abc']),
        tthc(['calendar', 'add', '2026-02-13', '']),
        tthc(['calendar', 'add', '2026-02-13', '0x3']),
        tthc(['calendar', 'add', '2026-04-31', '1']),
      ]);
    expectOneLineError(unknownProcedure, /9\.999999/);
    expectOneLineError(badDate, /2026-04-31/);
    expectOneLineError(noOffset, /--received/);
    expectOneLineError(notANumber, /"abc"/);
    // Number('') is 0 and Number('0x3') is 3: neither may pass as a count of days.
    expectOneLineError(emptyNumber, /^tthc: n ""/);
    expectOneLineError(hexNumber, /"0x3"/);
    expectOneLineError(badDueDate, /2026-04-31/);
  });

  it('`--help` exits 0 and lists the calendar command', async () => {
    const [top, calendar] = await Promise.all([tthc(['--help']), tthc(['calendar', '--help'])]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('calendar');
    expect(calendar.code).toBe(0);
    for (const sub of ['is-working-day', 'add', 'due', 'amend']) expect(calendar.stdout).toContain(sub);
  });
});

describe('tthc catalogue upcoming (issue #21)', () => {
  it('lists the versions not yet in force on a date with what they change (JSON and lines); a bad date is a usage error', async () => {
    const [json, human, bad] = await Promise.all([
      tthc(['catalogue', 'upcoming', '--at', '2025-12-01', '--json']),
      tthc(['catalogue', 'upcoming', '--at', '2025-12-01']),
      tthc(['catalogue', 'upcoming', '--at', '2025-02-30']),
    ]);
    expect(json.code).toBe(0);
    const data = JSON.parse(json.stdout);
    expect(data.upcoming.map((u: { code: string }) => u.code)).toEqual(['1.000894']);
    expect(human.stdout).toContain('áp dụng cho hồ sơ tiếp nhận từ 01/01/2026');
    expect(human.stdout).toContain('Bỏ thành phần hồ sơ: Giấy xác nhận tình trạng hôn nhân');
    expect(bad.code).toBe(2);
    expectOneLineError(bad, /--at "2025-02-30"/);
  });
});
