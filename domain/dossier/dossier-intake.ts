/** Creation and intake at the one-stop counter (ND 61 Art 15, 17): acceptance, supplementation at intake, refusal. */
import type { Actor } from '../actor.js';
import type { DossierApplication } from '../application.js';
import type { WorkingCalendar } from '../calendar.js';
import { decreeAppointment, openLedger } from '../deadline.js';
import { formatInstant, type Instant } from '../time.js';
import type { SupplementItem } from './dossier-actions.js';
import { reject } from './dossier-rejection.js';
import { type DossierState, record, type SupplementRequest, type Transition } from './dossier-state.js';

export type IntakeDecision =
  | { outcome: 'accepted' }
  | { outcome: 'supplement'; items: SupplementItem[] }
  | { outcome: 'refused'; reason: string };

/**
 * Intake at the one-stop shop (ND 61 Art 17): every missing item at once (Art 15(3)), or a
 * refusal the officer asked for, or acceptance.
 */
export function decideIntake(
  missing: ReadonlyArray<{ kind: string; name: string }>,
  officerItems: readonly SupplementItem[],
  refuseReason: string | undefined,
  channel: DossierApplication['channel'],
): IntakeDecision {
  if (refuseReason) return { outcome: 'refused', reason: refuseReason };
  const items: SupplementItem[] = [
    ...missing.map((m) => ({
      kind: m.kind,
      name: m.name,
      reason: 'Thiếu thành phần hồ sơ bắt buộc',
      form: 'electronic' as const,
    })),
    ...officerItems,
  ];
  if (channel === 'online' && items.some((item) => item.form === 'paper')) {
    reject('PAPER_ON_ONLINE', 'Hồ sơ trực tuyến không yêu cầu bổ sung giấy tờ bản giấy');
  }
  return items.length > 0 ? { outcome: 'supplement', items } : { outcome: 'accepted' };
}

export function accept(
  state: DossierState,
  at: Instant,
  calendar: WorkingCalendar,
  actor?: Actor,
): Transition {
  const deadline = openLedger(at, state.procedure.duration);
  const next: DossierState = {
    ...state,
    status: 'MOI_TIEP_NHAN',
    acceptedAt: at,
    deadline,
    step: state.procedure.steps.includes('assign') ? 'assign' : 'appraise',
    holder: { unit: state.application.competentAgency },
  };
  const appointment = decreeAppointment(deadline, calendar);
  return record(next, at, 'accept', actor, [
    {
      type: 'accepted',
      at,
      data: {
        dueDate: appointment?.dueDate,
        dueAt: appointment ? formatInstant(appointment.dueAt) : undefined,
      },
    },
  ]);
}

export function requestIntakeSupplement(
  state: DossierState,
  at: Instant,
  items: SupplementItem[],
  actor?: Actor,
  reason = 'Hồ sơ chưa đầy đủ',
): Transition {
  const request: SupplementRequest = {
    phase: 'intake',
    requestedAt: at,
    items,
    reason,
    by: actor?.id,
  };
  const next: DossierState = {
    ...state,
    status: 'YEU_CAU_BO_SUNG',
    supplements: [...state.supplements, request],
  };
  return record(next, at, 'request-intake-supplement', actor, [
    { type: 'supplement-requested', at, data: { phase: 'intake', items } },
  ]);
}

export function refuseAtIntake(state: DossierState, at: Instant, reason: string, actor?: Actor): Transition {
  const next: DossierState = { ...state, status: 'TU_CHOI', step: 'done', endedAt: at, endReason: reason };
  return record(next, at, 'refuse-intake', actor, [
    { type: 'refused', at, data: { stage: 'intake', reason } },
  ]);
}

export function closeForMissingSupplement(state: DossierState, at: Instant): Transition {
  const next: DossierState = {
    ...state,
    status: 'KHONG_BO_SUNG',
    step: 'done',
    endedAt: at,
    endReason: 'Người nộp không bổ sung hồ sơ trong thời hạn',
  };
  return record(next, at, 'close-no-supplement', undefined, [{ type: 'closed-incomplete', at, data: {} }]);
}
