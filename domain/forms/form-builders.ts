/**
 * Statutory one-stop forms (DOMAIN.md §1.2): the DATA printed on each form, versioned by form set.
 * A renderer (a later issue) lays the data out on A5/A4 pages using `labels`.
 *
 * Pure and deterministic: no I/O, no clock, no node built-ins (workflow code imports it). Every
 * date is computed in Vietnam time (UTC+7) whatever the machine's time zone: dates are printed
 * dd/MM/yyyy and times HH:mm, with the machine-readable ISO value kept beside the printed one.
 *
 * Form sets are data with an effective-from date. A dossier keeps the set in force when it was
 * received (DOMAIN.md §0): builders that know the receipt instant (receipt, apology, control
 * sheet) use it; the others use `issuedAt` unless the caller pins the dossier's set with `formSet`.
 * Callers should always pin `formSet` for dossiers received before a set change.
 *
 * Decision for the stop notice: TT 01/2018 has no "Thông báo dừng giải quyết hồ sơ" (it is new in
 * TT 03/2025 Phụ lục I Mẫu 05). Requesting it under TT01-2018 throws `FormNotInSetError` rather
 * than inventing an unnumbered notice with no statutory template; the caller decides what to send.
 */
import { atCivilTime, type Instant, toCivilDate } from '../time.js';
import {
  type ApologyForm,
  type ControlSheetForm,
  type ControlSheetLine,
  DOCUMENT_FORM_TEXT,
  PHASE_TEXT,
  type ReceiptDocumentLine,
  type ReceiptForm,
  type RefusalForm,
  STAGE_TEXT,
  type StepResult,
  type StopNoticeForm,
  type SupplementationItemLine,
  type SupplementationRequestForm,
} from './form-data.js';
import {
  applicantFields,
  base,
  checkClock,
  checkInstant,
  checkText,
  checkUnit,
  coded,
  optional,
  optionalText,
  printDate,
  printDateTime,
  procedureFields,
  resolveSet,
  signerFields,
} from './form-fields.js';
import type {
  ApologyInput,
  ControlSheetInput,
  ReceiptInput,
  RefusalInput,
  StopNoticeInput,
  SupplementationRequestInput,
} from './form-inputs.js';
import { checkCivilDate, FormError } from './form-sets.js';

/** Form 01: receipt and appointment (ND 61 Art 17(1)(c), 17(3)). */
export function buildReceipt(input: ReceiptInput): ReceiptForm {
  const set = resolveSet(input.formSet, checkInstant('receivedAt', input.receivedAt));
  const receivedDate = toCivilDate(input.receivedAt);
  checkCivilDate('appointmentDate', input.appointmentDate);
  if (input.appointmentDate < receivedDate) {
    throw new FormError(
      `appointmentDate ${input.appointmentDate} is before the date received ${receivedDate}`,
    );
  }
  if (input.appointmentTime !== undefined) {
    checkClock('appointmentTime', input.appointmentTime);
    if (atCivilTime(input.appointmentDate, input.appointmentTime) < input.receivedAt) {
      throw new FormError(
        `appointment ${input.appointmentDate} ${input.appointmentTime} is before the time received`,
      );
    }
  }
  if (input.documents.length === 0) throw new FormError('a receipt needs at least one document');
  const lines = input.documents.map((doc, index): ReceiptDocumentLine => {
    if (doc.copies !== undefined && (!Number.isInteger(doc.copies) || doc.copies < 1)) {
      throw new FormError(`documents[${index}].copies must be a whole number of 1 or more`);
    }
    return {
      no: index + 1,
      name: checkText(`documents[${index}].name`, doc.name),
      form: coded(doc.form, DOCUMENT_FORM_TEXT),
      ...optional('copies', doc.copies),
      ...optional('digitized', doc.digitized),
      ...optional('reused', doc.reused),
    };
  });
  return {
    ...base('receipt', set, input, input.receivingUnit, input.issuedAt),
    fields: {
      dossierCode: checkText('dossierCode', input.dossierCode),
      ...applicantFields(input.applicant),
      ...procedureFields(input.procedure),
      documentCount: lines.length,
      statutoryDuration: checkText('statutoryDuration', input.statutoryDuration),
      receivedAt: printDateTime(input.receivedAt),
      appointmentDate: printDate(input.appointmentDate),
      ...optional('appointmentTime', input.appointmentTime),
      returnPlace: checkText('returnPlace', input.returnPlace),
      officerName: checkText('officer.name', input.officer.name),
    },
    lines,
  };
}

/**
 * Form 02: request to supplement or complete a dossier. All items go in one request, numbered
 * 1..n (ND 61 Art 15(3): "một lần đầy đủ, chính xác"); an empty list is refused.
 */
export function buildSupplementationRequest(input: SupplementationRequestInput): SupplementationRequestForm {
  const set = resolveSet(input.formSet, checkInstant('issuedAt', input.issuedAt));
  if (input.items.length === 0) {
    throw new FormError(
      'a supplementation request needs at least one item: list everything to supplement at once (ND 61 Art 15(3))',
    );
  }
  const lines = input.items.map(
    (item, index): SupplementationItemLine => ({
      no: index + 1,
      name: checkText(`items[${index}].name`, item.name),
      reason: checkText(`items[${index}].reason`, item.reason),
      ...(item.form ? { form: coded(item.form, DOCUMENT_FORM_TEXT) } : {}),
    }),
  );
  if (input.respondBy !== undefined) {
    checkCivilDate('respondBy', input.respondBy);
    if (input.respondBy < toCivilDate(input.issuedAt)) {
      throw new FormError(`respondBy ${input.respondBy} is before the request was issued`);
    }
  }
  return {
    ...base('supplementation-request', set, input, input.receivingUnit, input.issuedAt),
    fields: {
      ...optional('dossierCode', optionalText('dossierCode', input.dossierCode)),
      phase: coded(input.phase, PHASE_TEXT),
      ...applicantFields(input.applicant),
      ...procedureFields(input.procedure),
      itemCount: lines.length,
      ...(input.respondBy !== undefined ? { respondBy: printDate(input.respondBy) } : {}),
      officerName: checkText('officer.name', input.officer.name),
    },
    lines,
  };
}

/** Form 03: refusal, at intake (Art 17(1)(b)) or after appraisal (Art 19(8)); a reason is required. */
export function buildRefusal(input: RefusalInput): RefusalForm {
  const set = resolveSet(input.formSet, checkInstant('issuedAt', input.issuedAt));
  return {
    ...base('refusal', set, input, input.receivingUnit, input.issuedAt),
    fields: {
      ...optional('dossierCode', optionalText('dossierCode', input.dossierCode)),
      stage: coded(input.stage, STAGE_TEXT),
      ...applicantFields(input.applicant),
      ...procedureFields(input.procedure),
      reason: checkText('reason', input.reason, 'a refusal must state its specific reason'),
      officerName: checkText('officer.name', input.officer.name),
    },
  };
}

/**
 * Form 04: apology and new appointment (ND 61 Art 19(9)); the new date must be after the original.
 * The "only once" rule is enforced by the deadline ledger, not here.
 */
export function buildApology(input: ApologyInput): ApologyForm {
  const set = resolveSet(input.formSet, checkInstant('receivedAt', input.receivedAt));
  checkCivilDate('originalAppointmentDate', input.originalAppointmentDate);
  checkCivilDate('newAppointmentDate', input.newAppointmentDate);
  if (input.newAppointmentDate <= input.originalAppointmentDate) {
    throw new FormError(
      `newAppointmentDate ${input.newAppointmentDate} must be after the original appointment ${input.originalAppointmentDate}`,
    );
  }
  checkInstant('issuedAt', input.issuedAt);
  return {
    ...base('apology', set, input, input.agency, input.issuedAt),
    fields: {
      dossierCode: checkText('dossierCode', input.dossierCode),
      receivingUnit: checkUnit('receivingUnit', input.receivingUnit),
      ...applicantFields(input.applicant),
      ...procedureFields(input.procedure),
      receivedAt: printDateTime(input.receivedAt),
      originalAppointmentDate: printDate(input.originalAppointmentDate),
      reason: checkText('reason', input.reason, 'an apology must state the reason for the delay'),
      newAppointmentDate: printDate(input.newAppointmentDate),
      ...signerFields(input.signer),
    },
  };
}

/**
 * TT 03/2025 Mẫu 05: notice that processing stopped. Under TT01-2018 (no such form) this throws
 * FormNotInSetError; see the module comment.
 */
export function buildStopNotice(input: StopNoticeInput): StopNoticeForm {
  const set = resolveSet(input.formSet, checkInstant('issuedAt', input.issuedAt));
  return {
    ...base('stop-notice', set, input, input.agency, input.issuedAt),
    fields: {
      dossierCode: checkText('dossierCode', input.dossierCode),
      ...applicantFields(input.applicant),
      ...procedureFields(input.procedure),
      reason: checkText('reason', input.reason, 'a stop notice must state its reason'),
      ...signerFields(input.signer),
    },
  };
}

/**
 * The result of a hand-over, as on the control sheet: 'quá hạn' at or after dueAt (the same
 * comparison as deadline.ts evaluate766), 'trước hạn' on an earlier civil day than the due day,
 * otherwise 'đúng hạn'. A dueAt of exactly 24:00 (00:00 of the next day) belongs to the day it ends.
 */
export function stepResult(at: Instant, dueAt: Instant): StepResult {
  if (at >= dueAt) return 'quá hạn';
  return toCivilDate(at) < toCivilDate(dueAt - 1) ? 'trước hạn' : 'đúng hạn';
}

/** Control sheet (TT01 Mẫu 05 / TT03 Mẫu 06): hand-over log; results computed when not given. */
export function buildControlSheet(input: ControlSheetInput): ControlSheetForm {
  const set = resolveSet(input.formSet, checkInstant('receivedAt', input.receivedAt));
  checkCivilDate('appointmentDate', input.appointmentDate);
  const issuingUnit = input.receivingUnit ?? input.steps[0]?.from.unit;
  if (!issuingUnit) {
    throw new FormError('a control sheet needs receivingUnit or at least one step to name its issuing unit');
  }
  const lines = input.steps.map((step, index): ControlSheetLine => {
    const path = `steps[${index}]`;
    checkInstant(`${path}.at`, step.at);
    if (step.dueAt !== undefined) checkInstant(`${path}.dueAt`, step.dueAt);
    const computed = step.result === undefined && step.dueAt !== undefined;
    const result = step.result ?? (step.dueAt !== undefined ? stepResult(step.at, step.dueAt) : undefined);
    return {
      no: index + 1,
      fromUnit: checkUnit(`${path}.from.unit`, step.from.unit),
      ...optional('fromPerson', optionalText(`${path}.from.person`, step.from.person)),
      toUnit: checkUnit(`${path}.to.unit`, step.to.unit),
      ...optional('toPerson', optionalText(`${path}.to.person`, step.to.person)),
      handedOverAt: printDateTime(step.at),
      ...(step.dueAt !== undefined ? { dueAt: printDateTime(step.dueAt) } : {}),
      ...optional('result', result),
      ...(result !== undefined ? { resultComputed: computed } : {}),
      ...optional('note', optionalText(`${path}.note`, step.note)),
    };
  });
  return {
    ...base('control-sheet', set, input, issuingUnit, input.issuedAt ?? input.receivedAt),
    fields: {
      dossierCode: checkText('dossierCode', input.dossierCode),
      ...procedureFields(input.procedure),
      receivedAt: printDateTime(input.receivedAt),
      appointmentDate: printDate(input.appointmentDate),
    },
    lines,
  };
}
