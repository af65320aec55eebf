/**
 * One entry of the personal-data access log: which official (id, name, role, unit) read which
 * dossier's personal data, when, and through which route. Entries carry no personal data of the
 * citizen: `detail` is an identifier (a form kind, a document reference), never free text.
 * Pure (zod only): the API, the CLI and the log itself validate with these schemas.
 */
import { z } from 'zod';
import { roles } from '../domain/actor.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { accessRoutes } from '../domain/personal-data-access.js';
import { unitCodeSchema } from '../domain/unit-code.js';
import { instantSchema, KEBAB_ID, textSchema } from '../domain/validation.js';

const officialRoles = roles.filter((role) => role !== 'applicant') as [
  Exclude<(typeof roles)[number], 'applicant'>,
  ...Exclude<(typeof roles)[number], 'applicant'>[],
];

/** A route being recorded: one of the known routes. */
export const accessRouteSchema = z
  .enum(accessRoutes, `must be one of ${accessRoutes.join(', ')}`)
  .describe('How the official read the data (domain/personal-data-access.ts accessRoutes)');

/** A route read back: a known one, or a kebab-case route recorded by a newer version. */
const recordedRouteSchema = z
  .string()
  .regex(KEBAB_ID, 'must be a route id such as dossier-view')
  .describe(`How the official read the data: ${accessRoutes.join(', ')}, or a route added later`);

/** An identifier, never free text: a form kind, a document reference (sha256:…), a payload key id. */
const detailSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9:._-]{0,199}$/, 'must be an identifier (letters, digits, : . _ -), no spaces')
  .describe('What was read: the form kind, the document reference; never the citizen’s data');

export const accessOfficialSchema = z
  .strictObject({
    id: z.string().regex(/^[\x21-\x7E]{1,128}$/, 'must be 1–128 visible ASCII characters'),
    name: textSchema.max(200),
    role: z.enum(officialRoles, `must be one of ${officialRoles.join(', ')}`),
    unit: unitCodeSchema,
  })
  .describe('The official who read the data, from their token');
export type AccessOfficial = z.output<typeof accessOfficialSchema>;

const entryFields = {
  id: z.uuid().describe('The entry’s id, also its JetStream message id'),
  at: instantSchema.describe('When the data was read (ISO 8601 instant)'),
  official: accessOfficialSchema,
  dossierCode: dossierCodeSchema,
  detail: detailSchema.optional(),
};

/** An entry as it is recorded. */
export const accessRecordSchema = z.strictObject({ ...entryFields, route: accessRouteSchema });
export type AccessRecord = z.output<typeof accessRecordSchema>;

/** An entry as it is read back from the stream (or the API): unknown fields of a newer version dropped. */
export const accessEntrySchema = z
  .object({ ...entryFields, route: recordedRouteSchema })
  .meta({ id: 'AccessLogEntry', description: 'An official’s read of a dossier’s personal data' });
export type AccessEntry = z.output<typeof accessEntrySchema>;

/** What `record` is given: the entry without its id and time, which the log adds (or keeps, on a retry). */
export type AccessRecordInput = Omit<AccessRecord, 'id' | 'at'> & Partial<Pick<AccessRecord, 'id' | 'at'>>;

/** The administrators' answer (GET /v1/audit/access): the entries in the order recorded, with unit names. */
export const accessLogPageSchema = z
  .object({
    dossierCode: dossierCodeSchema,
    entries: z.array(accessEntrySchema),
    unitNames: z
      .record(z.string(), z.string())
      .describe('The name of every unit in the entries, by unit code (the organisation registry)'),
  })
  .meta({ id: 'AccessLog' });
export type AccessLogPage = z.output<typeof accessLogPageSchema>;

/** What a citizen is told about one unit that read their data: no official's name. */
export interface UnitAccess {
  unit: string;
  firstAt: string;
  lastAt: string;
  count: number;
  /** The routes, in the order first used. */
  routes: string[];
}

/** The units that read a dossier's data, in the order of their first read. */
export function summariseUnits(entries: readonly AccessEntry[]): UnitAccess[] {
  const byUnit = new Map<string, UnitAccess>();
  for (const entry of entries) {
    const unit = entry.official.unit;
    const seen = byUnit.get(unit);
    if (!seen) {
      byUnit.set(unit, { unit, firstAt: entry.at, lastAt: entry.at, count: 1, routes: [entry.route] });
      continue;
    }
    seen.count++;
    if (Date.parse(entry.at) < Date.parse(seen.firstAt)) seen.firstAt = entry.at;
    if (Date.parse(entry.at) > Date.parse(seen.lastAt)) seen.lastAt = entry.at;
    if (!seen.routes.includes(entry.route)) seen.routes.push(entry.route);
  }
  return [...byUnit.values()].sort((a, b) => Date.parse(a.firstAt) - Date.parse(b.firstAt));
}
