/**
 * A citizen's online application in progress (bản nháp hồ sơ trực tuyến), and the e-form generated
 * from the procedure: what the citizen fills in, what is checked, and the application it becomes
 * on submission, validated with the same schema as every other application
 * (`dossierApplicationSchema`), its errors named beside the fields in Vietnamese. Pure.
 */
import { z } from 'zod';
import {
  citizenApplicantSchema,
  type DossierApplicationInput,
  dossierApplicationSchema,
} from './application.js';
import type { Procedure } from './catalogue.js';
import { checkCompleteness } from './completeness.js';
import { amountDue } from './online-payment.js';
import { uploadMediaTypes } from './uploads.js';
import { kebabIdSchema } from './validation.js';

/** A draft's id; also its data subject (its own data key) and its documents' owner in the store. */
export const DRAFT_ID = /^draft-[0-9a-f]{24}$/;
export const draftIdSchema = z.string().regex(DRAFT_ID, 'is not a draft id');

/** The fields of the applicant the citizen fills in; the ID number comes from the signed-in account. */
export const applicantFields = ['fullName', 'dateOfBirth', 'phone', 'email', 'address'] as const;
export type ApplicantField = (typeof applicantFields)[number];

export const fieldLabels: Readonly<Record<ApplicantField | 'notificationChannel', string>> = {
  fullName: 'Họ, chữ đệm và tên',
  dateOfBirth: 'Ngày sinh',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  address: 'Địa chỉ liên hệ',
  notificationChannel: 'Nhận thông báo tiến độ qua',
};

const draftDocumentSchema = z.strictObject({
  kind: kebabIdSchema,
  /** The document store's reference (sha256:<hex>). */
  ref: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  name: z.string().min(1).max(200),
  mediaType: z.enum(uploadMediaTypes),
  size: z.number().int().min(1),
  /** Taken from the citizen's digitized components (ND 45/2020) instead of uploaded. */
  reused: z.boolean().optional(),
});
export type DraftDocument = z.output<typeof draftDocumentSchema>;

/** What the citizen may change in a draft (PUT): every field optional while the draft is being written. */
export const draftFieldsSchema = z.strictObject({
  receivingUnit: z.string().max(40).optional(),
  competentAgency: z.string().max(40).optional(),
  applicant: z
    .strictObject({
      fullName: z.string().max(200).optional(),
      dateOfBirth: z.string().max(10).optional(),
      phone: z.string().max(20).optional(),
      email: z.string().max(200).optional(),
      address: z.string().max(500).optional(),
    })
    .default({}),
  notificationChannel: z.enum(['sms', 'email', 'none']).optional(),
  notes: z.string().max(2000).optional(),
});
export type DraftFields = z.output<typeof draftFieldsSchema>;

export const draftSchema = draftFieldsSchema.extend({
  id: draftIdSchema,
  procedureCode: z.string().max(40),
  documents: z.array(draftDocumentSchema).max(50),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  /** Set once submitted: the dossier it became. */
  submittedAs: z.string().optional(),
});
export type Draft = z.output<typeof draftSchema>;

export interface EFormField {
  name: string;
  label: string;
  type: 'text' | 'date' | 'tel' | 'email' | 'select';
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  autocomplete?: string;
}

export interface EFormDocument {
  kind: string;
  name: string;
  required: boolean;
  condition?: string;
  alternatives?: string[];
  note?: string;
}

export interface EForm {
  procedure: { code: string; name: string; resultName: string; duration: Procedure['duration'] };
  fields: EFormField[];
  documents: EFormDocument[];
  feeOnlineVnd: number;
  accepts: readonly string[];
}

/**
 * The e-form of a procedure: the applicant fields of `citizenApplicantSchema` (which ones are
 * required comes from the schema itself) and the procedure's components.
 */
export function eFormOf(procedure: Procedure): EForm {
  const shape = citizenApplicantSchema.shape;
  const types: Record<ApplicantField, EFormField['type']> = {
    fullName: 'text',
    dateOfBirth: 'date',
    phone: 'tel',
    email: 'email',
    address: 'text',
  };
  const autocomplete: Record<ApplicantField, string> = {
    fullName: 'name',
    dateOfBirth: 'bday',
    phone: 'tel',
    email: 'email',
    address: 'street-address',
  };
  const fields: EFormField[] = applicantFields.map((name) => ({
    name: `applicant.${name}`,
    label: fieldLabels[name],
    type: types[name],
    required: !shape[name].safeParse(undefined).success,
    autocomplete: autocomplete[name],
  }));
  fields.push({
    name: 'notificationChannel',
    label: fieldLabels.notificationChannel,
    type: 'select',
    required: false,
    options: [
      { value: 'none', label: 'Chỉ trên tài khoản' },
      { value: 'sms', label: 'Tin nhắn SMS' },
      { value: 'email', label: 'Thư điện tử' },
    ],
  });
  return {
    procedure: {
      code: procedure.code,
      name: procedure.name,
      resultName: procedure.resultName,
      duration: procedure.duration,
    },
    fields,
    documents: procedure.requiredDocuments.map((d) => ({
      kind: d.kind,
      name: d.name,
      required: d.required,
      condition: d.condition,
      alternatives: d.alternatives,
      note: d.note,
    })),
    feeOnlineVnd: amountDue(procedure, 'online'),
    accepts: uploadMediaTypes,
  };
}

/** An error beside a field: the field's name in the e-form and the message in Vietnamese. */
export interface FieldError {
  field: string;
  message: string;
}

const messages: Record<string, string> = {
  'applicant.fullName': 'Vui lòng nhập họ, chữ đệm và tên',
  'applicant.dateOfBirth': 'Ngày sinh phải có dạng ngày/tháng/năm hợp lệ',
  'applicant.phone': 'Số điện thoại phải bắt đầu bằng 0 hoặc +84, theo sau là 9–10 chữ số',
  'applicant.email': 'Địa chỉ thư điện tử không hợp lệ',
  'applicant.address': 'Vui lòng nhập địa chỉ liên hệ',
  'applicant.idNumber': 'Số định danh cá nhân của tài khoản không hợp lệ (12 chữ số)',
  receivingUnit: 'Vui lòng chọn nơi nộp hồ sơ',
  competentAgency: 'Vui lòng chọn cơ quan giải quyết',
};

/**
 * The application a draft becomes, for the citizen signed in with this ID number, and the errors
 * beside the fields when it is not ready: every one at once, in Vietnamese.
 */
export function applicationOfDraft(
  draft: Draft,
  citizen: { idNumber: string },
  procedure: Procedure,
  requestId: string,
): { application?: DossierApplicationInput; errors: FieldError[] } {
  const applicant = Object.fromEntries(
    Object.entries({ type: 'citizen', idNumber: citizen.idNumber, ...draft.applicant }).filter(
      ([, value]) => value !== undefined && value !== '',
    ),
  );
  const candidate = {
    requestId,
    procedureCode: procedure.code,
    applicant,
    channel: 'online',
    receivingUnit: draft.receivingUnit ?? '',
    competentAgency: draft.competentAgency ?? '',
    notificationChannel: draft.notificationChannel,
    vneidAuthenticated: true,
    documents: draft.documents.map((d) => ({
      kind: d.kind,
      name: d.name,
      form: 'electronic' as const,
      fileRef: d.ref,
      digitized: true,
      ...(d.reused ? { reusedFrom: d.ref } : {}),
    })),
    ...(draft.notes ? { notes: draft.notes } : {}),
  };
  const errors: FieldError[] = [];
  const parsed = dossierApplicationSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.');
      const known = messages[field];
      const message =
        known ??
        (field === 'notificationChannel'
          ? draft.notificationChannel === 'sms'
            ? 'Nhận thông báo qua SMS cần số điện thoại'
            : 'Nhận thông báo qua thư điện tử cần địa chỉ thư điện tử'
          : `Dữ liệu không hợp lệ: ${issue.message}`);
      if (!errors.some((e) => e.field === field)) errors.push({ field, message });
    }
  }
  if (!procedure.submissionMethods?.includes('online')) {
    errors.push({ field: 'procedureCode', message: 'Thủ tục này không nhận hồ sơ trực tuyến' });
  }
  const completeness = checkCompleteness(
    { procedureCode: procedure.code, documents: candidate.documents },
    procedure,
  );
  for (const missing of completeness.missing) {
    errors.push({
      field: `documents.${missing.kind}`,
      message: `Chưa có thành phần hồ sơ bắt buộc: ${missing.name}`,
    });
  }
  return errors.length > 0 ? { errors } : { application: candidate as DossierApplicationInput, errors };
}

/** When an untouched draft is removed with its files: `retentionDays` after its last change. */
export function draftExpiresAt(updatedAt: number, retentionDays: number): number {
  return updatedAt + retentionDays * 86_400_000;
}
