/** What each form builder needs from its caller. */
import type { CivilDate, Instant } from '../time.js';
import type {
  ApplicantRef,
  DocumentForm,
  OfficerRef,
  ProcedureRef,
  RefusalStage,
  SignerRef,
  StepResult,
  SupplementationPhase,
  UnitRef,
} from './form-data.js';
import type { FormSetId } from './form-sets.js';

export interface CommonInput {
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
