/**
 * The bench's bare baseline (bench/bare-workflow.ts): plain, it writes no visibility; with
 * `visibilityWrites` it writes search attributes in as many workflow tasks as a dossier on the
 * bench's path does (its first task, acceptance, assignment, approval and return), so the bench's
 * figure beside it measures what it says.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BareWorkflowInput,
  bareUpdate,
  bareWorkflow,
  dossierShape,
  dossierVisibilityWrites,
} from '../../bench/bare-workflow.js';
import { TemporalWorker } from '../../workers/temporal-worker.js';
import { bundleWorkflowsQuietly } from '../../workers/workflow-bundler.js';
import { connectTemporal, type TemporalTestConnections } from '../support/test-servers.js';

const workflowsPath = new URL('../../bench/bare-workflow.ts', import.meta.url).pathname;
/** A dossier's recorded history on the bench's path: received, accepted, assigned, appraised, approved, returned. */
const dossierHistory = new URL(
  '../fixtures/histories/1-1-happy-paths-a-multi-day-procedure-receipt-with-the-appointment-digitized-and-1.json',
  import.meta.url,
);
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

describe('the bench’s bare baseline', () => {
  let temporal: TemporalTestConnections;
  let worker: TemporalWorker;
  let running: Promise<void>;
  const taskQueue = `bare-${randomUUID()}`;

  beforeAll(async () => {
    temporal = await connectTemporal();
    worker = await TemporalWorker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await bundleWorkflowsQuietly({ workflowsPath, level: 'warn' }),
      activationTimeoutMs: 0,
      activities: { noop: async ({ n }: { n: number }) => n & 1 },
    });
    running = worker.run();
  }, 60_000);
  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await temporal?.close();
  });

  async function historyOf(visibilityWrites?: BareWorkflowInput['visibilityWrites']) {
    const handle = await temporal.client.workflow.start(bareWorkflow, {
      taskQueue,
      workflowId: `bare-${randomUUID()}`,
      args: [{ ...dossierShape, visibilityWrites }],
    });
    for (let u = 0; u < dossierShape.updates; u++) await handle.executeUpdate(bareUpdate, { args: [u] });
    // Each call returns n & 1: 3 of the 6 first local calls, updates 1 and 3's local calls, and the
    // call through the server in update 3.
    expect(await handle.result()).toBe(6);
    return { events: (await handle.fetchHistory()).events ?? [], description: await handle.describe() };
  }

  it('a dossier on the bench’s path writes visibility in five workflow tasks', () => {
    const { events } = JSON.parse(readFileSync(dossierHistory, 'utf8')) as { events: HistoryEvent[] };
    expect(tasksWithUpserts(events)).toBe(5);
  });

  it('writes no visibility when plain', async () => {
    const { events } = await historyOf();
    expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toHaveLength(0);
  });

  it('with visibility writes, writes search attributes in five workflow tasks, as a dossier does', async () => {
    const { events, description } = await historyOf(dossierVisibilityWrites);
    expect(tasksWithUpserts(events)).toBe(5);
    const status = description.typedSearchAttributes
      .getAll()
      .find((pair) => pair.key.name === 'DossierStatus');
    expect(status?.value).toBe('BARE_4');
  });
});

/** How many workflow tasks' completions were followed by at least one search-attribute upsert. */
function tasksWithUpserts(events: HistoryEvent[]): number {
  const tasks = new Set<number>();
  let task = 0;
  for (const event of events) {
    if (event.workflowTaskCompletedEventAttributes) task = Number(event.eventId);
    if (event.upsertWorkflowSearchAttributesEventAttributes) tasks.add(task);
  }
  return tasks.size;
}
