/**
 * Typed client for feedback and petitions (phản ánh, kiến nghị): submit (idempotent by request id),
 * act, read. Validates every request with zod before it reaches Temporal. Feedback ids are
 * `PAKN-<receiving unit>-YYMMDD-XXXX`, numbered per unit and day by the dossier-code allocator on
 * its own KV bucket, so feedback and dossier sequences never share a counter.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { type Client, WorkflowFailedError, WorkflowIdConflictPolicy } from '@temporalio/client';
import {
  type FeedbackActionRequest,
  type FeedbackActionResult,
  type FeedbackOptions,
  type FeedbackReceipt,
  type FeedbackView,
  type FeedbackWorkflow,
  feedbackActUpdate,
  feedbackQuery,
  feedbackReceivedUpdate,
  feedbackWorkflowType,
} from '../contract/feedback-contract.js';
import { dossierTaskQueue } from '../contract/task-queues.js';
import { type FeedbackInput, feedbackSchema } from '../domain/feedback/feedback-schema.js';
import { feedbackIdFor, missingContactDetails } from '../domain/feedback/feedback-submission.js';
import { parseInstant, toCivilDate } from '../domain/time.js';
import { parseOrThrow } from '../domain/validation.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { DossierValidationError, translated, validated } from './client-errors.js';
import type { Clock } from './dossier-client.js';

export const FEEDBACK_CODE_BUCKET = 'tthc_feedback_codes';

export interface SubmitFeedbackRequest {
  feedback: FeedbackInput;
  options?: Partial<FeedbackOptions>;
}

export interface SubmitFeedbackResult extends FeedbackReceipt {
  /** True when the request id was seen before: the earlier feedback is returned, nothing new is created. */
  existing: boolean;
}

export class FeedbackClient {
  constructor(
    private readonly temporal: Client,
    /** An allocator opened on FEEDBACK_CODE_BUCKET (see `FeedbackClient.open`). */
    private readonly codes: DossierCodeAllocator,
    private readonly taskQueue: string = dossierTaskQueue,
    private readonly clock: Clock = Date.now,
  ) {}

  static async open(
    temporal: Client,
    nc: NatsConnection,
    options: { taskQueue?: string; clock?: Clock } = {},
  ): Promise<FeedbackClient> {
    const codes = await DossierCodeAllocator.open(nc, { bucket: FEEDBACK_CODE_BUCKET });
    return new FeedbackClient(temporal, codes, options.taskQueue, options.clock);
  }

  async submit(request: SubmitFeedbackRequest): Promise<SubmitFeedbackResult> {
    const feedback = validated(() => parseOrThrow(feedbackSchema, request.feedback, 'feedback'));
    const now = await this.clock();
    const submittedAt = feedback.submittedAt ? parseInstant(feedback.submittedAt) : now;
    if (submittedAt > now + 60_000) {
      throw new DossierValidationError('Invalid feedback: submittedAt is in the future', [
        'submittedAt: must not be in the future',
      ]);
    }
    // Numbered by the day the unit received it, as the workflow records it (not the wall clock's).
    const { code, existing } = await this.codes.reserveForRequest(
      feedback.requestId,
      feedback.receivingUnit,
      toCivilDate(Math.min(submittedAt, now)),
    );
    const id = feedbackIdFor(code);
    if (!existing) {
      await this.temporal.workflow.start<FeedbackWorkflow>(feedbackWorkflowType, {
        workflowId: id,
        taskQueue: this.taskQueue,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
        args: [{ id, feedback, options: request.options }],
      });
    }
    const handle = this.temporal.workflow.getHandle(id);
    try {
      const receipt = await handle.executeUpdate(feedbackReceivedUpdate);
      return { ...receipt, existing };
    } catch (error) {
      // A feedback that already ended (rejected, closed) or failed at receipt (an unknown unit)
      // takes no update: answer from its result instead.
      const { status } = await handle.describe().catch(() => ({ status: undefined }));
      if (status?.name === 'COMPLETED') return { ...receiptOf(id, await handle.result()), existing };
      const failure =
        status?.name === 'FAILED'
          ? await handle.result().then(
              () => error,
              (e: unknown) => (e instanceof WorkflowFailedError ? e.cause : e),
            )
          : error;
      return translated(`Không tìm thấy phản ánh, kiến nghị ${id}`, () => Promise.reject(failure));
    }
  }

  async act(id: string, request: FeedbackActionRequest): Promise<FeedbackActionResult> {
    return translated(`Không tìm thấy phản ánh, kiến nghị ${id}`, () =>
      this.temporal.workflow.getHandle(id).executeUpdate(feedbackActUpdate, { args: [request] }),
    );
  }

  async get(id: string): Promise<FeedbackView> {
    return translated(`Không tìm thấy phản ánh, kiến nghị ${id}`, () =>
      this.temporal.workflow.getHandle(id).query(feedbackQuery),
    );
  }
}

function receiptOf(id: string, view: FeedbackView): FeedbackReceipt {
  return {
    id,
    status: view.state.status,
    statusName: view.statusName,
    handlingUnit: view.state.handlingUnit,
    limits: view.limits,
    missingContactDetails: missingContactDetails(view.state.feedback),
  };
}
