/**
 * The store of TTHC publication records: a NATS KV bucket, one key per record,
 *   <organisation>.i.<unit>        an issuer
 *   <organisation>.l.<number>      a legal document
 *   <organisation>.q.<number>      a publication decision (QĐCB)
 *   <organisation>.k.<procedure decision>   a disclosure on CSDLQG
 *   <organisation>.r.<reminder>    a reminder already sent (publication-reminders.ts)
 * (identities base64url-encoded: numbers hold '/', spaces and Vietnamese letters).
 * NATS rather than data files: every process of a running system (API replicas, the CLI on an
 * operator's machine, the reminder check) reaches the same records, an import is seen at the next
 * read without a restart, and KV keeps each record's previous revisions. data/publications/ holds
 * the versioned records an organisation starts from; the local stack adds the missing ones.
 */
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { OrganisationRegistry } from '../domain/organisation.js';
import {
  emptyPublicationRecords,
  type MergeResult,
  mergePublicationRecords,
  type PublicationRecords,
  publicationRecordsSchema,
  RECORD_KINDS,
  type RecordKind,
  recordIdentity,
  referenceIssues,
} from '../domain/publication-records.js';
import { ValidationError } from '../domain/validation.js';
import { isKvConflict } from '../infra/kv-conflicts.js';
import { describeRecordIssues } from '../rules/publication-loader.js';

export const publicationBucket = 'tthc_publications';

const kindLetters: Record<RecordKind, string> = {
  issuers: 'i',
  legalDocuments: 'l',
  decisions: 'q',
  disclosures: 'k',
};
const kindOfLetter = new Map(
  Object.entries(kindLetters).map(([kind, letter]) => [letter, kind as RecordKind]),
);

const encode = (id: string) => Buffer.from(id, 'utf8').toString('base64url');

/** What the read model needs of the store. */
export interface PublicationSource {
  records(): Promise<PublicationRecords>;
}

export interface ImportOptions {
  /** Validate and report without writing. */
  dryRun?: boolean;
  /** Add only the records the store lacks, leaving stored ones as they are (seeding). */
  onlyMissing?: boolean;
  /** Issuers must be units of this registry. */
  registry?: OrganisationRegistry;
  /** Named in errors: the file imported. */
  source?: string;
}

export type ImportReport = Omit<MergeResult, 'records'> & {
  /** Records of the import left as stored (`onlyMissing`). */
  kept: number;
  dryRun: boolean;
};

export class PublicationStore implements PublicationSource {
  private kv?: Promise<KV>;
  private cached?: { sequence: number; records: PublicationRecords };

  constructor(
    private readonly nc: NatsConnection,
    readonly organisation: string,
    readonly bucket = publicationBucket,
  ) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(organisation))
      throw new Error(`"${organisation}" is not an organisation registry name`);
  }

  bucketHandle(): Promise<KV> {
    this.kv ??= new Kvm(this.nc).create(this.bucket, { history: 5, storage: StorageType.File });
    return this.kv;
  }

  key(kind: RecordKind | 'reminders', id: string): string {
    const letter = kind === 'reminders' ? 'r' : kindLetters[kind];
    return `${this.organisation}.${letter}.${encode(id)}`;
  }

  /** The organisation's records; read again only when the bucket has changed since the last read. */
  async records(): Promise<PublicationRecords> {
    const kv = await this.bucketHandle();
    const sequence = (await kv.status()).streamInfo.state.last_seq;
    if (this.cached?.sequence === sequence) return this.cached.records;
    const records = await this.readAll(kv);
    this.cached = { sequence, records };
    return records;
  }

  private async readAll(kv: KV): Promise<PublicationRecords> {
    const found: Record<RecordKind, Array<{ key: string; value: unknown }>> = {
      issuers: [],
      legalDocuments: [],
      decisions: [],
      disclosures: [],
    };
    const keys: string[] = [];
    for await (const key of await kv.keys(`${this.organisation}.>`)) keys.push(key);
    for (const key of keys.sort()) {
      const kind = kindOfLetter.get(key.split('.')[1] ?? '');
      const entry = kind ? await kv.get(key) : null;
      if (kind && entry?.operation === 'PUT') found[kind].push({ key, value: entry.json() });
    }
    const parsed = publicationRecordsSchema.safeParse(
      Object.fromEntries(RECORD_KINDS.map((kind) => [kind, found[kind].map((f) => f.value)])),
    );
    if (!parsed.success)
      throw new Error(
        `The publication store ${this.bucket} holds an invalid record: ${parsed.error.message}`,
      );
    return parsed.data;
  }

  /**
   * Merges imported records into the store: new records are added, a record with a stored one's
   * identity replaces it. Every reference of the import must resolve in the merged records, and no
   * stored disclosure may lose its decision's procedure; otherwise nothing is written.
   */
  async importRecords(incoming: PublicationRecords, options: ImportOptions = {}): Promise<ImportReport> {
    const stored = await this.records();
    const wanted = options.onlyMissing ? missingFrom(stored, incoming) : incoming;
    const merge = mergePublicationRecords(stored, wanted);
    const issues = [
      ...describeRecordIssues(referenceIssues(wanted, merge.records, options.registry)),
      ...orphanedDisclosures(stored, wanted, merge.records),
    ];
    if (issues.length > 0)
      throw new ValidationError(`publication records import ${options.source ?? ''}`.trim(), issues);
    const dryRun = options.dryRun ?? false;
    if (!dryRun) await this.write(wanted, merge);
    const { added, replaced, unchanged } = merge;
    return { added, replaced, unchanged, kept: countRecords(incoming) - countRecords(wanted), dryRun };
  }

  private async write(incoming: PublicationRecords, merge: MergeResult): Promise<void> {
    const kv = await this.bucketHandle();
    const changed = new Set([...merge.added, ...merge.replaced].map((c) => `${c.kind} ${c.id}`));
    for (const kind of RECORD_KINDS) {
      for (const record of incoming[kind]) {
        const id = recordIdentity(kind, record as never);
        if (changed.has(`${kind} ${id}`)) await kv.put(this.key(kind, id), JSON.stringify(record));
      }
    }
  }

  /** Marks a reminder as sent; false if it was already (by this or another process). */
  async claimReminder(id: string, sent: unknown): Promise<boolean> {
    const kv = await this.bucketHandle();
    try {
      await kv.create(this.key('reminders', id), JSON.stringify(sent));
      return true;
    } catch (error) {
      if (isKvConflict(error)) return false;
      throw error;
    }
  }

  async releaseReminder(id: string): Promise<void> {
    const kv = await this.bucketHandle();
    await kv.purge(this.key('reminders', id));
  }
}

const countRecords = (records: PublicationRecords) =>
  RECORD_KINDS.reduce((sum, kind) => sum + records[kind].length, 0);

function missingFrom(stored: PublicationRecords, incoming: PublicationRecords): PublicationRecords {
  const result = { ...emptyPublicationRecords(), version: incoming.version };
  for (const kind of RECORD_KINDS) {
    const known = new Set((stored[kind] as never[]).map((record) => recordIdentity(kind, record)));
    (result[kind] as unknown[]) = (incoming[kind] as never[]).filter(
      (record) => !known.has(recordIdentity(kind, record)),
    );
  }
  return result;
}

/** Stored disclosures (not re-imported) whose decision, as imported, no longer lists their procedure. */
function orphanedDisclosures(
  stored: PublicationRecords,
  incoming: PublicationRecords,
  merged: PublicationRecords,
): string[] {
  const reimported = new Set(incoming.disclosures.map((d) => recordIdentity('disclosures', d)));
  const kept = stored.disclosures.filter((d) => !reimported.has(recordIdentity('disclosures', d)));
  const issues = referenceIssues({ ...emptyPublicationRecords(), disclosures: kept }, merged);
  return issues.map((issue) => {
    const disclosure = kept[issue.path[1] as number];
    return `stored disclosure of ${disclosure?.procedure} after ${disclosure?.decision}: ${issue.message}`;
  });
}
