import { describe, expect, it } from 'vitest';
import { createRegistry, isUnitCode, type OrganisationInput } from '../../domain/organisation.js';
import { ValidationError } from '../../domain/validation.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';

const PROVINCE = '000.00.00.H99';
const TTPVHCC = '000.00.01.H99';
const SO_NNMT = '000.00.13.H99';
const VPDKDD = '000.01.13.H99';
const UBND_CAM_THANH = '000.00.41.H99';
const TTPV_CAM_THANH = '000.01.41.H99';
const POLICE = '000.00.30.H99';
const POLICE_CAM_THANH = '000.41.30.H99';

function codes(units: readonly { code: string }[]): string[] {
  return units.map((unit) => unit.code);
}

function issuesOf(input: OrganisationInput): string[] {
  try {
    createRegistry(input);
    return [];
  } catch (error) {
    if (error instanceof ValidationError) return error.issues;
    throw error;
  }
}

const TWO_TIERS = [
  { id: 'cap-tinh', name: 'Cấp tỉnh', rank: 0 },
  { id: 'cap-xa', name: 'Cấp xã', rank: 1 },
];

const THREE_TIERS = [
  { id: 'cap-tinh', name: 'Cấp tỉnh', rank: 0 },
  { id: 'cap-huyen', name: 'Cấp huyện', rank: 1 },
  { id: 'cap-xa', name: 'Cấp xã', rank: 2 },
];

describe('unit codes (TT 10/2016/TT-BTTTT, §1.3)', () => {
  it('accepts V1V2V3.Z1Z2.Y1Y2.MX1X2 and refuses other shapes', () => {
    expect(isUnitCode('000.00.15.H57')).toBe(true);
    expect(isUnitCode('000.00.04.G14')).toBe(true);
    expect(isUnitCode('H55.242')).toBe(false);
    expect(isUnitCode('000.00.15.57')).toBe(false);
    expect(isUnitCode('000.00.15.h57')).toBe(false);
  });
});

describe('the demo registry', () => {
  const registry = loadOrganisation('demo');

  it('validates and holds the province, its departments and 4 communes (2 tiers since 1/7/2025, §0)', () => {
    expect(registry.tiers.map((tier) => tier.id)).toEqual(['cap-tinh', 'cap-xa']);
    expect(
      registry.units.filter((unit) => unit.tier === 'cap-xa' && unit.kind === 'people-committee'),
    ).toHaveLength(4);
    expect(registry.data.notes).toMatch(/minh họa/);
  });

  it('answers tree queries', () => {
    expect(registry.get(TTPVHCC).kind).toBe('one-stop-centre');
    expect(codes(registry.children(SO_NNMT))).toEqual([VPDKDD]);
    expect(codes(registry.ancestors(TTPV_CAM_THANH))).toEqual([UBND_CAM_THANH, PROVINCE]);
    expect(codes(registry.descendants(UBND_CAM_THANH))).toEqual([TTPV_CAM_THANH]);
    expect(codes(registry.descendants(PROVINCE))).toContain(VPDKDD);
    expect(registry.isWithin(TTPV_CAM_THANH, PROVINCE)).toBe(true);
    expect(registry.isWithin(PROVINCE, PROVINCE)).toBe(true);
    expect(registry.isWithin(PROVINCE, UBND_CAM_THANH)).toBe(false);
    expect(registry.tierOf(TTPV_CAM_THANH).name).toBe('Cấp xã');
  });

  it('provinceOf is the top ancestor, or the province declared on a separate tree (police)', () => {
    expect(registry.provinceOf(TTPV_CAM_THANH).code).toBe(PROVINCE);
    expect(registry.provinceOf(PROVINCE).code).toBe(PROVINCE);
    expect(codes(registry.ancestors(POLICE_CAM_THANH))).toEqual([POLICE]);
    expect(registry.provinceOf(POLICE_CAM_THANH).code).toBe(PROVINCE);
    expect(registry.isWithin(POLICE_CAM_THANH, PROVINCE)).toBe(false);
  });

  it('rejects unknown unit codes', () => {
    expect(() => registry.get('000.00.77.H99')).toThrow('Unknown unit code "000.00.77.H99"');
    expect(() => registry.children('000.00.77.H99')).toThrow('Unknown unit code');
  });
});

describe('registry validation', () => {
  it('rejects an unknown parent, naming the unit', () => {
    const issues = issuesOf({
      version: 't',
      tiers: TWO_TIERS,
      units: [
        {
          code: '000.00.41.H99',
          name: 'UBND xã A',
          tier: 'cap-xa',
          parent: '000.00.00.H98',
          kind: 'people-committee',
        },
      ],
    });
    expect(issues).toEqual([
      'units[0].parent: unit 000.00.41.H99 (UBND xã A): parent "000.00.00.H98" is not in the registry',
    ]);
  });

  it('rejects an unknown tier, naming the unit', () => {
    const issues = issuesOf({
      version: 't',
      tiers: TWO_TIERS,
      units: [{ code: '000.00.00.H99', name: 'UBND tỉnh', tier: 'cap-huyen', kind: 'people-committee' }],
    });
    expect(issues).toEqual([
      'units[0].tier: unit 000.00.00.H99 (UBND tỉnh): tier "cap-huyen" is not declared in tiers',
    ]);
  });

  it('rejects a cycle, naming the units on it', () => {
    const issues = issuesOf({
      version: 't',
      tiers: TWO_TIERS,
      units: [
        { code: '000.00.01.H99', name: 'A', tier: 'cap-xa', parent: '000.00.02.H99', kind: 'agency' },
        { code: '000.00.02.H99', name: 'B', tier: 'cap-xa', parent: '000.00.01.H99', kind: 'agency' },
      ],
    });
    expect(issues).toEqual([
      'units[0].parent: unit 000.00.01.H99 (A): parent chain forms a cycle (000.00.01.H99 → 000.00.02.H99 → 000.00.01.H99)',
    ]);
  });

  it('rejects a parent in a lower tier than its child, and a duplicate code', () => {
    const issues = issuesOf({
      version: 't',
      tiers: TWO_TIERS,
      units: [
        { code: '000.00.41.H99', name: 'UBND xã A', tier: 'cap-xa', kind: 'people-committee' },
        { code: '000.00.42.H99', name: 'Sở X', tier: 'cap-tinh', parent: '000.00.41.H99', kind: 'agency' },
        { code: '000.00.41.H99', name: 'Trùng', tier: 'cap-xa', kind: 'agency' },
      ],
    });
    expect(issues).toEqual([
      'units[2].code: unit 000.00.41.H99 (Trùng): code is used by another unit',
      'units[1].parent: unit 000.00.42.H99 (Sở X): parent 000.00.41.H99 is in a lower tier ("cap-xa") than the unit ("cap-tinh")',
    ]);
  });

  it('reports malformed fields by path and rule', () => {
    const issues = issuesOf({
      version: 't',
      tiers: [{ id: 'Cap Tinh', name: 'Cấp tỉnh', rank: -1 }],
      units: [{ code: 'H55.242', name: '', tier: 'cap-tinh', kind: 'agency' }],
    });
    expect(issues).toEqual([
      'tiers[0].id: must be a kebab-case id: lower-case letters and digits joined by "-"',
      'tiers[0].rank: must be 0 (top tier) or more',
      'units[0].code: must be an agency code V1V2V3.Z1Z2.Y1Y2.MX1X2 (TT 10/2016/TT-BTTTT), e.g. 000.00.15.H57',
      'units[0].name: must not be empty',
      'units[0].tier: unit H55.242 (): tier "cap-tinh" is not declared in tiers',
    ]);
  });
});

describe('any number of tiers (§0: 3 tiers before 1/7/2025, 2 since)', () => {
  it('works with a 3-tier registry', () => {
    const registry = createRegistry({
      version: '2024',
      tiers: THREE_TIERS,
      units: [
        { code: '000.00.00.H99', name: 'UBND tỉnh', tier: 'cap-tinh', kind: 'people-committee' },
        {
          code: '000.00.21.H99',
          name: 'UBND huyện Tu Mơ Rông',
          tier: 'cap-huyen',
          parent: '000.00.00.H99',
          kind: 'people-committee',
        },
        {
          code: '000.05.21.H99',
          name: 'UBND xã Đăk Hà',
          tier: 'cap-xa',
          parent: '000.00.21.H99',
          kind: 'people-committee',
        },
      ],
    });
    expect(codes(registry.ancestors('000.05.21.H99'))).toEqual(['000.00.21.H99', '000.00.00.H99']);
    expect(registry.provinceOf('000.05.21.H99').code).toBe('000.00.00.H99');
    expect(registry.isWithin('000.05.21.H99', '000.00.21.H99')).toBe(true);
    expect(registry.tierOf('000.00.21.H99').rank).toBe(1);
  });

  it('works with a 2-tier registry where communes sit directly under the province', () => {
    const registry = createRegistry({
      version: '2025',
      tiers: TWO_TIERS,
      units: [
        { code: '000.00.00.H99', name: 'UBND tỉnh', tier: 'cap-tinh', kind: 'people-committee' },
        {
          code: '000.00.43.H99',
          name: 'UBND xã Tu Mơ Rông',
          tier: 'cap-xa',
          parent: '000.00.00.H99',
          kind: 'people-committee',
        },
      ],
    });
    expect(codes(registry.children('000.00.00.H99'))).toEqual(['000.00.43.H99']);
    expect(registry.get('000.00.43.H99').jurisdiction).toBe('VN');
  });
});
