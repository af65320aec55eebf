/** A dossier's state as the lifecycle machine keeps it, and the facts derived from it. */
import type { Actor } from '../actor.js';
import type { DossierApplication, DossierDocument } from '../application.js';
import type { Procedure } from '../catalogue.js';
import type { DeadlineLedger } from '../deadline.js';
import {
  type DomainEvent,
  type HistoryEntry as MachineHistoryEntry,
  type Transition as MachineTransition,
  recordTransition,
} from '../state-machine-kit.js';
import { type CivilDate, type Instant, toCivilDate } from '../time.js';
import type { SupplementItem } from './dossier-actions.js';
import type { DossierStatus } from './dossier-status.js';

/** The steps of processing, in order. */
export const steps = ['intake', 'assign', 'appraise', 'approve', 'return', 'done'] as const;
export type DossierStep = (typeof steps)[number];

export interface StoredComponent {
  kind: string;
  name: string;
  form: 'paper' | 'electronic';
  digitized: boolean;
  reused: boolean;
  fromDataStore: boolean;
  ref?: string;
  sha256?: string;
  signedBy?: string;
}

export type HistoryEntry = MachineHistoryEntry<DossierStatus>;

export interface SupplementRequest {
  phase: 'intake' | 'processing';
  requestedAt: Instant;
  items: SupplementItem[];
  reason: string;
  by?: string;
  providedAt?: Instant;
}

export interface InterAgencyTask {
  agency: string;
  task: string;
  workingDays: number;
  startedAt: Instant;
  dueDate: CivilDate;
  completedAt?: Instant;
  opinion?: string;
  late?: boolean;
}

export interface ResultDocument {
  kind: 'approval' | 'refusal';
  ref: string;
  sha256: string;
  signedBy: string;
  signedAt: string;
  link: string;
  paperResult: boolean;
  reason?: string;
  /** The Ed25519 signature (base64) and the signing key's fingerprint, for the citizen's check. */
  signature?: string;
  publicKeyFingerprint?: string;
}

export interface Payment {
  amountVnd: number;
  channel: 'dvcqg' | 'local-portal' | 'cash' | 'transfer' | 'postal';
  receiptRef?: string;
  /** The payment gateway's transaction reference (online payments). */
  transactionRef?: string;
  at: Instant;
}

export interface DossierState {
  code: string;
  status: DossierStatus;
  application: Omit<DossierApplication, 'documents'>;
  procedure: Pick<
    Procedure,
    | 'code'
    | 'name'
    | 'duration'
    | 'steps'
    | 'paperResult'
    | 'serviceLevel'
    | 'eligibleForToanTrinh'
    | 'fees'
    | 'ruleVersion'
  >;
  submittedAt: Instant;
  acceptedAt?: Instant;
  components: StoredComponent[];
  deadline?: DeadlineLedger;
  supplements: SupplementRequest[];
  step: DossierStep;
  holder: { unit: string; official?: { id: string; name: string } };
  appraisal?: { recommendation: 'approve' | 'refuse'; note: string; at: Instant; by: string };
  interAgency: InterAgencyTask[];
  apology?: {
    at: Instant;
    reason: string;
    previousDueDate: CivilDate;
    newDueDate: CivilDate;
    by: string;
    late: boolean;
  };
  /**
   * Received before the apology deadline of ND 61 Art 19(9) was enforced: a late apology was still
   * accepted (and flagged `late`). Absent for every dossier received since.
   */
  legacyLateApology?: true;
  /**
   * Submitted online by a signed-in citizen: the dossier waits in the receiving unit's online inbox
   * for the counter's decision (accept, one electronic supplementation request, or refusal).
   */
  onlineIntake?: true;
  apologyRequiredSince?: Instant;
  overdueSince?: Instant;
  overdueWithoutApology: boolean;
  result?: ResultDocument;
  decidedAt?: Instant;
  returnedAt?: Instant;
  returnChannel?: 'counter' | 'postal' | 'online';
  returnedEarly?: boolean;
  payments: Payment[];
  evaluation?: { scores: Record<string, number>; liked?: boolean; at: Instant };
  /** When the national portal (DVCQG) first acknowledged the dossier's sync; until then it is not synced. */
  portalSyncedAt?: Instant;
  /** The newest event whose state the portal acknowledged. */
  portalSync?: { seq: number; at: Instant };
  endedAt?: Instant;
  endReason?: string;
  history: HistoryEntry[];
}

export type Transition = MachineTransition<DossierState>;

/** The transition to `state`, recorded in its history. */
export function record(
  state: DossierState,
  at: Instant,
  action: string,
  actor: Actor | undefined,
  events: DomainEvent[],
  note?: string,
): Transition {
  return recordTransition(state, at, action, actor, events, note);
}

/** The status every dossier begins in, before its intake is decided. */
export const INITIAL_STATUS = 'CHO_TIEP_NHAN' satisfies DossierStatus;

export function newDossier(
  code: string,
  application: DossierApplication,
  procedure: Procedure,
  submittedAt: Instant,
): DossierState {
  const { documents: _documents, ...rest } = application;
  return {
    code,
    status: INITIAL_STATUS,
    application: rest,
    procedure: {
      code: procedure.code,
      name: procedure.name,
      duration: procedure.duration,
      steps: procedure.steps,
      paperResult: procedure.paperResult,
      serviceLevel: procedure.serviceLevel,
      eligibleForToanTrinh: procedure.eligibleForToanTrinh,
      fees: procedure.fees,
      ruleVersion: procedure.ruleVersion,
    },
    submittedAt,
    components: [],
    supplements: [],
    step: 'intake',
    holder: { unit: application.receivingUnit },
    interAgency: [],
    overdueWithoutApology: false,
    payments: [],
    history: [],
  };
}

export function componentsFrom(
  documents: readonly DossierDocument[],
  procedure: Procedure,
): StoredComponent[] {
  return documents.map((document) => ({
    kind: document.kind,
    name:
      document.name ??
      procedure.requiredDocuments.find((r) => r.kind === document.kind)?.name ??
      document.kind,
    form: document.form,
    digitized: Boolean(document.digitized || document.fileRef),
    reused: Boolean(document.reusedFrom),
    fromDataStore: Boolean(document.fromDataStore),
    ref: document.fileRef ?? document.reusedFrom,
  }));
}

/** ND 61 Art 19(9): an apology is in time when made at the latest the day before the due date. */
export function apologyInTime(at: Instant, dueDate: CivilDate): boolean {
  return toCivilDate(at) < dueDate;
}

export function pendingInterAgency(state: DossierState): InterAgencyTask[] {
  return state.interAgency.filter((t) => !t.completedAt);
}

export function countProcessingRequests(state: DossierState): number {
  return state.supplements.filter((s) => s.phase === 'processing').length;
}

export function paidOnline(payment: Payment): boolean {
  return payment.channel === 'dvcqg' || payment.channel === 'local-portal';
}

export function isFinishedProcessing(state: DossierState): boolean {
  return state.step === 'return' || state.step === 'done';
}
