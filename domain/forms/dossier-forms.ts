/** Maps a dossier's state to the data of its statutory forms (form-builders.ts builds them). */

import type { Actor } from '../actor.js';
import type { WorkingCalendar } from '../calendar.js';
import { computeAppointment, decreeAppointment } from '../deadline.js';
import type { DossierState } from '../dossier/dossier-state.js';
import { describeDuration } from '../duration.js';
import { toCivilDate } from '../time.js';
import {
  buildApology,
  buildControlSheet,
  buildReceipt,
  buildRefusal,
  buildStopNotice,
  buildSupplementationRequest,
} from './form-builders.js';
import type { ApplicantRef, FormData, UnitRef } from './form-data.js';
import { formSetFor } from './form-sets.js';

export type IssuedFormKind =
  | 'receipt'
  | 'supplementation-request'
  | 'refusal'
  | 'apology'
  | 'stop-notice'
  | 'control-sheet';

export type DossierForms = Partial<Record<IssuedFormKind, FormData>>;

export interface FormContext {
  /** Names of the units involved, by code. */
  units: Record<string, string>;
  /** The official issuing the form. */
  actor?: Actor;
}

export function buildDossierForm(
  kind: IssuedFormKind,
  state: DossierState,
  calendar: WorkingCalendar,
  now: number,
  context: FormContext,
): FormData {
  const unit = (code: string): UnitRef => ({ code, name: context.units[code] ?? code });
  const common = {
    formSet: formSetFor(toCivilDate(state.submittedAt)).id,
    dossierCode: state.code,
    applicant: applicantRef(state),
    procedure: { code: state.procedure.code, name: state.procedure.name },
    issuedAt: now,
  };
  const officer = { name: context.actor?.name ?? 'Cán bộ tiếp nhận' };
  const signer = { name: context.actor?.name ?? 'Thủ trưởng cơ quan', title: 'Thủ trưởng cơ quan' };
  const receivingUnit = unit(state.application.receivingUnit);
  const agency = unit(state.application.competentAgency);
  switch (kind) {
    case 'receipt':
      return buildReceipt({
        ...common,
        receivingUnit,
        documents: state.components.map((c) => ({
          name: c.name,
          form: c.form,
          digitized: c.digitized,
          reused: c.reused,
        })),
        statutoryDuration: describeDuration(state.procedure.duration),
        receivedAt: state.acceptedAt ?? now,
        appointmentDate: currentDueDate(state, calendar) ?? toCivilDate(now),
        returnPlace: `Bộ phận Tiếp nhận và Trả kết quả – ${receivingUnit.name}`,
        officer,
      });
    case 'supplementation-request': {
      const request = state.supplements.at(-1);
      return buildSupplementationRequest({
        ...common,
        phase: request?.phase ?? 'intake',
        receivingUnit,
        items: (request?.items ?? []).map((item) => ({
          name: item.name,
          reason: item.reason,
          form: item.form,
        })),
        officer,
      });
    }
    case 'refusal':
      return buildRefusal({
        ...common,
        stage: state.acceptedAt === undefined ? 'intake' : 'after-appraisal',
        receivingUnit,
        reason: state.result?.reason ?? state.endReason ?? 'Không đủ điều kiện giải quyết',
        officer,
      });
    case 'apology': {
      const apology = state.apology;
      if (!apology) throw new Error('No apology to print');
      return buildApology({
        ...common,
        agency,
        receivingUnit,
        receivedAt: state.acceptedAt ?? state.submittedAt,
        originalAppointmentDate: apology.previousDueDate,
        reason: apology.reason,
        newAppointmentDate: apology.newDueDate,
        signer,
      });
    }
    case 'stop-notice':
      return buildStopNotice({ ...common, agency, reason: state.endReason ?? '', signer });
    case 'control-sheet':
      return buildControlSheet({
        ...common,
        receivedAt: state.acceptedAt ?? state.submittedAt,
        appointmentDate: currentDueDate(state, calendar) ?? toCivilDate(now),
        receivingUnit,
        steps: controlSheetSteps(state, unit),
      });
  }
}

function applicantRef(state: DossierState): ApplicantRef {
  const { applicant } = state.application;
  const displayName = applicant.type === 'citizen' ? applicant.fullName : applicant.name;
  return applicant.address ? { displayName, address: applicant.address } : { displayName };
}

function currentDueDate(state: DossierState, calendar: WorkingCalendar): string | undefined {
  if (!state.deadline) return undefined;
  return (
    decreeAppointment(state.deadline, calendar)?.dueDate ??
    computeAppointment(state.deadline.receivedAt, state.deadline.duration, calendar).dueDate
  );
}

/** Hand-overs between units as they happened, for the Phiếu kiểm soát. */
function controlSheetSteps(state: DossierState, unit: (code: string) => UnitRef) {
  const steps = [];
  let holder = state.application.receivingUnit;
  for (const entry of state.history) {
    const unitOfStep = entry.actor?.unit ?? holder;
    if (unitOfStep === holder) continue;
    steps.push({
      from: { unit: unit(holder) },
      to: { unit: unit(unitOfStep), person: entry.actor?.name },
      at: Date.parse(entry.at),
    });
    holder = unitOfStep;
  }
  return steps;
}
