/**
 * Decision 766 indicators 1.1–1.3 from TTHC publication records, on small worked examples of the
 * rules of DOMAIN.md §2.3 group 1 (ND 63/2010 Art 15; Art 24 as amended by ND 92/2017; Art 8(2)),
 * counted in working days of the national calendar (data/calendars/VN.json), and the reminders'
 * list of what falls due.
 */
import { describe, expect, it } from 'vitest';
import {
  disclosureDeadline,
  publicationDeadline,
  publicationsDue,
  workingDaysBefore,
} from '../../domain/publication-deadlines.js';
import {
  type PublicationRecords,
  type PublicationRecordsInput,
  publicationRecordsSchema,
} from '../../domain/publication-records.js';
import { PUBLISHED_PARTS } from '../../domain/published-parts.js';
import { emptyCounters } from '../../indicators/dossier-counters.js';
import {
  completeDisclosure,
  type PublicationIndicatorInput,
  publicationIndicators,
  timelyDisclosure,
  timelyPublication,
} from '../../indicators/publication-indicators.js';
import { scoreboard } from '../../indicators/scoring.js';
import { loadCalendar } from '../../rules/calendar-loader.js';

const calendar = loadCalendar('VN');
const province = '000.00.00.H99';
const ministry = '000.00.00.G15';
const june = { firstDay: '2026-06-01', lastDay: '2026-06-30' };
const allParts = [...PUBLISHED_PARTS];

/** Records with a province and a ministry issuer, and the legal documents the examples rest on. */
function records(extra: Partial<PublicationRecordsInput>): PublicationRecords {
  return publicationRecordsSchema.parse({
    issuers: [
      { unit: province, level: 'province' },
      { unit: ministry, level: 'ministry' },
    ],
    legalDocuments: [
      { number: 'VB-15-6', effectiveFrom: '2026-06-15' },
      { number: 'VB-1-6', effectiveFrom: '2026-06-01' },
      { number: 'VB-7-9', effectiveFrom: '2026-09-07' },
      { number: 'VB-rut-gon', effectiveFrom: '2026-06-01', shortenedProcedure: true },
    ],
    ...extra,
  });
}

const decision = (
  number: string,
  issuedOn: string,
  issuer: string,
  kind: 'thong-thuong' | 'dac-thu' | 'danh-muc',
  procedures: Array<[code: string, basis: string[]]>,
) => ({
  number,
  issuedOn,
  issuer,
  kind,
  procedures: procedures.map(([code, legalBasis]) => ({ code, change: 'amended' as const, legalBasis })),
});

function input(
  recordSet: PublicationRecords,
  today = '2026-07-15',
  period = june,
): PublicationIndicatorInput {
  return {
    records: recordSet,
    issuers: new Set([province, ministry]),
    period,
    today,
    calendarOf: () => calendar,
  };
}

describe('deadlines in working days (ND 63/2010 Art 15, Art 24; DOMAIN.md §2.3 1.1, 1.2)', () => {
  it('counts back over weekends, holidays and swapped days, the effective date itself not counted', () => {
    // Mon 15/6/2026: 5 working days before is Mon 8/6 (Fri 12 … Mon 8); 20 is Mon 18/5.
    expect(workingDaysBefore(calendar, '2026-06-15', 5)).toBe('2026-06-08');
    expect(publicationDeadline('2026-06-15', 'province', calendar)).toBe('2026-06-08');
    expect(publicationDeadline('2026-06-15', 'ministry', calendar)).toBe('2026-05-18');
    // Mon 7/9/2026: 1–2/9 Quốc khánh and Mon 31/8 swapped off; Sat 22/8 is worked in exchange.
    expect(publicationDeadline('2026-09-07', 'province', calendar)).toBe('2026-08-26');
    expect(() => workingDaysBefore(calendar, '2026-06-15', -1)).toThrow(RangeError);
  });

  it('disclosure: QĐCB + 10 (ministry), 5 (province), 2 (a shortened-procedure legal basis) working days', () => {
    const set = records({});
    const documents = new Map(set.legalDocuments.map((d) => [d.number, d]));
    const qd = decision('QD', '2026-06-01', province, 'dac-thu', [['1.001612', ['VB-15-6']]]);
    const parsed = publicationRecordsSchema.parse({ ...set, decisions: [qd] }).decisions[0];
    if (!parsed) throw new Error('no decision');
    const entry = parsed.procedures[0];
    if (!entry) throw new Error('no entry');
    expect(disclosureDeadline(parsed, entry, 'province', documents, calendar)).toBe('2026-06-08');
    expect(disclosureDeadline(parsed, entry, 'ministry', documents, calendar)).toBe('2026-06-15');
    const shortened = { ...entry, legalBasis: ['VB-15-6', 'VB-rut-gon'] };
    expect(disclosureDeadline(parsed, shortened, 'ministry', documents, calendar)).toBe('2026-06-03');
  });
});

describe('1.1 TTHC published on time (DOMAIN.md §2.3)', () => {
  it('on time ⇔ QĐCB date ≤ newest legal-basis effective date − 20 (ministry) / 5 (province, đặc thù) working days', () => {
    const set = records({
      decisions: [
        // Effective 15/6: a province may publish up to 8/6, a ministry up to 18/5.
        decision('P-on-time', '2026-06-08', province, 'dac-thu', [['1.000001', ['VB-15-6']]]),
        decision('P-late', '2026-06-09', province, 'dac-thu', [['1.000002', ['VB-15-6']]]),
        // The newest of the basis counts: 15/6, not 1/6.
        decision('M-newest', '2026-05-18', ministry, 'thong-thuong', [['1.000003', ['VB-1-6', 'VB-15-6']]]),
        decision('M-late', '2026-06-01', ministry, 'thong-thuong', [['1.000004', ['VB-15-6']]]),
      ],
    });
    const secondQuarter = { firstDay: '2026-04-01', lastDay: '2026-06-30' };
    const judged = timelyPublication(input(set, '2026-07-15', secondQuarter));
    expect(judged.map((p) => [p.procedure, p.onTime])).toEqual([
      ['1.000001', true],
      ['1.000002', false],
      ['1.000003', true],
      ['1.000004', false],
    ]);
    expect(judged[0]?.judgements[0]?.deadline).toBe('2026-06-08');
    expect(judged[2]?.judgements[0]?.deadline).toBe('2026-05-18');
  });

  it('a TTHC in several QĐCBs counts once, late if any one was; only QĐCBs dated in the period count', () => {
    const set = records({
      decisions: [
        decision('A', '2026-06-02', province, 'dac-thu', [
          ['1.000001', ['VB-15-6']],
          ['1.000002', ['VB-15-6']],
        ]),
        decision('B', '2026-06-12', province, 'dac-thu', [['1.000001', ['VB-15-6']]]),
        decision('May', '2026-05-29', province, 'dac-thu', [['1.000009', ['VB-15-6']]]),
      ],
    });
    const stats = publicationIndicators(input(set));
    expect([stats.published, stats.publishedOnTime]).toEqual([2, 1]);
    expect(stats.behind['1.1'].find((p) => p.procedure === '1.000001')?.judgements).toHaveLength(2);
  });

  it("a province's list decision (danh mục) is not judged against the effective date", () => {
    const set = records({
      decisions: [decision('DM', '2026-06-20', province, 'danh-muc', [['1.000001', ['VB-15-6']]])],
    });
    expect(timelyPublication(input(set))).toEqual([]);
  });
});

describe('1.2 TTHC made public on CSDLQG on time (DOMAIN.md §2.3)', () => {
  const qd = (number: string, issuedOn: string, issuer: string, codes: string[], basis = ['VB-15-6']) =>
    decision(
      number,
      issuedOn,
      issuer,
      'dac-thu',
      codes.map((code) => [code, basis]),
    );
  const disclosed = (procedure: string, decisionNumber: string, disclosedOn: string) => ({
    procedure,
    decision: decisionNumber,
    disclosedOn,
    publishedParts: allParts,
  });

  it('on time ⇔ "Công khai" ≤ QĐCB + 5 (province), + 10 (ministry), + 2 (shortened procedure) working days', () => {
    const set = records({
      decisions: [
        qd('P', '2026-06-01', province, ['1.000001', '1.000002']), // due Mon 8/6
        qd('M', '2026-06-01', ministry, ['1.000003', '1.000004']), // due Mon 15/6
        qd('R', '2026-06-01', province, ['1.000005'], ['VB-rut-gon']), // due Wed 3/6
      ],
      disclosures: [
        disclosed('1.000001', 'P', '2026-06-08'),
        disclosed('1.000002', 'P', '2026-06-09'),
        disclosed('1.000003', 'M', '2026-06-15'),
        disclosed('1.000004', 'M', '2026-06-16'),
        disclosed('1.000005', 'R', '2026-06-04'),
      ],
    });
    expect(timelyDisclosure(input(set)).map((p) => [p.procedure, p.onTime])).toEqual([
      ['1.000001', true],
      ['1.000002', false],
      ['1.000003', true],
      ['1.000004', false],
      ['1.000005', false],
    ]);
  });

  it('counts the procedures whose deadline falls in the period; one not yet public is within time until its deadline passes', () => {
    const set = records({
      decisions: [
        qd('Early', '2026-06-22', province, ['1.000001']), // due Mon 29/6
        qd('Late', '2026-06-29', province, ['1.000002']), // due Mon 6/7: July's
      ],
    });
    expect(timelyDisclosure(input(set, '2026-06-26')).map((p) => [p.procedure, p.onTime])).toEqual([
      ['1.000001', true],
    ]);
    expect(timelyDisclosure(input(set, '2026-06-29'))[0]?.onTime).toBe(true);
    expect(timelyDisclosure(input(set, '2026-06-30'))[0]?.onTime).toBe(false);
  });

  it('a TTHC in several QĐCBs counts once; one late disclosure makes it late for the period', () => {
    const set = records({
      decisions: [
        qd('A', '2026-06-01', province, ['1.000001']),
        qd('B', '2026-06-10', province, ['1.000001']),
      ],
      disclosures: [disclosed('1.000001', 'A', '2026-06-05'), disclosed('1.000001', 'B', '2026-06-30')],
    });
    const stats = publicationIndicators(input(set));
    expect([stats.dueForDisclosure, stats.disclosedOnTime]).toEqual([1, 0]);
  });
});

describe('1.3 TTHC public with all seven parts of ND 63/2010 Art 8(2), a snapshot (DOMAIN.md §2.3)', () => {
  it('counts the procedures published on CSDLQG on the day, by their latest disclosure', () => {
    const change = (code: string, kind: 'new' | 'amended' | 'abolished' | 'replaced', replaces?: string) => ({
      code,
      change: kind,
      legalBasis: ['VB-1-6'],
      ...(replaces ? { replaces } : {}),
    });
    const set = records({
      decisions: [
        {
          number: 'A',
          issuedOn: '2026-03-02',
          issuer: province,
          kind: 'dac-thu',
          procedures: [
            change('1.000001', 'new'),
            change('1.000002', 'new'),
            change('1.000003', 'new'),
            change('1.000004', 'new'),
          ],
        },
        {
          number: 'B',
          issuedOn: '2026-05-04',
          issuer: province,
          kind: 'dac-thu',
          procedures: [
            change('1.000002', 'amended'),
            change('1.000003', 'abolished'),
            change('1.000005', 'replaced', '1.000004'),
          ],
        },
      ],
      disclosures: [
        { procedure: '1.000001', decision: 'A', disclosedOn: '2026-03-04', publishedParts: allParts },
        // Incomplete at first, complete after the amendment.
        {
          procedure: '1.000002',
          decision: 'A',
          disclosedOn: '2026-03-04',
          publishedParts: allParts.slice(1),
        },
        { procedure: '1.000002', decision: 'B', disclosedOn: '2026-05-06', publishedParts: allParts },
        { procedure: '1.000003', decision: 'A', disclosedOn: '2026-03-04', publishedParts: allParts },
        { procedure: '1.000003', decision: 'B', disclosedOn: '2026-05-06', publishedParts: [] },
        { procedure: '1.000004', decision: 'A', disclosedOn: '2026-03-04', publishedParts: allParts },
        {
          procedure: '1.000005',
          decision: 'B',
          disclosedOn: '2026-05-06',
          publishedParts: allParts.slice(0, 6),
        },
      ],
    });
    const before = completeDisclosure(input(set, '2026-04-01'));
    expect(before.map((p) => [p.procedure, p.missingParts])).toEqual([
      ['1.000001', []],
      ['1.000002', ['name']],
      ['1.000003', []],
      ['1.000004', []],
    ]);
    // After B: 1.000003 abolished, 1.000004 replaced by 1.000005 (lacking cơ quan thực hiện).
    const after = publicationIndicators(input(set, '2026-06-01'));
    expect(after.behind['1.3'].map((p) => [p.procedure, p.missingParts])).toEqual([
      ['1.000001', []],
      ['1.000002', []],
      ['1.000005', ['competentAuthority']],
    ]);
    expect([after.disclosed, after.disclosedComplete]).toEqual([3, 2]);
  });
});

describe('1.1–1.3 on the scoreboard', () => {
  it('are measured from the records, with the points of the threshold rule', () => {
    const stats = { published: 2, publishedOnTime: 1, dueForDisclosure: 4, disclosedOnTime: 3 };
    const board = scoreboard(emptyCounters(), {
      publicationRecords: 'issuer',
      ...stats,
      disclosed: 3,
      disclosedComplete: 2,
    });
    const on = (id: string) => board.indicators.find((i) => i.id === id);
    expect(on('1.1')).toMatchObject({ status: 'measured', rate: 50, points: 3 });
    expect(on('1.2')).toMatchObject({ status: 'measured', rate: 75, points: 3 });
    expect(on('1.3')).toMatchObject({ status: 'measured', rate: 66.67, points: 1.333 });
  });

  it('stay not computable, saying why, for a unit that publishes nothing or where no records exist', () => {
    const commune = scoreboard(emptyCounters(), { publicationRecords: 'not-an-issuer' });
    const none = scoreboard(emptyCounters(), { publicationRecords: 'none' });
    for (const id of ['1.1', '1.2']) {
      expect(commune.indicators.find((i) => i.id === id)).toMatchObject({ status: 'not-computable' });
      expect(commune.indicators.find((i) => i.id === id)?.why).toContain('không ban hành quyết định công bố');
      expect(none.indicators.find((i) => i.id === id)?.why).toContain('Chưa có dữ liệu');
    }
    // An issuer with records but nothing in the period: no data, not a measured 0 %.
    const quiet = scoreboard(emptyCounters(), {
      publicationRecords: 'issuer',
      published: 0,
      publishedOnTime: 0,
    });
    expect(quiet.indicators.find((i) => i.id === '1.1')).toMatchObject({ status: 'no-data', rate: null });
  });
});

describe('what falls due: the reminders to the officials in charge', () => {
  it('lists QĐCBs still to issue and disclosures still to make within N working days, overdue ones too', () => {
    const set = records({
      issuers: [
        {
          unit: province,
          level: 'province',
          officials: [{ id: 'ks-1', name: 'Nguyễn Thị Hạnh', email: 'ks@demo.invalid' }],
        },
      ],
      legalDocuments: [
        {
          number: 'VB-15-6',
          effectiveFrom: '2026-06-15',
          publishedBy: province,
          procedures: ['1.000001', '1.000002'],
        },
        { number: 'VB-7-9', effectiveFrom: '2026-09-07', publishedBy: province, procedures: ['1.000003'] },
      ],
      decisions: [
        decision('QD-1', '2026-06-01', province, 'dac-thu', [['1.000001', ['VB-15-6']]]),
        decision('QD-2', '2026-05-20', province, 'dac-thu', [['1.000004', ['VB-15-6']]]),
      ],
      disclosures: [
        { procedure: '1.000004', decision: 'QD-2', disclosedOn: '2026-05-22', publishedParts: allParts },
      ],
    });
    const due = publicationsDue(set, {
      today: '2026-06-03',
      withinWorkingDays: 5,
      calendarOf: () => calendar,
    });
    expect(
      due.map((d) => [d.kind, d.procedure, d.reference, d.deadline, d.workingDaysLeft, d.overdue]),
    ).toEqual([
      // QD-1 was issued; its disclosure is due Mon 8/6 (3 working days after Wed 3/6).
      ['disclosure', '1.000001', 'QD-1', '2026-06-08', 3, false],
      // 1.000002 still needs its QĐCB, due Mon 8/6 (5 working days before 15/6).
      ['publication', '1.000002', 'VB-15-6', '2026-06-08', 3, false],
    ]);
    expect(due[0]?.officials[0]?.name).toBe('Nguyễn Thị Hạnh');
    const later = publicationsDue(set, {
      today: '2026-06-10',
      withinWorkingDays: 0,
      calendarOf: () => calendar,
    });
    expect(later.map((d) => [d.procedure, d.workingDaysLeft, d.overdue])).toEqual([
      ['1.000001', -2, true],
      ['1.000002', -2, true],
    ]);
  });
});
