/**
 * Typed client for counters, officials and supervisors: receive a dossier (idempotent by request
 * id), act on it, read its state. Validates every request with zod before it reaches Temporal.
 */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowHandle,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import {
  type ActionRequest,
  type ActionResult,
  actUpdate,
  applyCalendarAmendmentUpdate,
  calendarAmendmentPreviewQuery,
  type DossierOptions,
  type DossierView,
  type DossierWorkflow,
  type DossierWorkflowInput,
  dossierQuery,
  dossierWorkflowType,
  type IntakeOutcome,
  type IntakeRequest,
  intakeOutcomeUpdate,
  recordNotificationFailureUpdate,
  recordPortalSyncUpdate,
} from '../contract/dossier-contract.js';
import { completeInterAgencyUpdate, type InterAgencyResult } from '../contract/inter-agency-contract.js';
import { startSearchAttributes } from '../contract/search-attributes.js';
import { dossierTaskQueue } from '../contract/task-queues.js';
import type { Actor } from '../domain/actor.js';
import {
  type DossierApplication,
  type DossierApplicationInput,
  dossierApplicationSchema,
} from '../domain/application.js';
import { type CalendarAmendmentInput, parseCalendarAmendment } from '../domain/calendar-amendment.js';
import type { AmendmentOutcome } from '../domain/dossier/dossier-calendar-change.js';
import type { NotificationFailure, PortalSyncAck } from '../domain/dossier/dossier-reports.js';
import { toCivilDate } from '../domain/time.js';
import { parseOrThrow } from '../domain/validation.js';
import type { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { getProcedure } from '../rules/catalogue-loader.js';
import {
  DossierErasedError,
  DossierValidationError,
  IllegalActionError,
  translated,
  validated,
} from './client-errors.js';

export interface ReceiveRequest {
  application: DossierApplicationInput;
  intake?: IntakeRequest;
  options?: Partial<DossierOptions>;
}

export interface ReceiveResult extends IntakeOutcome {
  /** True when the request id was seen before: the earlier dossier is returned, nothing new is created. */
  existing: boolean;
}

/** Where "now" comes from: the wall clock, or a test or simulation server's clock. */
export type Clock = () => number | Promise<number>;

/** Whether a dossier's personal data was erased (encryption/data-keys.ts DataKeyStore). */
export interface ErasureCheck {
  isErased(dossierCode: string): Promise<boolean>;
}

export class DossierClient {
  constructor(
    private readonly temporal: Client,
    private readonly codes: DossierCodeAllocator,
    private readonly taskQueue: string = dossierTaskQueue,
    private readonly clock: Clock = Date.now,
    /** With it, a call on an erased dossier fails with DossierErasedError rather than its decoding error. */
    private readonly erasures?: ErasureCheck,
  ) {}

  async receive(request: ReceiveRequest): Promise<ReceiveResult> {
    const { code, existing, application } = await this.reserve(request.application);
    // A repeated request starts too: the first may not have started its workflow yet (or its
    // caller died after reserving the code). Starting is idempotent for a running or ended dossier.
    await this.ensureStarted({ code, application, intake: request.intake ?? {}, options: request.options });
    return { ...(await this.intakeOutcome(code)), existing };
  }

  /**
   * A dossier a signed-in citizen submits online (issue #18): validated like any application, its
   * code reserved (idempotent by request id), its workflow started waiting in the receiving unit's
   * online inbox. Resolves once the workflow runs; the counter's decision comes later.
   */
  async submitOnline(input: DossierApplicationInput): Promise<{ code: string; existing: boolean }> {
    if (input.channel !== 'online') {
      throw new DossierValidationError('an online submission has channel "online"', [
        'channel: must be "online"',
      ]);
    }
    const { code, existing, application } = await this.reserve(input);
    await this.ensureStarted({ code, application, intake: { awaitCounter: true } });
    return { code, existing };
  }

  /** The application validated, its procedure in force today, its code reserved (idempotent by request id). */
  private async reserve(
    input: DossierApplicationInput,
  ): Promise<{ code: string; existing: boolean; application: DossierApplication }> {
    const application = validated(() => parseOrThrow(dossierApplicationSchema, input, 'application'));
    const today = toCivilDate(await this.clock());
    try {
      getProcedure(application.procedureCode, today);
    } catch (error) {
      throw new DossierValidationError((error as Error).message, [
        `procedureCode: ${(error as Error).message}`,
      ]);
    }
    const { code, existing } = await this.codes.reserveForRequest(
      application.requestId,
      application.receivingUnit,
      today,
    );
    return { code, existing, application };
  }

  private async ensureStarted(input: DossierWorkflowInput): Promise<void> {
    try {
      await this.temporal.workflow.start<DossierWorkflow>(dossierWorkflowType, {
        workflowId: input.code,
        taskQueue: this.taskQueue,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        typedSearchAttributes: startSearchAttributes(input.application),
        args: [input],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  /**
   * The intake outcome of a dossier. A dossier refused at intake can end before the update reaches
   * it ("update aborted by closing workflow"); its outcome is then read with a query, which also
   * works on an ended workflow.
   */
  private async intakeOutcome(code: string): Promise<IntakeOutcome> {
    const handle = this.temporal.workflow.getHandle(code);
    try {
      return await handle.executeUpdate(intakeOutcomeUpdate);
    } catch (error) {
      const view = (await handle.query(dossierQuery).catch(() => undefined)) ?? (await endedView(handle));
      if (view?.intake) return view.intake;
      throw error;
    }
  }

  async act(code: string, request: ActionRequest): Promise<ActionResult> {
    return this.onDossier(code, () =>
      this.temporal.workflow.getHandle(code).executeUpdate(actUpdate, { args: [request] }),
    );
  }

  async get(code: string): Promise<DossierView> {
    return this.onDossier(code, () => this.temporal.workflow.getHandle(code).query(dossierQuery));
  }

  /**
   * A call on one dossier, its failures as the client's typed errors. A failure on an erased
   * dossier (its payloads under a destroyed key, or its workflow gone) is DossierErasedError.
   */
  private async onDossier<T>(code: string, call: () => Promise<T>): Promise<T> {
    try {
      return await translated(`Không tìm thấy hồ sơ ${code}`, call);
    } catch (error) {
      if (await this.erasures?.isErased(code).catch(() => false)) throw new DossierErasedError(code);
      throw error;
    }
  }

  /** The portal-sync service: the national portal acknowledged the dossier's state as of an event. */
  async recordPortalSync(code: string, ack: PortalSyncAck): Promise<void> {
    await this.onDossier(code, () =>
      this.temporal.workflow.getHandle(code).executeUpdate(recordPortalSyncUpdate, { args: [ack] }),
    );
  }

  /** The notifier: a message to the applicant could not be delivered (it goes on the timeline). */
  async recordNotificationFailure(code: string, failure: NotificationFailure): Promise<void> {
    await this.onDossier(code, () =>
      this.temporal.workflow
        .getHandle(code)
        .executeUpdate(recordNotificationFailureUpdate, { args: [failure] }),
    );
  }

  /** A published calendar amendment reaches the dossier: its deadlines are counted again (idempotent). */
  async applyCalendarAmendment(code: string, amendment: CalendarAmendmentInput): Promise<AmendmentOutcome> {
    const valid = validatedAmendment(amendment);
    return this.onDossier(code, () =>
      this.temporal.workflow.getHandle(code).executeUpdate(applyCalendarAmendmentUpdate, { args: [valid] }),
    );
  }

  /** What the amendment would do to the dossier's deadlines; changes nothing. */
  async previewCalendarAmendment(code: string, amendment: CalendarAmendmentInput): Promise<AmendmentOutcome> {
    const valid = validatedAmendment(amendment);
    return this.onDossier(code, () =>
      this.temporal.workflow.getHandle(code).query(calendarAmendmentPreviewQuery, valid),
    );
  }

  /** A participating agency gives its opinion on a liên thông dossier. */
  async completeInterAgency(
    code: string,
    agency: string,
    actor: Actor,
    opinion: string,
  ): Promise<InterAgencyResult> {
    const view = await this.get(code);
    const task = view.interAgencyWorkflows.find((t) => t.agency === agency);
    if (!task)
      throw new IllegalActionError(
        'ILLEGAL_STATE',
        `Hồ sơ ${code} không có yêu cầu liên thông tới ${agency}`,
      );
    return this.onDossier(code, () =>
      this.temporal.workflow
        .getHandle(task.workflowId)
        .executeUpdate(completeInterAgencyUpdate, { args: [{ actor, opinion }] }),
    );
  }
}

function validatedAmendment(amendment: CalendarAmendmentInput): CalendarAmendmentInput {
  validated(() => parseCalendarAmendment(amendment));
  return amendment;
}

/**
 * The view an ended dossier workflow returned. A query on an ended workflow needs a worker to replay
 * it, and can time out on a loaded machine; the result is read from the history alone.
 */
async function endedView(handle: WorkflowHandle<DossierWorkflow>): Promise<DossierView | undefined> {
  const description = await handle.describe().catch(() => undefined);
  if (description?.status.name !== 'COMPLETED') return undefined;
  return handle.result().catch(() => undefined);
}
