/** The Decision 766 facts of a dossier (DOMAIN.md §2.5), carried by every event. */
import type { WorkingCalendar } from '../domain/calendar.js';
import { computeAppointment, decreeAppointment, rescheduledDueDate } from '../domain/deadline.js';
import { type DossierState, paidOnline } from '../domain/dossier/dossier-state.js';
import { formatInstant } from '../domain/time.js';
import { channelCodes } from './constants.js';
import type { DossierFacts } from './dossier-event-schema.js';

const iso = (instant: number | undefined) => (instant === undefined ? undefined : formatInstant(instant));

/**
 * DanhSachPhiLePhi: what this dossier owes, fee by fee: the online amount for an online dossier
 * where the procedure sets one (often 0, to encourage online submission), else the counter amount.
 */
function dossierFees(state: DossierState): DossierFacts['fees'] {
  const online = state.application.channel === 'online';
  return state.procedure.fees.map((fee) => ({
    name: fee.name,
    amountVnd: online && fee.onlineAmountVnd !== undefined ? fee.onlineAmountVnd : fee.amountVnd,
  }));
}

export function dossierFacts(state: DossierState, calendar: WorkingCalendar): DossierFacts {
  const ledger = state.deadline;
  const original = ledger ? computeAppointment(ledger.receivedAt, ledger.duration, calendar) : undefined;
  const decree = ledger ? decreeAppointment(ledger, calendar) : undefined;
  return {
    procedureCode: state.procedure.code,
    ruleVersion: state.procedure.ruleVersion.version,
    channel: channelCodes[state.application.channel],
    serviceLevel: state.procedure.serviceLevel,
    eligibleForToanTrinh: state.procedure.eligibleForToanTrinh,
    status: state.status,
    receivingUnit: state.application.receivingUnit,
    competentAgency: state.application.competentAgency,
    submittedAt: formatInstant(state.submittedAt),
    acceptedAt: iso(state.acceptedAt),
    dueDate: original?.dueDate,
    rescheduledDueDate: ledger ? rescheduledDueDate(ledger, calendar) : undefined,
    apologyAt: iso(state.apology?.at),
    apologyInTime: state.apology ? !state.apology.late : undefined,
    decreeDueDate: decree?.dueDate,
    supplementations: state.supplements.map((s) => ({
      phase: s.phase,
      requestedAt: formatInstant(s.requestedAt),
      providedAt: iso(s.providedAt),
    })),
    decidedAt: iso(state.decidedAt),
    endedAt: iso(state.endedAt),
    returnedAt: iso(state.returnedAt),
    portalSyncedAt: iso(state.portalSyncedAt),
    components: state.components.map((c) => ({
      kind: c.kind,
      form: c.form,
      digitized: c.digitized,
      reused: c.reused,
      fromDataStore: c.fromDataStore,
    })),
    paperResultRequired: state.procedure.paperResult,
    eResultLink: state.result?.link,
    vneidAuthenticated: Boolean(state.application.vneidAuthenticated),
    fees: dossierFees(state),
    paidOnline: state.payments.some(paidOnline),
    overdueWithoutApology: state.overdueWithoutApology,
    apologyIssued: Boolean(state.apology),
    evaluation: state.evaluation
      ? { liked: state.evaluation.liked, scores: state.evaluation.scores }
      : undefined,
  };
}
