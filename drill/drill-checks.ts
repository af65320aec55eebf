/**
 * What the drill checks at the end, independently of the processes it disturbed:
 * - every dossier the API gave out has ended in the state its journey leads to (returned);
 * - every dossier's events are in the stream once each, seq 1…n without a gap;
 * - every indicator equals a recount of the stream (aggregators/stream-recount.ts), once every
 *   partition's checkpoint has reached the end of the stream: counts found above the recount were
 *   counted twice, counts below it were lost.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  activeBucketName,
  type Counts,
  markKey,
  type PartitionMark,
  readLayout,
} from '../aggregators/indicator-store.js';
import { bucketCounters, recountFromStream } from '../aggregators/stream-recount.js';
import { eventStreamName } from '../events/stream.js';
import { subjectToken } from '../events/subjects.js';

export interface DossierCheck {
  dossiers: number;
  returned: number;
  notReturned: Array<{ code: string; step?: string; status?: string; error?: string }>;
}

export async function checkDossiers(
  apiUrl: string,
  token: string,
  codes: readonly string[],
): Promise<DossierCheck> {
  const notReturned: DossierCheck['notReturned'] = [];
  let returned = 0;
  for (let i = 0; i < codes.length; i += 16) {
    await Promise.all(
      codes.slice(i, i + 16).map(async (code) => {
        try {
          const response = await fetch(`${apiUrl}/v1/dossiers/${code}`, {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(30_000),
          });
          const view = (await response.json()) as { state?: { step?: string; status?: string } };
          if (view.state?.step === 'done' && view.state.status === 'DA_TRA_KET_QUA') returned++;
          else notReturned.push({ code, step: view.state?.step, status: view.state?.status });
        } catch (error) {
          notReturned.push({ code, error: (error as Error).message });
        }
      }),
    );
  }
  return { dossiers: codes.length, returned, notReturned };
}

export interface EventCheck {
  events: number;
  dossiers: number;
  /** Events stored more than once (same dossier and seq). */
  duplicates: number;
  /** Missing seqs below a dossier's highest. */
  gaps: number;
  agencies: string[];
}

export async function checkEvents(nc: NatsConnection): Promise<EventCheck> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(eventStreamName)).state.last_seq;
  const seqs = new Map<string, number[]>();
  const agencies = new Set<string>();
  let events = 0;
  if (last > 0) {
    const consumer = await jetstream(nc).consumers.get(eventStreamName, {
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume({ max_messages: 1_000 });
    for await (const message of messages) {
      const event = message.json<{
        dossierCode?: string;
        seq?: number;
        facts?: { competentAgency?: string };
      }>();
      if (event.dossierCode && event.seq !== undefined) {
        events++;
        const list = seqs.get(event.dossierCode) ?? [];
        list.push(event.seq);
        seqs.set(event.dossierCode, list);
        if (event.facts?.competentAgency) agencies.add(event.facts.competentAgency);
      }
      if (message.seq >= last) break;
    }
    messages.stop();
  }
  let duplicates = 0;
  let gaps = 0;
  for (const list of seqs.values()) {
    const unique = new Set(list);
    duplicates += list.length - unique.size;
    gaps += Math.max(...list) - unique.size;
  }
  return { events, dossiers: seqs.size, duplicates, gaps, agencies: [...agencies].sort() };
}

export interface IndicatorCheck {
  bucket: string;
  partitions: number;
  counterKeys: number;
  /** Sum over every counter field of the counts above the recount. */
  countedTwice: number;
  /** Sum over every counter field of the counts below the recount. */
  lost: number;
  /** Counter fields (of any key) that differ from the recount. */
  mismatches: number;
  /** Up to ten keys that differ, for the report. */
  differences: Array<{ key: string; field: string; expected: number; actual: number }>;
}

/** Waits until every partition's checkpoint has reached the end of the stream (or the timeout). */
export async function waitForIndicators(
  nc: NatsConnection,
  metaBucket: string,
  timeoutMs: number,
): Promise<number> {
  const began = Date.now();
  const jsm = await jetstreamManager(nc);
  const bucket = await activeBucketName(nc, metaBucket);
  const kv = await new Kvm(nc).open(bucket);
  for (;;) {
    const target = (await jsm.streams.info(eventStreamName)).state.last_seq;
    const partitions = (await readLayout(kv))?.partitions ?? 1;
    let reached = Number.POSITIVE_INFINITY;
    for (let p = 0; p < partitions; p++) {
      const entry = await kv.get(markKey(p)).catch(() => null);
      reached = Math.min(reached, entry?.operation === 'PUT' ? entry.json<PartitionMark>().watermark : 0);
    }
    if (reached >= target) return Date.now() - began;
    if (Date.now() - began > timeoutMs)
      throw new Error(
        `the indicators did not catch up with the stream in ${timeoutMs} ms (${reached} of ${target})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function checkIndicators(
  nc: NatsConnection,
  metaBucket: string,
  agencies: readonly string[],
): Promise<IndicatorCheck> {
  const bucket = await activeBucketName(nc, metaBucket);
  const partitions = (await readLayout(await new Kvm(nc).open(bucket)))?.partitions ?? 1;
  const expected = await recountFromStream(nc, new Set(agencies));
  const actual = await bucketCounters(
    nc,
    bucket,
    agencies.map((agency) => `c.${subjectToken(agency)}.`),
  );
  let countedTwice = 0;
  let lost = 0;
  let mismatches = 0;
  const differences: IndicatorCheck['differences'] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const want: Counts = expected.get(key) ?? {};
    const have: Counts = actual.get(key) ?? {};
    for (const field of new Set([...Object.keys(want), ...Object.keys(have)])) {
      const diff = (have[field] ?? 0) - (want[field] ?? 0);
      if (diff === 0) continue;
      mismatches++;
      // processingMs is a sum of durations, not a count: a difference is a mismatch, not "n dossiers".
      if (field !== 'processingMs') {
        if (diff > 0) countedTwice += diff;
        else lost -= diff;
      }
      if (differences.length < 10)
        differences.push({ key, field, expected: want[field] ?? 0, actual: have[field] ?? 0 });
    }
  }
  return { bucket, partitions, counterKeys: expected.size, countedTwice, lost, mismatches, differences };
}
