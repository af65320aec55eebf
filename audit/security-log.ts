/**
 * The security log: officials' sign-ins, failed sign-ins, sign-outs and every change of the
 * role-assignment table, on the append-only JetStream stream `TTHC_SECURITY_LOG`, subject
 * `tthc.security.<kind>`. Like the personal-data access log (audit/access-log.ts), whose
 * semantics it leaves alone, the stream denies deletes and purges and ages nothing out.
 *
 *   const log = await SecurityLog.open(nc);
 *   await log.record({ kind: 'sign-in', via: 'console', official: { id, name, role, unit } });
 *   await log.list({ kinds: ['role-assigned'], limit: 100 });
 *
 * Entries carry no password, no token and no citizen's data: who, what, when, through which way
 * in, and a reason code.
 */
import { randomUUID } from 'node:crypto';
import { type JetStreamClient, jetstream, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { roles } from '../domain/actor.js';
import { unitCodeSchema } from '../domain/unit-code.js';
import { appendOnlyStreamConfig, ensureStream, readStreamToEnd } from '../events/stream.js';
import { securityLogFilter, securityLogSubject } from '../events/subjects.js';

export const securityLogStreamName = 'TTHC_SECURITY_LOG';

export const securityEventKinds = [
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'role-assigned',
  'role-revoked',
] as const;
export type SecurityEventKind = (typeof securityEventKinds)[number];

const officialRoles = roles.filter((role) => role !== 'applicant') as [
  Exclude<(typeof roles)[number], 'applicant'>,
  ...Exclude<(typeof roles)[number], 'applicant'>[],
];

const officialIdSchema = z.string().regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters');
const reasonCode = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be a reason code such as wrong-password');

const whoSchema = z.strictObject({
  id: officialIdSchema,
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(officialRoles).optional(),
  unit: unitCodeSchema.optional(),
});

export const securityEntrySchema = z.strictObject({
  id: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  kind: z.enum(securityEventKinds),
  /** How the official came in: the console (code flow), the CLI (device flow), the provider's page, a bearer token. */
  via: z.enum(['console', 'cli', 'provider', 'api']),
  /** The official signing in (or whose attempt failed), or the administrator changing a role. */
  official: whoSchema.optional(),
  /** Why a sign-in failed, or the reason code of a change. */
  reason: reasonCode.optional(),
  /** A role change: whose, what they hold now (nothing once revoked), what they held before. */
  change: z
    .strictObject({
      officialId: officialIdSchema,
      role: z.enum(officialRoles).optional(),
      unit: unitCodeSchema.optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      previous: z.strictObject({ role: z.enum(officialRoles), unit: unitCodeSchema }).optional(),
      note: z.string().trim().min(1).max(500).optional(),
    })
    .optional(),
});
export type SecurityEntry = z.output<typeof securityEntrySchema>;
export type SecurityEntryInput = Omit<SecurityEntry, 'id' | 'at'> & { id?: string; at?: string };

export function securityLogStreamConfig(
  replicas?: number,
): Partial<StreamConfig> & { name: string; subjects: string[] } {
  return appendOnlyStreamConfig(securityLogStreamName, [securityLogFilter], replicas);
}

export class SecurityLogUnavailableError extends Error {
  override name = 'SecurityLogUnavailableError';
}

export class SecurityLog {
  private constructor(
    private readonly js: JetStreamClient,
    private readonly clock: () => number,
  ) {}

  static async open(
    nc: NatsConnection,
    options: { replicas?: number; clock?: () => number } = {},
  ): Promise<SecurityLog> {
    await ensureStream(await jetstreamManager(nc), securityLogStreamConfig(options.replicas));
    return new SecurityLog(jetstream(nc), options.clock ?? Date.now);
  }

  /** Records one entry; resolves once the stream stored it. */
  async record(input: SecurityEntryInput): Promise<SecurityEntry> {
    const entry = securityEntrySchema.parse({
      ...input,
      id: input.id ?? randomUUID(),
      at: input.at ?? new Date(this.clock()).toISOString(),
    });
    try {
      await this.js.publish(securityLogSubject(entry.kind), JSON.stringify(entry), {
        msgID: entry.id,
        expect: { streamName: securityLogStreamName },
        timeout: 5_000,
      });
    } catch (error) {
      throw new SecurityLogUnavailableError(`could not record a ${entry.kind}: ${(error as Error).message}`);
    }
    return entry;
  }

  /** The latest entries (at most `limit`, oldest first), of the given kinds or all. */
  async list(
    options: { kinds?: readonly SecurityEventKind[]; limit?: number } = {},
  ): Promise<SecurityEntry[]> {
    const limit = options.limit ?? 200;
    const kinds = options.kinds?.length ? options.kinds : securityEventKinds;
    const entries: SecurityEntry[] = [];
    const subjects = kinds.map((kind) => securityLogSubject(kind));
    await readStreamToEnd(this.js, securityLogStreamName, subjects, (message) => {
      const parsed = securityEntrySchema.safeParse(message.json());
      if (parsed.success) entries.push(parsed.data);
      if (entries.length > limit) entries.shift();
    });
    return entries;
  }
}
