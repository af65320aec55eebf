/**
 * The worker entry point (workers/worker-process.ts) as a child process against the shared test servers, in
 * a namespace of its own (no other test's workers poll it): readiness, Prometheus metrics, a dossier
 * that progresses, a SIGTERM that drains an in-flight activity and exits 0 (the dossier continues
 * on the next process), and a SIGKILL mid-activity after which a new process completes the dossier
 * without a duplicated event; a process that runs only the retention sweep.
 *
 * A preload module written by this test delays one `publishEvents` activity (after it published)
 * when an "arm" file exists, so that "in flight" is deterministic.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consumerNameFor } from '../../aggregators/indicator-service.js';
import { DossierClient } from '../../client/dossier-client.js';
import type { ActionRequest } from '../../contract/dossier-contract.js';
import type { Actor } from '../../domain/actor.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import type { PayloadProtection } from '../../encryption/data-converter.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { FileDocumentStore } from '../../infra/document-store.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { freePort, startNatsServer } from '../../infra/server-launchers.js';
import { registerSearchAttributes } from '../../infra/temporal.js';
import { projectRoot } from '../../infra/tools.js';
import { buildWorkflowBundle } from '../../workers/bundle.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { testPayloadProtection } from '../support/test-servers.js';

const unit = demoUnits.konTumOneStop;
const agency = demoUnits.konTumCommittee;
const counter = actor('counter-officer', unit);
const leader = actor('leader', agency);
const specialist = actor('specialist', agency, 'chuyen-vien-ops');
const graceMs = 15_000;
const slowActivityMs = 4_000;

let tmp: string;
let dataDir: string;
let bundlePath: string;
let preloadPath: string;
let namespace: string;
let metaBucket: string;
let indicatorBucket: string;
let connection: Connection | undefined;
let nc: NatsConnection | undefined;
let protection: PayloadProtection | undefined;
let dossiers: DossierClient;
let documents: FileDocumentStore;
const children = new Set<ChildProcess>();

/** Test-only: delays the first `publishEvents` that finds the arm file, after it has published. */
const preloadSource = `
import { createRequire } from 'node:module';
import { renameSync, writeFileSync } from 'node:fs';
const require = createRequire(${JSON.stringify(join(projectRoot, 'package.json'))});
const { Worker } = require('@temporalio/worker');
const arm = process.env.OPS_TEST_ARM;
const started = process.env.OPS_TEST_STARTED;
const delayMs = Number(process.env.OPS_TEST_DELAY_MS ?? 0);
const take = () => { try { renameSync(arm, arm + '.taken'); return true; } catch { return false; } };
const slow = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const result = await next(input);
      if (ctx.info.activityType === 'publishEvents' && take()) {
        writeFileSync(started, String(process.pid));
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      return result;
    },
  },
});
// Called on the class it was called on: TemporalWorker (workers/temporal-worker.ts) relies on it.
const create = Worker.create;
Worker.create = function (options) {
  return create.call(this, { ...options, interceptors: { ...options.interceptors, activity: [...(options.interceptors?.activity ?? []), slow] } });
};
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tthc-ops-worker-'));
  dataDir = join(tmp, 'data');
  bundlePath = join(tmp, 'workflow-bundle.js');
  preloadPath = join(tmp, 'slow-activity.mjs');
  await writeFile(preloadPath, preloadSource);
  namespace = `tthc-ops-${process.pid}-${Date.now()}`;
  metaBucket = `ops_meta_${process.pid}`;
  indicatorBucket = `ops_indicators_${process.pid}`;

  connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  await registerSearchAttributes(connection, namespace);
  nc = await connect({ servers: inject('natsUrl'), name: 'ops-worker-test' });
  // The aggregator of the worker under test gets a read model of its own.
  await (await new Kvm(nc).create(metaBucket)).put('active', indicatorBucket);
  protection = await testPayloadProtection(nc);
  dossiers = new DossierClient(
    new Client({ connection, namespace, dataConverter: protection.dataConverter }),
    await DossierCodeAllocator.open(nc),
  );
  documents = new FileDocumentStore(join(dataDir, 'documents'), protection.keyring);
  await buildWorkflowBundle(bundlePath);
});

afterAll(async () => {
  await Promise.allSettled([...children].map((child) => stopChild(child, 'SIGKILL')));
  if (nc) {
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.delete(eventStreamName, consumerNameFor(indicatorBucket)).catch(() => undefined);
    const kvm = new Kvm(nc);
    for (const bucket of [metaBucket, indicatorBucket]) {
      await kvm
        .open(bucket)
        .then((kv) => kv.destroy())
        .catch(() => undefined);
    }
    protection?.close();
    await nc.drain().catch(() => undefined);
  }
  await connection?.close().catch(() => undefined);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The test process's environment without its TTHC_* variables, plus the given ones. */
function workerEnv(values: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  return { ...env, TTHC_KEYRING_FILE: inject('keyringFile'), ...values };
}

/** Runs a worker process that is expected to stop at start; its exit code and standard error. */
async function runWorkerToExit(
  values: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker-process.ts'], {
    cwd: projectRoot,
    env: workerEnv({ TTHC_NATS_URL: inject('natsUrl'), ...values }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  children.delete(child);
  return { code, stderr };
}

interface RunningWorker {
  child: ChildProcess;
  health: number;
  metrics: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node --import tsx workers/worker-process.ts` and waits for /readyz. */
async function startWorker(
  extra: Record<string, string> = {},
  options: { onePort?: boolean } = {},
): Promise<RunningWorker> {
  const health = await freePort();
  const metrics = options.onePort ? health : await freePort();
  const env = workerEnv({
    TTHC_ENV: 'production',
    TTHC_WORKFLOW_BUNDLE: bundlePath,
    TTHC_TEMPORAL_ADDRESS: inject('temporalAddress'),
    TTHC_TEMPORAL_NAMESPACE: namespace,
    TTHC_NATS_URL: inject('natsUrl'),
    TTHC_DATA_DIR: dataDir,
    TTHC_TASK_QUEUES: `${unit},${agency}`,
    TTHC_HEALTH_PORT: String(health),
    TTHC_METRICS_PORT: String(metrics),
    TTHC_SHUTDOWN_GRACE_TIME: `${graceMs}ms`,
    TTHC_MAX_CACHED_WORKFLOWS: '50',
    TTHC_LOG_LEVEL: 'info',
    OPS_TEST_ARM: join(tmp, 'arm'),
    OPS_TEST_STARTED: join(tmp, 'started'),
    OPS_TEST_DELAY_MS: String(slowActivityMs),
    ...extra,
  });
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', pathToFileURL(preloadPath).href, 'workers/worker-process.ts'],
    { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const worker = { child, health, metrics, output: () => output, exited };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`worker exited before it was ready:\n${output}`);
    }
    const status = await fetch(`http://127.0.0.1:${health}/readyz`)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return worker;
    if (Date.now() > deadline) throw new Error(`worker not ready within 60 s:\n${output}`);
    await sleep(200);
  }
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

async function application(): Promise<DossierApplicationInput> {
  const requestId = `ops-worker-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const scan = async (name: string) =>
    (
      await documents.put(new TextEncoder().encode(`${name} ${requestId}`), {
        mediaType: 'application/pdf',
        name,
      })
    ).ref;
  return {
    requestId,
    procedureCode: '1.001612',
    applicant: { type: 'organisation', name: 'Công ty TNHH Vận Hành', taxCode: '0312345679' },
    channel: 'postal',
    receivingUnit: unit,
    competentAgency: agency,
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: await scan('de-nghi.pdf') },
      { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: await scan('giay-to.pdf') },
    ],
  };
}

function act(code: string, name: ActionRequest['name'], by: Actor, payload: unknown = {}) {
  return dossiers.act(code, { name, actor: by, payload });
}

const assign = (code: string) =>
  act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
const appraise = (code: string) =>
  act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });

/** Arms the slow activity and resolves once a worker is inside it. */
async function armSlowPublish(): Promise<() => Promise<void>> {
  await rm(join(tmp, 'started'), { force: true });
  await rm(join(tmp, 'arm.taken'), { force: true });
  await writeFile(join(tmp, 'arm'), '');
  return async () => {
    const deadline = Date.now() + 30_000;
    while (!existsSync(join(tmp, 'started'))) {
      if (Date.now() > deadline) throw new Error('the slow activity did not start');
      await sleep(50);
    }
  };
}

async function scrape(worker: RunningWorker): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${worker.metrics}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return response.text();
}

/** Every event of a dossier, in stream order (an ordered consumer from the start). */
async function events(code: string): Promise<DossierEvent[]> {
  if (!nc) throw new Error('no NATS connection');
  const consumer = await jetstream(nc).consumers.get(eventStreamName, { deliver_policy: DeliverPolicy.All });
  const found: DossierEvent[] = [];
  for await (const message of await consumer.fetch({ max_messages: 100_000, expires: 2_000 })) {
    const event = message.json<DossierEvent>();
    if (event.dossierCode === code) found.push(event);
    if (message.info.pending === 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return found;
}

async function expectCompleteWithoutDuplicates(code: string): Promise<void> {
  const view = await dossiers.get(code);
  expect(view.state.status).toBe('DA_TRA_KET_QUA');
  const published = await events(code);
  const ids = published.map((event) => event.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(published.map((event) => event.seq)).toEqual(published.map((_, i) => i + 1));
  expect(published).toHaveLength(view.eventSeq);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('the worker process (npm run worker)', () => {
  let first: RunningWorker;
  let second: RunningWorker;
  let drained: string;

  it('becomes ready, serves a dossier and exposes Temporal and tthc metrics', async () => {
    first = await startWorker({
      TTHC_INDICATOR_AGGREGATOR: 'true',
      TTHC_INDICATOR_META_BUCKET: metaBucket,
    });
    expect((await fetch(`http://127.0.0.1:${first.health}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${first.health}/nothing`)).status).toBe(404);

    const received = await dossiers.receive({ application: await application() });
    expect(received.outcome).toBe('accepted');
    await assign(received.code);
    expect((await dossiers.get(received.code)).state.status).toBe('DANG_XU_LY');
    drained = received.code;

    const text = await scrape(first);
    // The Temporal runtime's own metrics, for this process's pollers in the test namespace.
    expect(text).toMatch(new RegExp(`temporal_num_pollers\\{[^}]*namespace="${namespace}"`));
    expect(text).toMatch(/^temporal_worker_task_slots_available\{/m);
    // tthc-flow's own counters and the aggregator's gauges.
    expect(Number(/^tthc_dossiers_started_total (\d+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^tthc_dossier_events_total\{type="assigned"\} [1-9]/m);
    expect(text).toMatch(/^# TYPE tthc_event_publish_failures_total counter/m);
    expect(text).toMatch(/^# TYPE tthc_dossier_overdue_flags_total counter/m);
    expect(text).toMatch(/^tthc_indicator_consumer_pending \d+/m);
    expect(text).toMatch(/^tthc_indicator_lag_seconds\{quantile="0.95"\} /m);
    expect(text).toMatch(/^tthc_process_resident_memory_bytes /m);
  });

  it('drains on SIGTERM: the in-flight activity finishes, the process exits 0 within the grace time, the dossier continues on the next process', async () => {
    const inFlight = await armSlowPublish();
    const appraised = appraise(drained);
    await inFlight();
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    const elapsed = Date.now() - signalled;
    expect(exit, first.output()).toEqual({ code: 0, signal: null });
    expect(elapsed).toBeLessThan(graceMs);
    // It waited for the activity rather than abandoning it.
    expect(elapsed).toBeGreaterThanOrEqual(slowActivityMs - 1_000);
    expect(first.output()).toContain('"msg":"stopped"');

    second = await startWorker();
    await appraised;
    await act(drained, 'approve', leader, {});
    await act(drained, 'return-result', counter, { channel: 'postal' });
    await expectCompleteWithoutDuplicates(drained);
  }, 90_000);

  it('after a SIGKILL mid-activity a new process completes the dossier with no duplicate event', async () => {
    const { code } = await dossiers.receive({ application: await application() });
    await assign(code);
    const inFlight = await armSlowPublish();
    // The event is already on the stream when the worker dies; the activity is retried after its
    // start-to-close timeout (30 s) by the new process, and JetStream deduplicates the publish.
    const appraised = appraise(code);
    await inFlight();
    second.child.kill('SIGKILL');
    expect(await second.exited).toEqual({ code: null, signal: 'SIGKILL' });

    // The replacement serves /metrics on its health port (one port for both).
    const third = await startWorker({}, { onePort: true });
    await appraised;
    await act(code, 'approve', leader, {});
    await act(code, 'return-result', counter, { channel: 'postal' });
    await expectCompleteWithoutDuplicates(code);
    expect((await events(code)).map((event) => event.type)).toEqual([
      'received',
      'accepted',
      'digitized',
      'assigned',
      'appraised',
      'approved',
      'result-returned',
    ]);
    const text = await scrape(third);
    expect(text).toMatch(/^temporal_num_pollers\{/m);
    // The retried publish was a duplicate on the stream: this process did not count it again.
    expect(text).not.toMatch(/^tthc_dossier_events_total\{type="appraised"\}/m);
    expect(text).toMatch(/^tthc_dossier_events_total\{type="approved"\} 1$/m);
  }, 120_000);

  it('refuses to start without a readable keyring, in one line naming the file, exit code 2', async () => {
    const missing = join(tmp, 'no-such-keyring.json');
    const open = join(tmp, 'open-keyring.json');
    await writeFile(open, await readFile(inject('keyringFile'), 'utf8'), { mode: 0o644 });
    await chmod(open, 0o644);
    for (const [file, reason] of [
      [missing, 'does not exist'],
      [open, 'can be read by others (mode 644)'],
    ] as const) {
      const { code, stderr } = await runWorkerToExit({ TTHC_KEYRING_FILE: file });
      expect(code).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`tthc-worker: keyring ${file} ${reason}`);
    }
  });

  it('refuses a bad configuration with one line naming the variable, exit code 2', async () => {
    const { code, stderr } = await runWorkerToExit({
      TTHC_METRICS_PORT: 'abc',
      TTHC_TASK_QUEUES: 'none',
      TTHC_SERVE_DOSSIER_QUEUE: 'no',
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      'tthc-worker: invalid configuration: TTHC_METRICS_PORT must be a port number (got "abc")\n',
    );
  });

  it('a portal sync without the portal, or a notifier without its gateway and mail server, stops at start, exit code 2', async () => {
    const services = { TTHC_TASK_QUEUES: 'none', TTHC_SERVE_DOSSIER_QUEUE: 'false' };
    const sync = await runWorkerToExit({ ...services, TTHC_PORTAL_SYNC: 'true' });
    expect(sync).toEqual({
      code: 2,
      stderr: 'tthc-worker: TTHC_PORTAL_SYNC=true needs TTHC_PORTAL_URL (the portal’s integration address)\n',
    });
    const notifier = await runWorkerToExit({
      ...services,
      TTHC_NOTIFIER: 'true',
      TTHC_SMTP_URL: 'smtp://127.0.0.1:2525',
    });
    expect(notifier.code).toBe(2);
    expect(notifier.stderr).toContain('TTHC_NOTIFIER=true needs TTHC_SMS_GATEWAY_URL');
  });
});

describe('a worker process that runs only the retention sweep', () => {
  it('becomes ready with the retention consumer and sweep, and stops cleanly on SIGTERM', async () => {
    // A nats-server of its own: the sweep erases whatever it finds due, so it sees no other test's events.
    const nats = await startNatsServer();
    try {
      const worker = await startWorker({
        TTHC_NATS_URL: nats.url,
        TTHC_TASK_QUEUES: 'none',
        TTHC_SERVE_DOSSIER_QUEUE: 'false',
        TTHC_RETENTION_SWEEP: 'true',
      });
      expect(worker.output()).toContain('retention sweep running');
      expect(worker.output()).toMatch(/"retentionSweep":true.*"msg":"worker ready"/);
      const own = await connect({ servers: nats.url, name: 'ops-worker-retention' });
      const consumers = await (await jetstreamManager(own)).consumers.list(eventStreamName).next();
      expect(consumers.map((consumer) => consumer.name)).toContain('tthc_retention');
      await own.drain();
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
    } finally {
      await nats.stop();
    }
  });
});
