/**
 * Which dossier components an applicant already has digitised, so they are reused instead of
 * requested again (ND 45/2020; DOMAIN.md §4). Kept in NATS KV, one entry per applicant and
 * component kind holding the recent records, updated with compare-and-set.
 *
 * Keys: `a.<applicant key>.<kind>` (the records), `d.<dossier code>` (which entries a dossier's
 * records are in, to remove them when the dossier is erased).
 *
 * Applicants are identified by applicantKeyFor(), an HMAC under the keyring's pseudonym secret,
 * never by their ID number or tax code (a plain hash of a 12-digit number is reversed by trying
 * them all; an HMAC is not, without the secret). Entries keyed by the plain hash of earlier
 * versions move to the HMAC key the first time the applicant comes back.
 */
import { createHash, createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { PERSONAL_ID, TAX_CODE } from '../domain/application.js';
import { type CivilDate, parseCivilDate, parseInstant, toCivilDate } from '../domain/time.js';
import {
  civilDateSchema,
  instantSchema,
  KEBAB_ID,
  kebabIdSchema,
  parseOrThrow,
} from '../domain/validation.js';
import { isKvConflict } from './kv-conflicts.js';

export const DEFAULT_DIGITIZED_BUCKET = 'tthc_digitized';
/** Records kept per applicant and kind; the oldest beyond this are dropped. */
const MAX_RECORDS = 20;
const MAX_ATTEMPTS = 50;

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

export const digitizedRecordSchema = z.strictObject({
  applicantKey: sha256Schema,
  kind: kebabIdSchema,
  /** Document store reference, e.g. 'sha256:<hex>'. */
  ref: z.string().min(1, 'must not be empty'),
  sha256: sha256Schema,
  dossierCode: z.string().min(1, 'must not be empty'),
  digitizedAt: instantSchema,
  /** Last day the document is valid, inclusive; absent = no expiry. */
  validUntil: civilDateSchema.optional(),
});

export type DigitizedRecord = z.infer<typeof digitizedRecordSchema>;

export type ApplicantIdentity =
  | { type: 'citizen'; idNumber: string }
  | { type: 'organisation'; taxCode: string };

/** HMAC-SHA256 hex, under the pseudonym secret, of `${type}:${digits}`; a tax code is taken without its '-'. */
export function applicantKeyFor(applicant: ApplicantIdentity, pseudonymSecret: Uint8Array): string {
  return createHmac('sha256', pseudonymSecret).update(identityText(applicant), 'utf8').digest('hex');
}

/** The plain SHA-256 key of earlier versions, only to find and move their entries. */
export function legacyApplicantKeyFor(applicant: ApplicantIdentity): string {
  return createHash('sha256').update(identityText(applicant), 'utf8').digest('hex');
}

function identityText(applicant: ApplicantIdentity): string {
  const id = applicant.type === 'citizen' ? applicant.idNumber : applicant.taxCode;
  const pattern = applicant.type === 'citizen' ? PERSONAL_ID : TAX_CODE;
  if (!pattern.test(id)) throw new RangeError(`the ${applicant.type}'s identifier is malformed`);
  return `${applicant.type}:${id.replaceAll('-', '')}`;
}

export class DigitizedRegistry {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection, options: { bucket?: string } = {}): Promise<DigitizedRegistry> {
    const bucket = options.bucket ?? DEFAULT_DIGITIZED_BUCKET;
    const kv = await new Kvm(nc).create(bucket, { history: 1, storage: StorageType.File });
    return new DigitizedRegistry(kv);
  }

  /**
   * Adds a record; recording the same ref again replaces the earlier record (safe to retry). The
   * entry is first noted in the dossier's index, so that erasing the dossier finds its records
   * without the applicant (whose view Temporal may have forgotten by then).
   */
  async record(input: DigitizedRecord): Promise<void> {
    await this.recordAll([input]);
  }

  /**
   * Adds the records of one dossier, as record() each, with one write of the dossier's index for
   * them all (a dossier's scans are digitized together).
   */
  async recordAll(inputs: readonly DigitizedRecord[]): Promise<void> {
    const records = inputs.map((input) => parseOrThrow(digitizedRecordSchema, input, 'digitized record'));
    const dossierCodes = new Set(records.map((record) => record.dossierCode));
    if (dossierCodes.size > 1) throw new RangeError('recordAll takes the records of one dossier');
    const [dossierCode] = dossierCodes;
    if (dossierCode === undefined) return;
    const keys = records.map((record) => entryKey(record.applicantKey, record.kind));
    await this.withRetries(`indexing ${dossierCode}'s digitized components`, () =>
      this.addToDossierIndex(dossierCode, keys),
    );
    for (const [i, record] of records.entries()) {
      await this.withRetries(`recording a digitized ${record.kind}`, () =>
        this.addRecord(keys[i] as string, record),
      );
    }
  }

  /**
   * The most recently digitised record of this kind that is valid on `onDate`: digitised on or
   * before that day and not expired. Null if there is none.
   */
  async findReusable(
    applicantKey: string,
    kind: string,
    onDate: CivilDate,
    options: { legacyKey?: string } = {},
  ): Promise<DigitizedRecord | null> {
    parseCivilDate(onDate);
    let records = (await this.read(entryKey(applicantKey, kind))).records;
    if (records.length === 0 && options.legacyKey)
      records = await this.moveLegacy(options.legacyKey, applicantKey, kind);
    const usable = records.filter(
      (r) => digitizedDate(r) <= onDate && (r.validUntil === undefined || r.validUntil >= onDate),
    );
    return usable.sort(newestFirst)[0] ?? null;
  }

  /**
   * Removes the records a dossier made (its personal data is being erased: retention/); the
   * applicant's records from other dossiers stay. The dossier's index finds them; with the
   * applicant's keys, so do the records made before that index existed. Returns how many were
   * removed; removing again finds none.
   */
  async removeDossier(
    dossierCode: string,
    applicant: { applicantKey?: string; legacyKey?: string } = {},
  ): Promise<number> {
    const applicantKeys = [applicant.applicantKey, applicant.legacyKey].filter(
      (key): key is string => key !== undefined,
    );
    const entries = new Set(await this.dossierIndex(dossierCode));
    for (const key of applicantKeys) for (const entry of await this.entriesOf(key)) entries.add(entry);
    let removed = 0;
    for (const entry of entries) {
      removed += await this.withRetries(`removing ${dossierCode}'s records`, () =>
        this.dropRecordsOf(entry, dossierCode),
      );
    }
    const index = dossierIndexKey(dossierCode);
    if (index) await this.kv.purge(index);
    return removed;
  }

  /** The entry keys a dossier's records were written to. */
  private async dossierIndex(dossierCode: string): Promise<string[]> {
    const key = dossierIndexKey(dossierCode);
    return key ? (await this.readIndex(key)).entries : [];
  }

  private async addToDossierIndex(dossierCode: string, added: readonly string[]): Promise<void> {
    const key = dossierIndexKey(dossierCode);
    if (!key) return;
    // A dossier's scans are digitized together, so its index is usually new: created without a read.
    try {
      await this.kv.create(key, JSON.stringify({ entries: [...new Set(added)] }));
      return;
    } catch (error) {
      if (!isKvConflict(error)) throw error;
    }
    const { entries, revision } = await this.readIndex(key);
    const missing = [...new Set(added)].filter((entry) => !entries.includes(entry));
    if (missing.length === 0) return;
    const value = JSON.stringify({ entries: [...entries, ...missing] });
    if (revision === null) await this.kv.create(key, value);
    else await this.kv.update(key, value, revision);
  }

  private async readIndex(key: string): Promise<{ entries: string[]; revision: number | null }> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') return { entries: [], revision: null };
    return { entries: dossierIndexSchema.parse(entry.json()).entries, revision: entry.revision };
  }

  /** The entry keys of every kind the applicant has records of. */
  private async entriesOf(applicantKey: string): Promise<string[]> {
    checkApplicantKey(applicantKey);
    const keys: string[] = [];
    for await (const key of await this.kv.keys(`a.${applicantKey}.*`)) keys.push(key);
    return keys;
  }

  private async dropRecordsOf(key: string, dossierCode: string): Promise<number> {
    const { records, revision } = await this.read(key);
    const kept = records.filter((record) => record.dossierCode !== dossierCode);
    if (revision === null || kept.length === records.length) return 0;
    if (kept.length === 0) await this.kv.delete(key, { previousSeq: revision });
    else await this.kv.update(key, JSON.stringify({ records: kept }), revision);
    return records.length - kept.length;
  }

  /** Runs a compare-and-set change again while another writer got in first. */
  private async withRetries<T>(what: string, change: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await change();
      } catch (error) {
        if (!isKvConflict(error)) throw error;
        if (attempt >= MAX_ATTEMPTS)
          throw new Error(`${what}: still conflicting after ${MAX_ATTEMPTS} attempts`);
        await sleep(Math.random() * Math.min(2 * attempt, 50));
      }
    }
  }

  /** The records kept under an applicant's plain-hash key, moved to the HMAC key (the old entry purged). */
  private async moveLegacy(
    legacyKey: string,
    applicantKey: string,
    kind: string,
  ): Promise<DigitizedRecord[]> {
    const key = entryKey(legacyKey, kind);
    const { records } = await this.read(key);
    if (records.length === 0) return [];
    const moved = records.map((record) => ({ ...record, applicantKey }));
    for (const record of moved) await this.record(record);
    await this.kv.purge(key);
    return moved;
  }

  private async addRecord(key: string, record: DigitizedRecord): Promise<void> {
    const { records, revision } = await this.read(key);
    const since = digitizedDate(record);
    const kept = records.filter(
      (r) => r.ref !== record.ref && (r.validUntil === undefined || r.validUntil >= since),
    );
    const value = JSON.stringify({ records: [record, ...kept].sort(newestFirst).slice(0, MAX_RECORDS) });
    if (revision === null) await this.kv.create(key, value);
    else await this.kv.update(key, value, revision);
  }

  private async read(key: string): Promise<{ records: DigitizedRecord[]; revision: number | null }> {
    const entry = await this.kv.get(key);
    if (entry?.operation !== 'PUT') return { records: [], revision: null };
    return { records: (entry.json() as { records: DigitizedRecord[] }).records, revision: entry.revision };
  }
}

function entryKey(applicantKey: string, kind: string): string {
  checkApplicantKey(applicantKey);
  if (!KEBAB_ID.test(kind)) throw new RangeError(`component kind "${kind}" must be a kebab-case id`);
  return `a.${applicantKey}.${kind}`;
}

const dossierIndexSchema = z.strictObject({ entries: z.array(z.string()) });

/** `d.<dossier code, dots as _>`: the entries of the dossier's records; undefined for a code KV keys cannot hold. */
function dossierIndexKey(dossierCode: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(dossierCode)
    ? `d.${dossierCode.replaceAll('.', '_')}`
    : undefined;
}

function checkApplicantKey(applicantKey: string): void {
  if (!/^[0-9a-f]{64}$/.test(applicantKey)) {
    throw new RangeError(
      'applicantKey must be the hex HMAC-SHA256 from applicantKeyFor(), not a raw identifier',
    );
  }
}

function digitizedDate(record: DigitizedRecord): CivilDate {
  return toCivilDate(parseInstant(record.digitizedAt));
}

function newestFirst(a: DigitizedRecord, b: DigitizedRecord): number {
  return parseInstant(b.digitizedAt) - parseInstant(a.digitizedAt);
}
