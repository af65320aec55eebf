/**
 * Where the portal sync stands, read from NATS alone (`tthc portal status`, and the same figures as
 * the service's metrics): the events not yet handled and how old the oldest of them is, the
 * dossiers and updates the portal acknowledged, the dossiers held back by a refusal, the recent lag.
 */
import { type ConsumerInfo, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventStreamName } from '../events/stream.js';
import { DEFAULT_PORTAL_SYNC_BUCKET, type PortalRefusal, PortalSyncStore } from './portal-sync-store.js';

export const DEFAULT_PORTAL_SYNC_CONSUMER = 'tthc_portal_sync';

export interface PortalSyncBacklog {
  /** Dossier events not yet handled (delivered or not). */
  pending: number;
  /** Now minus the publication of the oldest event not yet handled; 0 when nothing waits. */
  oldestPendingSeconds: number;
}

export interface PortalSyncStatus extends PortalSyncBacklog {
  consumer: string;
  synced: { dossiers: number; updates: number; lastAckAt?: string };
  failed: { dossiers: number; list: Array<{ dossierCode: string; refusal: PortalRefusal }> };
  /** Event published → acknowledged by the portal over the service's last 1000 updates, in ms. */
  recentLagMs?: { last: number; p50: number; p95: number; p99: number };
  /** When the service last wrote its counts (after each batch). */
  countedAt?: string;
}

export class PortalSyncNotRunError extends Error {
  override name = 'PortalSyncNotRunError';
}

/** The consumer's backlog and the age of its oldest event. */
export async function portalSyncBacklog(
  nc: NatsConnection,
  consumerName = DEFAULT_PORTAL_SYNC_CONSUMER,
  now = Date.now(),
): Promise<PortalSyncBacklog> {
  let info: ConsumerInfo;
  try {
    info = await (await jetstream(nc).consumers.get(eventStreamName, consumerName)).info();
  } catch {
    throw new PortalSyncNotRunError(
      `no consumer ${consumerName} on ${eventStreamName}: the portal-sync service has not run yet (npm start, or a worker process with TTHC_PORTAL_SYNC=true)`,
    );
  }
  const pending = info.num_pending + info.num_ack_pending;
  if (pending === 0) return { pending, oldestPendingSeconds: 0 };
  const oldest = await (await jetstreamManager(nc)).streams
    .getMessage(eventStreamName, { seq: info.ack_floor.stream_seq + 1 })
    .catch(() => null);
  const age = oldest ? Math.max(0, now - oldest.time.getTime()) / 1000 : 0;
  return { pending, oldestPendingSeconds: age };
}

export async function portalSyncStatus(
  nc: NatsConnection,
  options: { consumerName?: string; bucket?: string } = {},
): Promise<PortalSyncStatus> {
  const consumer = options.consumerName ?? DEFAULT_PORTAL_SYNC_CONSUMER;
  const backlog = await portalSyncBacklog(nc, consumer);
  const store = await PortalSyncStore.open(nc, { bucket: options.bucket ?? DEFAULT_PORTAL_SYNC_BUCKET });
  const [stats, failed] = await Promise.all([store.stats(), store.failed()]);
  return {
    consumer,
    ...backlog,
    synced: {
      dossiers: stats?.dossiersSynced ?? 0,
      updates: stats?.updatesSynced ?? 0,
      ...(stats?.lastAckAt ? { lastAckAt: stats.lastAckAt } : {}),
    },
    failed: { dossiers: failed.length, list: failed },
    ...(stats ? { recentLagMs: stats.lag, countedAt: stats.writtenAt } : {}),
  };
}
