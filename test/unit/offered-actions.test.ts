/**
 * The actions the dossier view offers (api/offered-actions.ts), which are the buttons of the
 * console and the "Thao tác được phép" of the CLI: at every step of a dossier and for every kind of
 * official, exactly those the API's authorization and the state machine together accept with a
 * real payload; a refused one carries the code and the reason of the check that refuses it.
 */
import { describe, expect, it } from 'vitest';
import type { OfficialRole } from '../../api/auth.js';
import { mayAct } from '../../api/authorization.js';
import { offeredActions } from '../../api/offered-actions.js';
import type { Actor } from '../../domain/actor.js';
import { findProcedureVersion } from '../../domain/catalogue.js';
import {
  type ActionName,
  actionSchemas,
  type DossierAction,
  actionNames as domainActionNames,
} from '../../domain/dossier/dossier-actions.js';
import { checkAction } from '../../domain/dossier/dossier-checks.js';
import { accept, requestIntakeSupplement } from '../../domain/dossier/dossier-intake.js';
import { actionTitles } from '../../domain/dossier/dossier-labels.js';
import { type DossierState, newDossier } from '../../domain/dossier/dossier-state.js';
import { statusNames } from '../../domain/dossier/dossier-status.js';
import { applyAction } from '../../domain/dossier/dossier-transitions.js';
import { addCalendarDays, toCivilDate } from '../../domain/time.js';
import { loadAgencyCalendar, loadCalendar, loadCalendarChain } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { buildCalendar } from '../../workflows/workflow-support.js';
import { citizenApplication, signedResult, vietnamInstant } from '../support/fixtures.js';

interface Official {
  id: string;
  name: string;
  unit: string;
  role: OfficialRole;
}

describe('the actions offered are exactly those the rules accept', () => {
  const calendar = loadCalendar('VN');
  const organisation = loadOrganisation('demo');
  const oneStop = '000.01.41.H99';
  const committee = '000.00.41.H99';
  const officials: Official[] = [
    { id: 'mot-cua', name: 'Một cửa', unit: oneStop, role: 'counter-officer' },
    { id: 'mot-cua-khac', name: 'Một cửa khác', unit: '000.01.42.H99', role: 'counter-officer' },
    { id: 'lanh-dao', name: 'Lãnh đạo', unit: committee, role: 'leader' },
    { id: 'cv-1', name: 'Chuyên viên 1', unit: committee, role: 'specialist' },
    { id: 'cv-2', name: 'Chuyên viên 2', unit: committee, role: 'specialist' },
    { id: 'lanh-dao-khac', name: 'Lãnh đạo khác', unit: '000.00.42.H99', role: 'leader' },
    { id: 'giam-sat', name: 'Giám sát', unit: '000.00.00.H99', role: 'supervisor' },
    { id: 'quan-tri', name: 'Quản trị', unit: '000.00.00.H99', role: 'administrator' },
  ];
  const receivedAt = vietnamInstant('2026-04-23T10:00');
  const procedure = findProcedureVersion(loadCatalogue().procedures, '1.001612', '2026-04-23');

  const act = (state: DossierState, name: ActionName, actor: Actor, payload: unknown, at: number) =>
    applyAction(
      state,
      { name, actor, payload: actionSchemas[name].parse(payload) } as DossierAction,
      at,
      calendar,
      name === 'approve' ? { result: signedResult('approval') } : {},
    ).state;

  function states(): Array<[string, DossierState, number]> {
    const application = citizenApplication();
    const fresh = newDossier('000.01.41.H99-260423-0001', application, procedure, receivedAt);
    const counter = officials[0] as Actor;
    const leader = officials[2] as Actor;
    const specialist = officials[3] as Actor;
    const hour = 3_600_000;
    const accepted = accept(fresh, receivedAt, calendar, counter).state;
    const assigned = act(
      accepted,
      'assign',
      leader,
      { specialist: { id: 'cv-1', name: 'Chuyên viên 1' } },
      receivedAt + hour,
    );
    const appraised = act(
      assigned,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'Đủ' },
      receivedAt + 2 * hour,
    );
    const approved = act(appraised, 'approve', leader, {}, receivedAt + 3 * hour);
    const returned = act(approved, 'return-result', counter, { channel: 'counter' }, receivedAt + 4 * hour);
    const intakeSupplement = requestIntakeSupplement(
      fresh,
      receivedAt,
      [{ kind: 'giay-to-phap-ly-ca-nhan', name: 'Giấy tờ pháp lý', reason: 'Thiếu', form: 'paper' }],
      counter,
    ).state;
    const supplementing = act(
      assigned,
      'request-supplementation',
      specialist,
      { items: [{ name: 'Bản vẽ', reason: 'Thiếu', form: 'paper' }], reason: 'Chưa đủ' },
      receivedAt + 2 * hour,
    );
    const supplemented = act(
      supplementing,
      'provide-supplementation',
      counter,
      { documents: [{ kind: 'ban-ve', form: 'paper' }] },
      receivedAt + 3 * hour,
    );
    const rescheduledDate = nextWorkingDay(addCalendarDays(toCivilDate(receivedAt), 10));
    const apologized = act(
      assigned,
      'apologize',
      leader,
      { reason: 'Xác minh', newDueDate: rescheduledDate },
      receivedAt + 2 * hour,
    );
    return [
      ['waiting for intake', fresh, receivedAt + hour],
      ['accepted', accepted, receivedAt + hour],
      ['assigned', assigned, receivedAt + 2 * hour],
      ['appraised', appraised, receivedAt + 3 * hour],
      ['approved', approved, receivedAt + 4 * hour],
      ['returned', returned, receivedAt + 5 * hour],
      ['supplementing at intake', intakeSupplement, receivedAt + hour],
      ['supplementing in processing', supplementing, receivedAt + 3 * hour],
      ['supplemented in processing', supplemented, receivedAt + 4 * hour],
      ['apologized', apologized, receivedAt + 3 * hour],
    ];
  }

  function nextWorkingDay(date: string): string {
    let day = date;
    while (!calendar.isWorkingDay(day)) day = addCalendarDays(day, 1);
    return day;
  }

  function payloadFor(action: ActionName, official: Official, state: DossierState): unknown {
    const due = state.apology?.newDueDate ?? toCivilDate(state.acceptedAt ?? receivedAt);
    const payloads: Record<ActionName, unknown> = {
      'provide-intake-supplement': { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' }] },
      'provide-supplementation': { documents: [{ kind: 'ban-ve', form: 'paper' }] },
      'refuse-intake': { reason: 'Không thuộc thẩm quyền' },
      'accept-intake': {},
      'request-intake-supplement': { items: [{ name: 'Bản vẽ', reason: 'Thiếu' }], reason: 'Chưa đủ' },
      'request-supplementation': {
        items: [{ name: 'Bản vẽ', reason: 'Thiếu', form: 'paper' }],
        reason: 'Chưa đủ',
      },
      assign: { specialist: { id: 'cv-1', name: 'Chuyên viên 1' } },
      appraise: { recommendation: 'approve', note: 'Đủ' },
      'start-inter-agency': {
        participants: [{ agency: '000.00.11.H99', task: 'Cho ý kiến', workingDays: 2 }],
      },
      'complete-inter-agency': { agency: official.unit, opinion: 'Đồng ý' },
      approve: {},
      refuse: { reason: 'Không đủ điều kiện' },
      apologize: { reason: 'Xác minh', newDueDate: nextWorkingDay(addCalendarDays(due, 20)) },
      stop: { reason: 'Dừng' },
      withdraw: {},
      'return-result': { channel: 'counter' },
      'record-payment': { amountVnd: 100_000, channel: 'cash' },
      evaluate: { scores: { '1': 2 } },
      'correct-data': { field: 'competentAgency', value: '000.00.42.H99', reason: 'Chọn nhầm cơ quan' },
    };
    return actionSchemas[action].parse(payloads[action]);
  }

  /** Whether the API and the state machine together accept the action now. */
  function accepted(state: DossierState, action: ActionName, official: Official, at: number): boolean {
    const scope = {
      code: state.code,
      receivingUnit: state.application.receivingUnit,
      competentAgency: state.application.competentAgency,
      participatingAgencies: state.interAgency.map((t) => t.agency),
    };
    if (official.role === 'supervisor') return false;
    if (!mayAct(official, action, scope, { agency: official.unit }).allowed) return false;
    // The API enters the applicant's evaluation as the applicant.
    const actor: Actor =
      action === 'evaluate'
        ? { id: `applicant:${state.code}`, name: 'Người nộp', unit: 'applicant', role: 'applicant' }
        : official;
    try {
      checkAction(
        state,
        { name: action, actor, payload: payloadFor(action, official, state) } as DossierAction,
        at,
        calendar,
      );
      return true;
    } catch {
      return false;
    }
  }

  const view = (state: DossierState, ended = false) => ({
    state,
    statusName: statusNames[state.status],
    ended,
  });

  function allowedNames(state: DossierState, official: Official, at: number): ActionName[] {
    return offeredActions(view(state), official, organisation, at)
      .filter((action) => action.allowed)
      .map((action) => action.name)
      .sort();
  }

  it('for every official at every step of a dossier', () => {
    expect(organisation.has(committee)).toBe(true);
    const seen: Record<string, string[]> = {};
    for (const [step, state, at] of states()) {
      for (const official of officials) {
        const offered = allowedNames(state, official, at);
        const legal = domainActionNames.filter((action) => accepted(state, action, official, at)).sort();
        expect(offered, `${step}: ${official.id}`).toEqual(legal);
        seen[`${step}: ${official.id}`] = offered;
      }
    }
    // A few by name, so that the comparison above is known not to be empty on both sides.
    expect(seen['waiting for intake: mot-cua']).toEqual(['refuse-intake']);
    expect(seen['accepted: lanh-dao']).toEqual([
      'apologize',
      'assign',
      'request-supplementation',
      'start-inter-agency',
      'stop',
    ]);
    expect(seen['assigned: cv-1']).toEqual(['appraise', 'request-supplementation', 'start-inter-agency']);
    expect(seen['assigned: cv-2']).toEqual(['request-supplementation', 'start-inter-agency']);
    expect(seen['approved: mot-cua']).toEqual(['record-payment', 'return-result']);
    expect(seen['returned: mot-cua']).toEqual(['evaluate']);
    expect(seen['supplementing at intake: mot-cua']).toEqual(['provide-intake-supplement', 'refuse-intake']);
    expect(seen['supplementing in processing: mot-cua']).toContain('provide-supplementation');
    // The rules let the agency ask again once the supplements came (the console's old copy hid it).
    expect(seen['supplemented in processing: cv-1']).toContain('request-supplementation');
    expect(seen['apologized: lanh-dao']).not.toContain('apologize');
    expect(seen['accepted: mot-cua-khac']).toEqual([]);
    expect(seen['accepted: giam-sat']).toEqual([]);
    // Issue #21: an administrator corrects the data of an open dossier, and does nothing else.
    expect(seen['accepted: quan-tri']).toEqual(['correct-data']);
    expect(seen['assigned: quan-tri']).toEqual(['correct-data']);
    expect(seen['approved: quan-tri']).toEqual([]);
  });

  const stateAt = (step: string) => {
    const found = states().find(([name]) => name === step);
    if (!found) throw new Error(`no state ${step}`);
    return { state: found[1], at: found[2] };
  };
  const officialNamed = (id: string) => officials.find((o) => o.id === id) as Official;

  it('lists every action in the state machine’s order with its title', () => {
    const { state, at } = stateAt('assigned');
    const offered = offeredActions(view(state), officialNamed('cv-1'), organisation, at);
    expect(offered.map((a) => a.name)).toEqual(domainActionNames);
    expect(offered.map((a) => a.title)).toEqual(domainActionNames.map((name) => actionTitles[name]));
    for (const action of offered) {
      if (action.allowed) expect(action).toEqual({ name: action.name, title: action.title, allowed: true });
      else expect(action.reason, action.name).toMatch(/\S/);
    }
  });

  it('gives a refused action the code and the Vietnamese reason of the check that refuses it', () => {
    const assigned = stateAt('assigned');
    const other = offeredActions(view(assigned.state), officialNamed('cv-2'), organisation, assigned.at);
    expect(other.find((a) => a.name === 'appraise')).toEqual({
      name: 'appraise',
      title: 'Thẩm định',
      allowed: false,
      code: 'WRONG_OFFICIAL',
      reason: 'Hồ sơ được phân công cho Chuyên viên 1, không phải Chuyên viên 2',
    });
    // Authorization first: a leader never appraises, whatever the state.
    const leader = offeredActions(view(assigned.state), officialNamed('lanh-dao'), organisation, assigned.at);
    expect(leader.find((a) => a.name === 'appraise')).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(leader.find((a) => a.name === 'appraise')?.reason).toContain('dành cho chuyên viên');
    // Time limits: no supplementation request more than 3 working days after acceptance.
    const late = assigned.at + 14 * 24 * 3_600_000;
    const specialist = offeredActions(view(assigned.state), officialNamed('cv-1'), organisation, late);
    expect(specialist.find((a) => a.name === 'request-supplementation')).toMatchObject({
      allowed: false,
      code: 'TOO_LATE',
    });
  });

  it('offers nothing to a supervisor, only the correction of data to an administrator, and nothing on a dossier that has ended', () => {
    const { state, at } = stateAt('accepted');
    const supervisor = offeredActions(view(state), officialNamed('giam-sat'), organisation, at);
    expect(supervisor.filter((a) => a.allowed)).toEqual([]);
    for (const action of supervisor) expect(action.code, `giam-sat ${action.name}`).toBe('FORBIDDEN');
    const administrator = offeredActions(view(state), officialNamed('quan-tri'), organisation, at);
    expect(administrator.filter((a) => a.allowed).map((a) => a.name)).toEqual(['correct-data']);
    for (const action of administrator.filter((a) => a.name !== 'correct-data'))
      expect(action.code, `quan-tri ${action.name}`).toBe('FORBIDDEN');
    const returned = stateAt('returned');
    const ended = offeredActions(
      view(returned.state, true),
      officialNamed('mot-cua'),
      organisation,
      returned.at,
    );
    expect(ended.filter((a) => a.allowed)).toEqual([]);
    expect(ended.find((a) => a.name === 'evaluate')).toMatchObject({
      code: 'ILLEGAL_STATE',
      reason: `Hồ sơ ${returned.state.code} đã kết thúc ("Đã trả kết quả"); không thực hiện được "evaluate"`,
    });
  });

  it('judges with the working-day calendar the dossier’s workflow builds for its competent agency', () => {
    const jurisdiction = organisation.get(committee).jurisdiction;
    const agencyCalendar = loadAgencyCalendar(organisation, committee);
    expect(agencyCalendar).toBe(loadCalendar(jurisdiction));
    const workflowCalendar = buildCalendar(loadCalendarChain(jurisdiction));
    for (let day = '2026-01-01'; day < '2027-01-01'; day = addCalendarDays(day, 1))
      expect(agencyCalendar.isWorkingDay(day), day).toBe(workflowCalendar.isWorkingDay(day));
  });
});
