import { describe, expect, it } from 'vitest';
import {
  type CatalogueInput,
  catalogueSchema,
  checkProcedureLevels,
  findProcedureVersion,
  isProcedureCode,
  type Procedure,
  type ProcedureInput,
  procedureCodes,
  procedureSchema,
} from '../../domain/catalogue.js';
import { formatZodError } from '../../domain/validation.js';
import { getProcedure, loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';

const SEED_CODES = [
  '1.001193',
  '1.000894',
  '1.000656',
  'LOCAL.XNTTHN',
  '2.000815',
  '2.000884',
  '2.000911',
  '2.000908',
  '1.004222',
  '1.003197',
  '1.001612',
  'LOCAL.CPXD-NORL',
  'LOCAL.DKBD-QSDD',
];

function seed(code: string): Procedure {
  return getProcedure(code, '2026-06-01');
}

function issuesOf(input: unknown): string[] {
  const result = catalogueSchema.safeParse(input);
  return result.success ? [] : formatZodError(result.error);
}

describe('procedure codes', () => {
  it('accepts DVCQG codes and provisional LOCAL codes, refuses the rest', () => {
    expect(isProcedureCode('1.001612')).toBe(true);
    expect(isProcedureCode('2.000815')).toBe(true);
    expect(isProcedureCode('LOCAL.CPXD-NORL')).toBe(true);
    expect(isProcedureCode('1.00161')).toBe(false);
    expect(isProcedureCode('2.000815.000.00.00.H55')).toBe(false);
    expect(isProcedureCode('LOCAL.cpxd')).toBe(false);
  });
});

describe('the seed catalogue (DOMAIN.md §7)', () => {
  const catalogue = loadCatalogue();

  it('validates against the schema', () => {
    expect(issuesOf(catalogue)).toEqual([]);
  });

  it('§7: holds all 13 seed procedures', () => {
    expect(procedureCodes(catalogue.procedures).sort()).toEqual([...SEED_CODES].sort());
  });

  it('Law 91/2025: every procedure version keeps personal data for a period the province set', () => {
    for (const procedure of catalogue.procedures) {
      expect(procedure.personalDataRetention.months, procedure.code).toBeGreaterThanOrEqual(12);
      expect(procedure.personalDataRetention.note, procedure.code).toContain('do tỉnh cấu hình');
    }
    expect(seed('1.001193').personalDataRetention.months).toBe(60);
    expect(seed('1.001612').personalDataRetention.months).toBe(60);
  });

  it('§7 #11: 1.001612 Đăng ký thành lập hộ kinh doanh takes 3 working days', () => {
    expect(seed('1.001612').duration).toEqual({ unit: 'working-days', value: 3 });
  });

  it('§1.4 / §7 #1: 1.001193 Đăng ký khai sinh is same-day with the 15:00 cut-off', () => {
    expect(seed('1.001193').duration).toEqual({ unit: 'same-day', cutoff: '15:00' });
    expect(seed('1.001193').fees).toEqual([]);
  });

  it('§7 #2: marriage registration extends to 5 working days when verification is needed', () => {
    expect(seed('1.000894').extendedDuration?.duration).toEqual({ unit: 'working-days', value: 5 });
  });

  it('§7 #5: 2.000815 charges 2,000 đ/page for pages 1–2 and 1,000 đ/page from page 3', () => {
    const fees = seed('2.000815').fees;
    expect(fees.map((fee) => [fee.amountVnd, fee.unit])).toEqual([
      [2000, 'per page'],
      [1000, 'per page'],
    ]);
    expect(fees[1]?.note).toContain('200.000');
  });

  it('§7: provisional codes list "code" as unconfirmed', () => {
    for (const code of ['LOCAL.XNTTHN', 'LOCAL.CPXD-NORL', 'LOCAL.DKBD-QSDD']) {
      expect(seed(code).unconfirmed).toContain('code');
    }
  });

  it('ND 63/2010 Art 8(2)(c), (e): every seed procedure says who may apply and how to submit', () => {
    for (const procedure of catalogue.procedures) {
      expect(procedure.applicantTypes?.length, procedure.code).toBeGreaterThan(0);
      expect(procedure.submissionMethods?.length, procedure.code).toBeGreaterThan(0);
    }
  });

  it('§3: every seed procedure is offered online at some level, so it accepts online dossiers', () => {
    for (const procedure of catalogue.procedures) {
      expect(procedure.submissionMethods, procedure.code).toContain('online');
    }
  });

  it('§7 #2: marriage registration between two Vietnamese citizens is for citizens only', () => {
    expect(seed('1.000894').applicantTypes).toEqual(['citizen']);
    expect(seed('1.000894').unconfirmed).not.toContain('applicantTypes');
  });

  it('§7 #6: a signature is certified in front of the officer, so not by post', () => {
    expect(seed('2.000884').submissionMethods).toEqual(['counter', 'online']);
  });

  it('§7 #12: the construction permit asks for 2 sets of design drawings', () => {
    const drawings = seed('LOCAL.CPXD-NORL').requiredDocuments.find((d) => d.kind === 'ban-ve-thiet-ke');
    expect(drawings?.copies).toBe(2);
  });

  it('lists as unconfirmed the channels and applicant types DOMAIN.md §7 does not give', () => {
    for (const code of ['1.001193', '1.001612', 'LOCAL.CPXD-NORL', 'LOCAL.DKBD-QSDD']) {
      expect(seed(code).unconfirmed).toEqual(expect.arrayContaining(['applicantTypes', 'submissionMethods']));
    }
  });

  it('every procedure level is a tier of the demo organisation registry', () => {
    const tiers = loadOrganisation('demo').tiers.map((tier) => tier.id);
    expect(checkProcedureLevels(catalogue.procedures, tiers)).toEqual([]);
    expect(checkProcedureLevels(catalogue.procedures, ['cap-tinh'])[0]).toMatch(
      /^procedure 1\.001193 \(Đăng ký khai sinh\): level "cap-xa" is not a tier/,
    );
  });
});

describe('catalogue validation', () => {
  const base = loadCatalogue().procedures[0] as Procedure;

  it('rejects a duplicate code, naming it', () => {
    const issues = issuesOf({ version: 't', effectiveFrom: '2025-07-01', procedures: [base, base] });
    expect(issues).toEqual([
      'procedures[1].code: duplicate procedure code "1.001193" (Đăng ký khai sinh): procedures[0] already defines it from 2025-07-01',
    ]);
  });

  it('§0: accepts the same code with a different effective-from date (a new rule version)', () => {
    const later = {
      ...base,
      ruleVersion: { ...base.ruleVersion, version: 'v2', effectiveFrom: '2026-07-01' },
    };
    expect(issuesOf({ version: 't', effectiveFrom: '2025-07-01', procedures: [base, later] })).toEqual([]);
  });

  it('names each failing field and rule', () => {
    const broken: CatalogueInput = {
      version: 't',
      effectiveFrom: '2025-07-01',
      procedures: [
        {
          ...base,
          code: 'LOCAL.TEST',
          duration: { unit: 'working-days', value: 0 },
          fees: [{ name: 'Lệ phí', amountVnd: -5 }],
          requiredDocuments: [{ kind: 'To Khai', name: 'Tờ khai', required: true }],
        },
      ],
    };
    expect(issuesOf(broken)).toEqual([
      'procedures[0].duration.value: must be at least 1',
      'procedures[0].fees[0].amountVnd: must not be negative',
      'procedures[0].requiredDocuments[0].kind: must be a kebab-case id: lower-case letters and digits joined by "-"',
      'procedures[0].unconfirmed: must list "code": LOCAL.TEST is a provisional local code',
    ]);
  });

  it('names the field when who may apply or how to submit is malformed', () => {
    const issuesOfProcedure = (change: Partial<ProcedureInput>) => {
      const result = procedureSchema.safeParse({ ...base, ...change });
      return result.success ? [] : formatZodError(result.error);
    };
    expect(issuesOfProcedure({ applicantTypes: [], submissionMethods: [] })).toEqual([
      'applicantTypes: must list at least one applicant type',
      'submissionMethods: must list at least one submission method',
    ]);
    expect(
      issuesOfProcedure({
        applicantTypes: ['foreigner' as 'citizen'],
        submissionMethods: ['online', 'fax' as 'counter'],
      }),
    ).toEqual([
      'applicantTypes[0]: must be "citizen" or "organisation"',
      'submissionMethods[1]: must be "counter", "postal" or "online"',
    ]);
    expect(issuesOfProcedure({ submissionMethods: ['online', 'online'] })).toEqual([
      'submissionMethods: must not list a submission method twice',
    ]);
  });

  it('§3: a procedure offered online (toàn trình or một phần) must accept online dossiers', () => {
    const result = procedureSchema.safeParse({ ...base, submissionMethods: ['counter', 'postal'] });
    expect(result.success ? [] : formatZodError(result.error)).toEqual([
      'submissionMethods: must include "online": serviceLevel "toan-trinh" is an online service (DOMAIN.md §3)',
    ]);
  });

  it('holds a procedure published without who may apply, how to submit or the number of copies', () => {
    const incomplete = structuredClone(base) as ProcedureInput;
    delete incomplete.applicantTypes;
    delete incomplete.submissionMethods;
    for (const document of incomplete.requiredDocuments) delete document.copies;
    expect(procedureSchema.safeParse(incomplete).success).toBe(true);
  });

  it('Law 91/2025: requires a personal-data retention of whole months, naming the field', () => {
    const issuesOfProcedure = (change: Record<string, unknown>) => {
      const result = procedureSchema.safeParse({ ...base, ...change });
      return result.success ? [] : formatZodError(result.error);
    };
    const { personalDataRetention: _, ...without } = base;
    const missing = procedureSchema.safeParse(without);
    expect(missing.success ? [] : formatZodError(missing.error)).toEqual([
      'personalDataRetention: is required',
    ]);
    expect(issuesOfProcedure({ personalDataRetention: { months: 0 } })).toEqual([
      'personalDataRetention.months: must be at least 1 month',
    ]);
    expect(issuesOfProcedure({ personalDataRetention: { months: 6.5 } })).toEqual([
      'personalDataRetention.months: must be a whole number of months',
    ]);
    expect(issuesOfProcedure({ personalDataRetention: { months: '60' } })).toEqual([
      'personalDataRetention.months: must be a number of months',
    ]);
    expect(issuesOfProcedure({ personalDataRetention: { years: 5 } })).toEqual([
      'personalDataRetention.months: must be a number of months',
      'personalDataRetention.years: is not a known field',
    ]);
  });

  it('requires a provisional code to be listed as unconfirmed', () => {
    const result = procedureSchema.safeParse({ ...base, code: 'LOCAL.TEST', unconfirmed: [] });
    expect(result.success ? [] : formatZodError(result.error)).toEqual([
      'unconfirmed: must list "code": LOCAL.TEST is a provisional local code',
    ]);
  });
});

describe('findProcedureVersion (§0: a dossier keeps the version in force when received)', () => {
  const v1 = loadCatalogue().procedures[0] as Procedure;
  const v2: Procedure = {
    ...v1,
    ruleVersion: { ...v1.ruleVersion, version: 'v2', effectiveFrom: '2026-07-01' },
  };
  const entries = [v2, v1];

  it('picks the latest version in force on the date', () => {
    expect(findProcedureVersion(entries, '1.001193', '2026-06-30')).toBe(v1);
    expect(findProcedureVersion(entries, '1.001193', '2026-07-01')).toBe(v2);
    expect(findProcedureVersion(entries, '1.001193', '2030-01-01')).toBe(v2);
  });

  it('rejects an unknown code', () => {
    expect(() => findProcedureVersion(entries, '9.999999', '2026-01-01')).toThrow(
      'Unknown procedure code "9.999999"',
    );
  });

  it('rejects a date before the first version', () => {
    expect(() => findProcedureVersion(entries, '1.001193', '2025-06-30')).toThrow(
      'No version of procedure 1.001193 in force on 2025-06-30',
    );
  });

  it('the seed holds two versions of 1.000894 (marriage-status certificate dropped from 2026-01-01)', () => {
    expect(getProcedure('1.000894', '2025-12-31').ruleVersion.effectiveFrom).toBe('2025-07-01');
    expect(getProcedure('1.000894', '2026-01-01').ruleVersion.effectiveFrom).toBe('2026-01-01');
  });
});
