import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSearchAttributeKeys } from '../../contract/search-attributes.js';
import { bundleWorkflowsQuietly } from '../../workers/workflow-bundler.js';
import {
  connectNats,
  connectTemporal,
  createTimeSkippingEnv,
  type TemporalTestConnections,
} from '../support/test-servers.js';
import { echo, sleepForDays } from '../support/test-workflows.js';

const workflowsPath = new URL('../support/test-workflows.ts', import.meta.url).pathname;
let workflowBundle: { code: string };

beforeAll(async () => {
  workflowBundle = await bundleWorkflowsQuietly({ workflowsPath, level: 'warn' });
});

describe('shared Temporal dev server', () => {
  let temporal: TemporalTestConnections;
  beforeAll(async () => {
    temporal = await connectTemporal();
  });
  afterAll(() => temporal?.close());

  it('has the dossier search attributes registered', async () => {
    const response = await temporal.client.connection.operatorService.listSearchAttributes({
      namespace: temporal.client.options.namespace,
    });
    const registered = Object.keys(response.customAttributes ?? {});
    for (const key of allSearchAttributeKeys) expect(registered).toContain(key.name);
  });

  it('runs a workflow on a worker', async () => {
    const taskQueue = `harness-${Date.now()}`;
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle,
    });
    const result = await worker.runUntil(
      temporal.client.workflow.execute(echo, {
        taskQueue,
        workflowId: `echo-${Date.now()}`,
        args: ['xin chào'],
      }),
    );
    expect(result).toBe('echo:xin chào');
  });
});

describe('shared nats-server', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connectNats();
  });
  afterAll(() => nc?.drain());

  it('has JetStream and de-duplicates by message id', async () => {
    const jsm = await jetstreamManager(nc);
    const name = `HARNESS_${Date.now()}`;
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
    const js = jetstream(nc);
    const first = await js.publish(`${name}.a`, 'x', { msgID: 'dossier:1' });
    const again = await js.publish(`${name}.a`, 'x', { msgID: 'dossier:1' });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect((await jsm.streams.info(name)).state.messages).toBe(1);
    await jsm.streams.delete(name);
  });
});

describe('time-skipping test server', () => {
  it('runs a 30-day timer without waiting 30 days', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue: 'time-skipping',
        workflowBundle,
      });
      const wallStart = Date.now();
      const { startedAt, endedAt } = await worker.runUntil(
        env.client.workflow.execute(sleepForDays, {
          taskQueue: 'time-skipping',
          workflowId: 'sleepy',
          args: [30],
        }),
      );
      expect(endedAt - startedAt).toBeGreaterThanOrEqual(30 * 86_400_000);
      expect(Date.now() - wallStart).toBeLessThan(60_000);
    } finally {
      await env.teardown();
    }
  });
});
