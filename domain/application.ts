import { z } from 'zod';
import { procedureCodeSchema, SUBMISSION_METHODS } from './catalogue.js';
import { unitCodeSchema } from './organisation.js';
import { civilDateSchema, instantSchema, kebabIdSchema, textSchema } from './validation.js';

/**
 * A dossier application (hồ sơ) as submitted at the counter, online or by post (ND 61 Art 16).
 */

/** Số định danh cá nhân, printed on the Căn cước công dân / Căn cước card: exactly 12 digits. */
export const PERSONAL_ID = /^\d{12}$/;
/** Mã số thuế: 10 digits, or 13 digits for a branch/dependent unit, written 0123456789-001 or plain. */
export const TAX_CODE = /^\d{10}(-?\d{3})?$/;
/** Vietnamese phone number: 0 or +84 followed by 9–10 digits. */
export const PHONE = /^(0|\+84)\d{9,10}$/;

/** How an applicant may ask to be told of the dossier's progress. */
export const NOTIFICATION_PREFERENCES = ['sms', 'email', 'none'] as const;

const phoneSchema = z
  .string()
  .regex(PHONE, 'must be a Vietnamese phone number: 0 or +84 followed by 9–10 digits');
const emailSchema = z.email('must be an email address');

export const citizenApplicantSchema = z.strictObject({
  type: z.literal('citizen'),
  fullName: textSchema,
  idNumber: z.string().regex(PERSONAL_ID, 'must be 12 digits (Căn cước công dân)'),
  dateOfBirth: civilDateSchema.optional(),
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  address: textSchema.optional(),
});

export const organisationApplicantSchema = z.strictObject({
  type: z.literal('organisation'),
  name: textSchema,
  taxCode: z.string().regex(TAX_CODE, 'must be 10 digits, or 13 digits written 0123456789-001 (mã số thuế)'),
  representative: textSchema.optional(),
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  address: textSchema.optional(),
});

export const applicantSchema = z.discriminatedUnion('type', [
  citizenApplicantSchema,
  organisationApplicantSchema,
]);

/**
 * One dossier component (thành phần hồ sơ). Several documents may share a kind (e.g. the ID
 * papers of each household member, or several originals to certify), so kinds need not be unique.
 */
export const dossierDocumentSchema = z.strictObject({
  /** Kind id from the procedure's requiredDocuments (or its alternatives). */
  kind: kebabIdSchema,
  name: textSchema.optional(),
  form: z.enum(['paper', 'electronic'], 'must be "paper" or "electronic"'),
  /** Scanned and certified at intake (766: TaiLieuNop.DuocSoHoa; DOMAIN.md §4). */
  digitized: z.boolean().optional(),
  /** Id of an earlier digitised component or data-store item this one reuses. */
  reusedFrom: textSchema.optional(),
  /** Taken from the applicant's DVCQG data store (766: DuocLayTuKhoDMQG). */
  fromDataStore: z.boolean().optional(),
  fileRef: textSchema.optional(),
  pages: z.number().int('must be a whole number of pages').min(1, 'must be at least 1').optional(),
});

const applicationShape = z.strictObject({
  /** Client idempotency key: resubmitting the same requestId must not create a second dossier. */
  requestId: z.string().regex(/^[\x21-\x7E]{8,128}$/, 'must be 8–128 visible ASCII characters (no spaces)'),
  procedureCode: procedureCodeSchema,
  applicant: applicantSchema,
  /** Submission channel (766 KenhThucHien: 1 counter, 2 online, 3 postal). */
  channel: z.enum(SUBMISSION_METHODS, 'must be "counter", "online" or "postal"'),
  /** Unit code of the one-stop shop that receives the dossier. */
  receivingUnit: unitCodeSchema,
  /** Unit code of the agency competent to decide. */
  competentAgency: unitCodeSchema,
  submittedAt: instantSchema.optional(),
  /**
   * How the applicant wants to hear of the dossier (ND 224/2026 Art 15): by SMS to the applicant's
   * phone, by e-mail, or not at all (the default).
   */
  notificationChannel: z.enum(NOTIFICATION_PREFERENCES, 'must be "sms", "email" or "none"').optional(),
  /** Submitted from an account authenticated with VNeID (766: TaiKhoanDuocXacThucVoiVNeID). */
  vneidAuthenticated: z.boolean().optional(),
  documents: z.array(dossierDocumentSchema),
  notes: z.string().optional(),
});

/**
 * Cross-field rules. They run even when other fields fail, so that every problem is reported at
 * once; hence the defensive reading of a value that may be only partly valid.
 */
export const dossierApplicationSchema = applicationShape
  .superRefine(checkDocumentForms, { when: () => true })
  .superRefine(checkNotificationContact, { when: () => true });

/** The applicant's preferred channel needs the contact it sends to. */
function checkNotificationContact(application: unknown, ctx: z.RefinementCtx): void {
  const { notificationChannel, applicant } = (application ?? {}) as {
    notificationChannel?: unknown;
    applicant?: { phone?: unknown; email?: unknown };
  };
  const path = ['notificationChannel'];
  if (notificationChannel === 'sms' && !applicant?.phone) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'SMS needs the applicant’s phone number (applicant.phone)',
    });
  }
  if (notificationChannel === 'email' && !applicant?.email) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'e-mail needs the applicant’s e-mail address (applicant.email)',
    });
  }
}

function checkDocumentForms(application: unknown, ctx: z.RefinementCtx): void {
  const { channel, documents } = (application ?? {}) as { channel?: unknown; documents?: unknown };
  if (!Array.isArray(documents)) return;
  documents.forEach((document: unknown, i) => {
    const { form, fromDataStore } = (document ?? {}) as { form?: unknown; fromDataStore?: unknown };
    if (form !== 'paper') return;
    const path = ['documents', i, 'form'];
    if (channel === 'online') {
      ctx.addIssue({ code: 'custom', path, message: 'online dossiers take electronic documents only' });
    } else if (fromDataStore === true) {
      ctx.addIssue({ code: 'custom', path, message: 'a document taken from the data store is electronic' });
    }
  });
}

export type CitizenApplicant = z.output<typeof citizenApplicantSchema>;
export type OrganisationApplicant = z.output<typeof organisationApplicantSchema>;
export type Applicant = z.output<typeof applicantSchema>;
export type DossierDocument = z.output<typeof dossierDocumentSchema>;
export type DossierApplication = z.output<typeof dossierApplicationSchema>;
export type DossierApplicationInput = z.input<typeof dossierApplicationSchema>;
