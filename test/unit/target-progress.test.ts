/** Progress against the yearly targets (giao chỉ tiêu): shares, forecast, falling behind. */
import { describe, expect, it } from 'vitest';
import { yearTargetsSchema } from '../../domain/unit-targets.js';
import { emptyCounters } from '../../indicators/dossier-counters.js';
import { recentMonths, targetProgress, yearElapsed } from '../../indicators/target-progress.js';

function counters(values: Partial<ReturnType<typeof emptyCounters>>) {
  return { ...emptyCounters(), ...values };
}

describe('targetProgress', () => {
  it('gives the share so far and the year forecast at the recent pace', () => {
    // Half the year gone: 100 dossiers accepted, 40 online; the recent months run at 80 % online.
    const [online] = targetProgress({
      target: { unit: '000.00.41.H99', online: 60 },
      yearToDate: counters({ accepted: 100, acceptedCounter: 55, acceptedPostal: 5 }),
      recent: counters({ accepted: 20, acceptedCounter: 4 }),
      elapsed: 0.5,
    });
    expect(online).toMatchObject({
      measure: 'online',
      target: 60,
      actual: 40,
      numerator: 40,
      denominator: 100,
    });
    // The rest of the year: 100 more dossiers at 80 %: (40 + 80) / 200 = 60 %.
    expect(online?.forecast).toBeCloseTo(60, 10);
    expect(online?.behind).toBe(false);
  });

  it('flags a target the forecast misses, and none where there is no target or no dossier', () => {
    const progress = targetProgress({
      target: { unit: '000.00.41.H99', onTime: 95, digitization: 80 },
      yearToDate: counters({ progressTotal: 50, progressOnTime: 45, accepted: 0 }),
      recent: counters({ progressTotal: 10, progressOnTime: 9 }),
      elapsed: 0.25,
    });
    const byMeasure = Object.fromEntries(progress.map((p) => [p.measure, p]));
    expect(byMeasure.onTime).toMatchObject({ actual: 90, forecast: 90, behind: true });
    expect(byMeasure.digitization).toMatchObject({ actual: null, forecast: null, behind: false });
    expect(byMeasure.online).toMatchObject({ behind: false });
    expect(byMeasure.online).not.toHaveProperty('target');
  });

  it('takes the year’s own pace without recent dossiers, and the actual share once the year is over', () => {
    const [online] = targetProgress({
      target: undefined,
      yearToDate: counters({ accepted: 10, acceptedCounter: 7 }),
      recent: counters({}),
      elapsed: 0.9,
    });
    expect(online?.forecast).toBeCloseTo(30, 10);
    const [ended] = targetProgress({
      target: undefined,
      yearToDate: counters({ accepted: 10, acceptedCounter: 7 }),
      recent: counters({ accepted: 5 }),
      elapsed: 1,
    });
    expect(ended?.forecast).toBe(30);
  });
});

describe('the year’s clock', () => {
  it('counts the share of the year elapsed, today included', () => {
    expect(yearElapsed(2026, '2026-01-01')).toBeCloseTo(1 / 365, 10);
    expect(yearElapsed(2026, '2026-12-31')).toBe(1);
    expect(yearElapsed(2026, '2025-12-31')).toBe(0);
    expect(yearElapsed(2028, '2028-07-01')).toBeCloseTo(183 / 366, 10);
  });

  it('paces on this month and the one before, within the year', () => {
    expect(recentMonths(2026, '2026-12-06')).toEqual(['2026-11', '2026-12']);
    expect(recentMonths(2026, '2026-01-15')).toEqual(['2026-01']);
    expect(recentMonths(2025, '2026-03-01')).toEqual([]);
  });
});

describe('the targets document', () => {
  const document = {
    issuedBy: '000.00.00.H99',
    year: 2026,
    decision: { number: '123/QĐ-UBND', date: '2026-01-15' },
    targets: [{ unit: '000.00.41.H99', online: 50, onTime: 98 }],
  };

  it('takes percentages for the units, with the decision that set them', () => {
    expect(yearTargetsSchema.parse(document).targets[0]?.online).toBe(50);
  });

  it('refuses a share above 100, an unknown measure and a unit given two targets, naming the field', () => {
    const issues = (value: unknown) =>
      yearTargetsSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ ...document, targets: [{ unit: '000.00.41.H99', online: 120 }] })).toEqual([
      'targets.0.online: must be from 0 to 100',
    ]);
    expect(issues({ ...document, targets: [{ unit: '000.00.41.H99', speed: 1 }] })?.[0]).toMatch(
      /^targets\.0: /,
    );
    expect(issues({ ...document, targets: [document.targets[0], document.targets[0]] })).toEqual([
      'targets: gives unit 000.00.41.H99 two targets',
    ]);
  });
});
