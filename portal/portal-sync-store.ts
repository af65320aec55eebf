/**
 * What the portal sync remembers, in the NATS KV bucket `tthc_portal_sync` (no personal data:
 * codes, sequence numbers, times, the portal's codes):
 *   d.<dossier>   the dossier's cursor: the newest event handled (sent, skipped or held), the newest
 *                 the portal acknowledged, whether the portal has the record (create, then update),
 *                 whether the dossier recorded the sync, and the refusal that holds it back
 *   f.<dossier>   present while the dossier is held back by a refusal (the failed count)
 *   stats         the counts `tthc portal status` prints, written by the service after each batch
 * The service is the bucket's only writer (one per deployment).
 */
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { instantSchema } from '../domain/validation.js';
import { subjectToken, unitCodeOfToken } from '../events/subjects.js';

export const DEFAULT_PORTAL_SYNC_BUCKET = 'tthc_portal_sync';

export const portalRefusalSchema = z.strictObject({
  /** The event the portal refused. */
  seq: z.number().int().positive(),
  /** The portal's code and message (anything in it that looks like a contact is masked). */
  code: z.string(),
  reason: z.string(),
  at: instantSchema,
});
export type PortalRefusal = z.output<typeof portalRefusalSchema>;

export const syncCursorSchema = z.strictObject({
  handledSeq: z.number().int().min(0),
  /** Where that event is in TTHC_EVENTS (its facts, for a `portal-synced` event the service publishes). */
  handledStreamSeq: z.number().int().positive().optional(),
  ackedSeq: z.number().int().positive().optional(),
  ackedAt: instantSchema.optional(),
  /** Events of the dossier the portal acknowledged. */
  acked: z.number().int().min(0),
  /** The portal holds the record: later records are updates. */
  created: z.boolean(),
  /** The newest state whose record was sent (or was about to be): a later record is never older. */
  sent: z
    .strictObject({ seq: z.number().int().positive(), streamSeq: z.number().int().positive() })
    .optional(),
  /** The dossier recorded its sync (the `portal-synced` event): `impossible` when its workflow is gone. */
  reported: z.enum(['no', 'yes', 'impossible']),
  blocked: portalRefusalSchema.optional(),
});
export type SyncCursor = z.output<typeof syncCursorSchema>;

export const emptyCursor: SyncCursor = { handledSeq: 0, acked: 0, created: false, reported: 'no' };

export const portalSyncStatsSchema = z.strictObject({
  dossiersSynced: z.number().int().min(0),
  updatesSynced: z.number().int().min(0),
  dossiersFailed: z.number().int().min(0),
  lastAckAt: instantSchema.optional(),
  /** Event published → acknowledged by the portal, over the service's last 1000 updates (ms). */
  lag: z.strictObject({ last: z.number(), p50: z.number(), p95: z.number(), p99: z.number() }),
  writtenAt: instantSchema,
});
export type PortalSyncStats = z.output<typeof portalSyncStatsSchema>;

const cursorKey = (code: string) => `d.${subjectToken(code)}`;
const failedKey = (code: string) => `f.${subjectToken(code)}`;
const statsKey = 'stats';

export class PortalSyncStore {
  private constructor(private readonly kv: KV) {}

  static async open(
    nc: NatsConnection,
    options: { bucket?: string; replicas?: number } = {},
  ): Promise<PortalSyncStore> {
    const kv = await new Kvm(nc).create(options.bucket ?? DEFAULT_PORTAL_SYNC_BUCKET, {
      history: 1,
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
    });
    return new PortalSyncStore(kv);
  }

  async cursor(code: string): Promise<SyncCursor> {
    const entry = await this.kv.get(cursorKey(code));
    if (entry?.operation !== 'PUT') return emptyCursor;
    return syncCursorSchema.parse(entry.json());
  }

  /** Writes the cursor; the failed mark follows its refusal (`previous`: the cursor it replaces). */
  async putCursor(code: string, cursor: SyncCursor, previous: SyncCursor): Promise<void> {
    await this.kv.put(cursorKey(code), JSON.stringify(syncCursorSchema.parse(cursor)));
    if (cursor.blocked && JSON.stringify(cursor.blocked) !== JSON.stringify(previous.blocked))
      await this.kv.put(failedKey(code), JSON.stringify(cursor.blocked));
    if (!cursor.blocked && previous.blocked) await this.kv.purge(failedKey(code));
  }

  /** Sets or clears the failed mark alone (putting it right after a crash between the two writes). */
  async markFailed(code: string, refusal: PortalRefusal | undefined): Promise<void> {
    if (refusal) await this.kv.put(failedKey(code), JSON.stringify(refusal));
    else await this.kv.purge(failedKey(code));
  }

  /** The dossiers held back by a refusal, with it. */
  async failed(): Promise<Array<{ dossierCode: string; refusal: PortalRefusal }>> {
    const out: Array<{ dossierCode: string; refusal: PortalRefusal }> = [];
    for await (const key of await this.kv.keys('f.>')) {
      const entry = await this.kv.get(key);
      if (entry?.operation !== 'PUT') continue;
      out.push({
        dossierCode: unitCodeOfToken(key.slice(2)),
        refusal: portalRefusalSchema.parse(entry.json()),
      });
    }
    return out.sort((a, b) => a.dossierCode.localeCompare(b.dossierCode));
  }

  /** Every cursor, for the counts at start (one pass over the bucket). */
  async *cursors(): AsyncGenerator<[string, SyncCursor]> {
    for await (const key of await this.kv.keys('d.>')) {
      const entry = await this.kv.get(key);
      if (entry?.operation === 'PUT')
        yield [unitCodeOfToken(key.slice(2)), syncCursorSchema.parse(entry.json())];
    }
  }

  async stats(): Promise<PortalSyncStats | undefined> {
    const entry = await this.kv.get(statsKey);
    if (entry?.operation !== 'PUT') return undefined;
    return portalSyncStatsSchema.parse(entry.json());
  }

  async putStats(stats: PortalSyncStats): Promise<void> {
    await this.kv.put(statsKey, JSON.stringify(stats));
  }
}
