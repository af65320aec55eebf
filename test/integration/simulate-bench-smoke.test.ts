/**
 * `npm run simulate` and `npm run bench` run and print well-formed output. Figures are measured
 * by the commands themselves (BENCHMARKS.md), never asserted here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/tools.js';

const run = promisify(execFile);

describe('simulate and bench', () => {
  it('simulate prints the scoreboard of every commune and their ranking as JSON; the same seed gives the same result', async () => {
    const simulate = () =>
      run(
        'node',
        ['--import', 'tsx', 'simulation/main.ts', '--days', '2', '--arrivals', '6', '--seed', '7', '--json'],
        {
          cwd: projectRoot,
          timeout: 240_000,
        },
      );
    const [first, second] = await Promise.all([simulate(), simulate()]);
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
  }, 300_000);

  it('simulate refuses a bad option with the flag and the rule, and starts nothing', async () => {
    const failure = await run('node', ['--import', 'tsx', 'simulation/main.ts', '--slot-minutes', '0'], {
      cwd: projectRoot,
      timeout: 60_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('simulate: --slot-minutes: must be at least 1');
    expect(failure?.stderr).not.toContain('starting the time-skipping');
  });

  it('bench --smoke prints every figure with its unit as JSON', async () => {
    const { stdout } = await run(
      'node',
      ['--expose-gc', '--import', 'tsx', 'bench/main.ts', '--smoke', '--json'],
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
      'latency p99',
      'aggregator throughput',
      'raw JetStream',
      'rebuild',
      'memory (RSS) per cached open dossier',
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
