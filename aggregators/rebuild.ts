/**
 * Rebuilds every indicator from the beginning of the event stream into a fresh KV bucket, then
 * swaps it in. The rebuild's consumer becomes the live one for the new bucket, so no event is
 * missed or counted twice across the swap.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { IndicatorAggregator } from './indicator-aggregator.js';
import { consumerNameFor } from './indicator-service.js';
import { setActiveBucket } from './indicator-store.js';

export interface RebuildResult {
  bucket: string;
  events: number;
  durationMs: number;
}

export async function rebuildIndicators(
  nc: NatsConnection,
  logger: Logger,
  onProgress: (processed: number) => void = () => undefined,
  metaBucket?: string,
): Promise<RebuildResult> {
  const started = Date.now();
  const bucket = `tthc_indicators_${started}`;
  const aggregator = await IndicatorAggregator.create({
    nc,
    bucket,
    consumerName: consumerNameFor(bucket),
    logger,
  });
  await aggregator.drain(onProgress);
  await setActiveBucket(nc, bucket, metaBucket);
  return { bucket, events: aggregator.metrics().processed, durationMs: Date.now() - started };
}
