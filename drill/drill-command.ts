/**
 * `npm run drill [-- --short] [--seconds N] [--rate N] [--json] [--report FILE]`
 *
 * The reliability drill, on this machine, with the installed binaries: a three-node NATS
 * JetStream cluster (R3 streams and buckets, `sync_interval: always`), a Temporal dev server, two
 * worker processes, two aggregator processes sharing two partitions, and the HTTP API. Under a
 * steady load of dossiers through the API it kills with SIGKILL one NATS node (the event stream's
 * leader), one worker and one aggregator (the owner of partition 0), and starts each again. At the
 * end every dossier must be returned, every event stored once, and every indicator equal to a
 * recount of the stream. It prints the load held, the faults and the recovery times (Markdown, or
 * JSON with --json; --report also writes the Markdown to a file) and exits 0 only if every check
 * passed. `--short` is the quick form the tests run. Every process it started is stopped at the
 * end, also on failure or Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Command } from 'commander';
import { activeBucketName, markKey, type PartitionMark, readLayout } from '../aggregators/indicator-store.js';
import { allSearchAttributeKeys } from '../contract/search-attributes.js';
import { KeyringFile } from '../encryption/encryption-keyring.js';
import { LiveKeyring } from '../encryption/live-keyring.js';
import { eventStreamName } from '../events/stream.js';
import { EmbeddedProvider } from '../identity/embedded-provider.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { startNatsCluster } from '../infra/nats-cluster.js';
import { connectNats } from '../infra/nats-connection.js';
import { freePort, startTemporalDevServer } from '../infra/server-launchers.js';
import { demoAccounts, demoCitizens, demoOfficials } from '../stack/demo.js';
import { buildWorkflowBundle } from '../workers/bundle.js';
import { checkDossiers, checkEvents, checkIndicators, waitForIndicators } from './drill-checks.js';
import { DrillLoad, type LoadResult } from './drill-load.js';
import { type DrillProcess, drillProcess, stopAllDrillProcesses } from './drill-processes.js';

interface Fault {
  what: string;
  /** ms after the load started. */
  at: number;
  /** ms the component stayed down before it was started again. */
  downMs: number;
  recovery: Record<string, number>;
  /** Steps answered per second in the 20 s before the fault and in the fault's window. */
  stepsPerSecondBefore: number;
  stepsPerSecondDuring: number;
  /** The longest time without any step answered, from the kill to 20 s after the restart (ms). */
  longestGapMs: number;
}

const program = new Command('drill')
  .description(
    'kill a NATS node, a worker and an aggregator under load, and check nothing is lost or doubled',
  )
  .option('--short', 'the quick form (about a minute of load), as the tests run it')
  .option('--seconds <n>', 'seconds of load (default 180, 40 with --short)')
  .option('--rate <n>', 'dossiers started per second (default 2, 1 with --short)')
  .option('--json', 'print the report as JSON')
  .option('--report <file>', 'also write the report (Markdown) to this file');
program.parse(process.argv);
const options = program.opts<{
  short?: boolean;
  seconds?: string;
  rate?: string;
  json?: boolean;
  report?: string;
}>();

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`drill: --${name} "${text}" must be a positive number\n`);
    process.exit(2);
  }
  return value;
}

const short = Boolean(options.short);
const seconds = positive('seconds', options.seconds, short ? 40 : 180);
const rate = positive('rate', options.rate, short ? 1 : 2);
const progress = (line: string) => process.stderr.write(`[drill] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let cleanup: () => Promise<void> = async () => undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<boolean> {
  const began = Date.now();
  const processes: DrillProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  cleanup = async () => {
    await stopAllDrillProcesses(processes);
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    progress('starting a three-node NATS cluster (sync_interval: always) and a Temporal dev server …');
    const [cluster, temporal] = await Promise.all([
      startNatsCluster(),
      startTemporalDevServer({ searchAttributes: allSearchAttributeKeys }),
    ]);
    cleanups.push(
      () => cluster.stop(),
      () => temporal.stop(),
    );
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-drill-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const keyringFile = join(dataDir, 'keyring.json');
    await new KeyringFile(keyringFile).loadOrCreate();
    const secret = randomBytes(48).toString('base64url');
    progress('building the workflow bundle …');
    const bundle = await buildWorkflowBundle(join(dataDir, 'workflow-bundle.js'));
    const scan = await new FileDocumentStore(
      join(dataDir, 'documents'),
      await LiveKeyring.open(new KeyringFile(keyringFile), { refreshMs: 0 }),
    ).put(new TextEncoder().encode('drill scan'), { mediaType: 'application/pdf', name: 'scan.pdf' });

    // The officials sign in with an OpenID Connect provider, as in production: the embedded one
    // (npm start's), in this process, on a port of its own.
    const apiPort = await freePort();
    const provider = await EmbeddedProvider.start({
      accounts: demoAccounts(
        Object.fromEntries(
          [...demoOfficials, ...demoCitizens].map((o) => [o.sub, randomBytes(12).toString('base64url')]),
        ),
      ),
      audience: 'tthc-api',
      redirectUris: [`http://127.0.0.1:${apiPort}/auth/callback`],
    });
    cleanups.push(() => provider.stop());

    const base: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) base[key] = value;
    Object.assign(base, {
      TTHC_NATS_URL: cluster.urls.join(','),
      TTHC_STREAM_REPLICAS: '3',
      TTHC_TEMPORAL_ADDRESS: temporal.address,
      TTHC_DATA_DIR: dataDir,
      TTHC_KEYRING_FILE: keyringFile,
      TTHC_TOKEN_SECRET: secret,
      TTHC_OIDC_ISSUER: provider.issuer,
      TTHC_OIDC_AUDIENCE: 'tthc-api',
      TTHC_ENV: 'production',
      TTHC_WORKFLOW_BUNDLE: bundle.path,
      TTHC_INDICATOR_PARTITIONS: '2',
      TTHC_LOG_LEVEL: 'warn',
      TTHC_SHUTDOWN_GRACE_TIME: '5s',
    });
    const withPorts = async (name: string, script: string, settings: Record<string, string>) => {
      const health = await freePort();
      const process = drillProcess(
        name,
        script,
        { ...base, TTHC_HEALTH_PORT: String(health), TTHC_METRICS_PORT: String(health), ...settings },
        `http://127.0.0.1:${health}/readyz`,
      );
      processes.push(process);
      return process;
    };
    const workers = [
      await withPorts('worker-1', 'workers/worker-process.ts', {}),
      await withPorts('worker-2', 'workers/worker-process.ts', {}),
    ];
    const aggregatorSettings = {
      TTHC_SERVE_DOSSIER_QUEUE: 'false',
      TTHC_TASK_QUEUES: 'none',
      TTHC_INDICATOR_AGGREGATOR: 'true',
    };
    const aggregators = [
      await withPorts('aggregator-1', 'workers/worker-process.ts', aggregatorSettings),
      await withPorts('aggregator-2', 'workers/worker-process.ts', aggregatorSettings),
    ];
    const api = drillProcess(
      'api',
      'api/api-main.ts',
      // The drill's few officials make every request of the load: the per-official write limit
      // (600 a minute) is the API's defence against one runaway client, not what is drilled here.
      { ...base, TTHC_API_PORT: String(apiPort), TTHC_RATE_LIMIT_WRITES: '100000' },
      `http://127.0.0.1:${apiPort}/readyz`,
    );
    processes.push(api);
    progress('starting two workers, two aggregators and the API …');
    // The first worker creates the streams; the rest in parallel.
    await workers[0]?.start();
    await Promise.all([workers[1], ...aggregators, api].map((p) => p?.start()));

    const nc = await connectNats({ servers: cluster.urls, maxReconnectAttempts: -1, name: 'drill' });
    cleanups.push(() => nc.close());
    const tokens = Object.fromEntries(
      await Promise.all(
        (['counter-officer', 'leader', 'specialist'] as const).map(async (role) => {
          const official = demoOfficials.find((o) => o.role === role);
          if (!official) throw new Error(`no demo ${role}`);
          return [role, await provider.issueAccessToken(official.sub, { ttlSeconds: 8 * 3600 })] as const;
        }),
      ),
    ) as Record<'counter-officer' | 'leader' | 'specialist', string>;

    const load = new DrillLoad({ apiUrl: `http://127.0.0.1:${apiPort}`, tokens, rate, scanRef: scan.ref });
    progress(`load: ${rate} dossiers/s for ${seconds} s through the API …`);
    load.start();
    const faults: Fault[] = [];
    // Faults a third of the load apart, each once the previous one has recovered and the load has
    // run a while; the load goes on until the last one has had its window.
    const schedule = short
      ? { first: 8_000, gap: (seconds * 1_000 - 8_000) / 3, downMs: 4_000, settleMs: 8_000 }
      : { first: 30_000, gap: (seconds * 1_000 - 30_000) / 3, downMs: 10_000, settleMs: 20_000 };
    const next = (planned: number) => untilLoad(load, Math.max(planned, load.elapsed() + schedule.settleMs));
    let loadEnd = seconds * 1_000;
    const windowAfter = (
      fault: Omit<Fault, 'stepsPerSecondBefore' | 'stepsPerSecondDuring' | 'longestGapMs'>,
    ) => {
      const before =
        load.stepsBetween(Math.max(0, fault.at - 20_000), fault.at) / Math.min(20, fault.at / 1_000);
      const end = Math.min(fault.at + fault.downMs + 20_000, loadEnd);
      return { before, end };
    };

    // 1. The event stream's leader node.
    await untilLoad(load, schedule.first);
    {
      const jsm = await jetstreamManager(nc);
      const leader = (await jsm.streams.info(eventStreamName)).cluster?.leader;
      const node = cluster.nodes.find((n) => n.name === leader) ?? cluster.nodes[0];
      if (!node) throw new Error('no NATS node');
      progress(`fault 1: kill -9 NATS node ${node.name} (leader of ${eventStreamName}) …`);
      const at = load.elapsed();
      await node.kill('SIGKILL');
      const elected = await newLeader(jsm, node.name);
      await sleep(schedule.downMs);
      const restartMs = await timed(() => node.start());
      faults.push({
        what: `NATS node ${node.name} (the event stream's leader) killed with SIGKILL, started again after ${schedule.downMs / 1_000} s`,
        at,
        downMs: schedule.downMs,
        recovery: { newStreamLeaderMs: elected, restartToHealthyMs: restartMs },
        stepsPerSecondBefore: 0,
        stepsPerSecondDuring: 0,
        longestGapMs: 0,
      });
    }
    // 2. A worker.
    await next(schedule.first + schedule.gap);
    {
      const worker = workers[0] as DrillProcess;
      progress(`fault 2: kill -9 ${worker.name} …`);
      const at = load.elapsed();
      await worker.kill('SIGKILL');
      await sleep(schedule.downMs);
      const readyMs = await worker.start();
      faults.push({
        what: `${worker.name} killed with SIGKILL (dossiers in flight on it), started again after ${schedule.downMs / 1_000} s`,
        at,
        downMs: schedule.downMs,
        recovery: { restartToReadyMs: readyMs },
        stepsPerSecondBefore: 0,
        stepsPerSecondDuring: 0,
        longestGapMs: 0,
      });
    }
    // 3. The aggregator that owns partition 0.
    await next(schedule.first + 2 * schedule.gap);
    {
      const bucket = await activeBucketName(nc);
      const kv = await new Kvm(nc).open(bucket);
      const owner = async (partition: number) => {
        const entry = await kv.get(markKey(partition)).catch(() => null);
        return entry?.operation === 'PUT' ? entry.json<PartitionMark>().owner : '';
      };
      const victimPid = Number((await owner(0)).split('-').at(-2));
      const victim = aggregators.find((a) => a.pid() === victimPid) ?? (aggregators[0] as DrillProcess);
      progress(`fault 3: kill -9 ${victim.name} (owner of partition 0) …`);
      const at = load.elapsed();
      const killedAt = Date.now();
      await victim.kill('SIGKILL');
      let takenOverMs = 0;
      while (!takenOverMs) {
        const pid = Number((await owner(0)).split('-').at(-2));
        if (pid && pid !== victimPid) takenOverMs = Date.now() - killedAt;
        else if (Date.now() - killedAt > 60_000)
          throw new Error('partition 0 was not taken over within 60 s');
        else await sleep(50);
      }
      await sleep(Math.max(0, schedule.downMs - (Date.now() - killedAt)));
      const readyMs = await victim.start();
      const restartedAt = Date.now();
      let rebalancedMs = 0;
      const layout = await readLayout(kv);
      while (!rebalancedMs && Date.now() - restartedAt < 30_000) {
        const owners = await Promise.all(Array.from({ length: layout?.partitions ?? 2 }, (_, p) => owner(p)));
        if (new Set(owners.map((o) => o.split('-').at(-2))).size === owners.length)
          rebalancedMs = Date.now() - restartedAt;
        else await sleep(100);
      }
      faults.push({
        what: `${victim.name} (owner of partition 0) killed with SIGKILL, started again after ${schedule.downMs / 1_000} s`,
        at,
        downMs: schedule.downMs,
        recovery: {
          partitionTakenOverMs: takenOverMs,
          restartToReadyMs: readyMs,
          partitionsSharedAgainMs: rebalancedMs,
        },
        stepsPerSecondBefore: 0,
        stepsPerSecondDuring: 0,
        longestGapMs: 0,
      });
    }
    loadEnd = Math.max(seconds * 1_000, load.elapsed() + schedule.settleMs);
    await untilLoad(load, loadEnd);
    progress('load stopped; waiting for the dossiers in flight …');
    const loadResult = await load.stop();
    for (const fault of faults) {
      const { before, end } = windowAfter(fault);
      fault.stepsPerSecondBefore = before;
      fault.stepsPerSecondDuring = load.stepsBetween(fault.at, end) / ((end - fault.at) / 1_000);
      fault.longestGapMs = longestGap(loadResult.steps, fault.at, end);
    }

    progress('checking dossiers, events and indicators …');
    const dossiers = await checkDossiers(`http://127.0.0.1:${apiPort}`, tokens.leader, loadResult.codes);
    const events = await checkEvents(nc);
    const catchUpMs = await waitForIndicators(nc, 'tthc_indicators_meta', 120_000);
    const indicators = await checkIndicators(nc, 'tthc_indicators_meta', events.agencies);
    const ok =
      loadResult.abandoned.length === 0 &&
      dossiers.notReturned.length === 0 &&
      events.duplicates === 0 &&
      events.gaps === 0 &&
      indicators.mismatches === 0;
    const report = {
      ok,
      form: short ? 'short' : 'full',
      durationMs: Date.now() - began,
      setup: {
        nats: `${cluster.nodes.length}-node cluster, R3 streams and buckets, sync_interval: always (nats-server 2.15.1)`,
        temporal: 'Temporal CLI 1.9.1 dev server',
        processes: '2 workers, 2 aggregators (2 partitions), 1 API',
      },
      load: summariseLoad(loadResult, rate, loadEnd / 1_000),
      faults,
      checks: { dossiers, events, indicatorsCaughtUpAfterLoadMs: catchUpMs, indicators },
    };
    const markdown = renderReport(report);
    if (options.report) await writeFile(options.report, markdown);
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : markdown);
    return ok;
  } finally {
    progress('stopping every process …');
    await cleanup();
  }
}

async function untilLoad(load: DrillLoad, ms: number): Promise<void> {
  while (load.elapsed() < ms) await sleep(Math.min(500, ms - load.elapsed()));
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const began = Date.now();
  await run();
  return Date.now() - began;
}

/** How long until the event stream has a leader other than `gone` (ms). */
async function newLeader(jsm: JetStreamManager, gone: string): Promise<number> {
  const began = Date.now();
  while (Date.now() - began < 60_000) {
    const leader = await jsm.streams
      .info(eventStreamName)
      .then((info) => info.cluster?.leader)
      .catch(() => undefined);
    if (leader && leader !== gone) return Date.now() - began;
    await sleep(100);
  }
  throw new Error(`${eventStreamName} had no new leader within 60 s`);
}

function longestGap(steps: readonly number[], from: number, to: number): number {
  const inside = steps.filter((t) => t >= from && t < to).sort((a, b) => a - b);
  let gap = 0;
  let previous = from;
  for (const t of inside) {
    gap = Math.max(gap, t - previous);
    previous = t;
  }
  return Math.max(gap, to - previous);
}

function summariseLoad(result: LoadResult, rate: number, seconds: number) {
  return {
    rate,
    seconds,
    started: result.started,
    returned: result.completed.length,
    abandoned: result.abandoned,
    steps: result.steps.length,
    stepsPerSecond: result.steps.length / seconds,
    retriedAttempts: result.retries,
  };
}

function renderReport(report: {
  ok: boolean;
  form: string;
  durationMs: number;
  setup: Record<string, string>;
  load: ReturnType<typeof summariseLoad>;
  faults: Fault[];
  checks: {
    dossiers: Awaited<ReturnType<typeof checkDossiers>>;
    events: Awaited<ReturnType<typeof checkEvents>>;
    indicatorsCaughtUpAfterLoadMs: number;
    indicators: Awaited<ReturnType<typeof checkIndicators>>;
  };
}): string {
  const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;
  const { load, checks } = report;
  const lines = [
    `## Drill (${report.form}): ${report.ok ? 'PASSED' : 'FAILED'} in ${s(report.durationMs)}`,
    '',
    ...Object.entries(report.setup).map(([k, v]) => `- ${k}: ${v}`),
    '',
    `Load: ${load.rate} dossiers/s for ${load.seconds} s through the HTTP API; ${load.started} started, ${load.returned} returned, ${load.abandoned.length} given up; ${load.steps} steps answered (${load.stepsPerSecond.toFixed(2)}/s); failed attempts retried: ${JSON.stringify(load.retriedAttempts)}.`,
    '',
    '| fault | at | steps/s before → during | longest gap | recovery |',
    '|---|---|---|---|---|',
    ...report.faults.map(
      (f) =>
        `| ${f.what} | ${s(f.at)} | ${f.stepsPerSecondBefore.toFixed(2)} → ${f.stepsPerSecondDuring.toFixed(2)} | ${s(f.longestGapMs)} | ${Object.entries(
          f.recovery,
        )
          .map(([k, v]) => `${k} ${s(v)}`)
          .join(', ')} |`,
    ),
    '',
    `Dossiers: ${checks.dossiers.returned} of ${checks.dossiers.dossiers} returned${checks.dossiers.notReturned.length ? `; not returned: ${JSON.stringify(checks.dossiers.notReturned.slice(0, 5))}` : ''}.`,
    `Events: ${checks.events.events} for ${checks.events.dossiers} dossiers; ${checks.events.duplicates} stored twice, ${checks.events.gaps} missing.`,
    `Indicators (${checks.indicators.bucket}, ${checks.indicators.partitions} partitions): caught up ${s(checks.indicatorsCaughtUpAfterLoadMs)} after the checks began; ${checks.indicators.counterKeys} counter keys against a recount of the stream: ${checks.indicators.lost} lost, ${checks.indicators.countedTwice} counted twice, ${checks.indicators.mismatches} fields differing${checks.indicators.differences.length ? ` (${JSON.stringify(checks.indicators.differences)})` : ''}.`,
    '',
  ];
  return lines.join('\n');
}

try {
  const ok = await main();
  process.exit(ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`drill: ${(error as Error).message}\n`);
  process.exit(1);
}
