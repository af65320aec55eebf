/**
 * All-or-nothing writes of many keys of one NATS KV bucket: a JetStream atomic batch publish
 * (ADR-50, nats-server ≥ 2.12, `allow_atomic` on the bucket's stream). The server stages the
 * messages and stores them together when the last one (the commit) arrives, or none of them if a
 * consistency check fails, the commit never comes (a crash: the server drops the batch after
 * 10 s) or the batch breaks a limit. A write may carry a compare-and-set on its key's revision
 * (`Nats-Expected-Last-Subject-Sequence`, checked at commit): that is how an aggregator fences a
 * partition it no longer owns. A batch holds at most 1 000 messages; the messages of a committed
 * batch get consecutive stream sequences, so each key's new revision is known from the ack.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { headers, type NatsConnection, nuid } from '@nats-io/transport-node';

export const maxBatchMessages = 1_000;

/** JetStream's "wrong last sequence": a compare-and-set in the batch failed. */
export const wrongLastSequence = 10071;

export interface KvWrite {
  key: string;
  value: string;
  /** Compare-and-set: the key's current revision (0: the key must not exist). */
  expectRevision?: number;
}

export class AtomicBatchError extends Error {
  override name = 'AtomicBatchError';
  constructor(
    message: string,
    /** JetStream's err_code, e.g. 10071 when a compare-and-set failed. */
    readonly code?: number,
  ) {
    super(message);
  }
}

export function kvStreamName(bucket: string): string {
  return `KV_${bucket}`;
}

/** Turns on atomic batch publish for a KV bucket's stream (idempotent; needs nats-server ≥ 2.12). */
export async function enableAtomicBatches(nc: NatsConnection, bucket: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(kvStreamName(bucket));
  if (info.config.allow_atomic) return;
  try {
    await jsm.streams.update(kvStreamName(bucket), { ...info.config, allow_atomic: true });
  } catch (error) {
    throw new Error(
      `Cannot enable atomic batch publish on ${kvStreamName(bucket)} (nats-server 2.12 or later is needed): ${(error as Error).message}`,
    );
  }
}

/**
 * Writes every key or none. Resolves with the revision of each write (in order); rejects with an
 * AtomicBatchError when the server refused the batch (nothing was written), or with the
 * connection's error when the commit's answer did not come (then it may or may not have been
 * written: read the keys to know).
 */
export async function commitAtomically(
  nc: NatsConnection,
  bucket: string,
  writes: readonly KvWrite[],
  timeoutMs = 10_000,
): Promise<number[]> {
  if (writes.length === 0) return [];
  if (writes.length > maxBatchMessages)
    throw new RangeError(`An atomic batch holds at most ${maxBatchMessages} messages, not ${writes.length}`);
  const id = nuid.next();
  const last = writes.length - 1;
  for (let i = 0; i < last; i++) {
    const write = writes[i] as KvWrite;
    nc.publish(`$KV.${bucket}.${write.key}`, write.value, { headers: batchHeaders(id, i, write) });
  }
  const commit = writes[last] as KvWrite;
  const h = batchHeaders(id, last, commit);
  h.set('Nats-Batch-Commit', '1');
  const reply = await nc.request(`$KV.${bucket}.${commit.key}`, commit.value, {
    headers: h,
    timeout: timeoutMs,
  });
  const ack = reply.json<{
    seq?: number;
    count?: number;
    error?: { err_code?: number; description?: string };
  }>();
  if (ack.error)
    throw new AtomicBatchError(
      `atomic batch of ${writes.length} keys to ${bucket} refused: ${ack.error.description ?? 'unknown error'}`,
      ack.error.err_code,
    );
  if (ack.seq === undefined || ack.count !== writes.length)
    throw new AtomicBatchError(
      `atomic batch of ${writes.length} keys to ${bucket}: the server stored ${ack.count ?? 'an unknown number of'} messages`,
    );
  const first = ack.seq - writes.length + 1;
  return writes.map((_, i) => first + i);
}

function batchHeaders(id: string, index: number, write: KvWrite) {
  const h = headers();
  h.set('Nats-Batch-Id', id);
  h.set('Nats-Batch-Sequence', String(index + 1));
  if (write.expectRevision !== undefined)
    h.set('Nats-Expected-Last-Subject-Sequence', String(write.expectRevision));
  return h;
}
