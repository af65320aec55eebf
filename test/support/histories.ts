/**
 * Recorded workflow histories for replay tests. Set TTHC_RECORD_HISTORIES=1 when running the
 * lifecycle tests to (re)write test/fixtures/histories; the replay test then runs them against
 * the current workflow code, so a change that would break running dossiers fails CI.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export const historiesDir = new URL('../fixtures/histories/', import.meta.url).pathname;
export const recordingHistories = process.env.TTHC_RECORD_HISTORIES === '1';

export interface RecordedRun {
  /** The test that ran the workflow; names the fixture file. */
  name: string;
  workflowId: string;
}

export function fixtureName(testName: string, index: number): string {
  const slug = testName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${slug}-${index}.json`;
}

export async function writeHistories(client: Client, runs: readonly RecordedRun[]): Promise<void> {
  await mkdir(historiesDir, { recursive: true });
  const perTest = new Map<string, number>();
  for (const run of runs) {
    const index = (perTest.get(run.name) ?? 0) + 1;
    perTest.set(run.name, index);
    const history = await client.workflow.getHandle(run.workflowId).fetchHistory();
    await writeFile(join(historiesDir, fixtureName(run.name, index)), `${historyToJSON(history)}\n`);
  }
}

export async function readHistories(): Promise<Array<{ workflowId: string; history: unknown }>> {
  const files = (await readdir(historiesDir)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file,
      history: JSON.parse(await readFile(join(historiesDir, file), 'utf8')),
    })),
  );
}
