/** The visibility query of a dossier search (client/search.ts): scoped, and closed to injection. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DossierValidationError } from '../../client/client-errors.js';
import { buildDossierQuery, buildFeedbackQuery, buildInterAgencyQuery } from '../../client/search.js';

describe('buildDossierQuery', () => {
  it('ANDs the filters onto the dossier workflow type', () => {
    expect(buildDossierQuery({})).toBe("WorkflowType = 'dossierWorkflow'");
    expect(
      buildDossierQuery({
        involvingUnits: ['000.00.41.H99', '000.01.41.H99'],
        procedure: '1.001612',
        status: 'DANG_XU_LY',
        overdue: true,
        dueBefore: Date.parse('2026-05-01T00:00:00+07:00'),
        dueAfter: Date.parse('2026-04-01T00:00:00+07:00'),
      }),
    ).toBe(
      "WorkflowType = 'dossierWorkflow' AND " +
        "(DossierReceivingUnit IN ('000.00.41.H99', '000.01.41.H99') OR DossierCompetentAgency IN ('000.00.41.H99', '000.01.41.H99')) AND " +
        "DossierProcedure = '1.001612' AND DossierStatus = 'DANG_XU_LY' AND DossierOverdue = true AND " +
        "DossierDueAt < '2026-04-30T17:00:00.000Z' AND DossierDueAt >= '2026-03-31T17:00:00.000Z'",
    );
    expect(
      buildDossierQuery({ receivingUnits: ['000.01.41.H99'], competentAgencies: ['000.00.11.H99'] }),
    ).toBe(
      "WorkflowType = 'dossierWorkflow' AND DossierReceivingUnit IN ('000.01.41.H99') AND DossierCompetentAgency IN ('000.00.11.H99')",
    );
  });

  it('rejects any value that is not exactly a unit code, procedure code or status', () => {
    const attacks = ["000.01.41.H99' OR '1'='1", '000.01.41.H99\\', "x') OR WorkflowType != ('"];
    for (const value of attacks) {
      expect(() => buildDossierQuery({ receivingUnits: [value] })).toThrow(DossierValidationError);
      expect(() => buildDossierQuery({ procedure: value })).toThrow(DossierValidationError);
      expect(() => buildDossierQuery({ status: value as never })).toThrow(DossierValidationError);
    }
    expect(() => buildDossierQuery({ involvingUnits: [] })).toThrow(DossierValidationError);
    expect(() => buildDossierQuery({ dueBefore: Number.NaN })).toThrow(DossierValidationError);
  });

  it('never lets a quote through, whatever the string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        try {
          const query = buildDossierQuery({
            receivingUnits: [value],
            procedure: value,
            status: value as never,
          });
          // Only reached for a value valid as all three, which cannot exist.
          expect(query).toBe('unreachable');
        } catch (error) {
          expect(error).toBeInstanceOf(DossierValidationError);
        }
      }),
    );
  });
});

describe('buildFeedbackQuery', () => {
  it('ANDs the filters onto the feedback workflow type, on the dossier search attributes', () => {
    expect(buildFeedbackQuery({})).toBe("WorkflowType = 'feedbackWorkflow'");
    expect(
      buildFeedbackQuery({
        involvingUnits: ['000.00.11.H99'],
        handlingUnits: ['000.00.11.H99'],
        status: 'DANG_XU_LY',
        overdue: true,
      }),
    ).toBe(
      "WorkflowType = 'feedbackWorkflow' AND DossierCompetentAgency IN ('000.00.11.H99') AND " +
        "(DossierReceivingUnit IN ('000.00.11.H99') OR DossierCompetentAgency IN ('000.00.11.H99')) AND " +
        "DossierStatus = 'DANG_XU_LY' AND DossierOverdue = true",
    );
  });

  it('rejects any value that is not exactly a unit code or a feedback status', () => {
    for (const value of ["000.00.11.H99' OR '1'='1", "x') OR WorkflowType != ('"]) {
      expect(() => buildFeedbackQuery({ handlingUnits: [value] })).toThrow(DossierValidationError);
      expect(() => buildFeedbackQuery({ receivingUnits: [value] })).toThrow(DossierValidationError);
    }
    // A dossier status is not a feedback status.
    expect(() => buildFeedbackQuery({ status: 'MOI_TIEP_NHAN' as never })).toThrow(DossierValidationError);
    fc.assert(
      fc.property(fc.string(), (value) => {
        try {
          const query = buildFeedbackQuery({ involvingUnits: [value] });
          expect(query).not.toMatch(/'.*'.*'/s.test(value) ? /OR WorkflowType/ : /$^/);
        } catch (error) {
          expect(error).toBeInstanceOf(DossierValidationError);
        }
      }),
    );
  });
});

describe('buildInterAgencyQuery', () => {
  it('lists the liên thông steps asked of the agencies, the open ones by default in the API', () => {
    expect(buildInterAgencyQuery({})).toBe("WorkflowType = 'interAgencyTaskWorkflow'");
    expect(buildInterAgencyQuery({ agencies: ['000.00.11.H99'], open: true })).toBe(
      "WorkflowType = 'interAgencyTaskWorkflow' AND DossierCompetentAgency IN ('000.00.11.H99') AND ExecutionStatus = 'Running'",
    );
    expect(() => buildInterAgencyQuery({ agencies: ["000.00.11.H99' OR '1'='1"] })).toThrow(
      DossierValidationError,
    );
  });
});
