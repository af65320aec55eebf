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
import {
  atCivilTime,
  type CivilDate,
  formatInstant,
  formatVietnameseDate,
  type Instant,
  minutesOfDay,
  parseCivilDate,
  parseClock,
  toCivilDate,
} from './time.js';

// ---------------------------------------------------------------------------------------------
// Form sets
// ---------------------------------------------------------------------------------------------

export const FORM_KINDS = [
  'receipt',
  'supplementation-request',
  'refusal',
  'apology',
  'stop-notice',
  'control-sheet',
  'register',
] as const;
export type FormKind = (typeof FORM_KINDS)[number];

export type FormSetId = 'TT01-2018' | 'TT03-2025';
export type PaperSize = 'A5' | 'A4';

export interface FormSpec {
  /** As printed in the top corner, e.g. 'Mẫu số 01'. */
  readonly number: string;
  /** Official Vietnamese title. */
  readonly title: string;
  readonly paper: PaperSize;
}

/** Something in a form set not verified in a primary text (DOMAIN.md marker UNCONFIRMED). */
export interface UnconfirmedItem {
  /** What is unconfirmed, e.g. 'effectiveFrom' or 'forms.receipt.fields'. */
  readonly path: string;
  readonly note: string;
}

export interface FormSet {
  readonly id: FormSetId;
  readonly effectiveFrom: CivilDate;
  readonly legalBasis: string;
  readonly forms: Readonly<Partial<Record<FormKind, FormSpec>>>;
  readonly unconfirmed: readonly UnconfirmedItem[];
}

/** Form sets in ascending order of effectiveFrom (DOMAIN.md §0, §1.2). */
export const formSets: readonly FormSet[] = [
  {
    id: 'TT01-2018',
    effectiveFrom: '2019-01-06',
    legalBasis: 'Thông tư 01/2018/TT-VPCP',
    forms: {
      receipt: { number: 'Mẫu số 01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', paper: 'A5' },
      'supplementation-request': {
        number: 'Mẫu số 02',
        title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
        paper: 'A5',
      },
      refusal: { number: 'Mẫu số 03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', paper: 'A5' },
      apology: { number: 'Mẫu số 04', title: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả', paper: 'A5' },
      'control-sheet': {
        number: 'Mẫu số 05',
        title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
        paper: 'A5',
      },
      register: { number: 'Mẫu số 06', title: 'Sổ theo dõi hồ sơ', paper: 'A4' },
    },
    unconfirmed: [
      { path: 'forms.receipt.fields', note: 'Mẫu 01 field list from memory of the Phụ lục (DOMAIN.md §1.2)' },
      { path: 'forms.control-sheet.fields', note: 'Mẫu 05 field list UNCONFIRMED (DOMAIN.md §1.2)' },
      { path: 'forms.register.fields', note: 'Mẫu 06 field list UNCONFIRMED (DOMAIN.md §1.2)' },
    ],
  },
  {
    id: 'TT03-2025',
    // UNCONFIRMED: assumed to apply with ND 118/2025 from 01/7/2025 (DOMAIN.md §0).
    effectiveFrom: '2025-07-01',
    legalBasis: 'Thông tư 03/2025/TT-VPCP',
    forms: {
      receipt: { number: 'Mẫu số 01', title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', paper: 'A5' },
      'supplementation-request': {
        number: 'Mẫu số 02',
        title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
        paper: 'A5',
      },
      refusal: { number: 'Mẫu số 03', title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ', paper: 'A5' },
      apology: {
        number: 'Mẫu số 04',
        title: 'Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết',
        paper: 'A5',
      },
      'stop-notice': { number: 'Mẫu số 05', title: 'Thông báo dừng giải quyết hồ sơ', paper: 'A5' },
      'control-sheet': {
        number: 'Mẫu số 06',
        title: 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
        paper: 'A5',
      },
      register: { number: 'Mẫu số 07', title: 'Sổ theo dõi hồ sơ', paper: 'A4' },
    },
    unconfirmed: [
      {
        path: 'effectiveFrom',
        note: 'assumed 01/7/2025 together with ND 118/2025; not read in the circular (DOMAIN.md §0)',
      },
      {
        path: 'forms',
        note: 'Phụ lục I numbers and titles from a secondary source, not the primary text (DOMAIN.md §1.2)',
      },
      { path: 'forms.*.paper', note: 'paper sizes assumed unchanged from TT 01/2018 Art 9' },
      { path: 'forms.receipt.fields', note: 'Mẫu 01 fields assumed as TT 01/2018 Mẫu 01 (from memory)' },
      { path: 'forms.apology.fields', note: 'Mẫu 04 fields assumed as TT 01/2018 Mẫu 04 despite the rename' },
      { path: 'forms.stop-notice.fields', note: 'Mẫu 05 is new; its field list is assumed' },
      { path: 'forms.control-sheet.fields', note: 'Mẫu 06 fields assumed as TT 01/2018 Mẫu 05' },
      { path: 'forms.register.fields', note: 'Mẫu 07 fields assumed as TT 01/2018 Mẫu 06' },
    ],
  },
];

export class FormError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormError';
  }
}

/** The form set has no form of this kind (e.g. the stop notice under TT01-2018). */
export class FormNotInSetError extends FormError {
  readonly formSet: FormSetId;
  readonly kind: FormKind;
  constructor(formSet: FormSetId, kind: FormKind, message: string) {
    super(message);
    this.name = 'FormNotInSetError';
    this.formSet = formSet;
    this.kind = kind;
  }
}

export function formSetById(id: FormSetId): FormSet {
  const set = formSets.find((candidate) => candidate.id === id);
  if (!set) throw new FormError(`unknown form set "${id}"; known: ${formSets.map((s) => s.id).join(', ')}`);
  return set;
}

/** The form set in force on a civil date; throws before the earliest set (no fallback). */
export function formSetFor(date: CivilDate): FormSet {
  checkCivilDate('date', date);
  let found: FormSet | undefined;
  for (const set of formSets) if (set.effectiveFrom <= date) found = set;
  if (!found) {
    const first = formSets[0];
    throw new FormError(
      `no form set in force on ${date}` +
        (first ? `: the earliest, ${first.id}, applies from ${first.effectiveFrom}` : ''),
    );
  }
  return found;
}

/** The spec of a form kind in a set, or FormNotInSetError. */
export function formSpec(set: FormSet, kind: FormKind): FormSpec {
  const spec = set.forms[kind];
  if (!spec) {
    const laterSets = formSets.filter((s) => s.forms[kind]).map((s) => `${s.id} (${s.legalBasis})`);
    throw new FormNotInSetError(
      set.id,
      kind,
      `form set ${set.id} (${set.legalBasis}) has no "${kind}" form` +
        (laterSets.length ? `; it exists in ${laterSets.join(', ')}` : ''),
    );
  }
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Values printed on forms
// ---------------------------------------------------------------------------------------------

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

const DOCUMENT_FORM_TEXT: Record<DocumentForm, string> = { paper: 'Bản giấy', electronic: 'Bản điện tử' };
const PHASE_TEXT: Record<SupplementationPhase, string> = {
  intake: 'Khi tiếp nhận hồ sơ',
  processing: 'Trong quá trình giải quyết hồ sơ',
};
const STAGE_TEXT: Record<RefusalStage, string> = {
  intake: 'Từ chối khi tiếp nhận hồ sơ',
  'after-appraisal': 'Từ chối sau khi thẩm định hồ sơ',
};

// ---------------------------------------------------------------------------------------------
// Form data
// ---------------------------------------------------------------------------------------------

interface FormBase<K extends FormKind> {
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

const applicantLabels = { applicantName: 'Tiếp nhận hồ sơ của', applicantAddress: 'Địa chỉ' } as const;
const addresseeLabels = { applicantName: 'Kính gửi', applicantAddress: 'Địa chỉ' } as const;
const procedureLabels = {
  procedureCode: 'Mã thủ tục hành chính',
  procedureName: 'Nội dung yêu cầu giải quyết',
} as const;
const signerLabels = { signerTitle: 'Chức vụ người ký', signerName: 'Người ký' } as const;

/** Vietnamese labels of every field and line column, per form kind, for renderers. */
export const labels: { readonly [K in BuiltFormKind]: Readonly<Record<LabelKey<K>, string>> } = {
  receipt: {
    dossierCode: 'Mã hồ sơ',
    ...applicantLabels,
    ...procedureLabels,
    documentCount: 'Số thành phần hồ sơ',
    statutoryDuration: 'Thời gian giải quyết hồ sơ theo quy định',
    receivedAt: 'Thời gian nhận hồ sơ',
    appointmentDate: 'Ngày hẹn trả kết quả',
    appointmentTime: 'Giờ hẹn trả kết quả',
    returnPlace: 'Đăng ký nhận kết quả tại',
    officerName: 'Người tiếp nhận hồ sơ',
    no: 'STT',
    name: 'Tên giấy tờ',
    form: 'Hình thức',
    copies: 'Số lượng',
    digitized: 'Đã số hóa',
    reused: 'Tái sử dụng dữ liệu đã số hóa',
  },
  'supplementation-request': {
    dossierCode: 'Mã hồ sơ',
    phase: 'Giai đoạn',
    ...applicantLabels,
    ...procedureLabels,
    itemCount: 'Số nội dung cần bổ sung, hoàn thiện',
    respondBy: 'Hạn bổ sung, hoàn thiện hồ sơ',
    officerName: 'Người hướng dẫn',
    no: 'STT',
    name: 'Nội dung cần bổ sung, hoàn thiện',
    reason: 'Lý do',
    form: 'Hình thức nộp',
  },
  refusal: {
    dossierCode: 'Mã hồ sơ',
    stage: 'Giai đoạn',
    ...applicantLabels,
    ...procedureLabels,
    reason: 'Lý do từ chối',
    officerName: 'Người lập phiếu',
  },
  apology: {
    dossierCode: 'Mã hồ sơ',
    receivingUnit: 'Bộ phận tiếp nhận và trả kết quả',
    ...addresseeLabels,
    ...procedureLabels,
    receivedAt: 'Thời gian nhận hồ sơ',
    originalAppointmentDate: 'Ngày hẹn trả kết quả',
    reason: 'Lý do',
    newAppointmentDate: 'Ngày hẹn trả kết quả lại',
    ...signerLabels,
  },
  'stop-notice': {
    dossierCode: 'Mã hồ sơ',
    ...addresseeLabels,
    ...procedureLabels,
    reason: 'Lý do dừng giải quyết',
    ...signerLabels,
  },
  'control-sheet': {
    dossierCode: 'Mã hồ sơ',
    procedureCode: 'Mã thủ tục hành chính',
    procedureName: 'Tên thủ tục hành chính',
    receivedAt: 'Thời gian nhận hồ sơ',
    appointmentDate: 'Ngày hẹn trả kết quả',
    no: 'STT',
    fromUnit: 'Bên giao',
    fromPerson: 'Người giao',
    toUnit: 'Bên nhận',
    toPerson: 'Người nhận',
    handedOverAt: 'Thời gian giao, nhận hồ sơ',
    dueAt: 'Hạn xử lý',
    result: 'Kết quả bàn giao (trước hạn/đúng hạn/quá hạn)',
    resultComputed: 'Kết quả do hệ thống tính',
    note: 'Ghi chú',
  },
};

// ---------------------------------------------------------------------------------------------
// Builder inputs
// ---------------------------------------------------------------------------------------------

interface CommonInput {
  /** Pin the dossier's form set (the one in force when it was received). */
  formSet?: FormSetId;
  /** The document's own number, e.g. '12/HDHS'. */
  documentNumber?: string;
}

export interface ReceiptDocumentInput {
  name: string;
  form: DocumentForm;
  copies?: number;
  digitized?: boolean;
  reused?: boolean;
}

export interface ReceiptInput extends CommonInput {
  dossierCode: string;
  receivingUnit: UnitRef;
  applicant: ApplicantRef;
  procedure: ProcedureRef;
  documents: ReceiptDocumentInput[];
  /** As printed, e.g. '3 ngày làm việc'. */
  statutoryDuration: string;
  receivedAt: Instant;
  appointmentDate: CivilDate;
  /** 'HH:mm' Vietnam time. */
  appointmentTime?: string;
  returnPlace: string;
  officer: OfficerRef;
  issuedAt: Instant;
}

export interface SupplementationItemInput {
  name: string;
  reason: string;
  form?: DocumentForm;
}

export interface SupplementationRequestInput extends CommonInput {
  dossierCode?: string;
  /** 'intake': ND 61 Art 17(1)(a); 'processing': after appraisal, Art 19(4). */
  phase: SupplementationPhase;
  receivingUnit: UnitRef;
  applicant: ApplicantRef;
  procedure: ProcedureRef;
  items: SupplementationItemInput[];
  officer: OfficerRef;
  issuedAt: Instant;
  respondBy?: CivilDate;
}

export interface RefusalInput extends CommonInput {
  dossierCode?: string;
  /** 'intake': Art 17(1)(b); 'after-appraisal': Art 19(8). */
  stage: RefusalStage;
  receivingUnit: UnitRef;
  applicant: ApplicantRef;
  procedure: ProcedureRef;
  reason: string;
  officer: OfficerRef;
  issuedAt: Instant;
}

export interface ApologyInput extends CommonInput {
  dossierCode: string;
  /** The responsible agency, whose head signs. */
  agency: UnitRef;
  receivingUnit: UnitRef;
  applicant: ApplicantRef;
  procedure: ProcedureRef;
  receivedAt: Instant;
  originalAppointmentDate: CivilDate;
  reason: string;
  newAppointmentDate: CivilDate;
  signer: SignerRef;
  issuedAt: Instant;
}

export interface StopNoticeInput extends CommonInput {
  dossierCode: string;
  agency: UnitRef;
  applicant: ApplicantRef;
  procedure: ProcedureRef;
  reason: string;
  signer: SignerRef;
  issuedAt: Instant;
}

export interface ControlSheetParty {
  unit: UnitRef;
  person?: string;
}

export interface ControlSheetStepInput {
  from: ControlSheetParty;
  to: ControlSheetParty;
  /** When the dossier was handed over. */
  at: Instant;
  /** When the giving party's step was due; drives the computed result. */
  dueAt?: Instant;
  result?: StepResult;
  note?: string;
}

export interface ControlSheetInput extends CommonInput {
  dossierCode: string;
  procedure: ProcedureRef;
  receivedAt: Instant;
  appointmentDate: CivilDate;
  steps: ControlSheetStepInput[];
  /** The issuing one-stop shop; defaults to the first step's giving unit. */
  receivingUnit?: UnitRef;
  /** Defaults to receivedAt (the sheet is opened at intake). */
  issuedAt?: Instant;
}

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Formats a civil date for a form: { iso: 'YYYY-MM-DD', date: 'dd/MM/yyyy' }. */
export function printDate(date: CivilDate): PrintedDate {
  return { iso: date, date: formatVietnameseDate(date) };
}

/** Formats an instant for a form in Vietnam time: { iso, date: 'dd/MM/yyyy', time: 'HH:mm' }. */
export function printDateTime(instant: Instant): PrintedDateTime {
  const minutes = minutesOfDay(instant);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return { iso: formatInstant(instant), date: formatVietnameseDate(toCivilDate(instant)), time };
}

function resolveSet(pinned: FormSetId | undefined, anchor: Instant): FormSet {
  return pinned !== undefined ? formSetById(pinned) : formSetFor(toCivilDate(anchor));
}

function base<K extends BuiltFormKind>(
  kind: K,
  set: FormSet,
  input: CommonInput,
  issuingUnit: UnitRef,
  issuedAt: Instant,
): FormBase<K> {
  const spec = formSpec(set, kind);
  checkInstant('issuedAt', issuedAt);
  return {
    kind,
    formSet: set.id,
    legalBasis: set.legalBasis,
    number: spec.number,
    title: spec.title,
    paper: spec.paper,
    ...optional('documentNumber', optionalText('documentNumber', input.documentNumber)),
    issuedAt: formatInstant(issuedAt),
    issuedDate: formatVietnameseDate(toCivilDate(issuedAt)),
    issuingUnit: checkUnit('issuingUnit', issuingUnit),
  };
}

function applicantFields(applicant: ApplicantRef): { applicantName: string; applicantAddress?: string } {
  return {
    applicantName: checkText('applicant.displayName', applicant.displayName),
    ...optional('applicantAddress', optionalText('applicant.address', applicant.address)),
  };
}

function procedureFields(procedure: ProcedureRef): { procedureCode: string; procedureName: string } {
  return {
    procedureCode: checkText('procedure.code', procedure.code),
    procedureName: checkText('procedure.name', procedure.name),
  };
}

function signerFields(signer: SignerRef): { signerTitle: string; signerName: string } {
  return {
    signerTitle: checkText('signer.title', signer.title),
    signerName: checkText('signer.name', signer.name),
  };
}

function coded<C extends string>(code: C, texts: Record<C, string>): Coded<C> {
  const text = texts[code];
  if (text === undefined) throw new FormError(`"${code}" is not one of ${Object.keys(texts).join(', ')}`);
  return { code, text };
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps the output free of undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function checkText(path: string, value: string, why?: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new FormError(`${path} must not be empty${why ? `: ${why}` : ''}`);
  return text;
}

function optionalText(path: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkText(path, value);
}

function checkUnit(path: string, unit: UnitRef): UnitRef {
  return { code: checkText(`${path}.code`, unit.code), name: checkText(`${path}.name`, unit.name) };
}

function checkInstant(path: string, value: Instant): Instant {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FormError(`${path} must be an instant (epoch milliseconds)`);
  }
  return value;
}

function checkCivilDate(path: string, value: CivilDate): void {
  try {
    parseCivilDate(value);
  } catch (error) {
    throw new FormError(`${path}: ${(error as Error).message}`);
  }
}

function checkClock(path: string, value: string): void {
  try {
    parseClock(value);
  } catch (error) {
    throw new FormError(`${path}: ${(error as Error).message}`);
  }
}
