/**
 * Loads data/portal/dvcqg-mapping.json: how tthc-flow's dossier statuses map to the national
 * portal's status codes (TrangThaiHoSo), and what each event is called in a progress update
 * (NoiDungXuLy). Versioned data, like the catalogue: the portal's codes change by decision, not
 * by release. Every status and every synced event type must be mapped; errors name the field.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type DossierStatus, statusNames } from '../domain/dossier/dossier-status.js';
import { civilDateSchema, parseOrThrow, textSchema } from '../domain/validation.js';
import { type DossierEventType, eventTypes } from '../events/dossier-event-schema.js';
import { type PortalStatusCode, portalStatusCodes } from '../portal/portal-api.js';

export const PORTAL_MAPPING_FILE = new URL('../data/portal/dvcqg-mapping.json', import.meta.url);

const statusCodeSchema = z.enum(
  Object.keys(portalStatusCodes) as [PortalStatusCode, ...PortalStatusCode[]],
  `must be one of the portal's status codes ${Object.keys(portalStatusCodes).join(', ')}`,
);

const mappingSchema = z
  .strictObject({
    version: textSchema,
    effectiveFrom: civilDateSchema,
    source: textSchema,
    statuses: z.partialRecord(
      z.enum(Object.keys(statusNames) as [DossierStatus, ...DossierStatus[]], 'is not a dossier status'),
      statusCodeSchema,
    ),
    progress: z.partialRecord(z.enum(eventTypes, 'is not a dossier event type'), textSchema),
    /** Event types that are reports back (the portal's own acknowledgement, say): never sent. */
    notSynced: z.array(z.enum(eventTypes, 'is not a dossier event type')),
  })
  .superRefine((mapping, ctx) => {
    for (const status of Object.keys(statusNames) as DossierStatus[]) {
      if (!mapping.statuses[status])
        ctx.addIssue({ code: 'custom', path: ['statuses', status], message: 'is not mapped' });
    }
    for (const type of eventTypes) {
      if (!mapping.progress[type] && !mapping.notSynced.includes(type))
        ctx.addIssue({
          code: 'custom',
          path: ['progress', type],
          message: 'is neither named for a progress update nor listed in notSynced',
        });
    }
  });

export interface PortalMapping {
  version: string;
  effectiveFrom: string;
  statusCode(status: string): PortalStatusCode;
  /** NoiDungXuLy of an event type. */
  progressText(type: DossierEventType): string;
  /** Whether events of this type are sent to the portal. */
  isSynced(type: DossierEventType): boolean;
}

const cache = new Map<string, PortalMapping>();

/** Reads and validates the mapping (cached per file). */
export function loadPortalMapping(file: URL = PORTAL_MAPPING_FILE): PortalMapping {
  const cached = cache.get(file.href);
  if (cached) return cached;
  const path = fileURLToPath(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`Portal mapping file ${path} cannot be read: ${(error as Error).message}`);
  }
  const data = parseOrThrow(mappingSchema, raw, `portal mapping file ${path}`);
  const notSynced = new Set<string>(data.notSynced);
  const mapping: PortalMapping = {
    version: data.version,
    effectiveFrom: data.effectiveFrom,
    statusCode(status) {
      const code = data.statuses[status as DossierStatus];
      if (!code) throw new RangeError(`dossier status "${status}" has no portal code in ${path}`);
      return code;
    },
    progressText: (type) => data.progress[type] ?? type,
    isSynced: (type) => !notSynced.has(type),
  };
  cache.set(file.href, mapping);
  return mapping;
}
