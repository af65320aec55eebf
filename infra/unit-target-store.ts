/**
 * The yearly targets of units (domain/unit-targets.ts) in NATS KV, one entry per issuing unit and
 * year (`<issuer token>.<year>`), with its earlier revisions kept: every process reads the same
 * targets, and a new decision is seen at the next read. data/targets/ holds the targets an
 * organisation starts from; the local stack adds them when missing.
 */
import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { type YearTargets, yearTargetsSchema } from '../domain/unit-targets.js';
import { parseOrThrow, ValidationError } from '../domain/validation.js';
import { subjectToken } from '../events/subjects.js';

export const DEFAULT_TARGET_BUCKET = 'tthc_targets';

export class UnitTargetStore {
  private kv?: Promise<KV>;

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket = DEFAULT_TARGET_BUCKET,
  ) {}

  /** The targets an issuing unit gave for a year; undefined before any. */
  async get(issuedBy: string, year: number): Promise<YearTargets | undefined> {
    const entry = await (await this.open()).get(keyOf(issuedBy, year));
    if (entry?.operation !== 'PUT') return undefined;
    return parseOrThrow(yearTargetsSchema, entry.json(), `targets ${issuedBy} ${year}`);
  }

  /** Stores a decision's targets (replacing the year's earlier ones, which stay in the history). */
  async put(input: unknown, registry: OrganisationRegistry): Promise<YearTargets> {
    const targets = parseOrThrow(yearTargetsSchema, input, 'targets');
    const unknown = [targets.issuedBy, ...targets.targets.map((t) => t.unit)].filter((u) => !registry.has(u));
    if (unknown.length > 0) {
      throw new ValidationError(
        'targets',
        unknown.map((unit) => `unit ${unit}: not in the organisation`),
      );
    }
    const outside = targets.targets.filter((t) => !registry.isWithin(t.unit, targets.issuedBy));
    if (outside.length > 0) {
      throw new ValidationError(
        'targets',
        outside.map((t) => `targets.${t.unit}: not under ${targets.issuedBy}, which gives the targets`),
      );
    }
    await (await this.open()).put(keyOf(targets.issuedBy, targets.year), JSON.stringify(targets));
    return targets;
  }

  /** Adds the targets when the year has none yet (the local stack's seed). */
  async putIfMissing(input: unknown, registry: OrganisationRegistry): Promise<boolean> {
    const targets = parseOrThrow(yearTargetsSchema, input, 'targets');
    if (await this.get(targets.issuedBy, targets.year)) return false;
    await this.put(targets, registry);
    return true;
  }

  private open(): Promise<KV> {
    this.kv ??= new Kvm(this.nc).create(this.bucket, { history: 10, storage: StorageType.File });
    return this.kv;
  }
}

function keyOf(issuedBy: string, year: number): string {
  return `${subjectToken(issuedBy)}.${year}`;
}
