/**
 * `npm run drill -- --short` end to end, as CI runs it: its own three-node NATS cluster, Temporal
 * dev server, two workers, two aggregators and the API; a NATS node, a worker and an aggregator
 * killed with SIGKILL under load and started again. Every dossier returned, every event stored
 * once, every indicator equal to a recount of the stream, and no process left behind.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../infra/tools.js';

const run = promisify(execFile);

describe('the reliability drill, short form', () => {
  it('loses nothing and counts nothing twice through a NATS node, a worker and an aggregator killed', async () => {
    const before = new Set(await descendantsOf(process.pid));
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'drill/drill-command.ts', '--short', '--json'],
      { cwd: projectRoot, timeout: 280_000, maxBuffer: 10 * 2 ** 20 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the drill failed:\n${error.stdout ?? ''}\n${(error.stderr ?? '').slice(-4_000)}`);
    });
    const report = JSON.parse(stdout);
    expect(report.ok).toBe(true);
    expect(report.load.started).toBeGreaterThan(20);
    expect(report.load.abandoned).toEqual([]);
    expect(report.checks.dossiers.returned).toBe(report.load.started);
    expect(report.checks.events.duplicates).toBe(0);
    expect(report.checks.events.gaps).toBe(0);
    expect(report.checks.indicators).toMatchObject({
      lost: 0,
      countedTwice: 0,
      mismatches: 0,
      partitions: 2,
    });
    expect(report.faults.map((f: { what: string }) => f.what.split(' ')[0])).toEqual([
      'NATS',
      'worker-1',
      expect.stringMatching(/^aggregator-/),
    ]);
    // Every process the drill started is gone.
    const after = (await descendantsOf(process.pid)).filter((pid) => !before.has(pid));
    expect(after).toEqual([]);
  }, 300_000);
});

/** Processes descending from `pid` (Linux /proc). */
async function descendantsOf(pid: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
  }
  const result: number[] = [];
  const visit = (parent: number) => {
    for (const [child, of] of parents) {
      if (of !== parent) continue;
      result.push(child);
      visit(child);
    }
  };
  visit(pid);
  return result;
}
