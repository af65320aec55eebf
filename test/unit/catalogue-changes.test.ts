/** Upcoming catalogue changes (issue #21 item 2): versions not yet in force, and what each changes. */
import { describe, expect, it } from 'vitest';
import type { Procedure } from '../../domain/catalogue.js';
import { describeChanges, upcomingVersions, versionChanges } from '../../domain/catalogue-changes.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';

const procedures = loadCatalogue().procedures;
const householdBusiness = procedures.find((p) => p.code === '1.001612') as Procedure;

/** 1.001612 from 2027-03-01: five working days, a new document, the fee raised. */
const householdBusiness2027: Procedure = {
  ...householdBusiness,
  duration: { unit: 'working-days', value: 5 },
  requiredDocuments: [
    ...householdBusiness.requiredDocuments,
    { kind: 'ban-ke-khai-von', name: 'Bản kê khai vốn kinh doanh', required: true, copies: 1 },
  ],
  fees: householdBusiness.fees.map((fee) => ({ ...fee, amountVnd: fee.amountVnd + 50_000 })),
  ruleVersion: {
    version: '2027-03',
    effectiveFrom: '2027-03-01',
    legalBasis: ['NĐ 999/2026/NĐ-CP (giả định)'],
  },
};

describe('upcomingVersions', () => {
  it('the seed: on 1/12/2025 the 2026 version of 1.000894 is upcoming, without the marriage-status certificate', () => {
    const upcoming = upcomingVersions(procedures, '2025-12-01');
    expect(upcoming.map((u) => `${u.code}@${u.effectiveFrom}`)).toEqual(['1.000894@2026-01-01']);
    expect(upcoming[0]).toMatchObject({
      version: '2026-01',
      replaces: { version: '2025-07', effectiveFrom: '2025-07-01' },
      changes: {
        duration: undefined,
        documents: { added: [], removed: [{ kind: 'giay-xac-nhan-tinh-trang-hon-nhan' }], changed: [] },
      },
    });
    expect(upcomingVersions(procedures, '2026-01-01')).toEqual([]);
  });

  it('names the duration, the documents and the fees a new version changes', () => {
    const [upcoming] = upcomingVersions([...procedures, householdBusiness2027], '2026-12-05');
    expect(upcoming).toMatchObject({
      code: '1.001612',
      effectiveFrom: '2027-03-01',
      replaces: { version: '2025-07' },
    });
    expect(upcoming?.changes.duration).toEqual({ from: '3 ngày làm việc', to: '5 ngày làm việc' });
    expect(upcoming?.changes.documents.added).toEqual([
      { kind: 'ban-ke-khai-von', name: 'Bản kê khai vốn kinh doanh' },
    ]);
    expect(upcoming?.changes.fees.changed).toHaveLength(householdBusiness.fees.length);
    const lines = describeChanges(upcoming?.changes ?? versionChanges(undefined, householdBusiness));
    expect(lines[0]).toBe('Thời hạn giải quyết: 3 ngày làm việc → 5 ngày làm việc');
    expect(lines).toContain('Thêm thành phần hồ sơ: Bản kê khai vốn kinh doanh');
  });

  it('a version that changes only its legal basis says so; a new procedure has everything added', () => {
    const onlyBasis = { ...householdBusiness, ruleVersion: { ...householdBusiness2027.ruleVersion } };
    expect(describeChanges(versionChanges(householdBusiness, onlyBasis))).toEqual([
      'Không đổi thời hạn, thành phần hồ sơ hay phí (chỉ đổi căn cứ pháp lý hoặc nội dung khác)',
    ]);
    const fresh = versionChanges(undefined, householdBusiness);
    expect(fresh.duration?.from).toBe('—');
    expect(fresh.documents.added).toHaveLength(householdBusiness.requiredDocuments.length);
  });
});
