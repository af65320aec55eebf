/** The JetStream stream for domain events, created idempotently at start-up. */
import {
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  StorageType,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { streamReplicas } from '../config/configuration.js';
import { duplicateWindowMs } from './dossier-event-schema.js';
import {
  deadLettersFilter,
  dossierEventsFilter,
  feedbackEventsFilter,
  notificationsFilter,
} from './subjects.js';

export const eventStreamName = 'TTHC_EVENTS';
export const notificationStreamName = 'TTHC_NOTIFICATIONS';
export const deadLetterStreamName = 'TTHC_DEAD_LETTERS';

/**
 * The domain-event stream. In production use 3 replicas on a 3-node cluster (`replicas: 3`), or
 * a single node with `jetstream { sync_interval: always }`: by default nats-server fsyncs every
 * 2 minutes and can lose acknowledged events on power loss (docs/indicators.md).
 */
/**
 * An append-only stream of records the law wants kept (access log, security log, payments): nothing
 * may delete or purge it and no limit ages entries out. The limits are written out so that one added
 * to the stream later (an update the server allows) is a drift that stops the process at start
 * (ensureStream). Replicas as the event stream (TTHC_STREAM_REPLICAS).
 */
export function appendOnlyStreamConfig(
  name: string,
  subjects: string[],
  replicas = streamReplicas(),
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name,
    subjects,
    storage: StorageType.File,
    num_replicas: replicas,
    deny_delete: true,
    deny_purge: true,
    allow_rollup_hdrs: false,
    max_age: 0,
    max_msgs: -1,
    max_bytes: -1,
    max_msgs_per_subject: -1,
  };
}

export function eventStreamConfig(
  replicas = streamReplicas(),
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: eventStreamName,
    subjects: [dossierEventsFilter, feedbackEventsFilter],
    storage: StorageType.File,
    num_replicas: replicas,
    duplicate_window: nanos(duplicateWindowMs),
  };
}

export function notificationStreamConfig(): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: notificationStreamName,
    subjects: [notificationsFilter],
    storage: StorageType.File,
    duplicate_window: nanos(duplicateWindowMs),
  };
}

/** What the consumers gave up on (`tthc.dead.<consumer>…`): the aggregator's, the portal sync's. */
export function deadLetterStreamConfig(): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return {
    name: deadLetterStreamName,
    subjects: [deadLettersFilter],
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  };
}

const streamNameInUse = 10058;

/** Creates the stream if missing; a stream with another configuration is an error, never overwritten. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: ReturnType<typeof eventStreamConfig>,
): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === streamNameInUse) {
      const existing = await jsm.streams.info(config.name);
      const drift = describeDrift(existing.config as unknown as Record<string, unknown>, config);
      if (drift.length === 0) return;
      throw new Error(`Stream ${config.name} exists with a different configuration: ${drift.join('; ')}`);
    }
    throw error;
  }
}

function describeDrift(existing: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  return Object.entries(wanted)
    .filter(([key, value]) => JSON.stringify(existing[key]) !== JSON.stringify(value))
    .map(([key, value]) => `${key} is ${JSON.stringify(existing[key])}, expected ${JSON.stringify(value)}`);
}

/**
 * What a stream holds now, oldest first, read through a consumer of its own (deleted after): each
 * message on `filterSubjects` (or on the whole stream) goes to `each`. The access log, the security
 * log and the payments are read this way. `read` is below `total` when the server stopped answering
 * half-way.
 */
export async function readStreamToEnd(
  js: JetStreamClient,
  stream: string,
  filterSubjects: string[] | undefined,
  each: (message: JsMsg) => void,
): Promise<{ read: number; total: number }> {
  const consumer = await js.consumers.get(stream, {
    deliver_policy: DeliverPolicy.All,
    ...(filterSubjects ? { filter_subjects: filterSubjects } : {}),
  });
  try {
    const { num_pending: total } = await consumer.info(true);
    let read = 0;
    while (read < total) {
      const batch = await consumer.fetch({ max_messages: Math.min(500, total - read), expires: 5_000 });
      const before = read;
      for await (const message of batch) {
        read += 1;
        each(message);
      }
      if (read === before) break;
    }
    return { read, total };
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}
