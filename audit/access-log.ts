/**
 * The personal-data access log (Law 91/2025/QH15, Decree 356/2025): every read of a dossier's
 * personal data by an official is an entry on the JetStream stream `TTHC_ACCESS_LOG`, subject
 * `tthc.access.<dossier code>` (events/subjects.ts). The stream is append-only: it denies message
 * deletes and purges (`deny_delete`, `deny_purge`, which the server never lets a stream update
 * turn off), has no limits that would age entries out, and refuses rollup headers. Deleting the
 * whole stream or updating its limits is left to NATS permissions (docs/operations.md).
 *
 *   const log = await AccessLog.open(nc);
 *   await log.record({ official, dossierCode, route: 'form', detail: 'receipt' });
 *   await log.listForDossier(code);      // every entry of the dossier, in the order recorded
 *   await log.unitsThatAccessed(code);   // what the citizen is told: units and when, no names
 *
 * An entry's id is its JetStream message id, so a retried publish is stored once (within the
 * stream's duplicate window).
 */
import { randomUUID } from 'node:crypto';
import {
  type JetStreamClient,
  type JsMsg,
  jetstream,
  jetstreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { formatZodError } from '../domain/validation.js';
import { appendOnlyStreamConfig, ensureStream, readStreamToEnd } from '../events/stream.js';
import { accessLogFilter, accessLogSubject } from '../events/subjects.js';
import {
  type AccessEntry,
  type AccessRecord,
  type AccessRecordInput,
  accessEntrySchema,
  accessRecordSchema,
  summariseUnits,
  type UnitAccess,
} from './access-entry.js';

export const accessLogStreamName = 'TTHC_ACCESS_LOG';

/** The append-only stream of the access log; replicas as the event stream (TTHC_STREAM_REPLICAS). */
export function accessLogStreamConfig(
  replicas?: number,
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return appendOnlyStreamConfig(accessLogStreamName, [accessLogFilter], replicas);
}

/** The log could not be written or read: NATS or the stream did not answer. */
export class AccessLogUnavailableError extends Error {
  override name = 'AccessLogUnavailableError';
}

/** An entry read back does not match the schema or its subject: a bug or tampering, never ignored. */
export class AccessLogCorruptError extends Error {
  override name = 'AccessLogCorruptError';
}

export interface AccessLogOptions {
  /** Replicas of the stream when it is created (default TTHC_STREAM_REPLICAS). */
  replicas?: number;
  /** Clock of the entries' `at` (default Date.now). */
  clock?: () => number;
  /** Milliseconds to wait for the stream's acknowledgement of an entry (default 5000). */
  publishTimeoutMs?: number;
}

export class AccessLog {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly clock: () => number,
    private readonly publishTimeoutMs: number,
  ) {}

  /** Creates the stream if it is missing (a stream with another configuration is an error), then the log. */
  static async open(nc: NatsConnection, options: AccessLogOptions = {}): Promise<AccessLog> {
    await ensureStream(await jetstreamManager(nc), accessLogStreamConfig(options.replicas));
    return new AccessLog(jetstream(nc), options.clock ?? Date.now, options.publishTimeoutMs ?? 5_000);
  }

  /** Records one read; resolves once the stream has stored it. Throws AccessLogUnavailableError if it could not. */
  async record(input: AccessRecordInput): Promise<AccessRecord> {
    const entry = accessRecordSchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      at: input.at ?? new Date(this.clock()).toISOString(),
    });
    try {
      await this.js.publish(accessLogSubject(entry.dossierCode), JSON.stringify(entry), {
        msgID: entry.id,
        expect: { streamName: accessLogStreamName },
        timeout: this.publishTimeoutMs,
      });
    } catch (error) {
      throw unavailable('record an access', error);
    }
    return entry;
  }

  /** Every entry of one dossier, in the order recorded. */
  async listForDossier(dossierCode: string): Promise<AccessEntry[]> {
    const entries: AccessEntry[] = [];
    const { read, total } = await readStreamToEnd(
      this.js,
      accessLogStreamName,
      [accessLogSubject(dossierCode)],
      (message) => entries.push(entryOf(message, dossierCode)),
    ).catch((error: unknown) => {
      if (error instanceof AccessLogCorruptError) throw error;
      throw unavailable('read the access log', error);
    });
    if (read < total) {
      throw new AccessLogUnavailableError(
        `the access log of ${dossierCode} stopped answering after ${read} of ${total} entries`,
      );
    }
    return entries;
  }

  /** The units whose officials read the dossier's data, first read first: what the citizen is told. */
  async unitsThatAccessed(dossierCode: string): Promise<UnitAccess[]> {
    return summariseUnits(await this.listForDossier(dossierCode));
  }
}

function entryOf(message: JsMsg, dossierCode: string): AccessEntry {
  let value: unknown;
  try {
    value = message.json();
  } catch {
    throw new AccessLogCorruptError(`access log entry ${message.seq} is not JSON`);
  }
  const parsed = accessEntrySchema.safeParse(value);
  if (!parsed.success) {
    throw new AccessLogCorruptError(
      `access log entry ${message.seq} is not a valid entry: ${formatZodError(parsed.error).join('; ')}`,
    );
  }
  if (parsed.data.dossierCode !== dossierCode) {
    throw new AccessLogCorruptError(
      `access log entry ${message.seq} on the subject of ${dossierCode} names dossier ${parsed.data.dossierCode}`,
    );
  }
  return parsed.data;
}

function unavailable(what: string, error: unknown): AccessLogUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AccessLogUnavailableError(`could not ${what}: ${reason}`, { cause: error });
}
