/**
 * The indicator figures of `npm run bench`: the aggregator beside a raw JetStream consumer on the
 * same events, one and two aggregator processes, a partition taken over after its owner is killed,
 * event → indicator latency at a sustained rate, and the rebuild. Everything runs against the
 * bench's own nats-server.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { IndicatorAggregator } from '../aggregators/indicator-aggregator.js';
import { markKey, type PartitionMark, setActiveBucket } from '../aggregators/indicator-store.js';
import { rebuildIndicators } from '../aggregators/rebuild.js';
import { rebuildProgressBar } from '../cli/rebuild-progress.js';
import type { DossierEvent } from '../events/dossier-event-schema.js';
import { eventStreamName } from '../events/stream.js';
import { dossierEventSubject } from '../events/subjects.js';
import { serviceNodeOptions } from '../infra/node-options.js';
import { freePort } from '../infra/server-launchers.js';
import { projectRoot } from '../infra/tools.js';
import { type SyntheticUnits, syntheticEventStream, syntheticEvents } from './synthetic-events.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

type Progress = (line: string) => void;

/** Sixteen receiving units over four agencies: the events spread evenly over two partitions. */
const spreadUnits: SyntheticUnits = {
  agencies: ['000.00.41.H99', '000.00.42.H99', '000.00.43.H99', '000.00.44.H99'],
  receivingUnits: Array.from(
    { length: 16 },
    (_, n) => `000.${String(n + 1).padStart(2, '0')}.${41 + (n % 4)}.H99`,
  ),
};

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A TypeScript script of the project in a child process, killed if the bench exits first. */
function spawnScript(
  script: string,
  args: string[],
  options: { stdio: StdioOptions; env?: NodeJS.ProcessEnv; nodeOptions?: readonly string[] },
): ChildProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), '--import', 'tsx', script, ...args],
    {
      cwd: projectRoot,
      env: options.env,
      stdio: options.stdio,
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export async function aggregatorThroughput(
  nc: NatsConnection,
  logger: Logger,
  count: number,
  progress: Progress,
): Promise<Figure[]> {
  progress(`aggregator throughput over ${count} events, beside a raw consumer (after a warm-up) …`);
  const warmStart = await publishMany(nc, syntheticEvents(Math.min(count, 5_000), 'warm'));
  await (await freshAggregator(nc, logger, 'warm', warmStart)).drain();
  await rawConsume(nc, warmStart, Math.min(count, 5_000));
  const start = await publishMany(nc, syntheticEvents(count, 'thr'));
  let aggregatorSeconds = 0;
  let rawSeconds = 0;
  // Two rounds, alternating, on the same events: a noisy machine affects both alike.
  for (let round = 0; round < 2; round++) {
    const aggregator = await freshAggregator(nc, logger, `thr${round}`, start);
    aggregatorSeconds += await timed(() => aggregator.drain());
    rawSeconds += await timed(() => rawConsume(nc, start, count));
  }
  return [
    { name: 'aggregator throughput', value: (2 * count) / aggregatorSeconds, unit: 'events/s' },
    {
      name: 'raw JetStream consumer (ack only) on the same events',
      value: (2 * count) / rawSeconds,
      unit: 'events/s',
    },
    {
      name: 'aggregator ÷ raw consumer',
      value: rawSeconds / aggregatorSeconds,
      unit: '×',
      note: 'target ≥ 0.5; two alternating rounds',
    },
  ];
}

export async function processScaling(
  nc: NatsConnection,
  natsUrl: string,
  count: number,
  progress: Progress,
): Promise<Figure[]> {
  progress(`aggregator processes: ${count} events in a two-partition bucket, by one process, then by two …`);
  const start = await publishMany(nc, syntheticEvents(count, 'scale', undefined, spreadUnits));
  const one = await runChildren(natsUrl, `bench_scale1_${Date.now()}`, start, [[0, 1]]);
  const two = await runChildren(natsUrl, `bench_scale2_${Date.now()}`, start, [[0], [1]]);
  return [
    { name: 'aggregator throughput, one process (two partitions)', value: count / one, unit: 'events/s' },
    {
      name: 'aggregator throughput, two processes (one partition each)',
      value: count / two,
      unit: 'events/s',
      note: 'each process reads the stream and skips the other partition',
    },
    { name: 'two processes ÷ one', value: one / two, unit: '×' },
  ];
}

/** Starts one child per ownership list, lets them go together, and returns the wall time until all finish. */
async function runChildren(
  natsUrl: string,
  bucket: string,
  start: number,
  ownership: number[][],
): Promise<number> {
  const started = ownership.map((owned) => {
    const child = spawnScript(
      'bench/aggregator-child.ts',
      [natsUrl, bucket, String(start), '2', owned.join(',')],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    // Listened for from the start: a child may exit before its last line is read.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const iterator = lines[Symbol.asyncIterator]();
    return { child, exited, next: async () => (await iterator.next()).value as string | undefined };
  });
  // One at a time: the first creates the bucket's layout.
  for (const { next } of started)
    if ((await next()) !== 'ready') throw new Error('a bench aggregator process did not start');
  const began = process.hrtime.bigint();
  for (const { child } of started) child.stdin?.write('go\n');
  await Promise.all(started.map(({ next }) => next()));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  await Promise.all(started.map(({ exited }) => exited));
  return seconds;
}

/**
 * Two aggregator worker processes (`npm run worker` with only the aggregator) share a two-partition
 * bucket under a steady load; the owner of partition 0 is killed with SIGKILL. How long until the
 * other process owns it, and until it has caught up.
 */
export async function takeOver(nc: NatsConnection, natsUrl: string, progress: Progress): Promise<Figure[]> {
  progress('partition take-over: two aggregator processes under load, one killed with SIGKILL …');
  const meta = `bench_takeover_meta_${Date.now()}`;
  const bucket = `bench_takeover_${Date.now()}`;
  await setActiveBucket(nc, bucket, meta);
  const start = async () => {
    const health = await freePort();
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
    return spawnScript('workers/worker-process.ts', [], {
      env: {
        ...env,
        TTHC_NATS_URL: natsUrl,
        TTHC_SERVE_DOSSIER_QUEUE: 'false',
        TTHC_TASK_QUEUES: 'none',
        TTHC_INDICATOR_AGGREGATOR: 'true',
        TTHC_INDICATOR_PARTITIONS: '2',
        TTHC_INDICATOR_META_BUCKET: meta,
        TTHC_HEALTH_PORT: String(health),
        TTHC_METRICS_PORT: String(health),
        TTHC_LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
  };
  const processes = [await start(), await start()];
  const kv = await new Kvm(nc).create(bucket, { history: 1 });
  const owners = async () =>
    Promise.all(
      [0, 1].map(async (p) => {
        const entry = await kv.get(markKey(p));
        const mark = entry?.operation === 'PUT' ? entry.json<PartitionMark>() : undefined;
        return { pid: Number(mark?.owner.split('-').at(-2)), watermark: mark?.watermark ?? 0 };
      }),
    );
  const deadline = Date.now() + 60_000;
  while (new Set((await owners()).map((o) => o.pid)).size !== 2 || (await owners()).some((o) => !o.pid)) {
    if (Date.now() > deadline) throw new Error('the two aggregator processes never shared the partitions');
    await sleep(100);
  }
  // A steady 500 events/s while the owner of partition 0 dies.
  const js = jetstream(nc);
  const events = syntheticEvents(30_000, `takeover${Date.now()}`, undefined, spreadUnits);
  let publishing = true;
  const load = (async () => {
    const began = Date.now();
    for (let i = 0; publishing && i < events.length; i++) {
      const event = events[i] as DossierEvent;
      const wait = began + i * 2 - Date.now();
      if (wait > 0) await sleep(wait);
      void js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id });
    }
  })();
  await sleep(2_000);
  const victimPid = (await owners())[0]?.pid;
  const victim = processes.find((child) => child.pid === victimPid);
  if (!victim) throw new Error('no owner of partition 0');
  const killedAt = Date.now();
  victim.kill('SIGKILL');
  const target = (await (await jetstreamManager(nc)).streams.info(eventStreamName)).state.last_seq;
  let takenAt = 0;
  let caughtUpAt = 0;
  while (!caughtUpAt) {
    if (Date.now() - killedAt > 60_000) throw new Error('partition 0 was never taken over');
    const [first] = await owners();
    if (!takenAt && first && first.pid !== victimPid) takenAt = Date.now();
    if (takenAt && first && first.watermark >= target) caughtUpAt = Date.now();
    await sleep(20);
  }
  publishing = false;
  await load;
  for (const child of processes) if (child !== victim) child.kill('SIGTERM');
  await Promise.all(
    processes.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? undefined
        : new Promise((resolve) => child.once('exit', resolve)),
    ),
  );
  return [
    {
      name: 'partition take-over after its owner is killed (SIGKILL)',
      value: (takenAt - killedAt) / 1_000,
      unit: 's',
      note: 'target ≤ 5 s; lease 3 s (TTHC_INDICATOR_LEASE_TTL), under 500 events/s',
    },
    {
      name: 'take-over until the partition has caught up with the stream',
      value: (caughtUpAt - killedAt) / 1_000,
      unit: 's',
    },
  ];
}

export async function latency(
  nc: NatsConnection,
  logger: Logger,
  rate: number,
  seconds: number,
  progress: Progress,
): Promise<Figure[]> {
  const count = Math.round(rate * seconds);
  progress(`latency: ${count} events at ${rate}/s for ${seconds} s with a live aggregator …`);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const start = (await jsm.streams.info(eventStreamName)).state.last_seq + 1;
  const lags: number[] = [];
  const aggregator = await IndicatorAggregator.create({
    nc,
    bucket: `bench_latency_${Date.now()}`,
    consumerName: `bench_latency_${Date.now()}`,
    logger,
    startSequence: start,
    onCommitted: (batch) => lags.push(...batch),
  });
  aggregator.start();
  let achieved = 0;
  try {
    // Made one at a time: an array of them all would be a large heap for the collector to walk.
    const events = syntheticEventStream(`lat${Date.now()}`);
    const began = Date.now();
    for (let i = 0; i < count; i++) {
      const event = events.next().value as DossierEvent;
      const wait = began + (i * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      void js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id });
    }
    achieved = count / ((Date.now() - began) / 1_000);
    const deadline = Date.now() + 60_000;
    while (lags.length < count && Date.now() < deadline) await sleep(20);
  } finally {
    await aggregator.stop();
  }
  const sorted = [...lags].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const note = `${sorted.length} events, publishing at ${achieved.toFixed(0)}/s for ${seconds} s`;
  return [
    { name: `event publish → indicator updated latency p50 at ${rate} events/s`, value: at(0.5), unit: 'ms' },
    {
      name: `event publish → indicator updated latency p95 at ${rate} events/s`,
      value: at(0.95),
      unit: 'ms',
    },
    {
      name: `event publish → indicator updated latency p99 at ${rate} events/s`,
      value: at(0.99),
      unit: 'ms',
      note: `target ≤ 50 ms; ${note}`,
    },
    { name: `event publish → indicator updated latency max at ${rate} events/s`, value: at(1), unit: 'ms' },
  ];
}

/**
 * `latency` in a fresh process (bench/latency-child.ts), as the aggregator runs in production (with
 * production's Node options); its figures come back on the child's standard output.
 */
export async function latencyInOwnProcess(
  natsUrl: string,
  rate: number,
  seconds: number,
  progress: Progress,
): Promise<Figure[]> {
  progress(
    `latency: ${Math.round(rate * seconds)} events at ${rate}/s for ${seconds} s with a live aggregator in its own process …`,
  );
  const child = spawnScript('bench/latency-child.ts', [natsUrl, String(rate), String(seconds)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    nodeOptions: serviceNodeOptions,
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const code = await exited;
  if (code !== 0) throw new Error(`the latency process exited with ${code}`);
  return JSON.parse(output.trim()) as Figure[];
}

export async function rebuild(
  nc: NatsConnection,
  logger: Logger,
  count: number,
  progress: Progress,
): Promise<Figure[]> {
  progress(`rebuild: filling the stream to ${count} events …`);
  const jsm = await jetstreamManager(nc);
  const existing = (await jsm.streams.info(eventStreamName)).state.messages;
  for (let i = existing; i < count; i += 100_000)
    await publishMany(nc, syntheticEvents(Math.min(100_000, count - i), `reb${i}`));
  const total = (await jsm.streams.info(eventStreamName)).state.messages;
  progress(`rebuild: replaying ${total} events (tthc indicators rebuild) …`);
  const bar = rebuildProgressBar();
  const result = await rebuildIndicators(
    nc,
    logger,
    (applied, target) => bar.update(applied, target),
    `bench_rebuild_meta_${Date.now()}`,
  );
  bar.done();
  const seconds = result.durationMs / 1_000;
  return [
    { name: `indicator rebuild of ${total} events`, value: seconds, unit: 's' },
    {
      name: 'rebuild rate',
      value: total / seconds,
      unit: 'events/s',
      note: `target ≥ 20 000; one million events ≈ ${(1_000_000 / (total / seconds)).toFixed(0)} s`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------

function freshAggregator(nc: NatsConnection, logger: Logger, name: string, startSequence: number) {
  return IndicatorAggregator.create({
    nc,
    bucket: `bench_${name}_${Date.now()}`,
    consumerName: `bench_${name}_${Date.now()}`,
    logger,
    startSequence,
  });
}

export async function publishMany(nc: NatsConnection, events: readonly DossierEvent[]): Promise<number> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const start = (await jsm.streams.info(eventStreamName)).state.last_seq + 1;
  for (let i = 0; i < events.length; i += 1_000) {
    await Promise.all(
      events
        .slice(i, i + 1_000)
        .map((event) => js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id })),
    );
  }
  return start;
}

async function rawConsume(nc: NatsConnection, start: number, count: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const name = `bench_raw_${Date.now()}`;
  await jsm.consumers.add(eventStreamName, {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: start,
  });
  const consumer = await jetstream(nc).consumers.get(eventStreamName, name);
  let seen = 0;
  while (seen < count) {
    const batch = await consumer.fetch({ max_messages: 500, expires: 1_000 });
    for await (const message of batch) {
      message.json();
      message.ack();
      seen++;
    }
  }
  await jsm.consumers.delete(eventStreamName, name);
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
