/**
 * Calendar amendments published at run time (`tthc calendar amend`), in a NATS KV bucket: one entry
 * per amendment id, written once. Those known when the data was written are in the calendar files
 * (data/calendars/*.json `amendments`); these come on top.
 *
 * Why KV: it is durable, every process already talks to NATS, and a watch pushes a new amendment to
 * every worker at once, so a dossier received a second later gets the amended calendar without a
 * restart. The workers keep the amendments in memory (`CalendarAmendmentWatch`); reading the rules
 * of a dossier costs no round trip.
 */
import { JetStreamApiCodes, JetStreamApiError, StorageType } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm, KvWatchInclude } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import {
  type CalendarAmendment,
  calendarAmendmentSchema,
  parseCalendarAmendment,
} from '../domain/calendar-amendment.js';
import type { AmendmentSource } from '../rules/calendar-loader.js';

export const DEFAULT_CALENDAR_AMENDMENT_BUCKET = 'tthc_calendar_amendments';

function openBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  return new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
}

/** Canonical JSON of an amendment, so that publishing the same one twice is recognised. */
function serialise(amendment: CalendarAmendment): string {
  return JSON.stringify(parseCalendarAmendment(amendment));
}

export class CalendarAmendmentConflictError extends Error {
  override name = 'CalendarAmendmentConflictError';
}

export class CalendarAmendmentStore {
  private constructor(private readonly kv: KV) {}

  static async open(
    nc: NatsConnection,
    bucket = DEFAULT_CALENDAR_AMENDMENT_BUCKET,
  ): Promise<CalendarAmendmentStore> {
    return new CalendarAmendmentStore(await openBucket(nc, bucket));
  }

  /**
   * Publishes an amendment. Publishing the same amendment again is harmless ('already-published');
   * another amendment under a published id is refused: a published decision is never rewritten.
   */
  async publish(amendment: CalendarAmendment): Promise<'published' | 'already-published'> {
    const value = serialise(amendment);
    try {
      await this.kv.create(amendment.id, value);
      return 'published';
    } catch (error) {
      if (!isWrongLastSequence(error)) throw error;
    }
    const existing = await this.get(amendment.id);
    if (existing && serialise(existing) === value) return 'already-published';
    throw new CalendarAmendmentConflictError(
      `amendment "${amendment.id}" is already published with other content; give the new decision its own id`,
    );
  }

  async get(id: string): Promise<CalendarAmendment | undefined> {
    const entry = await this.kv.get(id);
    return entry && entry.operation === 'PUT' ? parseEntry(entry) : undefined;
  }

  /** Every published amendment, in publication order. */
  async list(): Promise<CalendarAmendment[]> {
    const found: CalendarAmendment[] = [];
    for await (const key of await this.kv.keys()) {
      const amendment = await this.get(key);
      if (amendment) found.push(amendment);
    }
    return found.sort((a, b) => (a.publishedOn + a.id < b.publishedOn + b.id ? -1 : 1));
  }
}

function parseEntry(entry: KvEntry): CalendarAmendment {
  return parseCalendarAmendment(entry.json(), `calendar amendment ${entry.key} in NATS KV`);
}

function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;
}

/** The published amendments in memory, kept current by a KV watch. */
export class CalendarAmendmentWatch implements AmendmentSource {
  private readonly byId = new Map<string, CalendarAmendment>();
  private changes = 0;
  private list: CalendarAmendment[] = [];

  private constructor(private readonly stopWatching: () => void) {}

  /** Loads what is published, then follows new amendments; resolves once the current ones are in. */
  static async start(
    nc: NatsConnection,
    logger: Logger,
    bucket = DEFAULT_CALENDAR_AMENDMENT_BUCKET,
  ): Promise<CalendarAmendmentWatch> {
    const kv = await openBucket(nc, bucket);
    // Watch first, then read: an amendment published in between arrives by either path.
    const updates = await kv.watch({ include: KvWatchInclude.UpdatesOnly });
    const watch = new CalendarAmendmentWatch(() => updates.stop());
    for await (const key of await kv.keys()) {
      const entry = await kv.get(key);
      if (entry) watch.take(entry, logger);
    }
    void (async () => {
      for await (const entry of updates) watch.take(entry, logger);
    })().catch((error: unknown) => logger.error({ err: error, bucket }, 'calendar amendment watch ended'));
    return watch;
  }

  revision(): number {
    return this.changes;
  }

  amendments(): readonly CalendarAmendment[] {
    return this.list;
  }

  stop(): void {
    this.stopWatching();
  }

  private take(entry: KvEntry, logger: Logger): void {
    if (entry.operation !== 'PUT') return; // published decisions are not withdrawn by deleting them
    const parsed = calendarAmendmentSchema.safeParse(safeJson(entry));
    if (!parsed.success) {
      logger.error({ key: entry.key }, 'an invalid calendar amendment in NATS KV was ignored');
      return;
    }
    const known = this.byId.get(entry.key);
    if (known && JSON.stringify(known) === JSON.stringify(parsed.data)) return;
    this.byId.set(entry.key, parsed.data);
    this.list = [...this.byId.values()];
    this.changes++;
    logger.info(
      { amendment: entry.key, jurisdiction: parsed.data.jurisdiction },
      'calendar amendment loaded',
    );
  }
}

function safeJson(entry: KvEntry): unknown {
  try {
    return entry.json();
  } catch {
    return undefined;
  }
}
