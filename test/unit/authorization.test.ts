/** Who may do what through the API (api/authorization.ts): pure rules over the organisation registry. */
import { describe, expect, it } from 'vitest';
import type { Official, OfficialRole } from '../../api/auth.js';
import {
  actionRules,
  type DossierScope,
  enforce,
  ForbiddenError,
  feedbackActionRoles,
  feedbackListScope,
  interAgencyListScope,
  mayAct,
  mayActOnFeedback,
  mayListFeedback,
  mayReadAccessLog,
  mayReadDocument,
  mayReadDossier,
  mayReadFeedback,
  mayReadIndicators,
  mayReceive,
  mayRegisterFeedback,
  maySearch,
  roleMayAct,
  searchScope,
} from '../../api/authorization.js';
import { actionNames } from '../../domain/dossier/dossier-actions.js';
import { createRegistry } from '../../domain/organisation.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { demoUnits } from '../support/fixtures.js';

const organisation = loadOrganisation('demo');
const province = '000.00.00.H99';

function official(role: OfficialRole, unit: string): Official {
  return { id: `${role}@${unit}`, name: role, unit, role };
}

const dossier: DossierScope = {
  code: `${demoUnits.camThanhOneStop}-260423-0001`,
  receivingUnit: demoUnits.camThanhOneStop,
  competentAgency: demoUnits.camThanhCommittee,
  participatingAgencies: [demoUnits.justiceDepartment],
};

describe('acting on a dossier', () => {
  it('covers every action of the state machine', () => {
    expect(Object.keys(actionRules).sort()).toEqual([...actionNames].sort());
  });

  const counterActions = [
    'provide-intake-supplement',
    'refuse-intake',
    // The online inbox (issue #18): the receiving unit's counter decides.
    'accept-intake',
    'request-intake-supplement',
    'provide-supplementation',
    'withdraw',
    'return-result',
    'record-payment',
    'evaluate',
  ];
  const leaderOnly = ['assign', 'approve', 'refuse', 'apologize', 'stop'];
  const ANY_UNIT = '*';
  const staffActions = ['request-supplementation', 'start-inter-agency'];

  it.each(actionNames)('%s: the right role at the right unit only', (action) => {
    const expected: Record<OfficialRole, string | undefined> = {
      'counter-officer': counterActions.includes(action) ? dossier.receivingUnit : undefined,
      specialist:
        action === 'appraise' || staffActions.includes(action)
          ? dossier.competentAgency
          : action === 'complete-inter-agency'
            ? demoUnits.justiceDepartment
            : undefined,
      leader:
        leaderOnly.includes(action) || staffActions.includes(action)
          ? dossier.competentAgency
          : action === 'complete-inter-agency'
            ? demoUnits.justiceDepartment
            : undefined,
      supervisor: undefined,
      // Issue #21: the audited correction of a data error, on any dossier, and nothing else.
      administrator: action === 'correct-data' ? ANY_UNIT : undefined,
    };
    for (const role of Object.keys(expected) as OfficialRole[]) {
      for (const unit of organisation.units.map((u) => u.code)) {
        const allowed = mayAct(official(role, unit), action, dossier).allowed;
        expect(allowed, `${role} at ${unit}`).toBe(expected[role] === unit || expected[role] === ANY_UNIT);
      }
      expect(roleMayAct(official(role, province), action).allowed, role).toBe(expected[role] !== undefined);
    }
  });

  it('gives the liên thông opinion only for the official’s own agency', () => {
    const justice = official('specialist', demoUnits.justiceDepartment);
    expect(
      mayAct(justice, 'complete-inter-agency', dossier, { agency: demoUnits.justiceDepartment }).allowed,
    ).toBe(true);
    expect(
      mayAct(justice, 'complete-inter-agency', dossier, { agency: demoUnits.constructionDepartment }).allowed,
    ).toBe(false);
    const construction = official('leader', demoUnits.constructionDepartment);
    expect(
      mayAct(construction, 'complete-inter-agency', dossier, { agency: demoUnits.constructionDepartment })
        .allowed,
    ).toBe(false);
  });

  it('explains a denial in Vietnamese and English', () => {
    const decision = mayAct(official('specialist', demoUnits.camThanhCommittee), 'approve', dossier);
    expect(decision).toMatchObject({ allowed: false });
    expect(() => enforce(decision)).toThrow(ForbiddenError);
    expect(() => enforce(decision)).toThrow(/Không có quyền: .*lãnh đạo.*\(Forbidden: .*leader/);
    const wrongUnit = mayAct(official('leader', demoUnits.konTumCommittee), 'approve', dossier);
    expect(() => enforce(wrongUnit)).toThrow(
      new RegExp(`competent agency \\(${demoUnits.camThanhCommittee}\\)`),
    );
  });
});

describe('receiving', () => {
  const counter = official('counter-officer', demoUnits.camThanhOneStop);

  it('a counter officer receives at their own unit for any competent agency of the province', () => {
    for (const agency of [demoUnits.camThanhCommittee, demoUnits.justiceDepartment, '000.43.30.H99']) {
      expect(
        mayReceive(counter, { receivingUnit: counter.unit, competentAgency: agency }, organisation).allowed,
      ).toBe(true);
    }
  });

  it('not at another unit, not in another role', () => {
    const application = {
      receivingUnit: demoUnits.konTumOneStop,
      competentAgency: demoUnits.konTumCommittee,
    };
    expect(mayReceive(counter, application, organisation).allowed).toBe(false);
    for (const role of ['specialist', 'leader', 'supervisor', 'administrator'] as const) {
      const other = official(role, demoUnits.camThanhOneStop);
      const own = { receivingUnit: other.unit, competentAgency: demoUnits.camThanhCommittee };
      expect(mayReceive(other, own, organisation).allowed, role).toBe(false);
    }
  });

  it('not for a competent agency of another province', () => {
    const twoProvinces = createRegistry({
      version: 'test',
      tiers: [
        { id: 'tinh', name: 'Tỉnh', rank: 0 },
        { id: 'xa', name: 'Xã', rank: 1 },
      ],
      units: [
        { code: '000.00.00.H98', name: 'Tỉnh A', tier: 'tinh', kind: 'people-committee' },
        {
          code: '000.01.01.H98',
          name: 'Một cửa A',
          tier: 'xa',
          parent: '000.00.00.H98',
          kind: 'one-stop-centre',
        },
        { code: '000.00.00.H97', name: 'Tỉnh B', tier: 'tinh', kind: 'people-committee' },
        { code: '000.00.11.H97', name: 'Sở B', tier: 'tinh', parent: '000.00.00.H97', kind: 'agency' },
      ],
    });
    const counterA = official('counter-officer', '000.01.01.H98');
    expect(
      mayReceive(counterA, { receivingUnit: counterA.unit, competentAgency: '000.00.00.H98' }, twoProvinces)
        .allowed,
    ).toBe(true);
    const across = mayReceive(
      counterA,
      { receivingUnit: counterA.unit, competentAgency: '000.00.11.H97' },
      twoProvinces,
    );
    expect(across).toMatchObject({ allowed: false });
    expect(() => enforce(across)).toThrow(/cùng tỉnh.*own province/);
  });
});

describe('reading', () => {
  it('dossiers: counter of the receiving unit, staff of the competent or participating agency, supervisors of the subtree, administrators', () => {
    const allowed = (role: OfficialRole, unit: string) =>
      mayReadDossier(official(role, unit), dossier, organisation).allowed;
    expect(allowed('counter-officer', demoUnits.camThanhOneStop)).toBe(true);
    expect(allowed('counter-officer', demoUnits.camThanhCommittee)).toBe(false);
    expect(allowed('counter-officer', demoUnits.konTumOneStop)).toBe(false);
    expect(allowed('specialist', demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('leader', demoUnits.justiceDepartment)).toBe(true);
    expect(allowed('leader', demoUnits.konTumCommittee)).toBe(false);
    expect(allowed('supervisor', province)).toBe(true);
    expect(allowed('supervisor', demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('supervisor', demoUnits.camThanhOneStop)).toBe(true);
    expect(allowed('supervisor', demoUnits.konTumCommittee)).toBe(false);
    expect(allowed('administrator', demoUnits.konTumOneStop)).toBe(true);
  });

  it('documents: staff of the dossier’s units, supervisors of the subtree, administrators', () => {
    const allowed = (role: OfficialRole, unit: string) =>
      mayReadDocument(official(role, unit), dossier, organisation).allowed;
    expect(allowed('counter-officer', demoUnits.camThanhOneStop)).toBe(true);
    expect(allowed('specialist', demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('leader', demoUnits.justiceDepartment)).toBe(true);
    expect(allowed('counter-officer', demoUnits.konTumOneStop)).toBe(false);
    expect(allowed('supervisor', demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('supervisor', demoUnits.konTumCommittee)).toBe(false);
    expect(allowed('administrator', province)).toBe(true);
  });

  it('indicators: supervisors and leaders of the unit or above, administrators', () => {
    const allowed = (role: OfficialRole, unit: string, of: string) =>
      mayReadIndicators(official(role, unit), of, organisation).allowed;
    expect(allowed('supervisor', province, demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('supervisor', demoUnits.camThanhCommittee, demoUnits.camThanhOneStop)).toBe(true);
    expect(allowed('supervisor', demoUnits.camThanhCommittee, province)).toBe(false);
    expect(allowed('leader', demoUnits.camThanhCommittee, demoUnits.camThanhCommittee)).toBe(true);
    expect(allowed('leader', demoUnits.camThanhCommittee, demoUnits.konTumCommittee)).toBe(false);
    expect(allowed('counter-officer', demoUnits.camThanhOneStop, demoUnits.camThanhOneStop)).toBe(false);
    expect(allowed('specialist', demoUnits.camThanhCommittee, demoUnits.camThanhCommittee)).toBe(false);
    expect(allowed('administrator', demoUnits.konTumOneStop, province)).toBe(true);
  });

  it('the personal-data access log: administrators only, whatever their unit', () => {
    for (const unit of [province, demoUnits.camThanhCommittee, demoUnits.konTumOneStop]) {
      expect(mayReadAccessLog(official('administrator', unit)).allowed).toBe(true);
      for (const role of ['counter-officer', 'specialist', 'leader', 'supervisor'] as const) {
        const decision = mayReadAccessLog(official(role, unit));
        expect(decision.allowed, `${role} at ${unit}`).toBe(false);
        expect(() => enforce(decision)).toThrow(
          /^Không có quyền: .*quản trị hệ thống.* \(Forbidden: .*administrators only/,
        );
      }
    }
  });
});

describe('searching', () => {
  it('is limited to the official’s scope', () => {
    expect(searchScope(official('administrator', province), organisation)).toEqual({ kind: 'all' });
    expect(searchScope(official('counter-officer', demoUnits.camThanhOneStop), organisation)).toEqual({
      kind: 'receiving-unit',
      unit: demoUnits.camThanhOneStop,
    });
    expect(searchScope(official('leader', demoUnits.camThanhCommittee), organisation)).toEqual({
      kind: 'competent-agency',
      unit: demoUnits.camThanhCommittee,
    });
    const subtree = searchScope(official('supervisor', demoUnits.camThanhCommittee), organisation);
    expect(subtree).toEqual({
      kind: 'subtree',
      units: [demoUnits.camThanhCommittee, demoUnits.camThanhOneStop],
    });
  });

  it('refuses explicit filters outside the scope', () => {
    const supervisor = official('supervisor', demoUnits.camThanhCommittee);
    expect(maySearch(supervisor, { receivingUnit: demoUnits.camThanhOneStop }, organisation).allowed).toBe(
      true,
    );
    expect(maySearch(supervisor, { competentAgency: demoUnits.konTumCommittee }, organisation).allowed).toBe(
      false,
    );
    const counter = official('counter-officer', demoUnits.camThanhOneStop);
    expect(maySearch(counter, { receivingUnit: demoUnits.camThanhOneStop }, organisation).allowed).toBe(true);
    expect(maySearch(counter, { receivingUnit: demoUnits.konTumOneStop }, organisation).allowed).toBe(false);
    expect(maySearch(counter, { competentAgency: demoUnits.justiceDepartment }, organisation).allowed).toBe(
      true,
    );
    const leader = official('leader', demoUnits.camThanhCommittee);
    expect(maySearch(leader, { competentAgency: demoUnits.konTumCommittee }, organisation).allowed).toBe(
      false,
    );
    expect(
      maySearch(
        official('administrator', province),
        { receivingUnit: demoUnits.konTumOneStop },
        organisation,
      ),
    ).toEqual({ allowed: true });
  });
});

describe('feedback (PAKN)', () => {
  const feedback = {
    id: `PAKN-${demoUnits.camThanhOneStop}-260423-0001`,
    receivingUnit: demoUnits.camThanhOneStop,
    handlingUnit: demoUnits.justiceDepartment,
    units: [demoUnits.camThanhOneStop, demoUnits.justiceDepartment],
  };

  it('the unit holding the feedback acts on it, each action in its roles', () => {
    for (const [action, roles] of Object.entries(feedbackActionRoles)) {
      for (const role of [
        'counter-officer',
        'specialist',
        'leader',
        'supervisor',
        'administrator',
      ] as const) {
        const at = (unit: string) =>
          mayActOnFeedback(official(role, unit), action as keyof typeof feedbackActionRoles, feedback)
            .allowed;
        expect(at(demoUnits.justiceDepartment), `${role} ${action}`).toBe(roles.includes(role));
        expect(at(demoUnits.camThanhOneStop), `${role} ${action} at the receiving unit`).toBe(false);
      }
    }
  });

  it('staff register feedback for their own unit; every unit it went through reads it', () => {
    expect(
      mayRegisterFeedback(official('counter-officer', demoUnits.camThanhOneStop), demoUnits.camThanhOneStop)
        .allowed,
    ).toBe(true);
    expect(
      mayRegisterFeedback(official('counter-officer', demoUnits.konTumOneStop), demoUnits.camThanhOneStop)
        .allowed,
    ).toBe(false);
    expect(
      mayRegisterFeedback(official('supervisor', demoUnits.camThanhOneStop), demoUnits.camThanhOneStop)
        .allowed,
    ).toBe(false);
    const reads = (role: OfficialRole, unit: string) =>
      mayReadFeedback(official(role, unit), feedback, organisation).allowed;
    expect(reads('counter-officer', demoUnits.camThanhOneStop)).toBe(true);
    expect(reads('specialist', demoUnits.justiceDepartment)).toBe(true);
    expect(reads('leader', demoUnits.konTumCommittee)).toBe(false);
    expect(reads('supervisor', province)).toBe(true);
    expect(reads('supervisor', demoUnits.konTumCommittee)).toBe(false);
    expect(reads('administrator', demoUnits.konTumOneStop)).toBe(true);
  });

  it('lists what was received at or is held by the official’s unit; supervisors their subtree; administrators all', () => {
    const lists = (
      role: OfficialRole,
      unit: string,
      filter: { receivingUnit?: string; handlingUnit?: string },
    ) => mayListFeedback(official(role, unit), filter, organisation).allowed;
    for (const role of ['counter-officer', 'specialist', 'leader'] as const) {
      expect(feedbackListScope(official(role, demoUnits.justiceDepartment), organisation)).toEqual({
        kind: 'units',
        units: [demoUnits.justiceDepartment],
      });
      expect(lists(role, demoUnits.justiceDepartment, { handlingUnit: demoUnits.justiceDepartment })).toBe(
        true,
      );
      expect(lists(role, demoUnits.justiceDepartment, { receivingUnit: demoUnits.justiceDepartment })).toBe(
        true,
      );
      expect(
        lists(role, demoUnits.justiceDepartment, { handlingUnit: demoUnits.konTumCommittee }),
        role,
      ).toBe(false);
      expect(
        lists(role, demoUnits.justiceDepartment, { receivingUnit: demoUnits.camThanhOneStop }),
        role,
      ).toBe(false);
    }
    const supervisor = feedbackListScope(official('supervisor', province), organisation);
    expect(supervisor.kind === 'units' && supervisor.units).toContain(demoUnits.camThanhOneStop);
    expect(lists('supervisor', province, { handlingUnit: demoUnits.konTumCommittee })).toBe(true);
    expect(
      lists('supervisor', demoUnits.camThanhCommittee, { handlingUnit: demoUnits.konTumCommittee }),
    ).toBe(false);
    expect(feedbackListScope(official('administrator', province), organisation)).toEqual({ kind: 'all' });
    expect(lists('administrator', province, { receivingUnit: demoUnits.konTumOneStop })).toBe(true);
  });
});

describe('liên thông steps', () => {
  it('are listed for the caller’s own agency, a supervisor’s subtree, or all; never for counter officers', () => {
    expect(interAgencyListScope(official('specialist', demoUnits.justiceDepartment), organisation)).toEqual({
      allowed: true,
      agencies: [demoUnits.justiceDepartment],
    });
    expect(interAgencyListScope(official('leader', demoUnits.justiceDepartment), organisation)).toEqual({
      allowed: true,
      agencies: [demoUnits.justiceDepartment],
    });
    const supervisor = interAgencyListScope(official('supervisor', province), organisation);
    expect(supervisor.allowed && supervisor.agencies).toContain(demoUnits.justiceDepartment);
    expect(interAgencyListScope(official('administrator', province), organisation)).toEqual({
      allowed: true,
    });
    expect(
      interAgencyListScope(official('counter-officer', demoUnits.camThanhOneStop), organisation).allowed,
    ).toBe(false);
  });
});
