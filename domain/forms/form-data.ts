/** The data printed on each statutory form: what a renderer lays out with the labels. */
import type { CivilDate } from '../time.js';
import type { FormKind, FormSetId, PaperSize } from './form-sets.js';

export interface UnitRef {
  code: string;
  name: string;
}

export interface ApplicantRef {
  displayName: string;
  address?: string;
}

export interface ProcedureRef {
  code: string;
  name: string;
}

export interface OfficerRef {
  name: string;
}

export interface SignerRef {
  name: string;
  /** As printed above the signature, e.g. 'KT. Giám đốc'. */
  title: string;
}

/** A civil date: `iso` 'YYYY-MM-DD', `date` 'dd/MM/yyyy'. */
export interface PrintedDate {
  iso: CivilDate;
  date: string;
}

/** An instant in Vietnam time: `iso` '…T…+07:00', `date` 'dd/MM/yyyy', `time` 'HH:mm'. */
export interface PrintedDateTime {
  iso: string;
  date: string;
  time: string;
}

/** A machine value with the Vietnamese text to print. */
export interface Coded<C extends string> {
  code: C;
  text: string;
}

export type DocumentForm = 'paper' | 'electronic';
export type SupplementationPhase = 'intake' | 'processing';
export type RefusalStage = 'intake' | 'after-appraisal';
export type StepResult = 'trước hạn' | 'đúng hạn' | 'quá hạn';

export const DOCUMENT_FORM_TEXT: Record<DocumentForm, string> = {
  paper: 'Bản giấy',
  electronic: 'Bản điện tử',
};
export const PHASE_TEXT: Record<SupplementationPhase, string> = {
  intake: 'Khi tiếp nhận hồ sơ',
  processing: 'Trong quá trình giải quyết hồ sơ',
};
export const STAGE_TEXT: Record<RefusalStage, string> = {
  intake: 'Từ chối khi tiếp nhận hồ sơ',
  'after-appraisal': 'Từ chối sau khi thẩm định hồ sơ',
};

// ---------------------------------------------------------------------------------------------
// Form data
// ---------------------------------------------------------------------------------------------

export interface FormBase<K extends FormKind> {
  kind: K;
  formSet: FormSetId;
  legalBasis: string;
  /** 'Mẫu số 01' … */
  number: string;
  title: string;
  paper: PaperSize;
  /** The document's own number ('Số: …/HDHS'), when the unit numbers it. */
  documentNumber?: string;
  /** ISO 8601 in Vietnam time, e.g. '2026-04-23T10:05:00+07:00'. */
  issuedAt: string;
  /** dd/MM/yyyy. */
  issuedDate: string;
  issuingUnit: UnitRef;
}

export interface ReceiptDocumentLine {
  no: number;
  name: string;
  form: Coded<DocumentForm>;
  copies?: number;
  digitized?: boolean;
  reused?: boolean;
}

export interface ReceiptForm extends FormBase<'receipt'> {
  fields: {
    dossierCode: string;
    applicantName: string;
    applicantAddress?: string;
    procedureCode: string;
    procedureName: string;
    documentCount: number;
    statutoryDuration: string;
    receivedAt: PrintedDateTime;
    appointmentDate: PrintedDate;
    /** 'HH:mm', when the appointment has a time. */
    appointmentTime?: string;
    returnPlace: string;
    officerName: string;
  };
  lines: ReceiptDocumentLine[];
}

export interface SupplementationItemLine {
  no: number;
  name: string;
  reason: string;
  form?: Coded<DocumentForm>;
}

export interface SupplementationRequestForm extends FormBase<'supplementation-request'> {
  fields: {
    dossierCode?: string;
    phase: Coded<SupplementationPhase>;
    applicantName: string;
    applicantAddress?: string;
    procedureCode: string;
    procedureName: string;
    itemCount: number;
    respondBy?: PrintedDate;
    officerName: string;
  };
  lines: SupplementationItemLine[];
}

export interface RefusalForm extends FormBase<'refusal'> {
  fields: {
    dossierCode?: string;
    stage: Coded<RefusalStage>;
    applicantName: string;
    applicantAddress?: string;
    procedureCode: string;
    procedureName: string;
    reason: string;
    officerName: string;
  };
}

export interface ApologyForm extends FormBase<'apology'> {
  fields: {
    dossierCode: string;
    receivingUnit: UnitRef;
    applicantName: string;
    applicantAddress?: string;
    procedureCode: string;
    procedureName: string;
    receivedAt: PrintedDateTime;
    originalAppointmentDate: PrintedDate;
    reason: string;
    newAppointmentDate: PrintedDate;
    signerTitle: string;
    signerName: string;
  };
}

export interface StopNoticeForm extends FormBase<'stop-notice'> {
  fields: {
    dossierCode: string;
    applicantName: string;
    applicantAddress?: string;
    procedureCode: string;
    procedureName: string;
    reason: string;
    signerTitle: string;
    signerName: string;
  };
}

export interface ControlSheetLine {
  no: number;
  fromUnit: UnitRef;
  fromPerson?: string;
  toUnit: UnitRef;
  toPerson?: string;
  handedOverAt: PrintedDateTime;
  dueAt?: PrintedDateTime;
  result?: StepResult;
  /** True when `result` was computed from handedOverAt vs dueAt rather than given. */
  resultComputed?: boolean;
  note?: string;
}

export interface ControlSheetForm extends FormBase<'control-sheet'> {
  fields: {
    dossierCode: string;
    procedureCode: string;
    procedureName: string;
    receivedAt: PrintedDateTime;
    appointmentDate: PrintedDate;
  };
  lines: ControlSheetLine[];
}

export type FormData =
  | ReceiptForm
  | SupplementationRequestForm
  | RefusalForm
  | ApologyForm
  | StopNoticeForm
  | ControlSheetForm;

/** Form kinds with a builder (the register is a listing, built elsewhere). */
export type BuiltFormKind = FormData['kind'];
export type FormDataOf<K extends BuiltFormKind> = Extract<FormData, { kind: K }>;

type LineKeys<F> = F extends { lines: ReadonlyArray<infer L> } ? keyof L : never;
/** Every key a renderer may print for a form kind: its fields and its line columns. */
export type LabelKey<K extends BuiltFormKind> = keyof FormDataOf<K>['fields'] | LineKeys<FormDataOf<K>>;
