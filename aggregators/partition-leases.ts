/**
 * Who applies which partition of an indicator bucket, when several aggregator processes run.
 *
 * Each process is a member: it renews `m.<member>` in a lease bucket whose entries expire after the
 * lease time (NATS KV `ttl`), so a member that stops (or is killed) disappears from the list by
 * itself. Every tick each member lists the live members, works out the same assignment of
 * partitions as the others (bounded-load rendezvous hashing, aggregators/partitions.ts), gives up
 * the partitions assigned elsewhere (after committing them) and takes the ones assigned to it as
 * soon as their lease `l.<bucket>.<p>` is free: created by nobody, released, or expired with its
 * dead owner. A taken lease is renewed every tick with a compare-and-set.
 *
 * The lease is for liveness only; safety is the checkpoint mark's compare-and-set
 * (aggregators/indicator-aggregator.ts): a process that kept running past its lease (a long pause)
 * has its next batch refused and drops what it held, so nothing is applied twice even then.
 */
import { hostname } from 'node:os';
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { streamReplicas } from '../config/configuration.js';
import { isKvConflict } from '../infra/kv-conflicts.js';
import { readable } from './indicator-store.js';
import { assignPartitions } from './partitions.js';

export interface PartitionOwner {
  readonly layout: { partitions: number };
  ownedPartitions(): number[];
  acquire(partition: number): Promise<void>;
  release(partition: number): Promise<void>;
}

export interface PartitionLeaseOptions {
  nc: NatsConnection;
  logger: Logger;
  /** The KV bucket of members and leases (one per deployment, like the meta bucket). */
  leaseBucket: string;
  /** The indicator bucket whose partitions are leased. */
  bucket: string;
  owner: PartitionOwner;
  memberId: string;
  /** How long a lease outlives its last renewal (ms); members renew every third of it. */
  ttlMs: number;
}

/** A member id unique to this process: host, pid and a random part, as KV keys allow. */
export function newMemberId(): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${hostname()}-${process.pid}-${random}`.replace(/[^-\w]/g, '_');
}

export async function openLeaseBucket(nc: NatsConnection, name: string, ttlMs: number): Promise<KV> {
  return readable(
    await new Kvm(nc).create(name, {
      history: 1,
      ttl: ttlMs,
      storage: StorageType.File,
      replicas: streamReplicas(),
    }),
  );
}

export class PartitionLeases {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private ticking?: Promise<void>;
  private readonly leases = new Map<number, number>();
  private readonly prefix: string;

  private constructor(
    private readonly kv: KV,
    private readonly options: PartitionLeaseOptions,
  ) {
    this.prefix = `l.${options.bucket}`;
  }

  static async start(options: PartitionLeaseOptions): Promise<PartitionLeases> {
    const kv = await openLeaseBucket(options.nc, options.leaseBucket, options.ttlMs);
    const leases = new PartitionLeases(kv, options);
    await leases.tick();
    leases.schedule();
    return leases;
  }

  /** Commits and gives up every partition held, and leaves the members. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    for (const partition of this.options.owner.ownedPartitions()) await this.giveUp(partition);
    await this.kv.delete(this.memberKey()).catch(() => undefined);
  }

  /** The partitions whose lease this process holds. */
  held(): number[] {
    return [...this.leases.keys()].sort((a, b) => a - b);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick()
        .catch((error) => this.options.logger.warn({ error: String(error) }, 'indicator lease tick failed'))
        .finally(() => {
          this.ticking = undefined;
          this.schedule();
        });
    }, this.options.ttlMs / 3);
    this.timer.unref();
  }

  private memberKey(): string {
    return `m.${this.options.memberId}`;
  }

  private leaseKey(partition: number): string {
    return `${this.prefix}.${partition}`;
  }

  private async tick(): Promise<void> {
    const { owner, memberId, logger } = this.options;
    await this.kv.put(this.memberKey(), JSON.stringify({ host: hostname(), pid: process.pid }));
    // Renew what is held; a lease that cannot be renewed is gone (expired and taken).
    for (const [partition, revision] of [...this.leases]) {
      try {
        this.leases.set(partition, await this.kv.update(this.leaseKey(partition), memberId, revision));
      } catch (error) {
        if (!isKvConflict(error)) throw error;
        this.leases.delete(partition);
        logger.warn({ partition, bucket: this.options.bucket }, 'indicator partition lease lost');
        await owner.release(partition);
      }
    }
    // A partition the aggregator let go by itself (it found itself fenced): its lease goes too.
    const owned = new Set(owner.ownedPartitions());
    for (const partition of [...this.leases.keys()]) if (!owned.has(partition)) await this.giveUp(partition);
    const members: string[] = [];
    for await (const key of await this.kv.keys('m.>')) members.push(key.slice(2));
    if (!members.includes(memberId)) members.push(memberId);
    const assignment = assignPartitions(owner.layout.partitions, members);
    for (let partition = 0; partition < assignment.length; partition++) {
      if (this.stopped) return;
      const mine = assignment[partition] === memberId;
      if (!mine && this.leases.has(partition)) {
        logger.info({ partition, to: assignment[partition] }, 'handing an indicator partition over');
        await this.giveUp(partition);
      } else if (mine && !this.leases.has(partition)) {
        try {
          const revision = await this.kv.create(this.leaseKey(partition), memberId);
          this.leases.set(partition, revision);
        } catch (error) {
          if (!isKvConflict(error)) throw error;
          continue; // Still held by its previous owner: it expires or is handed over.
        }
        await owner.acquire(partition);
        logger.info({ partition, bucket: this.options.bucket }, 'indicator partition taken');
      }
    }
  }

  private async giveUp(partition: number): Promise<void> {
    await this.options.owner.release(partition);
    const revision = this.leases.get(partition);
    this.leases.delete(partition);
    if (revision !== undefined)
      await this.kv.delete(this.leaseKey(partition), { previousSeq: revision }).catch(() => undefined);
  }
}
