/**
 * `npm run bench [-- --json] [--smoke] [--only PARTS] [--dossiers N] [--events N] [--rate N] [--duration S] [--rebuild-events N]`
 * Measures, in one run on the same servers (a real-time Temporal dev server and nats-server):
 *  - dossier lifecycle throughput, beside a bare workflow with as many activities and updates (and
 *    beside one that also writes visibility as a dossier does), and without the payload encryption
 *    (its cost);
 *  - event publish → indicator updated latency at a stated rate, sustained, with the aggregator
 *    and the publisher in a process of their own (the aggregator runs in its own in production);
 *  - aggregator throughput beside a raw consumer that only acknowledges;
 *  - aggregator throughput with one and with two processes, and a partition's take-over after its
 *    owner is killed;
 *  - indicator rebuild time;
 *  - worker resident memory per cached open dossier workflow;
 *  - the portal sync (to the portal emulator): event → portal acknowledged latency while dossiers
 *    run at the lifecycle's rate, and its throughput catching up on all their events.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { makeTelemetryFilterString, NativeConnection, Runtime } from '@temporalio/worker';
import { Command } from 'commander';
import { DossierClient } from '../client/dossier-client.js';
import { readSetting } from '../config/configuration.js';
import { allSearchAttributeKeys } from '../contract/search-attributes.js';
import { openPayloadProtection, type PayloadProtection } from '../encryption/data-converter.js';
import { KeyringFile } from '../encryption/encryption-keyring.js';
import { ensureStream, eventStreamConfig, eventStreamName } from '../events/stream.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { createLogger, PinoTemporalLogger, stderrDestination } from '../infra/logging.js';
import { connectNats } from '../infra/nats-connection.js';
import { startNatsServer, startTemporalDevServer } from '../infra/server-launchers.js';
import { registerSearchAttributes } from '../infra/temporal.js';
import { defaultPortalAccount, PortalEmulator } from '../portal/portal-emulator.js';
import { openPortalSync, startPortalSync } from '../portal/portal-sync-setup.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { createDossierWorkers } from '../workers/dossier-workers.js';
import { TemporalWorker } from '../workers/temporal-worker.js';
import { bundleWorkflowsQuietly } from '../workers/workflow-bundler.js';
import {
  aggregatorThroughput,
  type Figure,
  latencyInOwnProcess,
  processScaling,
  rebuild,
  takeOver,
} from './aggregator-bench.js';
import {
  type BareWorkflowInput,
  bareUpdate,
  bareWorkflow,
  dossierShape,
  dossierVisibilityWrites,
} from './bare-workflow.js';

const program = new Command('bench')
  .option('--json', 'print JSON')
  .option('--smoke', 'tiny sizes, to check that the benchmark runs')
  .option('--dossiers <n>', 'dossiers for the lifecycle throughput', '200')
  .option('--events <n>', 'events for the aggregator throughput', '50000')
  .option('--rate <n>', 'events per second for the latency measurement', '2000')
  .option('--duration <s>', 'seconds the latency measurement lasts', '60')
  .option('--rebuild-events <n>', 'events in the stream for the rebuild', '200000')
  .option('--cached <n>', 'open dossiers for the memory measurement', '300')
  .option('--lanes <n>', 'dossiers (and bare workflows) in flight at once in the lifecycle figures', '32')
  .option(
    '--only <parts>',
    'run only these parts, comma-separated: lifecycle, latency, throughput, scaling, takeover, rebuild',
  );
program.parse(process.argv);
const options = program.opts<Record<string, string | boolean | undefined>>();
const smoke = Boolean(options.smoke);
const size = (name: string, smokeValue: number) => (smoke ? smokeValue : Number(options[name]));
const benchParts = ['lifecycle', 'latency', 'throughput', 'scaling', 'takeover', 'rebuild'] as const;
const only = typeof options.only === 'string' ? options.only.split(',').map((p) => p.trim()) : undefined;
for (const part of only ?? [])
  if (!(benchParts as readonly string[]).includes(part)) program.error(`--only: unknown part "${part}"`);
const runs = (part: (typeof benchParts)[number]) => !only || only.includes(part);

const logger = createLogger({ name: 'bench', level: 'error', destination: stderrDestination() });
// Ctrl-C and SIGTERM end the bench at once; the servers it started die with it (infra/server-launchers.ts).
// Left to the SDK, the signal would stop the workers and leave the measurement waiting for them.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n[bench] ${signal}: stopped\n`);
    process.exit(130);
  });
}
Runtime.install({
  shutdownSignals: [],
  logger: new PinoTemporalLogger(logger),
  telemetryOptions: {
    logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }) },
  },
});
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  // Each figure goes to standard error as soon as it is measured: a run stopped halfway keeps them.
  const figures = {
    list: [] as Figure[],
    push(...measured: Figure[]) {
      for (const f of measured) progress(`  ${f.name}: ${f.value.toFixed(2)} ${f.unit}`);
      this.list.push(...measured);
    },
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    progress('starting servers …');
    const [temporal, nats] = await Promise.all([
      startTemporalDevServer({ searchAttributes: allSearchAttributeKeys }),
      startNatsServer(),
    ]);
    cleanups.push(
      () => temporal.stop(),
      () => nats.stop(),
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-bench-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const nc = await connectNats({ servers: nats.url, name: 'bench' });
    cleanups.push(() => nc.drain());
    // The parts after the lifecycle read the event stream; with --only they may run without it.
    await ensureStream(await jetstreamManager(nc), eventStreamConfig());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.push(() => connection.close());
    await registerSearchAttributes(connection, 'default');
    const native = await NativeConnection.connect({ address: temporal.address });
    cleanups.push(() => native.close());
    const keyring = new KeyringFile(join(dataDir, 'keyring.json'));
    await keyring.loadOrCreate();
    const protection = await openPayloadProtection({ nc, keyring });
    cleanups.push(async () => protection.close());

    if (runs('lifecycle'))
      figures.push(...(await lifecycle(connection, native, nc, dataDir, size('dossiers', 10), protection)));
    if (runs('latency'))
      figures.push(
        ...(await latencyInOwnProcess(nats.url, size('rate', 200), size('duration', 2), progress)),
      );
    if (runs('throughput'))
      figures.push(...(await aggregatorThroughput(nc, logger, size('events', 2_000), progress)));
    if (runs('scaling'))
      figures.push(...(await processScaling(nc, nats.url, size('events', 2_000), progress)));
    if (runs('takeover')) figures.push(...(await takeOver(nc, nats.url, progress)));
    if (runs('rebuild')) figures.push(...(await rebuild(nc, logger, size('rebuildEvents', 4_000), progress)));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  const report = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    versions: { temporalSdk: '1.24.0', temporalCli: '1.9.1', natsServer: '2.15.1', natsJs: '3.4.0' },
    smoke,
    figures: figures.list,
  };
  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      `${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}\n`,
    );
    for (const f of figures.list)
      process.stdout.write(
        `${f.name.padEnd(58)} ${f.value.toFixed(2).padStart(12)} ${f.unit}${f.note ? `  (${f.note})` : ''}\n`,
      );
  }
}

// ---------------------------------------------------------------------------------------------

async function lifecycle(
  connection: Connection,
  native: NativeConnection,
  nc: NatsConnection,
  dataDir: string,
  dossiers: number,
  protection: PayloadProtection,
): Promise<Figure[]> {
  progress(
    `lifecycle: ${dossiers} dossiers without encryption, then ${dossiers} encrypted and ${dossiers} bare workflows …`,
  );
  const workflowThreadPoolSize = readSetting('TTHC_WORKFLOW_THREADS');
  const workflowBundle = await bundleWorkflowsQuietly({ level: 'error' });
  const documents = new FileDocumentStore(join(dataDir, 'documents'), protection.keyring);
  const scan = await documents.put(new TextEncoder().encode('bench scan'), {
    mediaType: 'application/pdf',
    name: 'scan.pdf',
  });
  const startWorkers = (dataConverter: DataConverter) =>
    createDossierWorkers({
      connection: native,
      nc,
      protection: { ...protection, dataConverter },
      dataDir,
      workflowBundle,
      logger,
      units: ['000.01.41.H99', '000.00.41.H99'],
      tuning: { workflowThreadPoolSize },
    });
  const codes = await DossierCodeAllocator.open(nc);
  const lanes = smoke ? 8 : Number(options.lanes);

  // The same dossiers without the payload codec, on workers of their own, for the encryption's cost.
  const plainWorkers = await startWorkers({});
  const plainRuns = plainWorkers.map((w) => w.run());
  let plainSeconds: number;
  try {
    const plainClient = new DossierClient(new Client({ connection }), codes);
    // Untimed first: the plain run would otherwise pay the warm-up (JIT, caches) for both.
    await pool(Math.min(dossiers, 20), 32, (i) => runDossier(plainClient, scan.ref, `warm-up-${i}`));
    progress('lifecycle: timed dossiers without encryption …');
    plainSeconds = await timed(() =>
      pool(dossiers, lanes, (i) => runDossier(plainClient, scan.ref, `plain-${i}`)),
    );
  } finally {
    for (const w of plainWorkers) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(plainRuns);
  }

  const client = new Client({ connection, dataConverter: protection.dataConverter });
  const workers = await startWorkers(protection.dataConverter);
  const bareBundle = await bundleWorkflowsQuietly({
    workflowsPath: new URL('./bare-workflow.ts', import.meta.url).pathname,
    level: 'error',
  });
  // As the dossier workers run: no activation timeout (workers/temporal-worker.ts).
  const bare = await TemporalWorker.create({
    connection: native,
    activationTimeoutMs: 0,
    taskQueue: 'bench-bare',
    workflowBundle: bareBundle,
    workflowThreadPoolSize,
    activities: { noop: async ({ n }: { n: number }) => n & 1 },
  });
  const all = [...workers, bare];
  const runs = all.map((w) => w.run());
  try {
    const dossierClient = new DossierClient(client, codes);
    progress('lifecycle: timed dossiers …');
    const dossierCpu = process.cpuUsage();
    const dossierSeconds = await timed(() =>
      pool(dossiers, lanes, (i) => runDossier(dossierClient, scan.ref, `run-${i}`)),
    );
    const dossierCpuMs = cpuMsSince(dossierCpu);
    const bareClient = new Client({ connection });
    const runBare = (visibilityWrites?: BareWorkflowInput['visibilityWrites']) =>
      pool(dossiers, lanes, async (i) => {
        const handle = await bareClient.workflow.start(bareWorkflow, {
          taskQueue: 'bench-bare',
          workflowId: `bare-${Date.now()}-${i}`,
          args: [{ ...dossierShape, visibilityWrites }],
        });
        for (let u = 0; u < dossierShape.updates; u++) await handle.executeUpdate(bareUpdate, { args: [u] });
        await handle.result();
      });
    progress('lifecycle: timed bare workflows …');
    const bareCpu = process.cpuUsage();
    const bareSeconds = await timed(() => runBare());
    const bareCpuMs = cpuMsSince(bareCpu);
    progress('lifecycle: timed bare workflows writing visibility as a dossier does …');
    const visibleSeconds = await timed(() => runBare(dossierVisibilityWrites));
    const cached = Number(options.cached ?? 300);
    const open = smoke ? 10 : cached;
    progress(`lifecycle: measuring resident memory around ${open} open dossiers, twice …`);
    const openDossiers = (batch: string) =>
      pool(open, 32, async (i) => {
        await dossierClient.receive({ application: application(scan.ref, `open-${batch}-${i}`) });
      });
    // The first batch settles the workflow threads' heaps after the timed runs' churn (their
    // garbage is collected late, and RSS once fell across a batch); the second is measured.
    await openDossiers('a');
    const rssBefore = await settledRss();
    await openDossiers('b');
    const perWorkflow = ((await settledRss()) - rssBefore) / open;
    const sync = await portalSyncFigures(nc, dossierClient, client, protection, scan.ref, dossiers);
    return [
      {
        name: 'dossier lifecycle throughput (receive → returned, 5 updates, 2 activities, ~11 local activities)',
        value: dossiers / dossierSeconds,
        unit: 'dossiers/s',
        note: 'every payload encrypted (AES-256-GCM, a data key per dossier)',
      },
      {
        name: 'dossier lifecycle throughput without payload encryption',
        value: dossiers / plainSeconds,
        unit: 'dossiers/s',
      },
      {
        name: 'payload encryption cost (throughput lost to it)',
        value: 100 * (1 - plainSeconds / dossierSeconds),
        unit: '%',
        note: 'target ≤ 5 %',
      },
      {
        name: 'bare baseline throughput (5 updates, 2 activities, 11 local activities, trivial bodies)',
        value: dossiers / bareSeconds,
        unit: 'workflows/s',
      },
      {
        name: 'lifecycle overhead over the bare baseline',
        value: bareSeconds === 0 ? 0 : dossierSeconds / bareSeconds,
        unit: '×',
      },
      {
        name: 'bare baseline writing visibility as a dossier does (5 tasks with search attributes)',
        value: dossiers / visibleSeconds,
        unit: 'workflows/s',
        note: 'not a target: shows how much of the overhead is Temporal visibility',
      },
      {
        name: 'lifecycle overhead over the bare baseline writing visibility',
        value: visibleSeconds === 0 ? 0 : dossierSeconds / visibleSeconds,
        unit: '×',
      },
      {
        name: 'worker process CPU per dossier lifecycle',
        value: dossierCpuMs / dossiers,
        unit: 'ms',
        note: `all threads of the process running the workers and the client; ${lanes} in flight`,
      },
      { name: 'worker process CPU per bare workflow', value: bareCpuMs / dossiers, unit: 'ms' },
      {
        name: 'lifecycle CPU over the bare baseline',
        value: bareCpuMs === 0 ? 0 : dossierCpuMs / bareCpuMs,
        unit: '×',
        note: 'less sensitive than the wall-time ratio to other load on the machine',
      },
      {
        name: 'worker memory (RSS) per cached open dossier workflow',
        value: perWorkflow / 1024,
        unit: 'KiB',
        note:
          `${open} open dossiers; RSS before opening them ${(rssBefore / 2 ** 20).toFixed(0)} MiB; ` +
          `${workflowThreadPoolSize} workflow threads; includes each workflow's module graph in the ` +
          `workflow threads' heap and the SDK's native cache`,
      },
      ...sync,
    ];
  } finally {
    for (const w of all) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(runs);
  }
}

/**
 * The portal sync beside the lifecycle: `dossiers` more dossiers with a live sync service (its
 * event → acknowledged latency at that rate), then a second service on a fresh consumer and store
 * catching up on all their events against a fresh emulator (updates per second).
 */
async function portalSyncFigures(
  nc: NatsConnection,
  dossierClient: DossierClient,
  temporal: Client,
  protection: PayloadProtection,
  ref: string,
  dossiers: number,
): Promise<Figure[]> {
  progress(`portal sync: ${dossiers} dossiers with a live sync to the portal emulator, then a catch-up …`);
  const jsm = await jetstreamManager(nc);
  const start = (await jsm.streams.info(eventStreamName)).state.last_seq + 1;
  const setup = async (tag: string, emulator: PortalEmulator) => ({
    nc,
    temporal,
    dataKeys: protection.dataKeys,
    settings: {
      url: emulator.url,
      authPath: '/api/login',
      servicePath: '/api/service',
      username: defaultPortalAccount.username,
      password: defaultPortalAccount.password,
      unitCode: defaultPortalAccount.madonvi,
      timeoutMs: 10_000,
      publicUrl: 'http://127.0.0.1:3000',
    },
    organisation: loadOrganisation('demo'),
    catalogue: loadCatalogue().procedures,
    logger,
    consumerName: `bench_portal_${tag}_${Date.now()}`,
    bucket: `bench_portal_${tag}_${Date.now()}`,
    startSequence: start,
  });
  const live = await PortalEmulator.start();
  const liveSync = await startPortalSync(await setup('live', live));
  let seconds: number;
  let published = 0;
  try {
    seconds = await timed(() => pool(dossiers, 32, (i) => runDossier(dossierClient, ref, `sync-${i}`)));
    await liveSync.caughtUp(300_000);
    published = (await jsm.streams.info(eventStreamName)).state.last_seq + 1 - start;
  } finally {
    await liveSync.stop();
    await live.stop();
  }
  const { lag } = liveSync.metrics();
  const fresh = await PortalEmulator.start();
  try {
    const catchUp = await openPortalSync(await setup('catchup', fresh));
    const catchUpSeconds = await timed(() => catchUp.drain());
    const updates = catchUp.metrics().updates.synced;
    await catchUp.caughtUp(300_000);
    await catchUp.stop();
    return [
      {
        name: 'dossier lifecycle throughput with the portal sync running',
        value: dossiers / seconds,
        unit: 'dossiers/s',
        note: 'the same lifecycle; the sync reports each dossier’s first acknowledgement to it (an update)',
      },
      {
        name: 'event → portal acknowledged latency p50 at the lifecycle’s rate',
        value: lag.p50,
        unit: 'ms',
      },
      {
        name: 'event → portal acknowledged latency p99 at the lifecycle’s rate',
        value: lag.p99,
        unit: 'ms',
        note: `${published} events in ${seconds.toFixed(1)} s (${(published / seconds).toFixed(0)} events/s)`,
      },
      {
        name: 'portal sync throughput catching up (dossier updates to the emulator)',
        value: updates / catchUpSeconds,
        unit: 'updates/s',
        note: `${updates} updates of ${dossiers} dossiers; each dossier’s view read once from Temporal (the acknowledgements are reported to the dossiers beside it)`,
      },
    ];
  } finally {
    await fresh.stop();
  }
}

async function runDossier(client: DossierClient, ref: string, label: string): Promise<void> {
  const { code } = await client.receive({ application: application(ref, label) });
  const leader = { id: 'lanh-dao', name: 'Lãnh đạo', unit: '000.00.41.H99', role: 'leader' as const };
  const specialist = {
    id: 'chuyen-vien',
    name: 'Chuyên viên',
    unit: '000.00.41.H99',
    role: 'specialist' as const,
  };
  const counter = { id: 'mot-cua', name: 'Một cửa', unit: '000.01.41.H99', role: 'counter-officer' as const };
  await client.act(code, {
    name: 'assign',
    actor: leader,
    payload: { specialist: { id: specialist.id, name: specialist.name } },
  });
  await client.act(code, {
    name: 'appraise',
    actor: specialist,
    payload: { recommendation: 'approve', note: 'Đủ' },
  });
  await client.act(code, { name: 'approve', actor: leader, payload: {} });
  await client.act(code, { name: 'return-result', actor: counter, payload: { channel: 'counter' } });
}

let applicants = 0;

/**
 * Each dossier from a citizen of its own, as at a real counter: hundreds of dossiers of one citizen
 * within a minute would all rewrite the same digitized-records entry, each retrying the others'
 * conflicting writes, which no province sees.
 */
function application(ref: string, suffix: string) {
  const idNumber = String(51_090_000_000 + ++applicants).padStart(12, '0');
  return {
    requestId: `bench-${process.pid}-${suffix}`,
    procedureCode: '1.001612',
    applicant: { type: 'citizen' as const, fullName: 'Người thử', idNumber },
    channel: 'counter' as const,
    receivingUnit: '000.01.41.H99',
    competentAgency: '000.00.41.H99',
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper' as const, fileRef: ref },
      { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' as const, fileRef: ref },
    ],
  };
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** Milliseconds of CPU (user and system, every thread) this process used since `from`. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1_000;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Resident set size once memory stops moving. Workflows run in the SDK's worker threads (their
 * own V8 isolates) and native cache, so the main thread's heapUsed does not see them; RSS does.
 */
async function settledRss(): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const deadline = Date.now() + 5_000;
  let previous = process.memoryUsage().rss;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = process.memoryUsage().rss;
    if (Math.abs(current - previous) < previous * 0.01) return current;
    previous = current;
  }
  return previous;
}

try {
  await main();
  process.exit(0);
} catch (error) {
  process.stderr.write(`bench: ${(error as Error).message}\n`);
  process.exit(1);
}
