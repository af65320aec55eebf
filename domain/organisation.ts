import { z } from 'zod';
import { unitCodeSchema } from './unit-code.js';
import { kebabIdSchema, parseOrThrow, textSchema } from './validation.js';

/**
 * The organisation registry: government tiers and the units (agencies, people's committees,
 * one-stop centres, police) that receive and process dossiers.
 *
 * Tiers are data, never an enum: local government had 3 tiers (tỉnh / huyện / xã) until
 * 30/6/2025 and has 2 (tỉnh / xã) since 1/7/2025 (DOMAIN.md §0). A registry may declare any
 * number of tiers; rank 0 is the top.
 */

export { isUnitCode, UNIT_CODE, UNIT_CODE_RULE, unitCodeSchema } from './unit-code.js';

/** Unit kinds the engine knows about; other kebab-case kinds are allowed. */
export const KNOWN_UNIT_KINDS = ['one-stop-centre', 'agency', 'people-committee', 'police'] as const;
export type UnitKind = (typeof KNOWN_UNIT_KINDS)[number] | (string & {});

export const tierSchema = z.strictObject({
  id: kebabIdSchema,
  name: textSchema,
  rank: z.number().int('must be a whole number').min(0, 'must be 0 (top tier) or more'),
});

export const unitSchema = z.strictObject({
  code: unitCodeSchema,
  name: textSchema,
  tier: kebabIdSchema,
  parent: unitCodeSchema.optional(),
  /** One of KNOWN_UNIT_KINDS or another kebab-case kind. */
  kind: kebabIdSchema,
  /**
   * The province unit this unit serves, for a unit tree not placed under the province's People's
   * Committee (e.g. the province police and the commune police below it). Set it on the top unit
   * of such a tree; units below inherit it (if repeated there, it must agree).
   */
  province: unitCodeSchema.optional(),
  /** Holiday-calendar jurisdiction (see data/calendars); 'VN' = the national calendar. */
  jurisdiction: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a calendar jurisdiction id such as VN')
    .default('VN'),
});

export type Tier = z.output<typeof tierSchema>;
export type Unit = z.output<typeof unitSchema>;

const organisationShape = z.strictObject({
  version: textSchema,
  name: textSchema.optional(),
  notes: z.string().optional(),
  tiers: z.array(tierSchema).min(1, 'must declare at least one tier'),
  units: z.array(unitSchema),
});

type OrganisationShape = z.output<typeof organisationShape>;
type IssueSink = (path: PropertyKey[], message: string) => void;

export const organisationSchema = organisationShape.superRefine((data, ctx) => {
  const report: IssueSink = (path, message) => ctx.addIssue({ code: 'custom', path, message });
  checkTiers(data, report);
  checkUnits(data, report);
  checkCycles(data, report);
  checkProvinces(data, report);
});

export type Organisation = z.output<typeof organisationSchema>;
export type OrganisationInput = z.input<typeof organisationSchema>;

function label(unit: Unit): string {
  return `unit ${unit.code} (${unit.name})`;
}

function checkTiers(data: OrganisationShape, report: IssueSink): void {
  const seen = new Set<string>();
  data.tiers.forEach((tier, i) => {
    if (seen.has(tier.id)) report(['tiers', i, 'id'], `tier id "${tier.id}" is declared twice`);
    seen.add(tier.id);
  });
}

function checkUnits(data: OrganisationShape, report: IssueSink): void {
  const rankOf = new Map(data.tiers.map((tier) => [tier.id, tier.rank]));
  const byCode = new Map<string, Unit>();
  data.units.forEach((unit, i) => {
    if (byCode.has(unit.code)) report(['units', i, 'code'], `${label(unit)}: code is used by another unit`);
    byCode.set(unit.code, unit);
  });
  data.units.forEach((unit, i) => {
    if (!rankOf.has(unit.tier)) {
      report(['units', i, 'tier'], `${label(unit)}: tier "${unit.tier}" is not declared in tiers`);
    }
    if (unit.parent === undefined) return;
    const parent = byCode.get(unit.parent);
    if (!parent) {
      report(['units', i, 'parent'], `${label(unit)}: parent "${unit.parent}" is not in the registry`);
      return;
    }
    const [parentRank, childRank] = [rankOf.get(parent.tier), rankOf.get(unit.tier)];
    if (parentRank !== undefined && childRank !== undefined && parentRank > childRank) {
      report(
        ['units', i, 'parent'],
        `${label(unit)}: parent ${parent.code} is in a lower tier ("${parent.tier}") than the unit ("${unit.tier}")`,
      );
    }
  });
}

function checkCycles(data: OrganisationShape, report: IssueSink): void {
  const parentOf = new Map(data.units.map((unit) => [unit.code, unit.parent]));
  const reported = new Set<string>();
  data.units.forEach((unit, i) => {
    const cycle = cycleFrom(unit.code, parentOf);
    if (!cycle?.includes(unit.code)) return;
    const key = [...cycle].sort().join(' ');
    if (reported.has(key)) return;
    reported.add(key);
    report(
      ['units', i, 'parent'],
      `${label(unit)}: parent chain forms a cycle (${[...cycle, unit.code].join(' → ')})`,
    );
  });
}

/** The codes on the cycle reached from `start`, starting at `start` if it is on it; else undefined. */
function cycleFrom(start: string, parentOf: Map<string, string | undefined>): string[] | undefined {
  const chain: string[] = [];
  let code: string | undefined = start;
  while (code !== undefined && parentOf.has(code)) {
    const at = chain.indexOf(code);
    if (at >= 0) return chain.slice(at);
    chain.push(code);
    code = parentOf.get(code);
  }
  return undefined;
}

function checkProvinces(data: OrganisationShape, report: IssueSink): void {
  const byCode = new Map(data.units.map((unit) => [unit.code, unit]));
  data.units.forEach((unit, i) => {
    if (unit.province === undefined) return;
    if (!byCode.has(unit.province)) {
      report(['units', i, 'province'], `${label(unit)}: province "${unit.province}" is not in the registry`);
      return;
    }
    const top = topAncestor(unit, byCode);
    const inherited = top && top !== unit ? (top.province ?? top.code) : undefined;
    if (inherited !== undefined && inherited !== unit.province) {
      report(
        ['units', i, 'province'],
        `${label(unit)}: province "${unit.province}" differs from ${inherited}, the province of its parent chain`,
      );
    }
  });
}

/** The unit at the top of the unit's parent chain; undefined if the chain is broken or cyclic. */
function topAncestor(unit: Unit, byCode: Map<string, Unit>): Unit | undefined {
  const seen = new Set<string>();
  let current = unit;
  while (current.parent !== undefined) {
    if (seen.has(current.code)) return undefined;
    seen.add(current.code);
    const parent = byCode.get(current.parent);
    if (!parent) return undefined;
    current = parent;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// Registry queries.

export interface OrganisationRegistry {
  readonly data: Organisation;
  readonly tiers: readonly Tier[];
  readonly units: readonly Unit[];
  has(code: string): boolean;
  /** The unit with this code; throws `Unknown unit code "X"` if there is none. */
  get(code: string): Unit;
  tierOf(code: string): Tier;
  /** Direct children, in registry order. */
  children(code: string): Unit[];
  /** Parent, grandparent, … up to the top (nearest first). */
  ancestors(code: string): Unit[];
  /** All units below, depth first, in registry order. */
  descendants(code: string): Unit[];
  /** True when `code` is `ancestorCode` itself or lies below it. */
  isWithin(code: string, ancestorCode: string): boolean;
  /**
   * The unit's province: the top ancestor (the unit itself at the top), or the `province` declared
   * on the unit or on that top ancestor.
   */
  provinceOf(code: string): Unit;
}

/** Validates registry data (throws ValidationError listing every problem) and indexes it. */
export function createRegistry(input: unknown): OrganisationRegistry {
  const data = parseOrThrow(organisationSchema, input, 'organisation registry');
  const byCode = new Map(data.units.map((unit) => [unit.code, unit]));
  const tierById = new Map(data.tiers.map((tier) => [tier.id, tier]));
  const childrenOf = groupChildren(data.units);

  const get = (code: string): Unit => {
    const unit = byCode.get(code);
    if (!unit) throw new Error(`Unknown unit code "${code}"`);
    return unit;
  };
  const children = (code: string): Unit[] => {
    get(code);
    return [...(childrenOf.get(code) ?? [])];
  };
  const ancestors = (code: string): Unit[] => {
    const chain: Unit[] = [];
    for (let unit = get(code); unit.parent !== undefined; ) {
      unit = get(unit.parent);
      chain.push(unit);
    }
    return chain;
  };
  const descendants = (code: string): Unit[] =>
    children(code).flatMap((child) => [child, ...descendants(child.code)]);

  return {
    data,
    tiers: data.tiers,
    units: data.units,
    has: (code) => byCode.has(code),
    get,
    tierOf: (code) => tierById.get(get(code).tier) as Tier,
    children,
    ancestors,
    descendants,
    isWithin: (code, ancestorCode) =>
      code === get(ancestorCode).code || ancestors(code).some((unit) => unit.code === ancestorCode),
    provinceOf: (code) => {
      const unit = get(code);
      const top = ancestors(code).at(-1) ?? unit;
      const declared = unit.province ?? top.province;
      return declared === undefined ? top : get(declared);
    },
  };
}

function groupChildren(units: readonly Unit[]): Map<string, Unit[]> {
  const map = new Map<string, Unit[]>();
  for (const unit of units) {
    if (unit.parent === undefined) continue;
    const list = map.get(unit.parent) ?? [];
    list.push(unit);
    map.set(unit.parent, list);
  }
  return map;
}
