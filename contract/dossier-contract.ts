/**
 * What crosses the Temporal boundary for a dossier: the workflow type and id, its input and result,
 * the updates and the query. Clients, the API and the CLI use this module; only workers (and tests)
 * import the workflow code itself. Type-only imports of the domain keep it light enough for the
 * workflow sandbox.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actor.js';
import type { DossierApplication } from '../domain/application.js';
import type { CalendarAmendmentInput } from '../domain/calendar-amendment.js';
import type { ActionName, SupplementItem } from '../domain/dossier/dossier-actions.js';
import type { AmendmentOutcome } from '../domain/dossier/dossier-calendar-change.js';
import type { NotificationFailure, PortalSyncAck } from '../domain/dossier/dossier-reports.js';
import type { DossierState } from '../domain/dossier/dossier-state.js';
import type { DeadlineViews } from '../domain/dossier/dossier-views.js';
import type { DossierForms, IssuedFormKind } from '../domain/forms/dossier-forms.js';

/** The workflow type (the name of the workflow function the workers register). */
export const dossierWorkflowType = 'dossierWorkflow';

export interface DossierOptions {
  /** Working days the applicant has to bring the supplements before the dossier closes. */
  supplementLimitWorkingDays: number;
  /** Calendar days the applicant may evaluate after the result is returned. */
  evaluationWindowDays: number;
}

export const defaultDossierOptions: DossierOptions = {
  supplementLimitWorkingDays: 30,
  evaluationWindowDays: 30,
};

export interface IntakeRequest {
  officer?: Actor;
  /** Items the officer found inaccurate or missing beyond the catalogue check. */
  extraItems?: SupplementItem[];
  /** The officer refuses the dossier at intake (Mẫu 03), with the reason. */
  refuseReason?: string;
  /** Same-day procedures need no receipt unless the applicant asks (ND 61 Art 17(4)). */
  receiptRequested?: boolean;
  /**
   * Submitted online by a signed-in citizen (issue #18): the dossier waits in the receiving unit's
   * online inbox for the counter's decision instead of being decided now.
   */
  awaitCounter?: boolean;
}

/** The workflow's input; the workflow id is `code`. */
export interface DossierWorkflowInput {
  code: string;
  application: DossierApplication;
  intake: IntakeRequest;
  options?: Partial<DossierOptions>;
}

export interface IntakeOutcome {
  outcome: 'accepted' | 'supplement' | 'refused';
  code: string;
  status: string;
  statusName: string;
  dueDate?: string;
  missing?: SupplementItem[];
  forms: IssuedFormKind[];
}

export interface ActionRequest {
  name: ActionName;
  actor: Actor;
  payload: unknown;
}

export interface ActionResult {
  status: string;
  statusName: string;
  dueDate?: string;
  forms: IssuedFormKind[];
  /** For a supplement at intake that is still incomplete: what is still missing. */
  stillMissing?: SupplementItem[];
}

export interface DossierView {
  state: DossierState;
  statusName: string;
  deadlines: DeadlineViews;
  forms: DossierForms;
  interAgencyWorkflows: Array<{ agency: string; workflowId: string }>;
  eventSeq: number;
  ended: boolean;
  /** The answer the counter got at intake; readable after the dossier ended (a refusal ends it at once). */
  intake?: IntakeOutcome;
}

/** The workflow function's signature, for typed starts by type name. */
export type DossierWorkflow = (input: DossierWorkflowInput) => Promise<DossierView>;

/** Waits for the intake decision of a newly started dossier. */
export const intakeOutcomeUpdate = defineUpdate<IntakeOutcome>('intakeOutcome');
/** An official's or applicant's action, validated by the state machine before it is accepted. */
export const actUpdate = defineUpdate<ActionResult, [ActionRequest]>('act');
export const dossierQuery = defineQuery<DossierView>('dossier');

/** The national portal acknowledged the dossier's state as of an event (sent by the portal-sync service). */
export const recordPortalSyncUpdate = defineUpdate<void, [PortalSyncAck]>('recordPortalSync');
/** A message to the applicant could not be delivered (sent by the notifier): shown on the timeline. */
export const recordNotificationFailureUpdate = defineUpdate<void, [NotificationFailure]>(
  'recordNotificationFailure',
);

/**
 * A calendar amendment was published (`tthc calendar amend`): the dossier applies it to its own
 * calendar and counts its deadlines again. Idempotent: an amendment it already has changes nothing.
 */
export const applyCalendarAmendmentUpdate = defineUpdate<AmendmentOutcome, [CalendarAmendmentInput]>(
  'applyCalendarAmendment',
);
/** What the amendment would do to the dossier, without changing it (`tthc calendar amend --dry-run`). */
export const calendarAmendmentPreviewQuery = defineQuery<AmendmentOutcome, [CalendarAmendmentInput]>(
  'calendarAmendmentPreview',
);

/** The child workflow of one participating agency of a liên thông dossier. */
export function interAgencyWorkflowId(dossierCode: string, agency: string): string {
  return `${dossierCode}/lien-thong/${agency}`;
}
