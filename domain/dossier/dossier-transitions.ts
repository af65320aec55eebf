/**
 * Applying an allowed action: the next state and the domain events to publish. Side effects that
 * need I/O (signing a result, digitizing supplements) are done by the workflow first; their outputs
 * come in `effects`.
 */
import type { Actor } from '../actor.js';
import type { WorkingCalendar } from '../calendar.js';
import { type DeadlineLedger, decreeAppointment, reschedule, resume, suspend } from '../deadline.js';
import { type Instant, toCivilDate } from '../time.js';
import type { DossierAction } from './dossier-actions.js';
import { checkAction } from './dossier-checks.js';
import { correctData } from './dossier-corrections.js';
import { accept, refuseAtIntake, requestIntakeSupplement } from './dossier-intake.js';
import { reject } from './dossier-rejection.js';
import {
  apologyInTime,
  countProcessingRequests,
  type DossierState,
  type Payment,
  paidOnline,
  type ResultDocument,
  record,
  type StoredComponent,
  type SupplementRequest,
  type Transition,
} from './dossier-state.js';
import type { DossierStatus } from './dossier-status.js';

export interface ActionEffects {
  result?: ResultDocument;
  components?: StoredComponent[];
}

export function applyAction(
  state: DossierState,
  action: DossierAction,
  now: Instant,
  calendar: WorkingCalendar,
  effects: ActionEffects = {},
): Transition {
  checkAction(state, action, now, calendar);
  const { actor } = action;
  switch (action.name) {
    case 'provide-intake-supplement': {
      const next = markSupplementProvided(
        {
          ...state,
          // An online dossier goes back to the online inbox for the counter to check again.
          status: state.onlineIntake ? 'CHO_TIEP_NHAN' : state.status,
          components: [...state.components, ...(effects.components ?? [])],
        },
        now,
      );
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-provided',
          at: now,
          data: { phase: 'intake', kinds: action.payload.documents.map((d) => d.kind) },
        },
      ]);
    }
    case 'refuse-intake':
      return refuseAtIntake(state, now, action.payload.reason, actor);
    case 'accept-intake':
      return accept(state, now, calendar, actor);
    case 'request-intake-supplement':
      return requestIntakeSupplement(state, now, action.payload.items, actor, action.payload.reason);
    case 'request-supplementation': {
      const deadline = suspend(requireLedger(state), now);
      const request: SupplementRequest = {
        phase: 'processing',
        requestedAt: now,
        items: action.payload.items,
        reason: action.payload.reason,
        by: actor.id,
      };
      const next: DossierState = {
        ...state,
        status: 'YEU_CAU_BO_SUNG',
        deadline,
        supplements: [...state.supplements, request],
      };
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-requested',
          at: now,
          data: { phase: 'processing', items: action.payload.items, count: countProcessingRequests(next) },
        },
      ]);
    }
    case 'provide-supplementation': {
      const deadline = resume(requireLedger(state), now);
      const next = markSupplementProvided(
        {
          ...state,
          status: 'DANG_XU_LY',
          deadline,
          components: [...state.components, ...(effects.components ?? [])],
        },
        now,
      );
      const appointment = decreeAppointment(deadline, calendar);
      return record(next, now, action.name, actor, [
        {
          type: 'supplement-provided',
          at: now,
          data: { phase: 'processing', decreeDueDate: appointment?.dueDate },
        },
      ]);
    }
    case 'assign': {
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        step: 'appraise',
        holder: { unit: state.application.competentAgency, official: action.payload.specialist },
      };
      return record(next, now, action.name, actor, [
        { type: 'assigned', at: now, data: { specialist: action.payload.specialist } },
      ]);
    }
    case 'appraise': {
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        step: 'approve',
        appraisal: {
          recommendation: action.payload.recommendation,
          note: action.payload.note,
          at: now,
          by: actor.id,
        },
        holder: { unit: state.application.competentAgency },
      };
      return record(next, now, action.name, actor, [
        { type: 'appraised', at: now, data: { recommendation: action.payload.recommendation } },
      ]);
    }
    case 'start-inter-agency': {
      const tasks = action.payload.participants.map((p) => ({
        agency: p.agency,
        task: p.task,
        workingDays: p.workingDays,
        startedAt: now,
        dueDate: calendar.addWorkingDays(toCivilDate(now), p.workingDays),
      }));
      const next: DossierState = {
        ...state,
        status: 'DANG_XU_LY',
        interAgency: [...state.interAgency, ...tasks],
      };
      return record(next, now, action.name, actor, [
        { type: 'inter-agency-started', at: now, data: { tasks } },
      ]);
    }
    case 'complete-inter-agency': {
      const interAgency = state.interAgency.map((t) =>
        t.agency === action.payload.agency && !t.completedAt
          ? { ...t, completedAt: now, opinion: action.payload.opinion, late: toCivilDate(now) > t.dueDate }
          : t,
      );
      const next: DossierState = { ...state, interAgency };
      return record(next, now, action.name, actor, [
        { type: 'inter-agency-completed', at: now, data: { agency: action.payload.agency } },
      ]);
    }
    case 'approve':
    case 'refuse': {
      if (!effects.result) throw new Error(`${action.name} needs the signed result document`);
      const status: DossierStatus = action.name === 'approve' ? 'DA_XU_LY_XONG' : 'TU_CHOI';
      const next: DossierState = {
        ...state,
        status,
        step: 'return',
        result: effects.result,
        decidedAt: now,
        holder: { unit: state.application.receivingUnit },
      };
      return record(next, now, action.name, actor, [
        {
          type: action.name === 'approve' ? 'approved' : 'refused',
          at: now,
          data: {
            stage: 'after-appraisal',
            resultLink: effects.result.link,
            paperResult: effects.result.paperResult,
          },
        },
      ]);
    }
    case 'apologize': {
      const deadline = reschedule(
        requireLedger(state),
        now,
        action.payload.newDueDate,
        action.payload.reason,
        calendar,
      );
      const previousDueDate = deadline.reschedule?.previousDueDate ?? action.payload.newDueDate;
      // Only dossiers under the old rule (legacyLateApology) can get here late.
      const late = !apologyInTime(now, previousDueDate);
      const apology = {
        at: now,
        reason: action.payload.reason,
        previousDueDate,
        newDueDate: action.payload.newDueDate,
        by: actor.id,
        late,
      };
      const next: DossierState = {
        ...state,
        deadline,
        apology,
        overdueWithoutApology: false,
        overdueSince: undefined,
      };
      return record(next, now, action.name, actor, [{ type: 'rescheduled', at: now, data: { ...apology } }]);
    }
    case 'stop':
      return end(state, now, 'DUNG_XU_LY', action.name, actor, action.payload.reason, 'stopped');
    case 'withdraw':
      return end(
        state,
        now,
        'CONG_DAN_RUT',
        action.name,
        actor,
        action.payload.reason ?? 'Công dân yêu cầu rút hồ sơ',
        'withdrawn',
      );
    case 'return-result': {
      const dueDate = state.deadline ? decreeAppointment(state.deadline, calendar)?.dueDate : undefined;
      const early = dueDate !== undefined && toCivilDate(now) < dueDate;
      const next: DossierState = {
        ...state,
        status: 'DA_TRA_KET_QUA',
        step: 'done',
        returnedAt: now,
        returnChannel: action.payload.channel,
        returnedEarly: early,
      };
      return record(next, now, action.name, actor, [
        { type: 'result-returned', at: now, data: { channel: action.payload.channel, early } },
      ]);
    }
    case 'record-payment': {
      const payment: Payment = { ...action.payload, at: now };
      const next: DossierState = { ...state, payments: [...state.payments, payment] };
      return record(next, now, action.name, actor, [
        { type: 'payment-recorded', at: now, data: { ...action.payload, paidOnline: paidOnline(payment) } },
      ]);
    }
    case 'evaluate': {
      const evaluation = {
        scores: action.payload.scores as Record<string, number>,
        liked: action.payload.liked,
        at: now,
      };
      const next: DossierState = { ...state, evaluation };
      return record(next, now, action.name, actor, [
        { type: 'evaluated', at: now, data: { scores: evaluation.scores, liked: evaluation.liked } },
      ]);
    }
    case 'correct-data':
      return correctData(state, action.payload, actor, now);
  }
}

function end(
  state: DossierState,
  at: Instant,
  status: DossierStatus,
  action: string,
  actor: Actor,
  reason: string,
  eventType: string,
): Transition {
  const next: DossierState = { ...state, status, step: 'done', endedAt: at, endReason: reason };
  return record(next, at, action, actor, [{ type: eventType, at, data: { reason } }]);
}

function requireLedger(state: DossierState): DeadlineLedger {
  if (!state.deadline) reject('ILLEGAL_STATE', 'Hồ sơ chưa được tiếp nhận');
  return state.deadline;
}

function markSupplementProvided(state: DossierState, at: Instant): DossierState {
  const supplements = state.supplements.map((s, i) =>
    i === state.supplements.length - 1 && s.providedAt === undefined ? { ...s, providedAt: at } : s,
  );
  return { ...state, supplements };
}
