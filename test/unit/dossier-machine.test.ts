/**
 * The pure dossier state machine (domain/dossier/) against DOMAIN.md §1.1, with real catalogue
 * entries and the real VN calendar. In 2026, 25–27/4 (weekend and the day in lieu of Giỗ Tổ Hùng
 * Vương, Sunday 26/4) and 30/4–3/5 are days off.
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import type { Procedure } from '../../domain/catalogue.js';
import { checkCompleteness } from '../../domain/completeness.js';
import {
  type ActionInput,
  type ActionName,
  actionSchemas,
  type SupplementItem,
} from '../../domain/dossier/dossier-actions.js';
import { actionAvailability, checkAction } from '../../domain/dossier/dossier-checks.js';
import { accept, decideIntake, requestIntakeSupplement } from '../../domain/dossier/dossier-intake.js';
import { ActionRejected, type RejectionCode } from '../../domain/dossier/dossier-rejection.js';
import {
  type DossierState,
  newDossier,
  type StoredComponent,
  type Transition,
} from '../../domain/dossier/dossier-state.js';
import {
  apologyCheckAt,
  flagApologyRequired,
  flagOverdue,
  overdueCheckAt,
} from '../../domain/dossier/dossier-timers.js';
import { type ActionEffects, applyAction } from '../../domain/dossier/dossier-transitions.js';
import { deadlineViews } from '../../domain/dossier/dossier-views.js';
import type { Instant } from '../../domain/time.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import {
  actor,
  applicantActor,
  vietnamInstant as at,
  citizenApplication,
  demoUnits,
  dossierAction,
  signedResult,
} from '../support/fixtures.js';

const calendar = loadCalendar('VN');
/** 1.001612 Đăng ký thành lập hộ kinh doanh: 03 working days; assign → appraise → approve. */
const householdBusiness = getProcedure('1.001612', '2026-04-23');
/** 2.000815 Chứng thực bản sao từ bản chính: same day (15:00 cut-off); appraise → approve. */
const certifiedCopy = getProcedure('2.000815', '2026-04-23');

const DOSSIER_CODE = '000.01.41.H99-260423-0001';
/** Thursday 23/4/2026 10:00: submission and acceptance in most tests. */
const T0 = at('2026-04-23T10:00');

const counter = actor('counter-officer', demoUnits.camThanhOneStop, 'cb-motcua-01');
const otherCounter = actor('counter-officer', demoUnits.konTumOneStop, 'cb-motcua-kontum');
const leader = actor('leader', demoUnits.camThanhCommittee, 'ld-01');
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'cv-01');
const otherSpecialist = actor('specialist', demoUnits.camThanhCommittee, 'cv-02');
const justiceLeader = actor('leader', demoUnits.justiceDepartment, 'ld-stp');
const justiceSpecialist = actor('specialist', demoUnits.justiceDepartment, 'cv-stp');
const justiceCounter = actor('counter-officer', demoUnits.justiceDepartment, 'cb-stp');
const constructionSpecialist = actor('specialist', demoUnits.constructionDepartment, 'cv-sxd');
const applicant = applicantActor(citizenApplication());

// ---------------------------------------------------------------------------------------------
// Helpers

/** Freezes a state deeply, so that any attempt by the state machine to mutate it throws. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function submitted(
  overrides: Partial<DossierApplicationInput> = {},
  procedure: Procedure = householdBusiness,
  submittedAt: Instant = T0,
): DossierState {
  const application = citizenApplication({ procedureCode: procedure.code, ...overrides });
  return deepFreeze(newDossier(DOSSIER_CODE, application, procedure, submittedAt));
}

function accepted(
  overrides: Partial<DossierApplicationInput> = {},
  acceptedAt: Instant = T0,
  procedure: Procedure = householdBusiness,
): DossierState {
  return deepFreeze(accept(submitted(overrides, procedure, acceptedAt), acceptedAt, calendar, counter).state);
}

/** Applies a validated action to a frozen state (the transition must not mutate its input). */
function act<A extends ActionName>(
  state: DossierState,
  name: A,
  by: Actor,
  input: ActionInput<A>,
  now: Instant,
  effects?: ActionEffects,
): Transition {
  const transition = applyAction(deepFreeze(state), dossierAction(name, by, input), now, calendar, effects);
  deepFreeze(transition.state);
  return transition;
}

const assignCv01 = { specialist: { id: specialist.id, name: specialist.name } };

function assigned(overrides: Partial<DossierApplicationInput> = {}): DossierState {
  return act(accepted(overrides), 'assign', leader, assignCv01, at('2026-04-23T14:00')).state;
}

function appraised(recommendation: 'approve' | 'refuse' = 'approve'): DossierState {
  return act(
    assigned(),
    'appraise',
    specialist,
    { recommendation, note: 'Đã thẩm định' },
    at('2026-04-24T09:00'),
  ).state;
}

function approved(): DossierState {
  return act(appraised(), 'approve', leader, {}, at('2026-04-28T09:00'), { result: signedResult() }).state;
}

function returned(): DossierState {
  return act(approved(), 'return-result', counter, { channel: 'counter' }, at('2026-04-28T15:00')).state;
}

const allScores = { '1': 2, '2': 2, '3': 2, '4': 1, '6': 2, '7': 2 } as const;

const supplementItem: SupplementItem = {
  kind: 'giay-to-phap-ly-ca-nhan',
  name: 'Bản sao giấy tờ pháp lý của thành viên hộ gia đình',
  reason: 'Thiếu giấy tờ của thành viên thứ hai',
  form: 'electronic',
};

const supplementRequest = { items: [supplementItem], reason: 'Hồ sơ chưa đầy đủ sau thẩm định' };
const supplementDocuments = { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'electronic' as const }] };

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/**
 * Asserts that both the validator (checkAction) and the handler (applyAction) reject the action
 * with `code`, and that the state is left exactly as it was.
 */
function expectRejected<A extends ActionName>(
  state: DossierState,
  name: A,
  by: Actor,
  input: ActionInput<A>,
  now: Instant,
  code: RejectionCode,
  effects?: ActionEffects,
): ActionRejected {
  const before = structuredClone(state);
  deepFreeze(state);
  const action = dossierAction(name, by, input);
  const fromCheck = caught(() => checkAction(state, action, now, calendar));
  const fromApply = caught(() => applyAction(state, action, now, calendar, effects));
  for (const error of [fromCheck, fromApply]) {
    expect(error).toBeInstanceOf(ActionRejected);
    expect((error as ActionRejected).code).toBe(code);
  }
  expect(state).toEqual(before);
  return fromApply as ActionRejected;
}

// ---------------------------------------------------------------------------------------------

describe('intake (ND 61 Art 15(3), Art 17)', () => {
  it('Art 15(3): decideIntake lists every missing item and the officer items at once', () => {
    const application = citizenApplication({ documents: [] });
    const { missing } = checkCompleteness(application, householdBusiness);
    const officerItem: SupplementItem = {
      kind: 'van-ban-uy-quyen',
      name: 'Văn bản ủy quyền',
      reason: 'Người nộp thay không có văn bản ủy quyền',
      form: 'paper',
    };
    const decision = decideIntake(missing, [officerItem], undefined, 'counter');
    expect(decision.outcome).toBe('supplement');
    if (decision.outcome !== 'supplement') return;
    expect(decision.items.map((item) => item.kind)).toEqual([
      'giay-de-nghi-dang-ky-ho-kinh-doanh',
      'giay-to-phap-ly-ca-nhan',
      'van-ban-uy-quyen',
    ]);
    expect(decision.items[0]).toMatchObject({
      name: 'Giấy đề nghị đăng ký hộ kinh doanh',
      form: 'electronic',
    });
    expect(decision.items[2]).toEqual(officerItem);
  });

  it('Art 17(1)(c): a complete dossier with no officer items is accepted', () => {
    const { missing } = checkCompleteness(citizenApplication(), householdBusiness);
    expect(decideIntake(missing, [], undefined, 'counter')).toEqual({ outcome: 'accepted' });
  });

  it('Art 17(1)(b): the officer refusal wins over missing items', () => {
    const decision = decideIntake(
      [{ kind: 'giay-to-phap-ly-ca-nhan', name: 'Giấy tờ pháp lý' }],
      [supplementItem],
      'Không thuộc thẩm quyền giải quyết',
      'online',
    );
    expect(decision).toEqual({ outcome: 'refused', reason: 'Không thuộc thẩm quyền giải quyết' });
  });

  it('an online dossier cannot be asked for a paper item (PAPER_ON_ONLINE); a counter one can', () => {
    const paperItem: SupplementItem = { ...supplementItem, form: 'paper' };
    const error = caught(() => decideIntake([], [paperItem], undefined, 'online'));
    expect(error).toBeInstanceOf(ActionRejected);
    expect((error as ActionRejected).code).toBe('PAPER_ON_ONLINE');
    expect(decideIntake([], [paperItem], undefined, 'counter')).toEqual({
      outcome: 'supplement',
      items: [paperItem],
    });
  });

  it('Art 15(3): request-supplementation while at intake is refused as ONCE_ONLY', () => {
    const waiting = requestIntakeSupplement(submitted(), T0, [supplementItem], counter).state;
    for (const state of [submitted(), waiting]) {
      expectRejected(state, 'request-supplementation', counter, supplementRequest, T0, 'ONCE_ONLY');
    }
  });

  it('requestIntakeSupplement waits for the applicant, recording the items and who asked', () => {
    const { state, events } = requestIntakeSupplement(submitted(), T0, [supplementItem], counter);
    expect(state.status).toBe('YEU_CAU_BO_SUNG');
    expect(state.step).toBe('intake');
    expect(state.deadline).toBeUndefined();
    expect(state.supplements).toEqual([
      {
        phase: 'intake',
        requestedAt: T0,
        items: [supplementItem],
        reason: 'Hồ sơ chưa đầy đủ',
        by: counter.id,
      },
    ]);
    expect(events).toEqual([
      { type: 'supplement-requested', at: T0, data: { phase: 'intake', items: [supplementItem] } },
    ]);
    expect(state.history.at(-1)).toMatchObject({
      action: 'request-intake-supplement',
      status: 'YEU_CAU_BO_SUNG',
    });
  });

  it('provide-intake-supplement is taken while waiting at intake, until the officer accepts', () => {
    const waiting = requestIntakeSupplement(submitted(), T0, [supplementItem], counter).state;
    const component = (ref: string): StoredComponent => ({
      kind: 'giay-to-phap-ly-ca-nhan',
      name: 'Giấy tờ pháp lý',
      form: 'electronic',
      digitized: true,
      reused: false,
      fromDataStore: false,
      ref,
    });
    const providedAt = at('2026-04-24T09:00');
    const { state, events } = act(
      waiting,
      'provide-intake-supplement',
      applicant,
      supplementDocuments,
      providedAt,
      {
        components: [component('files/bo-sung-1.pdf')],
      },
    );
    expect(state.supplements[0]?.providedAt).toBe(providedAt);
    expect(state.components).toEqual([component('files/bo-sung-1.pdf')]);
    // Still at intake: the officer checks the delivery before accepting (the workflow accepts once complete).
    expect(state).toMatchObject({ status: 'YEU_CAU_BO_SUNG', step: 'intake' });
    expect(state.deadline).toBeUndefined();
    expect(events).toEqual([
      {
        type: 'supplement-provided',
        at: providedAt,
        data: { phase: 'intake', kinds: ['giay-to-phap-ly-ca-nhan'] },
      },
    ]);
    expect(state.history.at(-1)).toMatchObject({ action: 'provide-intake-supplement', actor: applicant });
    // A delivery that was still incomplete can be completed by a further one.
    const completed = act(
      state,
      'provide-intake-supplement',
      counter,
      supplementDocuments,
      at('2026-04-24T09:10'),
      {
        components: [component('files/bo-sung-2.pdf')],
      },
    ).state;
    expect(completed.components.map((c) => c.ref)).toEqual(['files/bo-sung-1.pdf', 'files/bo-sung-2.pdf']);
    // The officer accepts the completed dossier; the deadline runs from acceptance, not submission.
    const acceptedAt = at('2026-04-24T09:30');
    const acceptedState = accept(completed, acceptedAt, calendar, counter).state;
    expect(acceptedState).toMatchObject({ status: 'MOI_TIEP_NHAN', acceptedAt });
    expect(deadlineViews(acceptedState, acceptedAt, calendar).decree?.dueDate).toBe('2026-05-04'); // 28/4, 29/4, 4/5
    expectRejected(
      acceptedState,
      'provide-intake-supplement',
      applicant,
      supplementDocuments,
      acceptedAt,
      'ILLEGAL_STATE',
    );
  });

  it('provide-intake-supplement is refused before any request and during processing supplementation', () => {
    expectRejected(
      submitted(),
      'provide-intake-supplement',
      applicant,
      supplementDocuments,
      T0,
      'ILLEGAL_STATE',
    );
    const pausedInProcessing = act(
      assigned(),
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-04-24T09:00'),
    ).state;
    expectRejected(
      pausedInProcessing,
      'provide-intake-supplement',
      applicant,
      supplementDocuments,
      at('2026-04-24T10:00'),
      'ILLEGAL_STATE',
    );
    // …and the processing-phase delivery is refused while waiting at intake.
    const waiting = requestIntakeSupplement(submitted(), T0, [supplementItem], counter).state;
    expectRejected(waiting, 'provide-supplementation', applicant, supplementDocuments, T0, 'ILLEGAL_STATE');
  });

  it('provide-intake-supplement: online dossiers take electronic documents only; only the receiving counter', () => {
    const online = requestIntakeSupplement(
      submitted({ channel: 'online' }),
      T0,
      [supplementItem],
      counter,
    ).state;
    const paper = { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' as const }] };
    expectRejected(online, 'provide-intake-supplement', applicant, paper, T0, 'PAPER_ON_ONLINE');
    expectRejected(
      online,
      'provide-intake-supplement',
      otherCounter,
      supplementDocuments,
      T0,
      'WRONG_AGENCY',
    );
    expectRejected(online, 'provide-intake-supplement', specialist, supplementDocuments, T0, 'WRONG_ROLE');
    expect(
      act(online, 'provide-intake-supplement', counter, supplementDocuments, T0).state.supplements[0]
        ?.providedAt,
    ).toBe(T0);
  });

  it('Art 17(1)(b): refuse-intake by a counter officer of the receiving unit ends the dossier', () => {
    const { state, events } = act(
      submitted(),
      'refuse-intake',
      counter,
      { reason: 'Không thuộc thẩm quyền' },
      T0,
    );
    expect(state).toMatchObject({
      status: 'TU_CHOI',
      step: 'done',
      endedAt: T0,
      endReason: 'Không thuộc thẩm quyền',
    });
    expect(events).toEqual([
      { type: 'refused', at: T0, data: { stage: 'intake', reason: 'Không thuộc thẩm quyền' } },
    ]);
    expect(state.history.at(-1)?.actor?.id).toBe(counter.id);
    // Also while waiting for an intake supplement.
    const waiting = requestIntakeSupplement(submitted(), T0, [supplementItem], counter).state;
    expect(act(waiting, 'refuse-intake', counter, { reason: 'Hồ sơ giả mạo' }, T0).state.status).toBe(
      'TU_CHOI',
    );
  });

  it('refuse-intake is refused for anyone but the receiving counter, and after acceptance', () => {
    const reason = { reason: 'Không thuộc thẩm quyền' };
    expectRejected(submitted(), 'refuse-intake', leader, reason, T0, 'WRONG_ROLE');
    expectRejected(submitted(), 'refuse-intake', applicant, reason, T0, 'WRONG_ROLE');
    expectRejected(submitted(), 'refuse-intake', otherCounter, reason, T0, 'WRONG_ROLE');
    expectRejected(accepted(), 'refuse-intake', counter, reason, T0, 'ILLEGAL_STATE');
  });
});

describe('the happy path (ND 61 Art 17–20)', () => {
  it('accept → assign → appraise → approve → return-result → evaluate', () => {
    const application = citizenApplication();
    const initial = submitted();
    expect(initial).toMatchObject({
      status: 'CHO_TIEP_NHAN',
      step: 'intake',
      holder: { unit: demoUnits.camThanhOneStop },
    });
    expect(initial.application).not.toHaveProperty('documents');

    // Art 17(1)(c): accepted Thursday 23/4; 03 working days are 24/4, 28/4, 29/4 (27/4 is the day in lieu).
    const a = accept(initial, T0, calendar, counter);
    expect(a.state).toMatchObject({
      status: 'MOI_TIEP_NHAN',
      step: 'assign',
      acceptedAt: T0,
      holder: { unit: demoUnits.camThanhCommittee },
    });
    expect(a.events).toEqual([
      { type: 'accepted', at: T0, data: { dueDate: '2026-04-29', dueAt: '2026-04-30T00:00:00+07:00' } },
    ]);

    // Art 19(1): the head of the agency assigns a specialist.
    const tAssign = at('2026-04-23T14:00');
    const b = act(a.state, 'assign', leader, assignCv01, tAssign);
    expect(b.state).toMatchObject({
      status: 'DANG_XU_LY',
      step: 'appraise',
      holder: { unit: demoUnits.camThanhCommittee, official: assignCv01.specialist },
    });
    expect(b.events).toEqual([
      { type: 'assigned', at: tAssign, data: { specialist: assignCv01.specialist } },
    ]);

    // Art 19(1)–(2): the assigned specialist appraises and submits for approval.
    const tAppraise = at('2026-04-24T09:00');
    const c = act(b.state, 'appraise', specialist, { recommendation: 'approve', note: 'Hợp lệ' }, tAppraise);
    expect(c.state).toMatchObject({
      status: 'DANG_XU_LY',
      step: 'approve',
      appraisal: { recommendation: 'approve', note: 'Hợp lệ', at: tAppraise, by: specialist.id },
    });
    expect(c.state.holder).toEqual({ unit: demoUnits.camThanhCommittee });
    expect(c.events.map((e) => e.type)).toEqual(['appraised']);

    // The leader approves with the signed result.
    const tApprove = at('2026-04-28T09:00');
    const result = signedResult();
    const d = act(c.state, 'approve', leader, { note: 'Đồng ý' }, tApprove, { result });
    expect(d.state).toMatchObject({
      status: 'DA_XU_LY_XONG',
      step: 'return',
      result,
      decidedAt: tApprove,
      holder: { unit: demoUnits.camThanhOneStop },
    });
    expect(d.events).toEqual([
      {
        type: 'approved',
        at: tApprove,
        data: { stage: 'after-appraisal', resultLink: result.link, paperResult: true },
      },
    ]);

    // Art 20: returned at the receiving counter, a day before the appointment (early return).
    const tReturn = at('2026-04-28T15:00');
    const e = act(d.state, 'return-result', counter, { channel: 'counter', earlyNoticeSent: true }, tReturn);
    expect(e.state).toMatchObject({
      status: 'DA_TRA_KET_QUA',
      step: 'done',
      returnedAt: tReturn,
      returnChannel: 'counter',
      returnedEarly: true,
    });
    expect(e.events).toEqual([
      { type: 'result-returned', at: tReturn, data: { channel: 'counter', early: true } },
    ]);

    // TT 01/2018 Art 13–14: the applicant evaluates the dossier.
    const tEvaluate = at('2026-04-28T16:00');
    const f = act(e.state, 'evaluate', applicant, { scores: allScores, liked: true }, tEvaluate);
    expect(f.state.evaluation).toEqual({ scores: allScores, liked: true, at: tEvaluate });
    expect(f.events).toEqual([
      { type: 'evaluated', at: tEvaluate, data: { scores: allScores, liked: true } },
    ]);

    // History: who did what, when, and the status after each step.
    expect(f.state.history).toEqual([
      { at: '2026-04-23T10:00:00+07:00', action: 'accept', status: 'MOI_TIEP_NHAN', actor: counter },
      { at: '2026-04-23T14:00:00+07:00', action: 'assign', status: 'DANG_XU_LY', actor: leader },
      { at: '2026-04-24T09:00:00+07:00', action: 'appraise', status: 'DANG_XU_LY', actor: specialist },
      { at: '2026-04-28T09:00:00+07:00', action: 'approve', status: 'DA_XU_LY_XONG', actor: leader },
      { at: '2026-04-28T15:00:00+07:00', action: 'return-result', status: 'DA_TRA_KET_QUA', actor: counter },
      {
        at: '2026-04-28T16:00:00+07:00',
        action: 'evaluate',
        status: 'DA_TRA_KET_QUA',
        actor: applicantActor(application),
      },
    ]);

    // Decided before the appointment: on time in both views.
    const views = deadlineViews(f.state, at('2026-05-04T10:00'), calendar);
    expect(views.decree?.dueDate).toBe('2026-04-29');
    expect(views.decision766).toMatchObject({ dueDate: '2026-04-29', onTimeSoFar: true, pausedMs: 0 });
    // Nothing left to time.
    expect(apologyCheckAt(f.state, calendar)).toBeUndefined();
    expect(overdueCheckAt(f.state, calendar)).toBeUndefined();
  });

  it('a result returned after the appointment is not early; 766 counts a late decision as past-due', () => {
    const late = act(appraised(), 'approve', leader, {}, at('2026-05-04T09:00'), {
      result: signedResult(),
    }).state;
    const back = act(late, 'return-result', counter, { channel: 'online' }, at('2026-05-04T10:00'));
    expect(back.state.returnedEarly).toBe(false);
    expect(back.events[0]?.data).toEqual({ channel: 'online', early: false });
    expect(deadlineViews(back.state, at('2026-05-05T10:00'), calendar).decision766).toMatchObject({
      onTimeSoFar: false,
      lateReason: 'past-due',
    });
  });

  it('2.000815 (same day, no assign step): due today before 15:00, next working day after; any specialist appraises', () => {
    const morning = accept(submitted({}, certifiedCopy), T0, calendar, counter);
    expect(morning.events[0]?.data.dueDate).toBe('2026-04-23');
    expect(morning.state.step).toBe('appraise');
    const afternoon = accept(
      submitted({}, certifiedCopy, at('2026-04-23T15:30')),
      at('2026-04-23T15:30'),
      calendar,
    );
    expect(afternoon.events[0]?.data.dueDate).toBe('2026-04-24');
    expect(afternoon.state.history.at(-1)?.actor).toBeUndefined();

    const appraisedCopy = act(
      morning.state,
      'appraise',
      otherSpecialist,
      { recommendation: 'approve', note: 'Khớp bản chính' },
      at('2026-04-23T10:20'),
    ).state;
    expect(appraisedCopy).toMatchObject({ status: 'DANG_XU_LY', step: 'approve' });
    const done = act(appraisedCopy, 'approve', leader, {}, at('2026-04-23T10:40'), {
      result: signedResult(),
    }).state;
    expect(done.status).toBe('DA_XU_LY_XONG');
  });

  it('Art 19(8): a refusal after appraisal is the result and is returned like one', () => {
    const toRefuse = appraised('refuse');
    expectRejected(toRefuse, 'approve', leader, {}, at('2026-04-28T09:00'), 'OUT_OF_ORDER', {
      result: signedResult(),
    });
    const refusal = signedResult('refusal');
    const refused = act(
      toRefuse,
      'refuse',
      leader,
      { reason: 'Tên hộ kinh doanh trùng' },
      at('2026-04-28T09:00'),
      {
        result: refusal,
      },
    );
    expect(refused.state).toMatchObject({ status: 'TU_CHOI', step: 'return', result: refusal });
    expect(refused.events[0]).toMatchObject({ type: 'refused', data: { stage: 'after-appraisal' } });
    const back = act(refused.state, 'return-result', counter, { channel: 'counter' }, at('2026-04-28T10:00'));
    expect(back.state.status).toBe('DA_TRA_KET_QUA');
  });

  it('approve without the signed result document is a programming error and changes nothing', () => {
    const state = deepFreeze(appraised());
    const before = structuredClone(state);
    const error = caught(() =>
      applyAction(state, dossierAction('approve', leader, {}), at('2026-04-28T09:00'), calendar),
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ActionRejected);
    expect(state).toEqual(before);
  });
});

describe('illegal actions are rejected with the right code and change nothing', () => {
  const now = at('2026-04-28T09:00');

  it('approve before appraisal → OUT_OF_ORDER', () => {
    expectRejected(assigned(), 'approve', leader, {}, now, 'OUT_OF_ORDER', { result: signedResult() });
  });

  it('Art 19(1): appraise before assignment → OUT_OF_ORDER', () => {
    expectRejected(
      accepted(),
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'OUT_OF_ORDER',
    );
  });

  it('an action by staff of another agency → WRONG_AGENCY', () => {
    expectRejected(accepted(), 'assign', justiceLeader, assignCv01, now, 'WRONG_AGENCY');
    expectRejected(appraised(), 'approve', justiceLeader, {}, now, 'WRONG_AGENCY', {
      result: signedResult(),
    });
    expectRejected(
      assigned(),
      'appraise',
      justiceSpecialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'WRONG_AGENCY',
    );
  });

  it('a specialist approving, or assigning → WRONG_ROLE', () => {
    expectRejected(appraised(), 'approve', specialist, {}, now, 'WRONG_ROLE', { result: signedResult() });
    expectRejected(accepted(), 'assign', specialist, assignCv01, now, 'WRONG_ROLE');
    expectRejected(
      assigned(),
      'appraise',
      leader,
      { recommendation: 'approve', note: 'x' },
      now,
      'WRONG_ROLE',
    );
  });

  it('appraisal by a specialist other than the assignee → WRONG_OFFICIAL', () => {
    const error = expectRejected(
      assigned(),
      'appraise',
      otherSpecialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'WRONG_OFFICIAL',
    );
    expect(error.message).toContain(specialist.name);
  });

  it('a second appraisal, or reassignment after appraisal → OUT_OF_ORDER', () => {
    expectRejected(
      appraised(),
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'OUT_OF_ORDER',
    );
    expectRejected(appraised(), 'assign', leader, assignCv01, now, 'OUT_OF_ORDER');
  });

  it('reassignment before appraisal hands the dossier to the new specialist', () => {
    const reassigned = act(
      assigned(),
      'assign',
      leader,
      { specialist: { id: 'cv-02', name: otherSpecialist.name } },
      now,
    ).state;
    expect(reassigned.holder.official?.id).toBe('cv-02');
    expectRejected(
      reassigned,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'WRONG_OFFICIAL',
    );
    expect(
      act(reassigned, 'appraise', otherSpecialist, { recommendation: 'approve', note: 'x' }, now).state.step,
    ).toBe('approve');
  });

  it('evaluate twice → ONCE_ONLY; only the applicant evaluates, only after the return', () => {
    const evaluated = act(
      returned(),
      'evaluate',
      applicant,
      { scores: allScores },
      at('2026-04-28T16:00'),
    ).state;
    expectRejected(
      evaluated,
      'evaluate',
      applicant,
      { scores: allScores, liked: false },
      at('2026-04-29T08:00'),
      'ONCE_ONLY',
    );
    expectRejected(returned(), 'evaluate', counter, { scores: allScores }, now, 'WRONG_ROLE');
    expectRejected(approved(), 'evaluate', applicant, { scores: allScores }, now, 'ILLEGAL_STATE');
  });

  it('an online dossier with an electronic-only result is returned to the applicant online, by them (ND 224/2026, DOMAIN.md §3)', () => {
    const approvedOnline = (paperResult: boolean, channel: 'online' | 'counter' = 'online') => {
      const a = act(accepted({ channel }), 'assign', leader, assignCv01, at('2026-04-23T14:00')).state;
      const b = act(
        a,
        'appraise',
        specialist,
        { recommendation: 'approve', note: 'Đạt' },
        at('2026-04-24T09:00'),
      ).state;
      return act(b, 'approve', leader, {}, at('2026-04-28T09:00'), {
        result: signedResult('approval', { paperResult }),
      }).state;
    };
    const back = act(approvedOnline(false), 'return-result', applicant, { channel: 'online' }, now);
    expect(back.state).toMatchObject({ status: 'DA_TRA_KET_QUA', returnChannel: 'online' });
    expect(back.events.map((e) => e.type)).toContain('result-returned');
    // Not by another channel, not a paper result, not a dossier lodged at the counter.
    expectRejected(
      approvedOnline(false),
      'return-result',
      applicant,
      { channel: 'counter' },
      now,
      'INVALID_INPUT',
    );
    expectRejected(
      approvedOnline(true),
      'return-result',
      applicant,
      { channel: 'online' },
      now,
      'WRONG_ROLE',
    );
    expectRejected(
      approvedOnline(false, 'counter'),
      'return-result',
      applicant,
      { channel: 'online' },
      now,
      'WRONG_ROLE',
    );
    expectRejected(back.state, 'return-result', applicant, { channel: 'online' }, now, 'ILLEGAL_STATE');
  });

  it('return-result before a result → rejected; only at the receiving counter', () => {
    expectRejected(appraised(), 'return-result', counter, { channel: 'counter' }, now, 'ILLEGAL_STATE');
    expectRejected(accepted(), 'return-result', counter, { channel: 'counter' }, now, 'ILLEGAL_STATE');
    const refusedAtIntake = act(
      submitted(),
      'refuse-intake',
      counter,
      { reason: 'Sai thẩm quyền' },
      T0,
    ).state;
    expectRejected(refusedAtIntake, 'return-result', counter, { channel: 'counter' }, now, 'OUT_OF_ORDER');
    expectRejected(approved(), 'return-result', otherCounter, { channel: 'counter' }, now, 'WRONG_AGENCY');
    expectRejected(approved(), 'return-result', leader, { channel: 'counter' }, now, 'WRONG_AGENCY');
    expectRejected(returned(), 'return-result', counter, { channel: 'counter' }, now, 'ILLEGAL_STATE');
  });

  it('nothing is processed before acceptance', () => {
    expectRejected(submitted(), 'assign', leader, assignCv01, T0, 'ILLEGAL_STATE');
    expectRejected(submitted(), 'approve', leader, {}, T0, 'ILLEGAL_STATE', { result: signedResult() });
  });

  it('action payloads are validated at the boundary', () => {
    expect(actionSchemas.stop.safeParse({}).success).toBe(false);
    expect(actionSchemas.stop.safeParse({ reason: '   ' }).success).toBe(false);
    expect(actionSchemas['request-supplementation'].safeParse({ items: [], reason: 'x' }).success).toBe(
      false,
    );
    expect(actionSchemas.apologize.safeParse({ reason: 'x', newDueDate: '2026-02-30' }).success).toBe(false);
    expect(actionSchemas.evaluate.safeParse({ scores: { ...allScores, '1': 3 } }).success).toBe(false);
  });
});

describe('supplementation during processing (ND 61 Art 19(4); Decision 766 pause view)', () => {
  it('pauses the clock, then the decree due date restarts from the day the complete dossier arrives', () => {
    const requestedAt = at('2026-04-24T09:00');
    const requested = act(assigned(), 'request-supplementation', specialist, supplementRequest, requestedAt);
    expect(requested.state.status).toBe('YEU_CAU_BO_SUNG');
    expect(requested.state.step).toBe('appraise');
    expect(requested.state.supplements).toEqual([
      {
        phase: 'processing',
        requestedAt,
        items: [supplementItem],
        reason: supplementRequest.reason,
        by: specialist.id,
      },
    ]);
    expect(requested.events).toEqual([
      {
        type: 'supplement-requested',
        at: requestedAt,
        data: { phase: 'processing', items: [supplementItem], count: 1 },
      },
    ]);

    const whilePaused = deadlineViews(requested.state, at('2026-04-30T10:00'), calendar);
    expect(whilePaused.paused).toBe(true);
    expect(whilePaused.decree).toBeUndefined();
    expect(whilePaused.pauses).toEqual([{ from: '2026-04-24T09:00:00+07:00', to: undefined }]);
    // 766: a dossier still waiting for the applicant ends at the request time: on time so far.
    expect(whilePaused.decision766).toMatchObject({ dueDate: '2026-04-29', onTimeSoFar: true });
    // No apology or overdue timer runs while the applicant has the dossier.
    expect(apologyCheckAt(requested.state, calendar)).toBeUndefined();
    expect(overdueCheckAt(requested.state, calendar)).toBeUndefined();

    const providedAt = at('2026-05-05T10:00');
    const component: StoredComponent = {
      kind: 'giay-to-phap-ly-ca-nhan',
      name: 'Giấy tờ pháp lý',
      form: 'electronic',
      digitized: true,
      reused: false,
      fromDataStore: false,
    };
    const provided = act(
      requested.state,
      'provide-supplementation',
      applicant,
      supplementDocuments,
      providedAt,
      {
        components: [component],
      },
    );
    expect(provided.state.status).toBe('DANG_XU_LY');
    expect(provided.state.supplements[0]?.providedAt).toBe(providedAt);
    expect(provided.state.components).toEqual([component]);
    // Restart: 03 working days from Tuesday 5/5 are 6/5, 7/5, 8/5.
    expect(provided.events).toEqual([
      {
        type: 'supplement-provided',
        at: providedAt,
        data: { phase: 'processing', decreeDueDate: '2026-05-08' },
      },
    ]);
    const views = deadlineViews(provided.state, at('2026-05-06T10:00'), calendar);
    expect(views.paused).toBe(false);
    expect(views.decree).toEqual({
      dueDate: '2026-05-08',
      dueAt: '2026-05-09T00:00:00+07:00',
      paused: false,
    });
    expect(views.pauses).toEqual([{ from: '2026-04-24T09:00:00+07:00', to: '2026-05-05T10:00:00+07:00' }]);
    // 766 keeps the original appointment and subtracts the pause.
    expect(views.decision766).toEqual({
      dueDate: '2026-04-29',
      onTimeSoFar: true,
      pausedMs: providedAt - requestedAt,
      lateReason: undefined,
    });
    expect(apologyCheckAt(provided.state, calendar)).toBe(at('2026-05-07T00:00'));
    expect(overdueCheckAt(provided.state, calendar)).toBe(at('2026-05-09T00:00'));

    // Processing continues with the assigned specialist.
    expect(
      act(
        provided.state,
        'appraise',
        specialist,
        { recommendation: 'approve', note: 'Đủ' },
        at('2026-05-06T09:00'),
      ).state.step,
    ).toBe('approve');
  });

  it('while paused, processing, apology and a further request are refused', () => {
    const paused = act(
      assigned(),
      'request-supplementation',
      leader,
      supplementRequest,
      at('2026-04-24T09:00'),
    ).state;
    const now = at('2026-04-24T10:00');
    expectRejected(
      paused,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'ILLEGAL_STATE',
    );
    expectRejected(
      paused,
      'apologize',
      leader,
      { reason: 'x', newDueDate: '2026-05-06' },
      now,
      'ILLEGAL_STATE',
    );
    expectRejected(paused, 'request-supplementation', specialist, supplementRequest, now, 'ILLEGAL_STATE');
  });

  it('Art 19(4): allowed up to the 3rd working day after acceptance, TOO_LATE after (day in lieu 27/4 not counted)', () => {
    // Accepted Thursday 23/4: working days 24/4 (1), 28/4 (2), 29/4 (3); then 30/4–3/5 are off.
    const lastDay = act(
      assigned(),
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-04-29T16:30'),
    );
    expect(lastDay.state.status).toBe('YEU_CAU_BO_SUNG');
    const error = expectRejected(
      assigned(),
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-05-04T08:00'),
      'TOO_LATE',
    );
    expect(error.message).toContain('Art 19(4)');
  });

  it('Art 19(4) with §1.4: the 3 days count from the receipt day, as the deadline does, for an off-hours acceptance', () => {
    // Online dossier accepted Friday 8/5 at 18:00, after office hours: received Monday 11/5.
    const acceptedAt = at('2026-05-08T18:00');
    const state = accepted({ channel: 'online' }, acceptedAt);
    expect(deadlineViews(state, acceptedAt, calendar).decree?.dueDate).toBe('2026-05-14');
    // 12/5 (1), 13/5 (2), 14/5 (3).
    const thursday = act(
      state,
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-05-14T09:00'),
    );
    expect(thursday.state.status).toBe('YEU_CAU_BO_SUNG');
    expectRejected(
      state,
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-05-15T09:00'),
      'TOO_LATE',
    );
  });

  it('only staff of the competent agency ask; online dossiers are never asked for paper', () => {
    const now = at('2026-04-24T09:00');
    expectRejected(assigned(), 'request-supplementation', counter, supplementRequest, now, 'WRONG_AGENCY');
    expectRejected(
      assigned(),
      'request-supplementation',
      justiceSpecialist,
      supplementRequest,
      now,
      'WRONG_AGENCY',
    );
    const paperRequest = { items: [{ ...supplementItem, form: 'paper' as const }], reason: 'x' };
    expectRejected(
      assigned({ channel: 'online' }),
      'request-supplementation',
      specialist,
      paperRequest,
      now,
      'PAPER_ON_ONLINE',
    );
    // A counter dossier may be asked for paper.
    expect(act(assigned(), 'request-supplementation', specialist, paperRequest, now).state.status).toBe(
      'YEU_CAU_BO_SUNG',
    );
  });

  it('the delivery: by the applicant or the receiving counter; electronic only for online dossiers', () => {
    const now = at('2026-04-24T10:00');
    const online = act(
      assigned({ channel: 'online' }),
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-04-24T09:00'),
    ).state;
    const paper = { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' as const }] };
    expectRejected(online, 'provide-supplementation', applicant, paper, now, 'PAPER_ON_ONLINE');
    expectRejected(online, 'provide-supplementation', specialist, supplementDocuments, now, 'WRONG_ROLE');
    expectRejected(online, 'provide-supplementation', otherCounter, supplementDocuments, now, 'WRONG_AGENCY');
    expect(act(online, 'provide-supplementation', counter, supplementDocuments, now).state.status).toBe(
      'DANG_XU_LY',
    );
    expectRejected(
      assigned(),
      'provide-supplementation',
      applicant,
      supplementDocuments,
      now,
      'ILLEGAL_STATE',
    );
  });

  it('§1.1 step 9: a second request is allowed, but Decision 766 counts the dossier late', () => {
    const first = act(
      assigned(),
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-04-24T09:00'),
    ).state;
    const back = act(
      first,
      'provide-supplementation',
      applicant,
      supplementDocuments,
      at('2026-04-24T15:00'),
    ).state;
    expect(deadlineViews(back, at('2026-04-24T16:00'), calendar).decision766?.onTimeSoFar).toBe(true);
    const second = act(
      back,
      'request-supplementation',
      specialist,
      supplementRequest,
      at('2026-04-28T09:00'),
    );
    expect(second.events[0]?.data.count).toBe(2);
    const backAgain = act(
      second.state,
      'provide-supplementation',
      applicant,
      supplementDocuments,
      at('2026-04-28T11:00'),
    ).state;
    expect(backAgain.supplements.map((s) => s.providedAt)).toEqual([
      at('2026-04-24T15:00'),
      at('2026-04-28T11:00'),
    ]);
    const views = deadlineViews(backAgain, at('2026-04-28T12:00'), calendar);
    expect(views.decision766).toMatchObject({
      onTimeSoFar: false,
      lateReason: 'more-than-one-supplementation',
    });
    // The decree restarts again from 28/4: 29/4, 4/5, 5/5.
    expect(views.decree?.dueDate).toBe('2026-05-05');
    expect(views.pauses).toHaveLength(2);
  });
});

describe('apology and rescheduling (ND 61 Art 19(9))', () => {
  it('apologyCheckAt is 00:00 of the working day before the due date; overdueCheckAt is 24:00 of the due date', () => {
    // Due Wednesday 29/4: the working day before is Tuesday 28/4.
    expect(apologyCheckAt(accepted(), calendar)).toBe(at('2026-04-28T00:00'));
    expect(overdueCheckAt(accepted(), calendar)).toBe(at('2026-04-30T00:00'));
    // Accepted Friday 24/4: due Monday 4/5; the working day before is Wednesday 29/4 (30/4–3/5 off).
    const friday = accepted({}, at('2026-04-24T10:00'));
    expect(deadlineViews(friday, at('2026-04-24T10:00'), calendar).decree?.dueDate).toBe('2026-05-04');
    expect(apologyCheckAt(friday, calendar)).toBe(at('2026-04-29T00:00'));
    // No timers before acceptance.
    expect(apologyCheckAt(submitted(), calendar)).toBeUndefined();
    expect(overdueCheckAt(submitted(), calendar)).toBeUndefined();
  });

  it('a same-day procedure has no working day before its due date to apologise in: only the overdue check', () => {
    const sameDay = accepted({}, T0, certifiedCopy);
    expect(apologyCheckAt(sameDay, calendar)).toBeUndefined();
    expect(overdueCheckAt(sameDay, calendar)).toBe(at('2026-04-24T00:00'));
  });

  it('flagApologyRequired records the flag once and asks the competent agency', () => {
    const flaggedAt = at('2026-04-28T00:00');
    const { state, events } = flagApologyRequired(deepFreeze(assigned()), flaggedAt, calendar);
    expect(state.apologyRequiredSince).toBe(flaggedAt);
    expect(events).toEqual([
      {
        type: 'apology-required',
        at: flaggedAt,
        data: { dueDate: '2026-04-29', agency: demoUnits.camThanhCommittee },
      },
    ]);
    expect(state.history.at(-1)).toMatchObject({ action: 'apology-required', actor: undefined });
    expect(apologyCheckAt(state, calendar)).toBeUndefined();
  });

  it('a leader apologises: the due date moves, the letter is on time the day before the due date', () => {
    const apologizedAt = at('2026-04-28T09:00');
    const input = { reason: 'Cần xác minh thông tin chủ hộ', newDueDate: '2026-05-06' };
    const { state, events } = act(appraised(), 'apologize', leader, input, apologizedAt);
    const apology = {
      at: apologizedAt,
      reason: input.reason,
      previousDueDate: '2026-04-29',
      newDueDate: '2026-05-06',
      by: leader.id,
      late: false,
    };
    expect(state.apology).toEqual(apology);
    expect(events).toEqual([{ type: 'rescheduled', at: apologizedAt, data: apology }]);
    const views = deadlineViews(state, apologizedAt, calendar);
    expect(views.rescheduled).toBe(true);
    expect(views.decree?.dueDate).toBe('2026-05-06');
    expect(views.decision766?.dueDate).toBe('2026-05-06');
    expect(apologyCheckAt(state, calendar)).toBeUndefined();
    expect(overdueCheckAt(state, calendar)).toBe(at('2026-05-07T00:00'));
    // Status is unchanged; processing goes on.
    expect(state.status).toBe('DANG_XU_LY');
  });

  it('DOMAIN.md §1.1 (9): an apology on the due date itself comes too late and is refused (TOO_LATE)', () => {
    // Received 23/4, due 29/4 (3 working days; 25–27/4 off): the day before, 28/4, is the last day.
    const onTheDueDate = at('2026-04-29T10:00');
    const error = expectRejected(
      assigned(),
      'apologize',
      leader,
      { reason: 'Chờ ý kiến cơ quan thuế', newDueDate: '2026-05-06' },
      onTheDueDate,
      'TOO_LATE',
    );
    expect(error.message).toContain('19(9)');
    expect(error.message).toContain('29/04/2026');
    expect(
      actionAvailability(assigned(), leader, onTheDueDate, calendar).find((a) => a.name === 'apologize'),
    ).toMatchObject({ allowed: false, code: 'TOO_LATE' });
    const dayBefore = act(
      assigned(),
      'apologize',
      leader,
      { reason: 'Chờ ý kiến cơ quan thuế', newDueDate: '2026-05-06' },
      at('2026-04-28T16:00'),
    ).state;
    expect(dayBefore.apology?.late).toBe(false);
  });

  it('a dossier received under the old rule (legacyLateApology) still records a late apology, flagged late', () => {
    const legacy: DossierState = { ...assigned(), legacyLateApology: true };
    const { state } = act(
      legacy,
      'apologize',
      leader,
      { reason: 'Chờ ý kiến cơ quan thuế', newDueDate: '2026-05-06' },
      at('2026-04-29T10:00'),
    );
    expect(state.apology?.late).toBe(true);
  });

  it('a second apology → ONCE_ONLY', () => {
    const once = act(
      assigned(),
      'apologize',
      leader,
      { reason: 'x', newDueDate: '2026-05-06' },
      at('2026-04-28T09:00'),
    ).state;
    const error = expectRejected(
      once,
      'apologize',
      leader,
      { reason: 'y', newDueDate: '2026-05-12' },
      at('2026-05-05T09:00'),
      'ONCE_ONLY',
    );
    expect(error.message).toContain('19(9)');
  });

  it('the new date must be a working day after the current one (INVALID_INPUT); only a leader of the agency', () => {
    const now = at('2026-04-28T09:00');
    for (const newDueDate of ['2026-04-29', '2026-04-28', '2026-05-01']) {
      expectRejected(assigned(), 'apologize', leader, { reason: 'x', newDueDate }, now, 'INVALID_INPUT');
    }
    expectRejected(
      assigned(),
      'apologize',
      specialist,
      { reason: 'x', newDueDate: '2026-05-06' },
      now,
      'WRONG_ROLE',
    );
    expectRejected(
      assigned(),
      'apologize',
      justiceLeader,
      { reason: 'x', newDueDate: '2026-05-06' },
      now,
      'WRONG_AGENCY',
    );
    expectRejected(
      approved(),
      'apologize',
      leader,
      { reason: 'x', newDueDate: '2026-05-06' },
      now,
      'ILLEGAL_STATE',
    );
  });

  it('flagOverdue without an apology sets overdueWithoutApology and emits overdue-unapologized', () => {
    const overdueAt = at('2026-04-30T00:00');
    const { state, events } = flagOverdue(deepFreeze(assigned()), overdueAt, calendar);
    expect(state.overdueSince).toBe(overdueAt);
    expect(state.overdueWithoutApology).toBe(true);
    expect(events).toEqual([
      {
        type: 'overdue-unapologized',
        at: overdueAt,
        data: { dueDate: '2026-04-29', agency: demoUnits.camThanhCommittee, escalate: true },
      },
    ]);
    expect(state.history.at(-1)?.action).toBe('overdue-without-apology');
    expect(overdueCheckAt(state, calendar)).toBeUndefined();
  });

  it('flagOverdue after an apology emits a plain overdue at the new date', () => {
    const apologized = act(
      assigned(),
      'apologize',
      leader,
      { reason: 'x', newDueDate: '2026-05-06' },
      at('2026-04-28T09:00'),
    ).state;
    const overdueAt = at('2026-05-07T00:00');
    const { state, events } = flagOverdue(apologized, overdueAt, calendar);
    expect(state.overdueWithoutApology).toBe(false);
    expect(events).toEqual([
      {
        type: 'overdue',
        at: overdueAt,
        data: { dueDate: '2026-05-06', agency: demoUnits.camThanhCommittee, escalate: true },
      },
    ]);
  });
});

describe('stop and withdrawal (§1.1 item 10 statuses)', () => {
  const now = at('2026-04-24T09:00');

  it('a leader stops processing with a reason → DUNG_XU_LY, and nothing proceeds after', () => {
    const { state, events } = act(assigned(), 'stop', leader, { reason: 'Người nộp đã chết' }, now);
    expect(state).toMatchObject({
      status: 'DUNG_XU_LY',
      step: 'done',
      endedAt: now,
      endReason: 'Người nộp đã chết',
    });
    expect(events).toEqual([{ type: 'stopped', at: now, data: { reason: 'Người nộp đã chết' } }]);
    expect(state.history.at(-1)).toMatchObject({ action: 'stop', status: 'DUNG_XU_LY', actor: leader });
    expectRejected(
      state,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      now,
      'ILLEGAL_STATE',
    );
    expectRejected(state, 'withdraw', applicant, {}, now, 'ILLEGAL_STATE');
    expectRejected(
      state,
      'record-payment',
      applicant,
      { amountVnd: 100000, channel: 'cash' },
      now,
      'ILLEGAL_STATE',
    );
    expect(overdueCheckAt(state, calendar)).toBeUndefined();
  });

  it('stop needs a leader of the competent agency, and an accepted dossier', () => {
    expectRejected(assigned(), 'stop', specialist, { reason: 'x' }, now, 'WRONG_ROLE');
    expectRejected(assigned(), 'stop', justiceLeader, { reason: 'x' }, now, 'WRONG_AGENCY');
    expectRejected(submitted(), 'stop', leader, { reason: 'x' }, now, 'ILLEGAL_STATE');
    // Also possible while waiting for a supplement.
    const paused = act(assigned(), 'request-supplementation', specialist, supplementRequest, now).state;
    expect(act(paused, 'stop', leader, { reason: 'x' }, at('2026-04-24T10:00')).state.status).toBe(
      'DUNG_XU_LY',
    );
  });

  it('the applicant or the receiving counter withdraws → CONG_DAN_RUT', () => {
    const byApplicant = act(assigned(), 'withdraw', applicant, { reason: 'Không còn nhu cầu' }, now);
    expect(byApplicant.state).toMatchObject({
      status: 'CONG_DAN_RUT',
      step: 'done',
      endReason: 'Không còn nhu cầu',
    });
    expect(byApplicant.events).toEqual([
      { type: 'withdrawn', at: now, data: { reason: 'Không còn nhu cầu' } },
    ]);
    const byCounter = act(accepted(), 'withdraw', counter, {}, now);
    expect(byCounter.state.status).toBe('CONG_DAN_RUT');
    expect(byCounter.state.endReason).toBe('Công dân yêu cầu rút hồ sơ');
    const paused = act(assigned(), 'request-supplementation', specialist, supplementRequest, now).state;
    expect(act(paused, 'withdraw', applicant, {}, now).state.status).toBe('CONG_DAN_RUT');
  });

  it('withdrawal during intake is refused; staff cannot withdraw for the applicant', () => {
    expectRejected(submitted(), 'withdraw', applicant, {}, T0, 'ILLEGAL_STATE');
    const waiting = requestIntakeSupplement(submitted(), T0, [supplementItem], counter).state;
    expectRejected(waiting, 'withdraw', counter, {}, T0, 'ILLEGAL_STATE');
    expectRejected(assigned(), 'withdraw', specialist, {}, now, 'WRONG_ROLE');
    expectRejected(assigned(), 'withdraw', otherCounter, {}, now, 'WRONG_AGENCY');
    expectRejected(approved(), 'withdraw', applicant, {}, now, 'ILLEGAL_STATE');
  });
});

describe('inter-agency consultation (ND 61 Art 19(5)–(6))', () => {
  const startedAt = at('2026-04-24T09:00');
  const participants = {
    participants: [
      { agency: demoUnits.justiceDepartment, task: 'Xác minh tư pháp', workingDays: 2 },
      { agency: demoUnits.constructionDepartment, task: 'Ý kiến về địa điểm kinh doanh', workingDays: 3 },
    ],
  };

  function consulting(): DossierState {
    return act(assigned(), 'start-inter-agency', specialist, participants, startedAt).state;
  }

  it('start-inter-agency sends to both agencies with their own due dates', () => {
    const { state, events } = act(assigned(), 'start-inter-agency', specialist, participants, startedAt);
    // From Friday 24/4: 2 working days → 29/4; 3 working days → 4/5.
    const tasks = [
      {
        agency: demoUnits.justiceDepartment,
        task: 'Xác minh tư pháp',
        workingDays: 2,
        startedAt,
        dueDate: '2026-04-29',
      },
      {
        agency: demoUnits.constructionDepartment,
        task: 'Ý kiến về địa điểm kinh doanh',
        workingDays: 3,
        startedAt,
        dueDate: '2026-05-04',
      },
    ];
    expect(state.interAgency).toEqual(tasks);
    expect(state.status).toBe('DANG_XU_LY');
    expect(events).toEqual([{ type: 'inter-agency-started', at: startedAt, data: { tasks } }]);
  });

  it('appraisal waits for every agency; only staff of an agency give its opinion', () => {
    const now = at('2026-04-28T09:00');
    const appraisal = { recommendation: 'approve' as const, note: 'Đủ điều kiện' };
    const error = expectRejected(consulting(), 'appraise', specialist, appraisal, now, 'OUT_OF_ORDER');
    expect(error.message).toContain(demoUnits.justiceDepartment);
    expect(error.message).toContain(demoUnits.constructionDepartment);

    const justiceOpinion = { agency: demoUnits.justiceDepartment, opinion: 'Không có vướng mắc' };
    expectRejected(
      consulting(),
      'complete-inter-agency',
      constructionSpecialist,
      justiceOpinion,
      now,
      'WRONG_AGENCY',
    );
    expectRejected(consulting(), 'complete-inter-agency', specialist, justiceOpinion, now, 'WRONG_AGENCY');
    expectRejected(
      consulting(),
      'complete-inter-agency',
      justiceCounter,
      justiceOpinion,
      now,
      'WRONG_AGENCY',
    );

    const justiceDone = act(consulting(), 'complete-inter-agency', justiceSpecialist, justiceOpinion, now);
    expect(justiceDone.events).toEqual([
      { type: 'inter-agency-completed', at: now, data: { agency: demoUnits.justiceDepartment } },
    ]);
    expect(justiceDone.state.interAgency[0]).toMatchObject({
      completedAt: now,
      opinion: 'Không có vướng mắc',
      late: false,
    });
    expect(justiceDone.state.interAgency[1]?.completedAt).toBeUndefined();
    // Still waiting for Sở Xây dựng.
    const stillWaiting = expectRejected(
      justiceDone.state,
      'appraise',
      specialist,
      appraisal,
      now,
      'OUT_OF_ORDER',
    );
    expect(stillWaiting.message).not.toContain(demoUnits.justiceDepartment);
    // An agency answers once.
    expectRejected(
      justiceDone.state,
      'complete-inter-agency',
      justiceLeader,
      justiceOpinion,
      now,
      'ILLEGAL_STATE',
    );

    // Sở Xây dựng answers on 5/5, after its due date 4/5.
    const lateAt = at('2026-05-05T09:00');
    const bothDone = act(
      justiceDone.state,
      'complete-inter-agency',
      constructionSpecialist,
      { agency: demoUnits.constructionDepartment, opinion: 'Phù hợp quy hoạch' },
      lateAt,
    ).state;
    expect(bothDone.interAgency[1]).toMatchObject({ completedAt: lateAt, late: true });
    const done = act(bothDone, 'appraise', specialist, appraisal, at('2026-05-05T10:00')).state;
    expect(done).toMatchObject({ step: 'approve', appraisal: { recommendation: 'approve' } });
  });

  it('no consultation with oneself, no second request to an agency still answering, none after appraisal', () => {
    const self = { participants: [{ agency: demoUnits.camThanhCommittee, task: 'x', workingDays: 1 }] };
    expectRejected(assigned(), 'start-inter-agency', specialist, self, startedAt, 'INVALID_INPUT');
    const again = {
      participants: [{ agency: demoUnits.justiceDepartment, task: 'Lần nữa', workingDays: 1 }],
    };
    expectRejected(consulting(), 'start-inter-agency', leader, again, startedAt, 'ONCE_ONLY');
    expectRejected(appraised(), 'start-inter-agency', specialist, again, startedAt, 'OUT_OF_ORDER');
    expectRejected(assigned(), 'start-inter-agency', justiceSpecialist, again, startedAt, 'WRONG_AGENCY');
  });
});

describe('fees (ND 61 Art 22; Decision 766 online payment)', () => {
  const now = at('2026-04-23T10:30');

  it('record-payment via DVCQG is marked paid online; cash is not', () => {
    const online = act(
      accepted(),
      'record-payment',
      applicant,
      { amountVnd: 100000, channel: 'dvcqg', receiptRef: 'DVCQG-0001' },
      now,
    );
    expect(online.state.payments).toEqual([
      { amountVnd: 100000, channel: 'dvcqg', receiptRef: 'DVCQG-0001', at: now },
    ]);
    expect(online.events).toEqual([
      {
        type: 'payment-recorded',
        at: now,
        data: { amountVnd: 100000, channel: 'dvcqg', receiptRef: 'DVCQG-0001', paidOnline: true },
      },
    ]);
    const cash = act(online.state, 'record-payment', counter, { amountVnd: 2000, channel: 'cash' }, now);
    expect(cash.events[0]?.data.paidOnline).toBe(false);
    expect(cash.state.payments).toHaveLength(2);
  });

  it('record-payment is refused at intake and for staff other than the counter', () => {
    expectRejected(
      submitted(),
      'record-payment',
      applicant,
      { amountVnd: 100000, channel: 'dvcqg' },
      now,
      'ILLEGAL_STATE',
    );
    expectRejected(
      accepted(),
      'record-payment',
      specialist,
      { amountVnd: 100000, channel: 'cash' },
      now,
      'WRONG_ROLE',
    );
  });
});

describe('the actions an official may take now (actionAvailability)', () => {
  const allowedFor = (state: DossierState, by: Actor, now: Instant) =>
    actionAvailability(state, by, now, calendar)
      .filter((a) => a.allowed)
      .map((a) => a.name);
  const refusal = (state: DossierState, by: Actor, now: Instant, name: ActionName) =>
    actionAvailability(state, by, now, calendar).find((a) => a.name === name);

  it('lists every action once, with the reason and code of the domain check where it is refused', () => {
    const state = accepted();
    const list = actionAvailability(state, specialist, T0, calendar);
    expect(list.map((a) => a.name)).toEqual(Object.keys(actionSchemas));
    const appraise = refusal(state, specialist, T0, 'appraise');
    expect(appraise).toMatchObject({ allowed: false, code: 'OUT_OF_ORDER' });
    const fromCheck = expectRejected(
      state,
      'appraise',
      specialist,
      { recommendation: 'approve', note: 'x' },
      T0,
      'OUT_OF_ORDER',
    );
    expect(appraise).toMatchObject({ reason: fromCheck.message });
  });

  it('follows the step: the leader assigns, the assigned specialist appraises, the leader approves', () => {
    expect(allowedFor(accepted(), leader, T0)).toEqual(
      expect.arrayContaining([
        'assign',
        'request-supplementation',
        'start-inter-agency',
        'apologize',
        'stop',
      ]),
    );
    expect(allowedFor(accepted(), leader, T0)).not.toContain('approve');
    const now = at('2026-04-24T09:00');
    expect(allowedFor(assigned(), specialist, now)).toContain('appraise');
    expect(refusal(assigned(), otherSpecialist, now, 'appraise')).toMatchObject({ code: 'WRONG_OFFICIAL' });
    expect(allowedFor(appraised(), leader, at('2026-04-28T09:00'))).toEqual(
      expect.arrayContaining(['approve', 'refuse']),
    );
    expect(allowedFor(approved(), counter, at('2026-04-28T15:00'))).toContain('return-result');
    expect(allowedFor(approved(), leader, at('2026-04-28T15:00'))).not.toContain('return-result');
  });

  it('the supervisor may take none; the counter of another unit is refused what the machine checks by unit', () => {
    // The machine does not check the unit of a payment (the API does, api/authorization.ts).
    expect(allowedFor(accepted(), otherCounter, T0)).toEqual(['record-payment']);
    expect(refusal(accepted(), otherCounter, T0, 'withdraw')).toMatchObject({ code: 'WRONG_AGENCY' });
    expect(allowedFor(accepted(), actor('supervisor', demoUnits.camThanhCommittee), T0)).toEqual([]);
  });

  it('ND 61 Art 19(4): after 3 working days supplementation is no longer offered (TOO_LATE)', () => {
    const state = accepted();
    expect(allowedFor(state, specialist, at('2026-04-28T09:00'))).toContain('request-supplementation');
    // 23/4 received; 24, 28, 29/4 are working days (25–27/4 off), 4/5 the fourth.
    expect(refusal(state, specialist, at('2026-05-04T09:00'), 'request-supplementation')).toMatchObject({
      allowed: false,
      code: 'TOO_LATE',
    });
  });

  it('a participating agency is offered its own opinion only while it is pending', () => {
    const consulting = act(
      assigned(),
      'start-inter-agency',
      leader,
      { participants: [{ agency: demoUnits.justiceDepartment, task: 'Ý kiến', workingDays: 2 }] },
      at('2026-04-24T09:00'),
    ).state;
    const now = at('2026-04-24T10:00');
    expect(allowedFor(consulting, justiceSpecialist, now)).toEqual(['complete-inter-agency']);
    // Another agency was not asked: nothing waits for its opinion.
    expect(refusal(consulting, constructionSpecialist, now, 'complete-inter-agency')).toMatchObject({
      code: 'ILLEGAL_STATE',
    });
    expect(refusal(consulting, justiceCounter, now, 'complete-inter-agency')).toMatchObject({
      code: 'WRONG_AGENCY',
    });
    const answered = act(
      consulting,
      'complete-inter-agency',
      justiceSpecialist,
      { agency: demoUnits.justiceDepartment, opinion: 'Đồng ý' },
      now,
    ).state;
    expect(allowedFor(answered, justiceSpecialist, now)).toEqual([]);
  });
});
