/**
 * The personal-data access log's pure parts: the entry schema (what is recorded, what is read
 * back), the stream's configuration, the citizen's summary by unit, the route names, and which
 * forms are personal data.
 */
import { describe, expect, it } from 'vitest';
import { formCarriesPersonalData } from '../../api/access-logging.js';
import { formKinds } from '../../api/schemas.js';
import {
  type AccessEntry,
  accessEntrySchema,
  accessLogPageSchema,
  accessRecordSchema,
  summariseUnits,
} from '../../audit/access-entry.js';
import { accessLogStreamConfig, accessLogStreamName } from '../../audit/access-log.js';
import { displayNames } from '../../domain/display-names.js';
import { accessRouteName, accessRoutes } from '../../domain/personal-data-access.js';

const dossierCode = '000.01.41.H99-260423-0007';
const counterOfficial = {
  id: 'can-bo-01',
  name: 'Nguyễn Thị Thu',
  role: 'counter-officer',
  unit: '000.01.41.H99',
} as const;

function entry(overrides: Partial<AccessEntry> = {}): AccessEntry {
  return {
    id: '7d3f5c1e-4a8b-4c2d-9e6f-0a1b2c3d4e5f',
    at: '2026-04-23T03:00:00.000Z',
    official: counterOfficial,
    dossierCode,
    route: 'dossier-view',
    ...overrides,
  };
}

describe('an access-log entry', () => {
  it('records who, role, unit, when, which dossier and which route', () => {
    expect(accessRecordSchema.parse(entry({ route: 'form', detail: 'receipt' }))).toEqual(
      entry({ route: 'form', detail: 'receipt' }),
    );
    expect(
      accessRecordSchema.safeParse(entry({ route: 'document', detail: `sha256:${'a'.repeat(64)}` })).success,
    ).toBe(true);
  });

  it.each([
    ['an unknown route', { route: 'export' }],
    ['a citizen as the official', { official: { ...counterOfficial, role: 'applicant' } }],
    ['a unit that is not a unit code', { official: { ...counterOfficial, unit: 'UBND' } }],
    ['a dossier code with no real date', { dossierCode: '000.01.41.H99-261341-0007' }],
    ['a time without an offset', { at: '2026-04-23T10:00:00' }],
    ['an id that is not a UUID', { id: 'abc' }],
    ['free text as the detail (a name could hide there)', { detail: 'Trần Thị Bình' }],
    ['a detail with spaces', { detail: 'the receipt' }],
  ])('refuses %s when recorded', (_what, overrides) => {
    expect(accessRecordSchema.safeParse({ ...entry(), ...overrides }).success).toBe(false);
  });

  it('refuses fields beyond the entry when recorded, and reads back entries of a newer version', () => {
    expect(accessRecordSchema.safeParse({ ...entry(), applicant: 'Trần Thị Bình' }).success).toBe(false);
    const newer = { ...entry({ route: 'bulk-export' }), extra: 1 };
    expect(accessEntrySchema.parse(newer)).toEqual(entry({ route: 'bulk-export' }));
    expect(accessEntrySchema.safeParse(entry({ route: 'Not A Route' })).success).toBe(false);
  });

  it('the administrators’ page holds the entries and the units’ names', () => {
    const page = { dossierCode, entries: [entry()], unitNames: { '000.01.41.H99': 'Trung tâm' } };
    expect(accessLogPageSchema.parse(page)).toEqual(page);
  });
});

describe('the units a citizen is shown', () => {
  it('one line per unit, first read first, with the first and latest time, how many and how', () => {
    const agency = { id: 'cv-1', name: 'Phạm Thị Lan', role: 'specialist', unit: '000.00.41.H99' } as const;
    const units = summariseUnits([
      entry({ at: '2026-04-23T03:00:00.000Z' }),
      entry({ at: '2026-04-23T04:00:00.000Z', official: agency }),
      entry({ at: '2026-04-23T05:00:00.000Z', route: 'form', detail: 'receipt' }),
      entry({ at: '2026-04-24T01:00:00.000Z', official: { ...agency, id: 'ld-1', role: 'leader' } }),
      entry({ at: '2026-04-24T02:00:00.000Z', route: 'document', official: agency }),
    ]);
    expect(units).toEqual([
      {
        unit: '000.01.41.H99',
        firstAt: '2026-04-23T03:00:00.000Z',
        lastAt: '2026-04-23T05:00:00.000Z',
        count: 2,
        routes: ['dossier-view', 'form'],
      },
      {
        unit: '000.00.41.H99',
        firstAt: '2026-04-23T04:00:00.000Z',
        lastAt: '2026-04-24T02:00:00.000Z',
        count: 3,
        routes: ['dossier-view', 'document'],
      },
    ]);
    // No official's name or id reaches the citizen.
    expect(JSON.stringify(units)).not.toMatch(/Phạm Thị Lan|Nguyễn Thị Thu|cv-1|can-bo-01/);
    expect(summariseUnits([])).toEqual([]);
  });
});

describe('the stream', () => {
  it('is append-only on file storage, with the replicas asked for and no limits written out', () => {
    const config = accessLogStreamConfig(3);
    expect(config).toMatchObject({
      name: accessLogStreamName,
      storage: 'file',
      num_replicas: 3,
      deny_delete: true,
      deny_purge: true,
      allow_rollup_hdrs: false,
      max_age: 0,
      max_msgs: -1,
      max_bytes: -1,
      max_msgs_per_subject: -1,
    });
  });
});

describe('routes and forms', () => {
  it('every route has a name, gathered with the display names', () => {
    for (const route of accessRoutes) expect(accessRouteName(route)).not.toBe(route);
    expect(accessRouteName('bulk-export')).toBe('bulk-export');
    expect(Object.keys(displayNames.personalDataAccess.routes)).toEqual([...accessRoutes]);
    expect(displayNames.personalDataAccess.labels.heading).toBe(
      'Các đơn vị đã truy cập dữ liệu cá nhân của bạn',
    );
  });

  it('every form naming the applicant is personal data; the control sheet names no one', () => {
    expect(formKinds.filter((kind) => !formCarriesPersonalData(kind))).toEqual(['control-sheet']);
  });
});
