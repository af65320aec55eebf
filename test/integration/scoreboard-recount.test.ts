/**
 * The scoreboard recounted by someone else: a short simulated month is exported
 * (`npm run simulate -- --export`), then every indicator of the province and of every commune is
 * recomputed from the exported views alone (test/support/independent-recount.ts, written from
 * DOMAIN.md §2 and the shared reading of it, without indicators/, events/ facts or aggregators/)
 * and compared with the exported scoreboards: numerator, denominator, rate, points and status of
 * each indicator, group points, total and the points that cannot be computed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DossierView } from '../../contract/dossier-contract.js';
import type { FeedbackView } from '../../contract/feedback-contract.js';
import { projectRoot } from '../../infra/tools.js';
import { loadAgencyCalendar } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import {
  groupsOfIndicators,
  type RecountedScoreboard,
  type RecountInput,
  recountScoreboard,
} from '../support/independent-recount.js';

const run = promisify(execFile);

/** The second half of February 2027: the run ends exactly when the report period does. */
const simulation = [
  '--start',
  '2027-02-15',
  '--days',
  '14',
  '--arrivals',
  '10',
  '--seed',
  '11',
  '--servers',
  '2',
];
const period = '2027-02';

/** What the recount reads of an exported scoreboard (the shape of aggregators/read-model.ts, written down here). */
interface ExportedIndicator {
  id: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  points: number;
  max: number;
  status?: string;
  why?: string;
}
interface ExportedScoreboard {
  unit: { code: string; name: string };
  period: string;
  scoreboard: {
    indicators: ExportedIndicator[];
    groups: Array<{ id: string; points: number }>;
    total: number;
    notComputablePoints?: number;
  };
}

let workDir: string;
let input: RecountInput;
let scoreboards: ExportedScoreboard[];
let elapsedMs: number;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'tthc-recount-'));
  const file = join(workDir, 'simulation.jsonl');
  const started = Date.now();
  await run(
    'node',
    ['--import', 'tsx', 'simulation/simulate-command.ts', ...simulation, '--json', '--export', file],
    {
      cwd: projectRoot,
      timeout: 240_000,
    },
  );
  elapsedMs = Date.now() - started;
  const lines = (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { kind: string; view?: unknown; scoreboard?: unknown });
  const organisation = loadOrganisation('simulation');
  input = {
    period,
    dossiers: lines.filter((l) => l.kind === 'dossier').map((l) => l.view as DossierView),
    feedback: lines.filter((l) => l.kind === 'feedback').map((l) => l.view as FeedbackView),
    organisation,
    catalogue: loadCatalogue().procedures,
    calendarOf: (unit) => loadAgencyCalendar(organisation, unit),
  };
  scoreboards = lines.filter((l) => l.kind === 'scoreboard').map((l) => l.scoreboard as ExportedScoreboard);
}, 300_000);
afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

/** Every difference between an exported scoreboard and the recount, one readable line each. */
function differences(exported: ExportedScoreboard, recounted: RecountedScoreboard): string[] {
  const unit = `${exported.unit.code} (${exported.unit.name})`;
  const lines: string[] = [];
  const differ = (what: string, theirs: unknown, ours: unknown) => {
    if (theirs !== ours) lines.push(`${unit} ${what}: exported ${String(theirs)}, recounted ${String(ours)}`);
  };
  for (const ours of recounted.indicators) {
    const theirs = exported.scoreboard.indicators.find((i) => i.id === ours.id);
    if (!theirs) {
      lines.push(`${unit} ${ours.id}: missing from the export`);
      continue;
    }
    for (const field of ['numerator', 'denominator', 'rate', 'points', 'max', 'status'] as const)
      differ(`${ours.id} ${field}`, theirs[field], ours[field]);
    const behind = recounted.behind[ours.id];
    const countsDiffer = theirs.numerator !== ours.numerator || theirs.denominator !== ours.denominator;
    if (countsDiffer && behind) lines.push(`    recounted ${ours.id}: ${listed(behind)}`);
  }
  for (const group of recounted.groups)
    differ(
      `group ${group.id}`,
      exported.scoreboard.groups.find((g) => g.id === group.id)?.points,
      group.points,
    );
  differ('total', exported.scoreboard.total, recounted.total);
  differ('notComputablePoints', exported.scoreboard.notComputablePoints, recounted.notComputablePoints);
  return lines;
}

/** The recount's numerator and the rest of its denominator, shortened. */
function listed(behind: { numerator: string[]; rest: string[] }): string {
  const some = (keys: string[]) =>
    keys.length === 0
      ? '—'
      : `${keys.slice(0, 12).join(' ')}${keys.length > 12 ? ` … (${keys.length})` : ''}`;
  return `numerator ${some(behind.numerator)}; rest ${some(behind.rest)}`;
}

describe('the exported scoreboards, recounted from the exported views', () => {
  it('the simulated month is short enough for CI and has something in every group', () => {
    console.info(`simulation with --export: ${(elapsedMs / 1000).toFixed(1)} s`);
    expect(scoreboards.map((s) => s.period)).toEqual(scoreboards.map(() => period));
    expect(scoreboards).toHaveLength(11);
    expect(input.dossiers.length).toBeGreaterThan(60);
    expect(input.feedback.length).toBeGreaterThan(10);
    const groups = groupsOfIndicators.map(([id]) => id);
    expect(scoreboards[0]?.scoreboard.groups.map((g) => g.id)).toEqual(groups);
  });

  it('every number of the province and of every commune is the recount’s', () => {
    const diff = scoreboards.flatMap((board) =>
      differences(board, recountScoreboard(board.unit.code, input)),
    );
    expect(diff, `\n${diff.join('\n')}\n`).toEqual([]);
  });
});
