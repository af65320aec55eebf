/**
 * `npm run simulate` and `npm run bench` run and print well-formed output. Figures are measured
 * by the commands themselves (BENCHMARKS.md), never asserted here.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectRoot } from '../../infra/tools.js';

const run = promisify(execFile);

describe('simulate and bench', () => {
  it('simulate prints the scoreboard of every commune and their ranking as JSON; the same seed gives the same result, on one server or spread over two', async () => {
    const simulate = (servers: number) =>
      run(
        'node',
        [
          '--import',
          'tsx',
          'simulation/simulate-command.ts',
          ...['--days', '2', '--arrivals', '6', '--seed', '7', '--servers', String(servers), '--json'],
        ],
        {
          cwd: projectRoot,
          timeout: 240_000,
        },
      );
    const [first, second] = await Promise.all([simulate(1), simulate(2)]);
    const { stdout, stderr } = first;
    const report = JSON.parse(stdout);
    const again = JSON.parse(second.stdout);
    expect(again.units).toEqual(report.units);
    expect(again.totals).toEqual(report.totals);
    expect(report.units).toHaveLength(10);
    expect(report.ranking.map((r: { rank: number }) => r.rank)[0]).toBe(1);
    expect(report.totals.received).toBe(12);
    expect(report.province.total).toBeGreaterThanOrEqual(0);
    expect(stderr).toContain('day 1/2');
    expect(stderr).toContain('starting 1 time-skipping Temporal server and workers');
    expect(second.stderr).toContain('starting 2 time-skipping Temporal servers and workers');
  }, 300_000);

  it('simulate refuses a bad option (or an --export path it cannot write) with the flag and the rule, and starts nothing', async () => {
    const refused = (...args: string[]) =>
      run('node', ['--import', 'tsx', 'simulation/simulate-command.ts', ...args], {
        cwd: projectRoot,
        timeout: 60_000,
      }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
    const unwritable = '/nonexistent-directory/simulation.jsonl';
    const [failure, tooManyServers, badExport] = await Promise.all([
      refused('--slot-minutes', '0'),
      refused('--servers', '17'),
      refused('--export', unwritable),
    ]);
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('simulate: --slot-minutes: must be at least 1');
    expect(failure?.stderr).not.toMatch(/starting .*time-skipping/);
    expect(tooManyServers?.code).toBe(1);
    expect(tooManyServers?.stderr).toContain('simulate: --servers: must be at most 16');
    expect(badExport?.code).toBe(1);
    expect(badExport?.stderr).toContain(`simulate: --export "${unwritable}" cannot be written (ENOENT)`);
    expect(badExport?.stderr).not.toMatch(/starting .*time-skipping/);
  });

  it('Ctrl-C stops a running simulation with its servers, exit code 130', async () => {
    const stderr = await interruptOnce(
      ['--import', 'tsx', 'simulation/simulate-command.ts', '--days', '30'],
      'day 1/30',
    );
    expect(stderr).toContain('simulate: interrupted');
  }, 120_000);

  it('Ctrl-C stops a running bench with its servers, exit code 130', async () => {
    const stderr = await interruptOnce(
      ['--expose-gc', '--import', 'tsx', 'bench/bench-command.ts'],
      'lifecycle:',
    );
    expect(stderr).toContain('[bench] SIGINT: stopped');
  }, 120_000);

  it('bench --smoke prints every figure with its unit as JSON', async () => {
    const { stdout } = await run(
      'node',
      ['--expose-gc', '--import', 'tsx', 'bench/bench-command.ts', '--smoke', '--json'],
      {
        cwd: projectRoot,
        timeout: 240_000,
      },
    );
    const report = JSON.parse(stdout);
    const names = report.figures.map((f: { name: string }) => f.name).join('\n');
    for (const part of [
      'lifecycle throughput',
      'bare baseline',
      'bare baseline writing visibility as a dossier does',
      'latency p99',
      'aggregator throughput',
      'raw JetStream',
      'rebuild',
      'memory (RSS) per cached open dossier',
      'event → portal acknowledged latency p99',
      'portal sync throughput',
    ]) {
      expect(names).toContain(part);
    }
    for (const figure of report.figures) {
      expect(typeof figure.value).toBe('number');
      expect(Number.isFinite(figure.value)).toBe(true);
      expect(figure.unit).toBeTruthy();
    }
  }, 300_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes whose parent is `pid` (Linux /proc; no procps needed). */
async function childrenOf(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid …: comm may contain spaces, so read after its closing parenthesis.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) children.push(Number(entry));
  }
  return children;
}

/**
 * Starts `node <args>`, waits for `marker` on stderr, sends SIGINT and checks that the
 * process exits with 130 and that every process it started (servers) is gone. Returns its stderr.
 */
async function interruptOnce(args: string[], marker: string): Promise<string> {
  const child = spawn('node', args, { cwd: projectRoot });
  let servers: number[] = [];
  onTestFinished(() => {
    child.kill('SIGKILL');
    for (const pid of servers.filter(isAlive)) process.kill(pid, 'SIGKILL');
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', () => stderr.includes(marker) && resolve());
    child.once('exit', () => reject(new Error(`ended before "${marker}": ${stderr}`)));
  });
  servers = await childrenOf(child.pid as number);
  expect(servers.length).toBeGreaterThanOrEqual(2);
  child.kill('SIGINT');
  const [code] = await Promise.race([
    exited,
    new Promise<[string]>((resolve) =>
      setTimeout(() => resolve(['still running 60 s after SIGINT']), 60_000),
    ),
  ]);
  expect(code).toBe(130);
  for (const pid of servers) expect(await goneWithin(pid, 10_000), `process ${pid} still running`).toBe(true);
  return stderr;
}

/** Waits for a killed process to disappear (a SIGKILLed orphan lingers until init reaps it). */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
