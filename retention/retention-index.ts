/**
 * The retention index: for every dossier that has ended, the day its personal data falls due for
 * erasure (domain/retention.ts), in the NATS KV bucket `tthc_retention`:
 *
 *   d.<code token>                       the dossier's record: procedure, ended day, due day, and
 *                                        once erased, when (no personal data: codes and dates)
 *   due.<YYYY>.<MM>.<DD>.<code token>    one entry per dossier still to erase, under the day it
 *                                        waits for (its due day, or a later one if it was open)
 *
 * The sweep lists only the entries due on or before a day, with one subject filter per past year,
 * past month of the year and day of the month (`dueFilters`), never the whole bucket. Recording is
 * idempotent: the first ended event of a dossier decides, a redelivered or later one changes nothing.
 */
import { type JetStreamManager, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { type CivilDate, parseCivilDate } from '../domain/time.js';
import { civilDateSchema, instantSchema } from '../domain/validation.js';
import { subjectToken, unitCodeOfToken } from '../events/subjects.js';
import { isKvConflict } from '../infra/kv-conflicts.js';

export const DEFAULT_RETENTION_BUCKET = 'tthc_retention';

/** No dossier can fall due before this year: dossier codes count from 2000 (YYMMDD). */
export const FIRST_DUE_YEAR = 2000;

export const retentionRecordSchema = z.strictObject({
  dossierCode: dossierCodeSchema,
  procedureCode: z.string().min(1),
  endedOn: civilDateSchema,
  retentionMonths: z.number().int().positive(),
  dueOn: civilDateSchema,
  /** The day its due entry waits under: `dueOn`, or a later day if the dossier was still open then. */
  scheduledOn: civilDateSchema,
  recordedAt: instantSchema,
  erasedAt: instantSchema.optional(),
});
export type RetentionRecord = z.output<typeof retentionRecordSchema>;

/** A dossier waiting under a day. */
export interface DueEntry {
  key: string;
  dossierCode: string;
  scheduledOn: CivilDate;
}

export function recordKey(dossierCode: string): string {
  return `d.${subjectToken(dossierCode)}`;
}

/** `due.<YYYY>.<MM>.<DD>.<code token>`. */
export function dueKey(day: CivilDate, dossierCode: string): string {
  parseCivilDate(day);
  return `due.${day.replaceAll('-', '.')}.${subjectToken(dossierCode)}`;
}

/** The day and dossier of a due key; undefined for any other key. */
export function parseDueKey(key: string): { scheduledOn: CivilDate; dossierCode: string } | undefined {
  const match = /^due\.(\d{4})\.(\d{2})\.(\d{2})\.([^.]+)$/.exec(key);
  if (!match) return undefined;
  return {
    scheduledOn: `${match[1]}-${match[2]}-${match[3]}`,
    dossierCode: unitCodeOfToken(match[4] as string),
  };
}

/**
 * Subject filters that together match exactly the due keys of days on or before `today`: every
 * year before this one, every month of this year before this one, every day of this month up to
 * today. None overlap (JetStream refuses overlapping filters).
 */
export function dueFilters(today: CivilDate, firstYear = FIRST_DUE_YEAR): string[] {
  const { year, month, day } = parseCivilDate(today);
  const two = (n: number) => String(n).padStart(2, '0');
  const filters: string[] = [];
  for (let y = firstYear; y < year; y++) filters.push(`due.${y}.>`);
  for (let m = 1; m < month; m++) filters.push(`due.${year}.${two(m)}.>`);
  for (let d = 1; d <= day; d++) filters.push(`due.${year}.${two(month)}.${two(d)}.*`);
  return filters;
}

export interface EndedDossier {
  dossierCode: string;
  procedureCode: string;
  endedOn: CivilDate;
  retentionMonths: number;
  dueOn: CivilDate;
}

export class RetentionIndex {
  private constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly bucket: string,
  ) {}

  static async open(
    nc: NatsConnection,
    options: { bucket?: string; replicas?: number } = {},
  ): Promise<RetentionIndex> {
    const bucket = options.bucket ?? DEFAULT_RETENTION_BUCKET;
    const kv = await new Kvm(nc).create(bucket, {
      history: 1,
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
    });
    return new RetentionIndex(kv, await jetstreamManager(nc), bucket);
  }

  /**
   * Records that a dossier ended and when it falls due; 'known' when it was recorded before. The
   * due entry is written before the record, so a crash in between is completed by the redelivery.
   */
  async recordEnded(dossier: EndedDossier, at: string): Promise<'recorded' | 'known'> {
    if (await this.record(dossier.dossierCode)) return 'known';
    const record = retentionRecordSchema.parse({ ...dossier, scheduledOn: dossier.dueOn, recordedAt: at });
    await this.kv.put(
      dueKey(record.dueOn, record.dossierCode),
      JSON.stringify({ dossierCode: record.dossierCode }),
    );
    try {
      await this.kv.create(recordKey(record.dossierCode), JSON.stringify(record));
      return 'recorded';
    } catch (error) {
      if (isKvConflict(error)) return 'known';
      throw error;
    }
  }

  async record(dossierCode: string): Promise<RetentionRecord | undefined> {
    const entry = await this.kv.get(recordKey(dossierCode));
    if (entry?.operation !== 'PUT') return undefined;
    return retentionRecordSchema.parse(entry.json());
  }

  /** Every dossier waiting under a day on or before `today`. */
  async dueOnOrBefore(today: CivilDate): Promise<DueEntry[]> {
    const entries: DueEntry[] = [];
    for await (const key of await this.kv.keys(dueFilters(today))) {
      const parsed = parseDueKey(key);
      if (parsed) entries.push({ key, ...parsed });
    }
    return entries.sort((a, b) =>
      a.scheduledOn < b.scheduledOn ? -1 : a.scheduledOn > b.scheduledOn ? 1 : 0,
    );
  }

  /** The dossier's personal data is erased: its record says when, its due entry goes. */
  async markErased(entry: DueEntry, at: string): Promise<void> {
    const record = await this.record(entry.dossierCode);
    if (record && !record.erasedAt) {
      await this.kv.put(recordKey(entry.dossierCode), JSON.stringify({ ...record, erasedAt: at }));
    }
    await this.forget(entry.key);
  }

  /** Moves a dossier still open to a later day: the new entry first, then the old one goes. */
  async postpone(entry: DueEntry, to: CivilDate): Promise<void> {
    const { dossierCode } = entry;
    await this.kv.put(dueKey(to, dossierCode), JSON.stringify({ dossierCode }));
    const record = await this.record(dossierCode);
    if (record) await this.kv.put(recordKey(dossierCode), JSON.stringify({ ...record, scheduledOn: to }));
    await this.forget(entry.key);
  }

  /**
   * Removes a due entry from the bucket's stream altogether: a KV delete would leave a marker that
   * every later listing of its day reads again, so the days would fill with the erased.
   */
  private async forget(key: string): Promise<void> {
    await this.jsm.streams.purge(`KV_${this.bucket}`, { filter: `$KV.${this.bucket}.${key}` });
  }
}
