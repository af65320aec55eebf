/**
 * TemporalWorker (workers/temporal-worker.ts): with an activation timeout of 0 no watchdog bounds a
 * call into the workflow sandbox (TTHC_WORKFLOW_ACTIVATION_TIMEOUT, default 0); with a bound, an
 * activation that runs longer fails its workflow task, as with the SDK's own Worker. Its workflow
 * threads start without the process's command-line options (no TypeScript loader in each), and
 * workflow code's stack traces still name its TypeScript sources.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporalWorker } from '../../workers/temporal-worker.js';
import { bundleWorkflowsQuietly } from '../../workers/workflow-bundler.js';
import { connectTemporal, type TemporalTestConnections } from '../support/test-servers.js';
import { failAtOnce, spin } from '../support/test-workflows.js';

const workflowsPath = new URL('../support/test-workflows.ts', import.meta.url).pathname;
/** Far more than the bounded test's 20 ms on any machine; well under a second on ours. */
const rounds = 30_000_000;

describe('TemporalWorker’s activation timeout', () => {
  let temporal: TemporalTestConnections;
  let workflowBundle: { code: string };
  beforeAll(async () => {
    temporal = await connectTemporal();
    workflowBundle = await bundleWorkflowsQuietly({ workflowsPath, level: 'warn' });
  }, 60_000);
  afterAll(() => temporal?.close());

  const workerWith = (activationTimeoutMs: number, taskQueue: string) =>
    TemporalWorker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle,
      activationTimeoutMs,
    });

  it('with 0, lets an activation run as long as it takes', async () => {
    const taskQueue = `unbounded-${randomUUID()}`;
    const worker = await workerWith(0, taskQueue);
    const result = await worker.runUntil(
      temporal.client.workflow.execute(spin, { taskQueue, workflowId: taskQueue, args: [rounds] }),
    );
    expect(result).toBeGreaterThanOrEqual(0);
  });

  it('with a bound, fails the workflow task of an activation that runs longer', async () => {
    const taskQueue = `bounded-${randomUUID()}`;
    const worker = await workerWith(20, taskQueue);
    const handle = await temporal.client.workflow.start(spin, {
      taskQueue,
      workflowId: taskQueue,
      args: [rounds],
    });
    const failure = await worker.runUntil(async () => {
      for (;;) {
        const { events } = await handle.fetchHistory();
        const failed = events?.find((event) => event.workflowTaskFailedEventAttributes);
        const failure = failed?.workflowTaskFailedEventAttributes?.failure;
        // The message travels in the encoded attributes (the SDK's default failure encoding here).
        if (failure) return new TextDecoder().decode(failure.encodedAttributes?.data ?? new Uint8Array());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    await handle.terminate('test over');
    expect(failure).toMatch(/timed out/i);
  });
});

describe('TemporalWorker’s workflow threads', () => {
  let temporal: TemporalTestConnections;
  let workflowBundle: { code: string };
  beforeAll(async () => {
    temporal = await connectTemporal();
    // With frames in workflow stack traces (0 by default: TTHC_WORKFLOW_STACK_FRAMES).
    workflowBundle = await bundleWorkflowsQuietly({ workflowsPath, level: 'warn', stackFrames: 10 });
  }, 60_000);
  afterAll(() => temporal?.close());

  it('start without the process’s command-line options; workflow stack traces still name the TypeScript source', async () => {
    const workerThreads = createRequire(import.meta.url)(
      'node:worker_threads',
    ) as typeof import('node:worker_threads');
    const NodeWorker = workerThreads.Worker;
    const started: Array<{ filename: string; execArgv?: string[] }> = [];
    workerThreads.Worker = class extends NodeWorker {
      constructor(filename: string | URL, options?: import('node:worker_threads').WorkerOptions) {
        started.push({ filename: String(filename), execArgv: options?.execArgv });
        super(filename, options);
      }
    };
    const taskQueue = `threads-${randomUUID()}`;
    let worker: Awaited<ReturnType<typeof TemporalWorker.create>>;
    try {
      worker = await TemporalWorker.create({
        connection: temporal.nativeConnection,
        taskQueue,
        workflowBundle,
        workflowThreadPoolSize: 2,
      });
    } finally {
      workerThreads.Worker = NodeWorker;
    }
    const workflowThreads = started.filter((thread) => thread.filename.includes('workflow-worker-thread'));
    expect(workflowThreads).toHaveLength(2);
    for (const thread of workflowThreads) expect(thread.execArgv).toEqual([]);

    const failure = await worker.runUntil(
      temporal.client.workflow
        .execute(failAtOnce, { taskQueue, workflowId: taskQueue, args: ['on purpose'] })
        .catch((error: unknown) => error),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const stack = (failure as WorkflowFailedError).cause?.stack ?? '';
    expect(stack).toContain('on purpose');
    expect(stack).toMatch(/test-workflows\.ts:\d+/);
  });
});
