/**
 * Runs the live indicator aggregator of one process and follows the active bucket: when a rebuild
 * swaps in a new bucket, the service switches to it and goes on from the rebuild's checkpoints.
 *
 * Any number of processes may run the service on the same meta bucket: they share the active
 * bucket's partitions through leases (aggregators/partition-leases.ts), one owner per partition at
 * a time; when an owner stops or dies, the others take its partitions over within the lease time.
 * With the defaults (one partition, one process) the single process owns everything.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { eventStreamName } from '../events/stream.js';
import { IndicatorAggregator } from './indicator-aggregator.js';
import { activeBucketName, indicatorMetaBucket, openMetaBucket } from './indicator-store.js';
import { newMemberId, PartitionLeases } from './partition-leases.js';

export function consumerNameFor(bucket: string): string {
  return `indicators_${bucket}`;
}

/** The bucket of members and partition leases that goes with a meta bucket. */
export function leaseBucketFor(metaBucket: string): string {
  return `${metaBucket}_leases`;
}

export interface IndicatorServiceOptions {
  /** Partition count of a bucket this service creates (an existing bucket keeps its own); default 1. */
  partitions?: number;
  /** How long a partition's lease outlives its owner's last renewal; default 3 s. */
  leaseTtlMs?: number;
  /** This process's member id (default: host, pid and a random part). */
  memberId?: string;
}

export class IndicatorService {
  private aggregator?: IndicatorAggregator;
  private leases?: PartitionLeases;
  private bucket = '';
  private stopped = false;
  private watcher?: { stop(): void };
  private switching: Promise<void> = Promise.resolve();
  readonly memberId: string;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly metaBucket: string,
    private readonly options: IndicatorServiceOptions,
  ) {
    this.memberId = options.memberId ?? newMemberId();
  }

  static async start(
    nc: NatsConnection,
    logger: Logger,
    metaBucket = indicatorMetaBucket,
    options: IndicatorServiceOptions = {},
  ): Promise<IndicatorService> {
    const service = new IndicatorService(nc, logger, metaBucket, options);
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

  /** The partitions of the active bucket this process applies now. */
  ownedPartitions(): number[] {
    return this.aggregator?.ownedPartitions() ?? [];
  }

  /**
   * Resolves once every event published so far has been applied and committed, by whichever
   * processes own the partitions (reads the partitions' checkpoints).
   */
  async caughtUp(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const jsm = await jetstreamManager(this.nc);
    const target = (await jsm.streams.info(eventStreamName)).state.last_seq;
    while ((await this.current().committedEverywhere()) < target) {
      if (Date.now() > deadline) throw new Error('indicator aggregator did not catch up in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.stop();
    await this.switching;
    await this.leases?.stop();
    await this.aggregator?.stop();
  }

  private async follow(): Promise<void> {
    const meta = await openMetaBucket(this.nc, this.metaBucket);
    const watch = await meta.watch({ key: 'active' });
    this.watcher = watch;
    (async () => {
      for await (const entry of watch) {
        if (this.stopped) return;
        const bucket = entry.string();
        if (entry.operation === 'PUT' && bucket && bucket !== this.bucket) {
          this.switching = this.switching.then(() => this.switchTo(bucket));
          await this.switching;
        }
      }
    })().catch((error) => this.logger.error({ error: String(error) }, 'indicator bucket watch failed'));
  }

  private async switchTo(bucket: string): Promise<void> {
    if (this.stopped) return;
    const previous = this.bucket;
    await this.leases?.stop();
    await this.aggregator?.stop();
    const aggregator = await IndicatorAggregator.create({
      nc: this.nc,
      bucket,
      consumerName: consumerNameFor(bucket),
      logger: this.logger,
      partitions: this.options.partitions,
      own: 'none',
      owner: this.memberId,
    });
    aggregator.start();
    this.aggregator = aggregator;
    this.bucket = bucket;
    this.leases = await PartitionLeases.start({
      nc: this.nc,
      logger: this.logger,
      leaseBucket: leaseBucketFor(this.metaBucket),
      bucket,
      owner: aggregator,
      memberId: this.memberId,
      ttlMs: this.options.leaseTtlMs ?? 3_000,
    });
    this.logger.info(
      { bucket, partitions: aggregator.layout.partitions, owned: aggregator.ownedPartitions() },
      'indicator aggregator running',
    );
    if (previous && previous !== bucket) {
      // A bucket written before partitions had a durable consumer; checkpoints replaced it.
      const jsm = await jetstreamManager(this.nc);
      await jsm.consumers.delete(eventStreamName, consumerNameFor(previous)).catch(() => undefined);
    }
  }
}
