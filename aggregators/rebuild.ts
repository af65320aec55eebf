/**
 * Rebuilds every indicator from the beginning of the event stream into a fresh KV bucket, then
 * swaps it in. The rebuild writes checkpoints like the live aggregator, so a rebuild that stopped
 * (a crash, Ctrl-C) is resumed by the next one from where it got to: the bucket being rebuilt is
 * named in the meta bucket (`rebuilding`) until the swap. After the swap the live aggregators go
 * on from the rebuild's checkpoints, so no event is missed or counted twice across it.
 */
import { hostname } from 'node:os';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { IndicatorAggregator } from './indicator-aggregator.js';
import { consumerNameFor } from './indicator-service.js';
import { indicatorMetaBucket, openMetaBucket, setActiveBucket } from './indicator-store.js';

export const rebuildingKey = 'rebuilding';

export interface RebuildResult {
  bucket: string;
  /** Events in the stream when the rebuild finished. */
  events: number;
  /** Events applied by this run (fewer when it resumed an interrupted rebuild). */
  applied: number;
  /** The stream sequence an interrupted rebuild had reached, when this run resumed it. */
  resumedFrom?: number;
  partitions: number;
  durationMs: number;
}

export interface RebuildOptions {
  /** Partitions of the new bucket (default 1). */
  partitions?: number;
  /** Start a new bucket even if an interrupted rebuild could be resumed. */
  fresh?: boolean;
  /** Where an interrupted rebuild is resumed from, when it is. */
  onResume?: (bucket: string, position: number) => void;
}

export async function rebuildIndicators(
  nc: NatsConnection,
  logger: Logger,
  onProgress: (applied: number, total: number) => void = () => undefined,
  metaBucket = indicatorMetaBucket,
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const meta = await openMetaBucket(nc, metaBucket);
  const interrupted = options.fresh ? undefined : await rebuildInProgress(meta);
  const bucket = interrupted ?? `tthc_indicators_${started}`;
  if (!interrupted) await meta.put(rebuildingKey, bucket);
  const aggregator = await IndicatorAggregator.create({
    nc,
    bucket,
    consumerName: consumerNameFor(bucket),
    logger,
    partitions: options.partitions ?? 1,
    owner: `rebuild-${hostname()}-${process.pid}`.replace(/[^-\w]/g, '_'),
  });
  const from = await aggregator.committedEverywhere();
  if (interrupted) options.onResume?.(bucket, from);
  let total = from;
  await aggregator.drain((applied, target) => {
    total = target;
    onProgress(applied, target);
  });
  await setActiveBucket(nc, bucket, metaBucket);
  await meta.delete(rebuildingKey);
  return {
    bucket,
    events: total,
    applied: aggregator.metrics().processed,
    resumedFrom: interrupted ? from : undefined,
    partitions: aggregator.layout.partitions,
    durationMs: Date.now() - started,
  };
}

async function rebuildInProgress(meta: KV): Promise<string | undefined> {
  const entry = await meta.get(rebuildingKey);
  return entry?.operation === 'PUT' ? entry.string() : undefined;
}
