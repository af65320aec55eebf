/**
 * Changing running dossiers safely: recorded histories of every lifecycle path (written by the
 * lifecycle tests with TTHC_RECORD_HISTORIES=1) must replay against the current workflow code.
 * A change that alters the commands of a running dossier without `patched()` fails here.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../support/dossier-env.js';
import { readHistories } from '../support/histories.js';

const lifecyclePaths = [
  'a-multi-day-procedure',
  'a-same-day-procedure',
  'a-refusal-at-intake',
  'an-applicant-who-never-returns',
  'an-incomplete-dossier',
  'lien-thong-with-two-agencies',
  'supplementation-during-processing-pauses-the-clock',
  'overdue-apology-with-a-new-date',
  'passes-its-due-date-without-an',
  'the-agency-stops-processing',
  'the-applicant-withdraws',
  // Issue #18 (patch online-intake-inbox), recorded by api-citizen.test.ts.
  'online-intake-a-citizen-submits-online',
];

describe('replay of recorded dossier histories', () => {
  it('has a recorded history for every lifecycle path', async () => {
    const names = (await readHistories()).map((h) => h.workflowId);
    for (const path of lifecyclePaths) expect(names.some((name) => name.includes(path))).toBe(true);
  });

  it('replays every recorded history against the current workflow code without nondeterminism', async () => {
    const histories = await readHistories();
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      histories,
    )) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
    // About 40 s for the 78 histories alone; over 60 s on a machine at load 16.
  }, 180_000);
});
