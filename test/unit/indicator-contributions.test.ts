/**
 * The aggregator's fast path (`prepareDossierFacts` + `preparedCounts`) gives, for every period a
 * dossier's facts touch, exactly what `dossierCounts` gives (its zero fields left out), on random
 * facts: instants around period edges, supplementations, reschedules, evaluations, both progress
 * views. The incremental aggregator relies on this equality; the scoreboard recount checks the
 * formulas themselves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../domain/time.js';
import type { DossierFacts } from '../../events/dossier-event-schema.js';
import {
  affectedPeriods,
  type ContributionOptions,
  dossierCounts,
  prepareDossierFacts,
  preparedCounts,
} from '../../indicators/dossier-counters.js';
import { type PeriodKind, periodKinds } from '../../indicators/periods.js';

const hour = 3_600_000;
/** 31/3/2026 → early July 2026: months, quarter and day edges in range. */
const base = Date.parse('2026-03-31T00:00:00+07:00');
const at = (hours: number) => formatInstant(base + hours * hour);
const offset = fc.integer({ min: 0, max: 24 * 95 });
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const date = offset.map((h) => at(h).slice(0, 10));

const factsArbitrary: fc.Arbitrary<DossierFacts> = fc
  .record({
    channel: fc.constantFrom(1 as const, 2 as const, 3 as const),
    serviceLevel: fc.constantFrom('toan-trinh' as const, 'mot-phan' as const),
    eligibleForToanTrinh: maybe(fc.boolean()),
    status: fc.constantFrom('MOI_TIEP_NHAN', 'DANG_XU_LY', 'DA_XU_LY_XONG', 'DA_TRA_KET_QUA', 'DUNG_XU_LY'),
    submitted: offset,
    accepted: maybe(offset),
    dueDate: maybe(date),
    rescheduledDueDate: maybe(date),
    apologyInTime: maybe(fc.boolean()),
    supplementations: fc.array(
      fc.record({
        phase: fc.constantFrom('intake' as const, 'processing' as const),
        requested: offset,
        provided: maybe(fc.integer({ min: 0, max: 24 * 10 })),
      }),
      { maxLength: 3 },
    ),
    decided: maybe(offset),
    ended: maybe(offset),
    returned: maybe(offset),
    portalSynced: maybe(offset),
    components: fc.array(
      fc.record({
        kind: fc.constant('giay-to'),
        form: fc.constantFrom('paper' as const, 'electronic' as const),
        digitized: fc.boolean(),
        reused: fc.boolean(),
        fromDataStore: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    paperResultRequired: fc.boolean(),
    eResultLink: maybe(fc.constant('/v1/documents/sha256:1')),
    vneidAuthenticated: fc.boolean(),
    fees: fc.array(fc.record({ name: fc.constant('Lệ phí'), amountVnd: fc.constantFrom(0, 50_000) }), {
      maxLength: 2,
    }),
    paidOnline: fc.boolean(),
    evaluation: maybe(
      fc.record({
        liked: maybe(fc.boolean()),
        scores: fc.dictionary(fc.constantFrom('1', '2', '3', '4', '6', '7'), fc.integer({ min: 0, max: 2 })),
      }),
    ),
  })
  .map((r) => ({
    procedureCode: '1.001612',
    ruleVersion: '2026-01-01',
    channel: r.channel,
    serviceLevel: r.serviceLevel,
    eligibleForToanTrinh: r.eligibleForToanTrinh,
    status: r.status,
    receivingUnit: '000.01.41.H99',
    competentAgency: '000.00.41.H99',
    submittedAt: at(r.submitted),
    acceptedAt: r.accepted === undefined ? undefined : at(r.accepted),
    dueDate: r.dueDate,
    rescheduledDueDate: r.rescheduledDueDate,
    apologyInTime: r.apologyInTime,
    supplementations: r.supplementations.map((s) => ({
      phase: s.phase,
      requestedAt: at(s.requested),
      providedAt: s.provided === undefined ? undefined : at(s.requested + s.provided),
    })),
    decidedAt: r.decided === undefined ? undefined : at(r.decided),
    endedAt: r.ended === undefined ? undefined : at(r.ended),
    returnedAt: r.returned === undefined ? undefined : at(r.returned),
    portalSyncedAt: r.portalSynced === undefined ? undefined : at(r.portalSynced),
    components: r.components,
    paperResultRequired: r.paperResultRequired,
    eResultLink: r.eResultLink,
    vneidAuthenticated: r.vneidAuthenticated,
    fees: r.fees,
    paidOnline: r.paidOnline,
    overdueWithoutApology: false,
    apologyIssued: false,
    evaluation: r.evaluation,
  }));

const withoutZeros = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).filter(([, value]) => value !== 0));

const optionsArbitrary: fc.Arbitrary<ContributionOptions> = fc.record({
  progressView: fc.constantFrom('as-of-period-end' as const, 'latest-facts' as const),
  processingTimeExcludesSupplementation: fc.boolean(),
});

describe('prepared contributions', () => {
  it('equal dossierCounts for every affected period, every kind of period and both progress views', () => {
    fc.assert(
      fc.property(
        factsArbitrary,
        optionsArbitrary,
        fc.subarray([...periodKinds], { minLength: 1 }),
        (facts, options, kinds: PeriodKind[]) => {
          const prepared = prepareDossierFacts(facts, kinds, options);
          expect(prepared.periods).toEqual(affectedPeriods(facts, kinds));
          for (const period of prepared.periods) {
            expect(preparedCounts(prepared, period)).toEqual(
              withoutZeros(dossierCounts(facts, period, options)),
            );
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('refuses facts whose instants cannot be parsed, as affectedPeriods does', () => {
    const facts = fc.sample(factsArbitrary, 1)[0] as DossierFacts;
    expect(() => prepareDossierFacts({ ...facts, submittedAt: '2026-02-30T10:00:00+07:00' })).toThrow(
      RangeError,
    );
  });
});
