/**
 * The oracle of the aggregator's exactly-once effect (the tests and `npm run drill`): a recount of
 * the event stream from scratch.
 * It reads every event, keeps each dossier's and feedback's newest facts (highest seq), and sums
 * their contributions per counter key with the plain formulas (`dossierCounts`,
 * `feedbackContribution` over `affectedPeriods`), not the aggregator's prepared path, its
 * checkpoints or its partitions. Whatever the deliveries, crashes, take-overs and partitions, a
 * caught-up bucket must hold exactly this for the units it is asked about.
 */
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type DossierFacts, dossierEventSchema } from '../events/dossier-event-schema.js';
import { type FeedbackFacts, feedbackEventSchema } from '../events/feedback-event-schema.js';
import { eventStreamName } from '../events/stream.js';
import { affectedPeriods, dossierCounts } from '../indicators/dossier-counters.js';
import { affectedFeedbackPeriods, feedbackContribution } from '../indicators/feedback-counters.js';
import {
  addCounts,
  type CounterRecord,
  type Counts,
  counterKey,
  feedbackCounterKey,
  readJson,
  readLayout,
  sparse,
} from './indicator-store.js';
import { keysOfCounter } from './partitions.js';

/** Counter key (partition-less) → counts, for the dossiers of the given competent agencies. */
export async function recountFromStream(
  nc: NatsConnection,
  agencies: ReadonlySet<string>,
  feedbackUnits: ReadonlySet<string> = new Set(),
): Promise<Map<string, Counts>> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(eventStreamName)).state.last_seq;
  const dossiers = new Map<string, { seq: number; facts: DossierFacts }>();
  const feedback = new Map<string, { seq: number; facts: FeedbackFacts }>();
  if (last > 0) {
    const consumer = await jetstream(nc).consumers.get(eventStreamName, {
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await consumer.consume({ max_messages: 2_000 });
    for await (const message of messages) {
      if (message.subject.startsWith('tthc.dossier.')) {
        const parsed = dossierEventSchema.safeParse(safeJson(message.string()));
        if (parsed.success) {
          const { dossierCode, seq, facts } = parsed.data;
          const known = dossiers.get(dossierCode);
          if (!known || known.seq < seq) dossiers.set(dossierCode, { seq, facts });
        }
      } else {
        const parsed = feedbackEventSchema.safeParse(safeJson(message.string()));
        if (parsed.success) {
          const { feedbackId, seq, facts } = parsed.data;
          const known = feedback.get(feedbackId);
          if (!known || known.seq < seq) feedback.set(feedbackId, { seq, facts });
        }
      }
      if (message.seq >= last) break;
    }
    messages.stop();
  }
  const totals = new Map<string, Counts>();
  const add = (key: string, counts: Counts) => {
    const nonZero = sparse(counts);
    if (Object.keys(nonZero).length > 0) totals.set(key, sparse(addCounts(totals.get(key) ?? {}, nonZero)));
  };
  for (const { facts } of dossiers.values()) {
    if (!agencies.has(facts.competentAgency)) continue;
    for (const period of affectedPeriods(facts))
      add(counterKey(facts.competentAgency, period), dossierCounts(facts, period));
  }
  for (const { facts } of feedback.values()) {
    if (!feedbackUnits.has(facts.handlingUnit)) continue;
    for (const period of affectedFeedbackPeriods(facts))
      add(feedbackCounterKey(facts.handlingUnit, period), feedbackContribution(facts, period));
  }
  for (const [key, counts] of totals) if (Object.keys(counts).length === 0) totals.delete(key);
  return totals;
}

/**
 * What a bucket holds for the counter keys under the given key prefixes (e.g. `c.999_99_01_Z99.`),
 * each summed over the bucket's partitions, zero fields and all-zero keys left out.
 */
export async function bucketCounters(
  nc: NatsConnection,
  bucket: string,
  prefixes: readonly string[],
): Promise<Map<string, Counts>> {
  const kv = await new Kvm(nc).open(bucket);
  const partitions = (await readLayout(kv))?.partitions ?? 1;
  const plain = new Set<string>();
  for (const prefix of prefixes) {
    for await (const key of await kv.keys(`${prefix}>`)) {
      plain.add(partitions > 1 ? key.slice(0, key.lastIndexOf('.')) : key);
    }
  }
  const totals = new Map<string, Counts>();
  for (const key of plain) {
    let sum: Counts = {};
    for (const part of keysOfCounter(key, partitions)) {
      const record = await readJson<CounterRecord>(kv, part);
      if (record) sum = addCounts(sum, record.value.counters);
    }
    const nonZero = sparse(sum);
    if (Object.keys(nonZero).length > 0) totals.set(key, nonZero);
  }
  return totals;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Both maps as sorted plain objects, for a readable `toEqual` diff. */
export function asSortedObject(map: ReadonlyMap<string, Counts>): Record<string, Counts> {
  return Object.fromEntries(
    [...map]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, counts]) => [key, Object.fromEntries(Object.entries(counts).sort())]),
  );
}
