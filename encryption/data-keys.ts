/**
 * One data key per data subject (a dossier, a feedback): AES-256 keys kept in NATS KV, each wrapped
 * by a key of the keyring. Every Temporal payload of a dossier's workflows is encrypted under the
 * dossier's data key (encryption/payload-codec.ts), and so is whatever of the dossier travels on
 * NATS; destroying the key erases all of it at once (crypto-shredding, `tthc erase`).
 */
import { randomBytes } from 'node:crypto';
import { type JetStreamClient, jetstream, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { type KV, type KvEntry, Kvm, KvWatchInclude } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { DRAFT_ID } from '../domain/citizen-drafts.js';
import { DOSSIER_CODE } from '../domain/dossier-code.js';
import { FEEDBACK_ID } from '../domain/feedback/feedback-submission.js';
import { isKvConflict } from '../infra/kv-conflicts.js';
import { open, seal } from './aead.js';
import { KEY_BYTES } from './encryption-keyring.js';
import type { LiveKeyring } from './live-keyring.js';

export const DEFAULT_DATA_KEY_BUCKET = 'tthc_data_keys';

/** Data keys kept unwrapped in memory per process; the least recently used beyond this are dropped. */
const CACHE_LIMIT = 20_000;

/**
 * The data subject a workflow belongs to: a dossier (its own workflow and its liên thông children,
 * `<code>/lien-thong/<agency>`) or a feedback. Undefined for any other workflow.
 */
export function dataSubjectOf(workflowId: string): string | undefined {
  const owner = workflowId.split('/', 1)[0] as string;
  return DOSSIER_CODE.test(owner) || FEEDBACK_ID.test(owner) ? owner : undefined;
}

export function isDataSubject(subject: string): boolean {
  return DOSSIER_CODE.test(subject) || FEEDBACK_ID.test(subject) || DRAFT_ID.test(subject);
}

const storedKeySchema = z.strictObject({
  /** The keyring key that wraps this one. */
  kek: z.string(),
  /** base64 of nonce | wrapped key | tag. */
  wrapped: z.string(),
  createdAt: z.string(),
});

/** The data key of a subject was destroyed: its data is erased. */
export class ErasedDataError extends Error {
  override name = 'ErasedDataError';
  constructor(readonly subject: string) {
    super(`the personal data of ${subject} was erased (its data key was destroyed)`);
  }
}

/** No data key was ever stored for the subject (or the bucket lost it). */
export class MissingDataKeyError extends Error {
  override name = 'MissingDataKeyError';
  constructor(readonly subject: string) {
    super(`no data key is stored for ${subject} in the data-key bucket`);
  }
}

export type DataKeyState = 'active' | 'erased' | 'absent';

export class DataKeyStore {
  private readonly cache = new Map<string, Promise<Buffer>>();
  private readonly js: JetStreamClient;

  private constructor(
    private readonly kv: KV,
    private readonly nc: NatsConnection,
    readonly keyring: LiveKeyring,
    private readonly bucket: string,
  ) {
    this.js = jetstream(nc);
  }

  static async open(
    nc: NatsConnection,
    keyring: LiveKeyring,
    options: { bucket?: string; replicas?: number } = {},
  ): Promise<DataKeyStore> {
    const bucket = options.bucket ?? DEFAULT_DATA_KEY_BUCKET;
    const kv = await new Kvm(nc).create(bucket, {
      history: 1,
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
    });
    const store = new DataKeyStore(kv, nc, keyring, bucket);
    await store.followErasures();
    return store;
  }

  /** The subject's key, created on first use (concurrent first uses agree on one key). */
  keyFor(subject: string): Promise<Buffer> {
    return this.cached(subject, () => this.readOrCreate(subject));
  }

  /** The subject's existing key; an erased or unknown subject throws. */
  existingKey(subject: string): Promise<Buffer> {
    return this.cached(subject, () => this.readExisting(subject));
  }

  /** Whether the subject's key was destroyed. */
  async isErased(subject: string): Promise<boolean> {
    return (await this.keyState(subject)) === 'erased';
  }

  /** Whether the subject has a key, had one that was destroyed, or never had one. */
  async keyState(subject: string): Promise<DataKeyState> {
    const entry = await this.kv.get(checkedSubject(subject));
    if (entry === null) return 'absent';
    return entry.operation === 'PUT' ? 'active' : 'erased';
  }

  /** Encrypts bytes that belong to a subject (e.g. contacts on NATS) under its data key. */
  async seal(subject: string, plaintext: Uint8Array, context: string): Promise<Buffer> {
    return seal(await this.keyFor(subject), plaintext, `${subject}\n${context}`);
  }

  async open(subject: string, sealed: Uint8Array, context: string): Promise<Buffer> {
    return open(await this.existingKey(subject), sealed, `${subject}\n${context}`, `data of ${subject}`);
  }

  /**
   * Crypto-shredding: the stored key is overwritten in the stream (a secure erase) and purged;
   * nothing under it can be decrypted again. False when there was no key.
   */
  async destroy(subject: string): Promise<boolean> {
    const key = checkedSubject(subject);
    const entry = await this.kv.get(key);
    this.cache.delete(subject);
    if (entry === null || entry.operation !== 'PUT') return false;
    const jsm = await jetstreamManager(this.nc);
    await jsm.streams.deleteMessage(`KV_${this.bucket}`, entry.revision, true);
    await this.kv.purge(key);
    return true;
  }

  private cached(subject: string, load: () => Promise<Buffer>): Promise<Buffer> {
    const hit = this.cache.get(subject);
    if (hit) {
      this.cache.delete(subject);
      this.cache.set(subject, hit);
      return hit;
    }
    const loading = load();
    loading.catch(() => this.cache.delete(subject));
    this.cache.set(subject, loading);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    return loading;
  }

  private async readExisting(subject: string): Promise<Buffer> {
    const entry = await this.kv.get(checkedSubject(subject));
    if (entry === null) throw new MissingDataKeyError(subject);
    if (entry.operation !== 'PUT') throw new ErasedDataError(subject);
    return this.unwrap(subject, entry);
  }

  /**
   * Created without a read first: a subject's key is most often first needed to encrypt its new
   * workflow's start. Only a subject that never had a key gets one; an erased subject's purge
   * marker makes the create fail like an existing key does, and the key is then read.
   */
  private async readOrCreate(subject: string): Promise<Buffer> {
    const key = checkedSubject(subject);
    const fresh = randomBytes(KEY_BYTES);
    const kek = this.keyring.active;
    const stored = {
      kek: kek.id,
      wrapped: seal(kek.key, fresh, wrapContext(subject, kek.id)).toString('base64'),
      createdAt: new Date().toISOString(),
    };
    try {
      await this.js.publish(`$KV.${this.bucket}.${key}`, JSON.stringify(stored), {
        expect: { lastSubjectSequence: 0 },
      });
      return fresh;
    } catch (error) {
      if (!isKvConflict(error)) throw error;
      return this.readExisting(subject);
    }
  }

  private async unwrap(subject: string, entry: KvEntry): Promise<Buffer> {
    const stored = storedKeySchema.parse(entry.json());
    const kek = await this.keyring.key(stored.kek);
    return open(
      kek.key,
      Buffer.from(stored.wrapped, 'base64'),
      wrapContext(subject, stored.kek),
      `data key of ${subject}`,
    );
  }

  /** Keys destroyed by another process leave this one's cache too. */
  private async followErasures(): Promise<void> {
    const watch = await this.kv.watch({ include: KvWatchInclude.UpdatesOnly });
    void (async () => {
      for await (const change of watch) {
        if (change.operation !== 'PUT') this.cache.delete(change.key);
      }
    })().catch(() => undefined);
  }
}

function wrapContext(subject: string, kekId: string): string {
  return `data-key\n${subject}\n${kekId}`;
}

function checkedSubject(subject: string): string {
  if (!isDataSubject(subject)) {
    throw new RangeError(`"${subject}" is not a data subject (a dossier code, a feedback id or a draft id)`);
  }
  return subject;
}
