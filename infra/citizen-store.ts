/**
 * What the citizens' online services keep in NATS KV, nothing of it in plaintext that names a
 * person (docs/citizen.md, "Personal data"):
 *
 * - `tthc_citizen_drafts`: drafts, key `<applicant key>.<draft id>` (the applicant key is the
 *   HMAC of the citizen's ID number under the keyring's pseudonym secret, as the digitized
 *   registry's: infra/digitized-registry.ts), value `{ sealed, updatedAt }` where `sealed` is the
 *   draft sealed with the draft's own data key (encryption/data-keys.ts, subject = the draft id).
 *   Removing a draft destroys that key and releases its uploads (destroyed unless a dossier uses
 *   them); the sweep removes drafts untouched for TTHC_DRAFT_RETENTION days.
 * - `tthc_citizen_dossiers`: which dossiers a citizen submitted, key `<applicant key>.<dossier
 *   code>`, value the submission time: what "my dossiers" lists and what ownership is checked on.
 * - `tthc_payment_orders`: payment orders, key the order reference, value the dossier, amount and
 *   state (pending, paid with the transaction, failed): what the IPN is checked against, updated
 *   with compare-and-set so that a payment is recorded once.
 */
import { randomBytes } from 'node:crypto';
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { DRAFT_ID, type Draft, draftExpiresAt, draftSchema } from '../domain/citizen-drafts.js';
import type { DataKeyStore } from '../encryption/data-keys.js';
import type { DocumentStore } from './document-store.js';
import { isKvConflict } from './kv-conflicts.js';

const APPLICANT_KEY = /^[0-9a-f]{64}$/;
const MAX_ATTEMPTS = 20;

const storedDraftSchema = z.strictObject({ sealed: z.string(), updatedAt: z.number().int() });

export class DraftNotFoundError extends Error {
  override name = 'DraftNotFoundError';
}

export interface SweptDraft {
  draftId: string;
  documentsDestroyed: number;
}

export class CitizenStore {
  private constructor(
    private readonly drafts: KV,
    private readonly dossiers: KV,
    readonly orders: KV,
    private readonly dataKeys: DataKeyStore,
  ) {}

  static async open(
    nc: NatsConnection,
    dataKeys: DataKeyStore,
    options: { replicas?: number; prefix?: string } = {},
  ): Promise<CitizenStore> {
    const kvm = new Kvm(nc);
    const config = { history: 1, storage: StorageType.File, replicas: options.replicas ?? 1 };
    const prefix = options.prefix ?? 'tthc';
    return new CitizenStore(
      await kvm.create(`${prefix}_citizen_drafts`, config),
      await kvm.create(`${prefix}_citizen_dossiers`, config),
      await kvm.create(`${prefix}_payment_orders`, config),
      dataKeys,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Drafts

  async createDraft(applicantKey: string, procedureCode: string, now: number): Promise<Draft> {
    const id = `draft-${randomBytes(12).toString('hex')}`;
    const at = new Date(now).toISOString();
    const draft: Draft = draftSchema.parse({
      id,
      procedureCode,
      applicant: {},
      documents: [],
      createdAt: at,
      updatedAt: at,
    });
    await this.drafts.create(draftKey(applicantKey, id), await this.seal(draft, now));
    return draft;
  }

  async getDraft(applicantKey: string, id: string): Promise<Draft> {
    return (await this.readDraft(applicantKey, id)).draft;
  }

  async listDrafts(applicantKey: string): Promise<Draft[]> {
    checkApplicantKey(applicantKey);
    const drafts: Draft[] = [];
    for await (const key of await this.drafts.keys(`${applicantKey}.*`)) {
      const id = key.slice(applicantKey.length + 1);
      const found = await this.readDraft(applicantKey, id).catch(() => undefined);
      if (found) drafts.push(found.draft);
    }
    return drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** Changes a draft with compare-and-set (concurrent saves from two tabs both land, in some order). */
  async updateDraft(
    applicantKey: string,
    id: string,
    change: (draft: Draft) => Draft | Promise<Draft>,
    now: number,
  ): Promise<Draft> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { draft, revision } = await this.readDraft(applicantKey, id);
      const next = draftSchema.parse({ ...(await change(draft)), updatedAt: new Date(now).toISOString() });
      try {
        await this.drafts.update(draftKey(applicantKey, id), await this.seal(next, now), revision);
        return next;
      } catch (error) {
        if (!isKvConflict(error)) throw error;
      }
    }
    throw new Error(`draft ${id} kept changing; try again`);
  }

  /**
   * Removes a draft: its entry, its data key (what was sealed under it is unreadable for good) and
   * its claims on its uploads (each destroyed unless a dossier uses it).
   */
  async removeDraft(applicantKey: string, id: string, documents: DocumentStore): Promise<SweptDraft> {
    checkDraftId(id);
    const erased = await documents.eraseDossier(id);
    await this.drafts.purge(draftKey(applicantKey, id));
    await this.dataKeys.destroy(id).catch(() => false);
    return { draftId: id, documentsDestroyed: erased.destroyed.length };
  }

  /** Removes every draft untouched for `retentionDays` days, with its files. */
  async sweepDrafts(now: number, retentionDays: number, documents: DocumentStore): Promise<SweptDraft[]> {
    const swept: SweptDraft[] = [];
    for await (const key of await this.drafts.keys()) {
      const [applicantKey, id] = key.split('.');
      if (!applicantKey || !id || !DRAFT_ID.test(id)) continue;
      const entry = await this.drafts.get(key);
      if (entry?.operation !== 'PUT') continue;
      const stored = storedDraftSchema.safeParse(entry.json());
      if (stored.success && draftExpiresAt(stored.data.updatedAt, retentionDays) > now) continue;
      swept.push(await this.removeDraft(applicantKey, id, documents));
    }
    return swept;
  }

  private async readDraft(applicantKey: string, id: string): Promise<{ draft: Draft; revision: number }> {
    checkDraftId(id);
    const entry = await this.drafts.get(draftKey(applicantKey, id));
    if (entry?.operation !== 'PUT') throw new DraftNotFoundError(`no draft ${id}`);
    const stored = storedDraftSchema.parse(entry.json());
    const opened = await this.dataKeys.open(id, Buffer.from(stored.sealed, 'base64'), 'draft');
    return { draft: draftSchema.parse(JSON.parse(opened.toString('utf8'))), revision: entry.revision };
  }

  private async seal(draft: Draft, now: number): Promise<string> {
    const sealed = await this.dataKeys.seal(draft.id, Buffer.from(JSON.stringify(draft), 'utf8'), 'draft');
    return JSON.stringify({ sealed: sealed.toString('base64'), updatedAt: now });
  }

  // -------------------------------------------------------------------------------------------
  // The citizen's dossiers

  async addDossier(applicantKey: string, dossierCode: string, at: number): Promise<void> {
    await this.dossiers.put(dossierKey(applicantKey, dossierCode), JSON.stringify({ at }));
  }

  async owns(applicantKey: string, dossierCode: string): Promise<boolean> {
    const entry = await this.dossiers.get(dossierKey(applicantKey, dossierCode));
    return entry?.operation === 'PUT';
  }

  /** The citizen's dossier codes, newest first. */
  async dossierCodes(applicantKey: string): Promise<string[]> {
    checkApplicantKey(applicantKey);
    const found: Array<{ code: string; at: number }> = [];
    for await (const key of await this.dossiers.keys(`${applicantKey}.>`)) {
      const entry = await this.dossiers.get(key);
      if (entry?.operation !== 'PUT') continue;
      found.push({ code: key.slice(applicantKey.length + 1), at: (entry.json() as { at: number }).at });
    }
    return found.sort((a, b) => b.at - a.at).map((f) => f.code);
  }
}

export const paymentOrderSchema = z.strictObject({
  txnRef: z.string(),
  dossierCode: z.string(),
  receivingUnit: z.string(),
  amountVnd: z.number().int().min(1),
  status: z.enum(['pending', 'paid', 'failed']),
  createdAt: z.string(),
  transactionNo: z.string().optional(),
  bankCode: z.string().optional(),
  receiptNo: z.string().optional(),
  paidAt: z.string().optional(),
  responseCode: z.string().optional(),
});
export type PaymentOrderRecord = z.output<typeof paymentOrderSchema>;

/** Payment orders (a thin layer over the bucket: read, create, compare-and-set). */
export class PaymentOrders {
  constructor(private readonly kv: KV) {}

  async create(order: PaymentOrderRecord): Promise<void> {
    await this.kv.create(orderKey(order.txnRef), JSON.stringify(paymentOrderSchema.parse(order)));
  }

  async get(txnRef: string): Promise<{ order: PaymentOrderRecord; revision: number } | undefined> {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(txnRef)) return undefined;
    const entry = await this.kv.get(orderKey(txnRef));
    if (entry?.operation !== 'PUT') return undefined;
    return { order: paymentOrderSchema.parse(entry.json()), revision: entry.revision };
  }

  /** Compare-and-set; false when the order changed since `revision` (another notification won). */
  async update(order: PaymentOrderRecord, revision: number): Promise<boolean> {
    try {
      await this.kv.update(orderKey(order.txnRef), JSON.stringify(paymentOrderSchema.parse(order)), revision);
      return true;
    } catch (error) {
      if (isKvConflict(error)) return false;
      throw error;
    }
  }

  /** The orders of a dossier (references `<code>.<n>`), oldest first. */
  async ofDossier(dossierCode: string): Promise<PaymentOrderRecord[]> {
    const orders: PaymentOrderRecord[] = [];
    for await (const key of await this.kv.keys(`${orderKey(dossierCode)}.*`)) {
      const entry = await this.kv.get(key);
      if (entry?.operation === 'PUT') orders.push(paymentOrderSchema.parse(entry.json()));
    }
    return orders.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** KV keys take dots as token separators: a reference `<dossier code>.<n>` is its own key. */
function orderKey(txnRef: string): string {
  return txnRef;
}

function draftKey(applicantKey: string, id: string): string {
  checkApplicantKey(applicantKey);
  checkDraftId(id);
  return `${applicantKey}.${id}`;
}

function dossierKey(applicantKey: string, dossierCode: string): string {
  checkApplicantKey(applicantKey);
  if (!/^[0-9A-Za-z.-]{1,40}$/.test(dossierCode)) throw new RangeError('not a dossier code');
  return `${applicantKey}.${dossierCode}`;
}

function checkApplicantKey(key: string): void {
  if (!APPLICANT_KEY.test(key)) throw new RangeError('not an applicant key');
}

function checkDraftId(id: string): void {
  if (!DRAFT_ID.test(id)) throw new DraftNotFoundError(`"${id}" is not a draft id`);
}
