/**
 * The indicator aggregator's checkpoints, partitions and leases with real processes killed with
 * SIGKILL (not simulated), against a recount of the stream (test/support/stream-recount.ts):
 * - a partition is NATS's own `partition()` of the receiving unit;
 * - a rebuild killed mid-way is resumed from its checkpoints by the next `tthc indicators rebuild`;
 * - two aggregator processes share the partitions of a bucket; when one is killed, the other takes
 *   its partitions over and nothing is lost or counted twice;
 * - a bucket written by the aggregator before partitions, left with a batch interrupted mid-way,
 *   carries on under the current one.
 * The events are synthetic, for competent agencies no other test counts (`999.9x.<pid>.Z9n`).
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { IndicatorAggregator } from '../../aggregators/indicator-aggregator.js';
import { consumerNameFor, leaseBucketFor } from '../../aggregators/indicator-service.js';
import { markKey, type PartitionMark, setActiveBucket } from '../../aggregators/indicator-store.js';
import { partitionOfSubject } from '../../aggregators/partitions.js';
import { rebuildingKey } from '../../aggregators/rebuild.js';
import { asSortedObject, bucketCounters, recountFromStream } from '../../aggregators/stream-recount.js';
import { syntheticEvents } from '../../bench/synthetic-events.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { dossierEventSubject, subjectToken } from '../../events/subjects.js';
import {
  type ChildHandle,
  startAggregatorProcess,
  startRebuildProcess,
  stopAll,
} from '../support/aggregator-process.js';
import { LegacyIndicatorAggregator } from '../support/legacy-indicator-aggregator.js';
import { testLogger } from '../support/test-logging.js';
import { connectNats } from '../support/test-servers.js';

const logger = testLogger('test-indicator-partitions');
const pid = String(process.pid % 100).padStart(2, '0');
let nc: NatsConnection;

beforeAll(async () => {
  nc = await connectNats('indicator-partitions-test');
});
afterAll(async () => {
  await stopAll();
  await nc?.drain();
});

/** Agencies and receiving units of one test (unit codes no other test uses). */
function units(test: string) {
  return {
    agencies: [1, 2, 3].map((n) => `999.9${test}.${pid}.Z9${n}`),
    receivingUnits: Array.from(
      { length: 12 },
      (_, n) => `999.8${test}.${pid}.R${String(n).padStart(2, '0')}`,
    ),
  };
}

async function publish(events: readonly DossierEvent[]): Promise<void> {
  const js = jetstream(nc);
  for (let i = 0; i < events.length; i += 500) {
    await Promise.all(
      events
        .slice(i, i + 500)
        .map((event) => js.publish(dossierEventSubject(event), JSON.stringify(event), { msgID: event.id })),
    );
  }
}

/** The recount of the stream and the bucket, for the given agencies. */
async function compare(bucket: string, agencies: readonly string[]) {
  const expected = await recountFromStream(nc, new Set(agencies));
  const actual = await bucketCounters(
    nc,
    bucket,
    agencies.map((agency) => `c.${subjectToken(agency)}.`),
  );
  return { expected: asSortedObject(expected), actual: asSortedObject(actual) };
}

async function streamLastSeq(): Promise<number> {
  return (await (await jetstreamManager(nc)).streams.info(eventStreamName)).state.last_seq;
}

async function marks(bucket: string, partitions: number): Promise<PartitionMark[]> {
  const kv = await new Kvm(nc).open(bucket);
  const result: PartitionMark[] = [];
  for (let p = 0; p < partitions; p++) {
    const entry = await kv.get(markKey(p));
    if (entry?.operation === 'PUT') result.push(entry.json<PartitionMark>());
  }
  return result;
}

async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 45_000,
  state: () => Promise<unknown> = async () => undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await state().catch(String))}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('partitions', () => {
  it("a dossier event's partition is NATS's partition() of its receiving unit", async () => {
    const jsm = await jetstreamManager(nc);
    const name = `PARTITION_PROBE_${process.pid}`;
    const root = `probe${process.pid}`;
    await jsm.streams.add({
      name,
      subjects: [`${root}.tthc.dossier.>`],
      subject_transform: {
        src: `${root}.tthc.dossier.*.*.*`,
        dest: `p.{{partition(7,2)}}.{{wildcard(1)}}.{{wildcard(2)}}.{{wildcard(3)}}`,
      },
    });
    try {
      const js = jetstream(nc);
      const { receivingUnits } = units('0');
      for (const unit of [...receivingUnits, '000.01.41.H99', '000.00.12.H99', '000.01.56.H98']) {
        const subject = `tthc.dossier.000_00_41_H99.${subjectToken(unit)}.received`;
        const ack = await js.publish(`${root}.${subject}`, '{}');
        const stored = await jsm.streams.getMessage(name, { seq: ack.seq });
        expect(Number(stored?.subject.split('.')[1])).toBe(partitionOfSubject(subject, 7));
      }
      expect(partitionOfSubject('tthc.feedback.000_00_12_H99.received', 7)).toBe(0);
    } finally {
      await jsm.streams.delete(name);
    }
  });

  it('two aggregator processes share the partitions; the survivor of a SIGKILL takes the other’s over: nothing lost or counted twice', async () => {
    const layout = units('1');
    const meta = `partitions_meta_${process.pid}`;
    const bucket = `partitions_${process.pid}_${Date.now()}`;
    await setActiveBucket(nc, bucket, meta);
    const settings = {
      TTHC_INDICATOR_META_BUCKET: meta,
      TTHC_INDICATOR_PARTITIONS: '2',
      TTHC_INDICATOR_LEASE_TTL: '2s',
    };
    const first = await startAggregatorProcess(inject('natsUrl'), settings);
    const second = await startAggregatorProcess(inject('natsUrl'), settings);
    const processes = [first, second];
    // Each owns one partition once the first has handed one over.
    const owners = await until('each process owning one partition', async () => {
      const current = await marks(bucket, 2);
      const pids = current.map((mark) => Number(mark.owner.split('-').at(-2)));
      return current.length === 2 && new Set(pids).size === 2 ? pids : undefined;
    });
    expect(owners.sort()).toEqual(processes.map((p) => p.memberPid).sort());

    // A steady load, with the owner of partition 0 killed in the middle of it.
    const events = syntheticEvents(4_000, `part${process.pid}`, undefined, layout);
    const partitionsHit = new Set(events.map((event) => partitionOfSubject(dossierEventSubject(event), 2)));
    expect(partitionsHit).toEqual(new Set([0, 1]));
    await publish(events.slice(0, 1_500));
    const victimPid = Number((await marks(bucket, 2))[0]?.owner.split('-').at(-2));
    const victim = processes.find((p) => p.memberPid === victimPid) as ChildHandle & { memberPid: number };
    const survivor = processes.find((p) => p !== victim) as ChildHandle & { memberPid: number };
    const publishing = publish(events.slice(1_500));
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await publishing;
    expect((await victim.exited).signal).toBe('SIGKILL');

    const target = await streamLastSeq();
    const takenOver = await until('the survivor owning both partitions, caught up', async () => {
      const current = await marks(bucket, 2);
      const done =
        current.length === 2 &&
        current.every(
          (mark) => Number(mark.owner.split('-').at(-2)) === survivor.memberPid && mark.watermark >= target,
        );
      return done ? Date.now() : undefined;
    });
    logger.info({ takeOverAndCatchUpMs: takenOver - killedAt }, 'partition taken over');
    const { expected, actual } = await compare(bucket, layout.agencies);
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);

    survivor.child.kill('SIGTERM');
    expect((await survivor.exited).code).toBe(0);
    // A clean stop hands the partitions back: the leases are released at once.
    const leases = await new Kvm(nc).open(leaseBucketFor(meta));
    const held: string[] = [];
    for await (const key of await leases.keys(`l.${bucket}.>`)) held.push(key);
    expect(held).toEqual([]);
  });

  it('a process paused past its lease (SIGSTOP) is fenced when it resumes: nothing is counted twice', {
    timeout: 120_000,
  }, async () => {
    const layout = units('4');
    const meta = `paused_meta_${process.pid}`;
    const bucket = `paused_${process.pid}_${Date.now()}`;
    await setActiveBucket(nc, bucket, meta);
    const settings = {
      TTHC_INDICATOR_META_BUCKET: meta,
      TTHC_INDICATOR_PARTITIONS: '2',
      TTHC_INDICATOR_LEASE_TTL: '1500ms',
    };
    const processes = [
      await startAggregatorProcess(inject('natsUrl'), settings),
      await startAggregatorProcess(inject('natsUrl'), settings),
    ];
    const ownerPid = (mark: PartitionMark | undefined) => Number(mark?.owner.split('-').at(-2));
    await until('each process owning one partition', async () => {
      const current = await marks(bucket, 2);
      return current.length === 2 && ownerPid(current[0]) !== ownerPid(current[1]) ? true : undefined;
    });
    const events = syntheticEvents(4_000, `paused${process.pid}`, undefined, layout);
    await publish(events.slice(0, 1_000));
    const pausedPid = ownerPid((await marks(bucket, 2))[0]);
    const paused = processes.find((p) => p.memberPid === pausedPid) as ChildHandle & { memberPid: number };
    // Frozen with events of its partition arriving: it holds them unapplied, or applied and not committed.
    const publishing = publish(events.slice(1_000, 2_500));
    paused.child.kill('SIGSTOP');
    await publishing;
    await until('the other process taking partition 0 over', async () => {
      const [mark] = await marks(bucket, 2);
      return mark && ownerPid(mark) !== pausedPid ? true : undefined;
    });
    await publish(events.slice(2_500, 3_000));
    paused.child.kill('SIGCONT');
    await publish(events.slice(3_000));
    const target = await streamLastSeq();
    await until(
      'both partitions caught up, one owner each again',
      async () => {
        const current = await marks(bucket, 2);
        const done =
          current.length === 2 &&
          ownerPid(current[0]) !== ownerPid(current[1]) &&
          current.every((mark) => mark.watermark >= target);
        return done ? true : undefined;
      },
      45_000,
      async () => ({ target, marks: await marks(bucket, 2), paused: paused.output().slice(-3000) }),
    );
    expect(paused.output()).toMatch(/indicator partition (lease lost|taken over by another process)/);
    const { expected, actual } = await compare(bucket, layout.agencies);
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);
  });
});

describe('checkpoints', () => {
  it('a rebuild killed with SIGKILL mid-way is resumed from its checkpoints and equals a recount of the stream', async () => {
    const layout = units('2');
    await publish(syntheticEvents(20_000, `rebuild${process.pid}`, undefined, layout));
    const meta = `rebuild_crash_meta_${process.pid}`;
    const target = await streamLastSeq();
    const rebuild = startRebuildProcess(inject('natsUrl'), meta, ['--partitions', '2']);
    const metaKv = await new Kvm(nc).create(meta, { history: 5 });
    const bucket = await until('the rebuild to name its bucket', async () => {
      const entry = await metaKv.get(rebuildingKey);
      return entry?.operation === 'PUT' ? entry.string() : undefined;
    });
    // Killed once some checkpoints are in, well before the end.
    await until('the rebuild to be part-way', async () => {
      const current = await marks(bucket, 2).catch(() => []);
      const reached = Math.min(...current.map((mark) => mark.watermark));
      return current.length === 2 && reached > 0 ? reached : undefined;
    });
    rebuild.child.kill('SIGKILL');
    expect((await rebuild.exited).signal).toBe('SIGKILL');
    const reachedWhenKilled = Math.min(...(await marks(bucket, 2)).map((mark) => mark.watermark));
    expect(reachedWhenKilled).toBeLessThan(target);

    const resumed = startRebuildProcess(inject('natsUrl'), meta);
    const { code } = await resumed.exited;
    expect(code, resumed.output()).toBe(0);
    const result = JSON.parse(resumed.stdout());
    expect(result.bucket).toBe(bucket);
    expect(result.resumedFrom).toBe(reachedWhenKilled);
    expect(result.partitions).toBe(2);
    expect(result.applied).toBeLessThan(target);
    expect(resumed.output()).toContain(`resuming the interrupted rebuild into ${bucket}`);
    expect((await metaKv.get('active'))?.string()).toBe(bucket);

    const { expected, actual } = await compare(bucket, layout.agencies);
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);
  });

  it('a bucket written by the aggregator before partitions, with a batch cut short, is migrated: nothing lost or counted twice', async () => {
    const layout = units('3');
    const start = (await streamLastSeq()) + 1;
    const events = syntheticEvents(3_000, `legacy${process.pid}`, undefined, layout);
    await publish(events.slice(0, 2_000));
    const bucket = `legacy_${process.pid}_${Date.now()}`;
    let batches = 0;
    const legacy = await LegacyIndicatorAggregator.create({
      nc,
      bucket,
      consumerName: consumerNameFor(bucket),
      logger,
      startSequence: start,
      batchSize: 100,
      midBatch: () => {
        if (++batches === 4) throw new Error('crash between the entity records and the counters');
      },
    });
    await expect(legacy.drain()).rejects.toThrow('crash between');
    const kv = await new Kvm(nc).open(bucket);
    expect((await kv.get('j.pending'))?.operation).toBe('PUT');
    await publish(events.slice(2_000));

    const migrated = await IndicatorAggregator.create({
      nc,
      bucket,
      consumerName: consumerNameFor(bucket),
      logger,
    });
    expect(migrated.layout).toMatchObject({ partitions: 1, migratedFrom: 'batch-journal' });
    await migrated.drain();
    expect((await kv.get('j.pending'))?.operation).not.toBe('PUT');
    // The old durable consumer is gone: the checkpoint replaced it.
    const jsm = await jetstreamManager(nc);
    await expect(jsm.consumers.info(eventStreamName, consumerNameFor(bucket))).rejects.toThrow();
    const { expected, actual } = await compare(bucket, layout.agencies);
    expect(Object.keys(expected).length).toBeGreaterThan(20);
    expect(actual).toEqual(expected);
  });
});
