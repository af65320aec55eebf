/**
 * Repair (issue #21 item 4): an administrator corrects the competent agency of an open dossier; an
 * audited transition that appends to the history and never edits it.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import type { ActionInput, ActionName } from '../../domain/dossier/dossier-actions.js';
import { actionAvailability, checkAction } from '../../domain/dossier/dossier-checks.js';
import { accept } from '../../domain/dossier/dossier-intake.js';
import { ActionRejected } from '../../domain/dossier/dossier-rejection.js';
import { type DossierState, newDossier } from '../../domain/dossier/dossier-state.js';
import { applyAction } from '../../domain/dossier/dossier-transitions.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import {
  actor,
  vietnamInstant as at,
  citizenApplication,
  demoUnits,
  dossierAction,
  signedResult,
} from '../support/fixtures.js';

const calendar = loadCalendar('VN');
const householdBusiness = getProcedure('1.001612', '2026-04-23');
const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'cv-01');
const newLeader = actor('leader', demoUnits.konTumCommittee);
const administrator = actor('administrator', '000.00.00.H99', 'quan-tri');
const correction = {
  field: 'competentAgency',
  value: demoUnits.konTumCommittee,
  reason: 'Chọn nhầm xã khi tiếp nhận',
} as const;

function act<A extends ActionName>(
  state: DossierState,
  name: A,
  by: Actor,
  input: ActionInput<A>,
  when: string,
) {
  return applyAction(state, dossierAction(name, by, input), at(when), calendar, { result: signedResult() });
}

function appraised(): DossierState {
  const T0 = at('2026-04-23T10:00');
  const application = citizenApplication({ procedureCode: householdBusiness.code });
  let state = accept(
    newDossier('000.01.41.H99-260423-0001', application, householdBusiness, T0),
    T0,
    calendar,
    counter,
  ).state;
  state = act(
    state,
    'assign',
    leader,
    { specialist: { id: 'cv-01', name: 'Chuyên viên' } },
    '2026-04-23T11:00',
  ).state;
  return act(state, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ' }, '2026-04-23T14:00')
    .state;
}

function rejection(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ActionRejected) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('correct-data: the competent agency', () => {
  it('an audited change: the new agency holds the dossier from the assignment on; the history is only appended to', () => {
    const before = appraised();
    const { state, events } = act(before, 'correct-data', administrator, correction, '2026-04-24T09:00');
    expect(state.application.competentAgency).toBe(demoUnits.konTumCommittee);
    expect(state.holder).toEqual({ unit: demoUnits.konTumCommittee });
    expect(state.step).toBe('assign');
    expect(state.appraisal).toBeUndefined();
    expect(state.deadline).toEqual(before.deadline);
    expect(state.history.slice(0, -1)).toEqual(before.history);
    expect(state.history.at(-1)).toMatchObject({
      action: 'correct-data',
      actor: { id: 'quan-tri', role: 'administrator' },
      note: `Cơ quan có thẩm quyền giải quyết: ${demoUnits.camThanhCommittee} → ${demoUnits.konTumCommittee}. Lý do: Chọn nhầm xã khi tiếp nhận`,
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'data-corrected',
        data: {
          field: 'competentAgency',
          previous: demoUnits.camThanhCommittee,
          value: demoUnits.konTumCommittee,
          reason: 'Chọn nhầm xã khi tiếp nhận',
        },
      }),
    ]);
    // The dossier follows the corrected data: the old agency can no longer act, the new one assigns.
    const assign = { specialist: { id: 'cv-kt', name: 'Chuyên viên Kon Tum' } };
    expect(
      rejection(() =>
        checkAction(state, dossierAction('assign', leader, assign), at('2026-04-24T10:00'), calendar),
      ),
    ).toBe('WRONG_AGENCY');
    expect(act(state, 'assign', newLeader, assign, '2026-04-24T10:00').state.holder.official?.id).toBe(
      'cv-kt',
    );
  });

  it('only an administrator, only on an open dossier, only with a real change', () => {
    const state = appraised();
    const when = at('2026-04-24T09:00');
    const check = (by: Actor, input: ActionInput<'correct-data'>, on = state) =>
      rejection(() => checkAction(on, dossierAction('correct-data', by, input), when, calendar));
    expect(check(leader, correction)).toBe('WRONG_ROLE');
    expect(check(administrator, { ...correction, value: demoUnits.camThanhCommittee })).toBe('INVALID_INPUT');
    expect(check(administrator, { ...correction, value: demoUnits.camThanhOneStop })).toBe('INVALID_INPUT');
    const decided = act(state, 'approve', leader, {}, '2026-04-24T08:00').state;
    expect(check(administrator, correction, decided)).toBe('ILLEGAL_STATE');
    const availability = (on: DossierState) =>
      actionAvailability(on, administrator, when, calendar)
        .filter((a) => a.allowed)
        .map((a) => a.name);
    expect(availability(state)).toEqual(['correct-data']);
    expect(availability(decided)).toEqual([]);
  });

  it('not to an agency asked for its liên thông opinion', () => {
    let state = appraised();
    state = { ...state, step: 'appraise', appraisal: undefined };
    state = act(
      state,
      'start-inter-agency',
      leader,
      { participants: [{ agency: demoUnits.konTumCommittee, task: 'Cho ý kiến', workingDays: 2 }] },
      '2026-04-23T15:00',
    ).state;
    expect(
      rejection(() =>
        checkAction(
          state,
          dossierAction('correct-data', administrator, correction),
          at('2026-04-24T09:00'),
          calendar,
        ),
      ),
    ).toBe('INVALID_INPUT');
  });
});
