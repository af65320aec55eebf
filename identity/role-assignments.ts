/**
 * The role-assignment table: which official holds which role at which unit, from when, kept by
 * administrators (API `/v1/role-assignments`, `tthc roles`) for identity providers that carry no
 * roles. One NATS KV entry per official (bucket `tthc_role_assignments`, history 64): every change
 * is a new revision of the official's key (who changed what, when, why), so the bucket's history
 * is the table's history; a revocation is a revision too (`revoked: true`), never a delete.
 *
 * A token that carries a role and a unit is taken as it is; the table decides when the token
 * carries no role (api/authentication.ts).
 */

import { StorageType } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { roles } from '../domain/actor.js';
import { unitCodeSchema } from '../domain/unit-code.js';

export const roleAssignmentBucket = 'tthc_role_assignments';
const HISTORY = 64;

const officialRoles = roles.filter((role) => role !== 'applicant') as [
  Exclude<(typeof roles)[number], 'applicant'>,
  ...Exclude<(typeof roles)[number], 'applicant'>[],
];
export type AssignableRole = (typeof officialRoles)[number];

export const officialIdSchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters (the official id, no spaces)');

const actorSchema = z.strictObject({
  id: officialIdSchema,
  name: z.string().trim().min(1).max(200),
});

export const roleAssignmentSchema = z.strictObject({
  officialId: officialIdSchema,
  /** The official's name as the administrator wrote it (the token's name wins when it has one). */
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(officialRoles, `must be one of ${officialRoles.join(', ')}`),
  unit: unitCodeSchema,
  /** When the assignment takes effect (ISO instant); before it, the official holds no role. */
  from: z.iso.datetime({ offset: true }),
  /** Revoked from this revision on: the official holds no role. */
  revoked: z.boolean().optional(),
  reason: z.string().trim().min(1).max(500),
  changedBy: actorSchema,
  changedAt: z.iso.datetime({ offset: true }),
  /** The KV revision of this entry (set when read). */
  revision: z.number().int().positive().optional(),
});
export type RoleAssignment = z.output<typeof roleAssignmentSchema>;

export class RoleAssignmentNotFoundError extends Error {
  override name = 'RoleAssignmentNotFoundError';
}

/** `o.<base64url of the id>`: official ids may hold characters NATS keys may not. */
export function assignmentKey(officialId: string): string {
  return `o.${Buffer.from(officialId, 'utf8').toString('base64url')}`;
}

export class RoleAssignments {
  private constructor(private readonly kv: KV) {}

  static async open(
    nc: NatsConnection,
    options: { bucket?: string; replicas?: number } = {},
  ): Promise<RoleAssignments> {
    const kv = await new Kvm(nc).create(options.bucket ?? roleAssignmentBucket, {
      history: HISTORY,
      storage: StorageType.File,
      replicas: options.replicas ?? 1,
    });
    return new RoleAssignments(kv);
  }

  /** The latest entry of an official (revoked or not), or undefined. */
  async latest(officialId: string): Promise<RoleAssignment | undefined> {
    const entry = await this.kv.get(assignmentKey(officialId));
    if (entry?.operation !== 'PUT' || entry.length === 0) return undefined;
    return { ...roleAssignmentSchema.parse(entry.json()), revision: entry.revision };
  }

  /** The role the official holds at `now`: the latest entry if not revoked and in effect. */
  async current(officialId: string, now: number = Date.now()): Promise<RoleAssignment | undefined> {
    const latest = await this.latest(officialId);
    if (!latest || latest.revoked || Date.parse(latest.from) > now) return undefined;
    return latest;
  }

  /** Every revision of an official's entry, oldest first (at most the bucket's history). */
  async history(officialId: string): Promise<RoleAssignment[]> {
    const out: RoleAssignment[] = [];
    const iterator = await this.kv.history({ key: assignmentKey(officialId) });
    for await (const entry of iterator) {
      if (entry.operation !== 'PUT' || entry.length === 0) continue;
      out.push({ ...roleAssignmentSchema.parse(entry.json()), revision: entry.revision });
    }
    return out;
  }

  /** The latest entry of every official that has one (revoked ones included, marked). */
  async list(): Promise<RoleAssignment[]> {
    const keys: string[] = [];
    for await (const key of await this.kv.keys()) keys.push(key);
    const out: RoleAssignment[] = [];
    for (const key of keys.sort()) {
      const entry = await this.kv.get(key);
      if (entry?.operation !== 'PUT' || entry.length === 0) continue;
      out.push({ ...roleAssignmentSchema.parse(entry.json()), revision: entry.revision });
    }
    return out.sort((a, b) => a.officialId.localeCompare(b.officialId));
  }

  /** Records a new assignment (replacing the current one); returns it and the one it replaced. */
  async assign(
    input: Omit<RoleAssignment, 'revoked' | 'revision'>,
  ): Promise<{ assignment: RoleAssignment; previous?: RoleAssignment }> {
    const value = roleAssignmentSchema.parse({ ...input });
    const previous = await this.latest(value.officialId);
    const revision = await this.kv.put(assignmentKey(value.officialId), JSON.stringify(value));
    return { assignment: { ...value, revision }, previous: previous?.revoked ? undefined : previous };
  }

  /** Revokes the official's role (a new revision marked revoked); throws if they hold none. */
  async revoke(
    officialId: string,
    change: { reason: string; changedBy: RoleAssignment['changedBy']; changedAt: string },
  ): Promise<{ assignment: RoleAssignment; previous: RoleAssignment }> {
    const previous = await this.latest(officialId);
    if (!previous || previous.revoked) {
      throw new RoleAssignmentNotFoundError(`official ${officialId} holds no assigned role`);
    }
    const value = roleAssignmentSchema.parse({
      officialId,
      name: previous.name,
      role: previous.role,
      unit: previous.unit,
      from: change.changedAt,
      revoked: true,
      reason: change.reason,
      changedBy: change.changedBy,
      changedAt: change.changedAt,
    });
    const revision = await this.kv.put(assignmentKey(officialId), JSON.stringify(value));
    return { assignment: { ...value, revision }, previous };
  }
}
