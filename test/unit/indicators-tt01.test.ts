/**
 * indicators/tt01.ts: TT 01/2018/TT-VPCP Art 13–15 (DOMAIN.md §1.5): per-dossier scores 0/1/2,
 * averaged to 1 decimal, indicators with no data excluded; agency bands out of 18 and officer bands.
 */
import { describe, expect, it } from 'vitest';
import {
  agencyAssessment,
  agencyBand,
  averageScore,
  officerAssessment,
  officerBand,
  tallyScores,
} from '../../indicators/tt01.js';

describe('per-dossier scores averaged per unit (DOMAIN.md §1.5, TT 01/2018 Art 15)', () => {
  it('averages Σ scores ÷ dossiers to 1 decimal', () => {
    const tally = tallyScores([{ '1': 2 }, { '1': 1 }, { '1': 1 }]);
    expect(tally['1']).toEqual({ sum: 4, count: 3 });
    expect(averageScore(tally['1'])).toBe(1.3);
    expect(averageScore({ sum: 29, count: 20 })).toBe(1.5); // 1.45 rounds up
    expect(averageScore({ sum: 0, count: 0 })).toBeNull();
  });

  it('ignores unit-level keys and values outside 0–2 in a dossier evaluation', () => {
    const tally = tallyScores([{ '1': 2, '5': 2, '7': 3, '3': 0 }]);
    expect(tally['1']).toEqual({ sum: 2, count: 1 });
    expect(tally['3']).toEqual({ sum: 0, count: 1 });
    expect(tally['7']).toEqual({ sum: 0, count: 0 });
  });
});

describe('agency assessment, max 18 (DOMAIN.md §1.5, TT 01/2018 Art 14–15)', () => {
  it('adds the six per-dossier averages and the unit-level 5, 8, 9', () => {
    const tally = tallyScores([
      { '1': 2, '2': 2, '3': 2, '4': 2, '6': 2, '7': 2 },
      { '1': 2, '2': 2, '3': 2, '4': 2, '6': 2, '7': 2 },
    ]);
    const result = agencyAssessment(tally, { '5': 1, '8': 1, '9': 1 });
    expect(result.total).toBe(15);
    expect(result.max).toBe(18);
    expect(result.band).toBe('Xuất sắc');
    expect(result.indicators.find((i) => i.id === '6')).toMatchObject({ score: 2, source: 'dossiers' });
  });

  it('excludes an indicator with no data from the total', () => {
    const tally = tallyScores([{ '1': 2, '3': 1 }]);
    const result = agencyAssessment(tally, { '6': 2 });
    expect(result.total).toBe(5);
    expect(result.max).toBe(6);
    expect(result.indicators.find((i) => i.id === '6')).toMatchObject({ score: 2, source: 'unit' });
    expect(result.indicators.find((i) => i.id === '2')).toMatchObject({ score: null, source: 'none' });
  });

  it('has no total and no band without any data', () => {
    expect(agencyAssessment(tallyScores([]))).toMatchObject({ total: null, max: 0, band: null });
  });

  it.each([
    [18, 'Xuất sắc'],
    [15, 'Xuất sắc'],
    [14.9, 'Tốt'],
    [12, 'Tốt'],
    [11.9, 'Khá'],
    [9, 'Khá'],
    [8.9, 'Trung bình'],
    [6, 'Trung bình'],
    [5.9, 'Yếu'],
    [0, 'Yếu'],
  ])('an agency total of %d is %s (bands at 15/12/9/6)', (total, band) => {
    expect(agencyBand(total)).toBe(band);
  });
});

describe('officer assessment, indicators 1, 2, 3, 4, 7, max 10 (DOMAIN.md §1.5)', () => {
  it.each([
    [5, '100%'],
    [4.9, '70–<100%'],
    [3.5, '70–<100%'],
    [3.4, '<70%'],
  ])('a total of %d means %s of tasks completed', (total, completion) => {
    expect(officerBand(total).completion).toBe(completion);
  });

  it('sums the officer indicators only', () => {
    const result = officerAssessment(tallyScores([{ '1': 1, '2': 1, '3': 1, '4': 1, '6': 2, '7': 1 }]));
    expect(result.total).toBe(5);
    expect(result.max).toBe(10);
    expect(result.band).toBe('Hoàn thành 100% nhiệm vụ');
  });
});
