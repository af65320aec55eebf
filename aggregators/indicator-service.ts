/**
 * Runs the live indicator aggregator and follows the active bucket: when a rebuild swaps in a new
 * bucket, the service switches to that bucket's consumer, which continues where the rebuild
 * stopped, and removes the old consumer.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { eventStreamName } from '../events/stream.js';
import { IndicatorAggregator } from './indicator-aggregator.js';
import { activeBucketName, indicatorMetaBucket } from './indicator-store.js';

export function consumerNameFor(bucket: string): string {
  return `indicators_${bucket}`;
}

export class IndicatorService {
  private aggregator?: IndicatorAggregator;
  private bucket = '';
  private stopped = false;
  private watcher?: { stop(): void };

  private constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly metaBucket: string,
  ) {}

  static async start(
    nc: NatsConnection,
    logger: Logger,
    metaBucket = indicatorMetaBucket,
  ): Promise<IndicatorService> {
    const service = new IndicatorService(nc, logger, metaBucket);
    await service.switchTo(await activeBucketName(nc, metaBucket));
    await service.follow();
    return service;
  }

  current(): IndicatorAggregator {
    if (!this.aggregator) throw new Error('The indicator service is not running');
    return this.aggregator;
  }

  activeBucket(): string {
    return this.bucket;
  }

  /** Resolves once every event published so far has been applied (polls the consumer's backlog). */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.current().pending()) > 0) {
      if (Date.now() > deadline) throw new Error('indicator aggregator did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.stop();
    await this.aggregator?.stop();
  }

  private async follow(): Promise<void> {
    const meta = await new Kvm(this.nc).create(this.metaBucket);
    const watch = await meta.watch({ key: 'active' });
    this.watcher = watch;
    (async () => {
      for await (const entry of watch) {
        if (this.stopped) return;
        const bucket = entry.string();
        if (entry.operation === 'PUT' && bucket && bucket !== this.bucket) await this.switchTo(bucket);
      }
    })().catch((error) => this.logger.error({ error: String(error) }, 'indicator bucket watch failed'));
  }

  private async switchTo(bucket: string): Promise<void> {
    const previous = this.bucket;
    await this.aggregator?.stop();
    this.aggregator = await IndicatorAggregator.create({
      nc: this.nc,
      bucket,
      consumerName: consumerNameFor(bucket),
      logger: this.logger,
    });
    this.bucket = bucket;
    this.aggregator.start();
    this.logger.info({ bucket }, 'indicator aggregator running');
    if (previous && previous !== bucket) {
      const jsm = await jetstreamManager(this.nc);
      await jsm.consumers.delete(eventStreamName, consumerNameFor(previous)).catch(() => undefined);
    }
  }
}
