/**
 * One workflow per feedback (phản ánh, kiến nghị), id `PAKN-<receiving unit>-YYMMDD-XXXX`.
 * Officials and the submitter act through the `act` update, validated against the pure machine in
 * domain/feedback/, so an illegal action is rejected and changes nothing. Timers on the handling
 * unit's working-day calendar flag each limit that passes while its step is open. Every transition
 * publishes events `tthc.feedback.<unit>.<type>` (message id `<feedback id>:<seq>`) through an
 * activity. A feedback about an earlier feedback's result signals that one (indicator 5.3).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { FeedbackActivities, FeedbackRules } from '../activities/feedback-activities.js';
import {
  defaultFeedbackOptions,
  type FeedbackActionRequest,
  type FeedbackActionResult,
  type FeedbackOptions,
  type FeedbackReceipt,
  type FeedbackView,
  type FeedbackWorkflowInput,
  feedbackActUpdate,
  feedbackQuery,
  feedbackReceivedUpdate,
  followUpSignal,
} from '../contract/feedback-contract.js';
import { searchAttributes } from '../contract/search-attributes.js';
import type { Actor } from '../domain/actor.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { type FeedbackAction, feedbackActionSchemas } from '../domain/feedback/feedback-actions.js';
import { checkAction } from '../domain/feedback/feedback-checks.js';
import { defaultFeedbackLimitRules, type FeedbackLimitRules } from '../domain/feedback/feedback-limits.js';
import {
  type FeedbackState,
  type FeedbackTransition,
  newFeedback,
  receive,
} from '../domain/feedback/feedback-state.js';
import { feedbackStatusNames } from '../domain/feedback/feedback-status.js';
import { missingContactDetails } from '../domain/feedback/feedback-submission.js';
import { flagOverdueLimits, nextLimitCheckAt } from '../domain/feedback/feedback-timers.js';
import { applyAction, close, recordFollowUp } from '../domain/feedback/feedback-transitions.js';
import { currentDueAt, isOnTime, limitViews, satisfactionOf } from '../domain/feedback/feedback-views.js';
import { parseInstant } from '../domain/time.js';
import type { FeedbackEvent } from '../events/feedback-event-schema.js';
import { feedbackFacts } from '../events/feedback-facts.js';
import { createEventCommitter, publishActivityOptions } from './event-committer.js';
import { buildCalendar, check, parseActionRequest, WorkflowMutex } from './workflow-support.js';

const core = proxyActivities<FeedbackActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['UNKNOWN_UNIT'],
  },
});

const publisher = proxyActivities<FeedbackActivities>(publishActivityOptions);

export async function feedbackWorkflow(input: FeedbackWorkflowInput): Promise<FeedbackView> {
  const options: FeedbackOptions = { ...defaultFeedbackOptions, ...input.options };
  const rules: FeedbackLimitRules = { ...defaultFeedbackLimitRules, ...options.limits };
  const { feedback } = input;
  let state: FeedbackState | undefined;
  let calendar: WorkingCalendar | undefined;
  let receipt: FeedbackReceipt | undefined;
  let startFailure: ApplicationFailure | undefined;
  let followsUp: FeedbackView['followsUp'];
  const units: Record<string, string> = {};
  const pendingFollowUps: string[] = [];
  let version = 0;
  const committer = createEventCommitter<FeedbackState, FeedbackEvent>({
    entityId: input.id,
    idField: 'feedbackId',
    facts: (current) => feedbackFacts(current, Date.now()),
    onCommit: (current) => {
      state = current;
      version++;
      upsertDynamicSearchAttributes(current);
    },
    publish: (events) => publisher.publishFeedbackEvents(events),
  });
  const mutex = new WorkflowMutex();

  setHandler(feedbackReceivedUpdate, async () => {
    await condition(() => receipt !== undefined || startFailure !== undefined);
    if (startFailure) throw startFailure;
    return receipt as FeedbackReceipt;
  });

  setHandler(feedbackQuery, () => {
    if (!state) throw ApplicationFailure.nonRetryable('Phản ánh, kiến nghị đang được tiếp nhận', 'NOT_READY');
    return view(state);
  });

  setHandler(
    feedbackActUpdate,
    async (request) =>
      exclusive(async () => {
        const action = parseAction(request);
        check(() => checkAction(ready(), action, Date.now()));
        let actionCalendar = calendar as WorkingCalendar;
        let target: FeedbackRules | undefined;
        if (action.name === 'forward') {
          target = await unitRules(action.payload.to);
          actionCalendar = buildCalendar(target.calendars);
        }
        const transition = check(() => applyAction(ready(), action, Date.now(), actionCalendar));
        if (target) {
          calendar = actionCalendar;
          units[target.unit.code] = target.unit.name;
        }
        await commit(transition, action.actor);
        return result(state as FeedbackState);
      }),
    {
      validator: (request) => {
        check(() => checkAction(ready(), parseAction(request), Date.now()));
      },
    },
  );

  setHandler(followUpSignal, (signal) => {
    pendingFollowUps.push(signal.feedbackId);
  });

  // -------------------------------------------------------------------------------------------
  // Receipt: the unit's calendar, the limits, the first event.

  let receiving: FeedbackRules;
  try {
    receiving = await unitRules(feedback.receivingUnit);
  } catch (error) {
    startFailure =
      error instanceof ApplicationFailure
        ? error
        : ApplicationFailure.nonRetryable(String(error), 'RECEIPT_FAILED');
    await condition(allHandlersFinished);
    throw startFailure;
  }
  units[receiving.unit.code] = receiving.unit.name;
  calendar = buildCalendar(receiving.calendars);
  const now = Date.now();
  const submittedAt = feedback.submittedAt ? Math.min(parseInstant(feedback.submittedAt), now) : now;
  state = newFeedback(input.id, feedback, submittedAt, calendar, rules);
  upsertStaticSearchAttributes();
  await commit(receive(state, now));
  if (feedback.about?.feedbackId) await notifyEarlierFeedback(feedback.about.feedbackId);
  receipt = { ...result(state), missingContactDetails: missingContactDetails(feedback) };

  // -------------------------------------------------------------------------------------------
  // Until the feedback ends: actions, follow-up signals, or the next timer.

  while (!isEnded()) {
    const wakeAt = nextWakeAt();
    const seen = version;
    const woken = await condition(
      () => version !== seen || pendingFollowUps.length > 0 || isEnded(),
      wakeAt === undefined ? undefined : Math.max(1, wakeAt - Date.now()),
    );
    if (pendingFollowUps.length > 0) await exclusive(recordFollowUps);
    else if (!woken && !isEnded()) await exclusive(fireTimers);
  }
  await condition(allHandlersFinished);
  return view(state);

  // -------------------------------------------------------------------------------------------

  function ready(): FeedbackState {
    if (!state || !calendar || !receipt) {
      throw ApplicationFailure.nonRetryable(
        'Phản ánh, kiến nghị đang được tiếp nhận; vui lòng thử lại sau',
        'NOT_READY',
      );
    }
    return state;
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return mutex.run(fn);
  }

  /** The unit and its calendar; an unknown unit is a typed, non-retryable failure. */
  async function unitRules(unit: string): Promise<FeedbackRules> {
    try {
      return await core.loadFeedbackRules({ unit });
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
        throw ApplicationFailure.nonRetryable(error.cause.message, error.cause.type ?? 'UNKNOWN_UNIT');
      }
      throw error;
    }
  }

  /** Tells the earlier feedback that this one is about its result; it may have closed already. */
  async function notifyEarlierFeedback(earlierId: string): Promise<void> {
    try {
      await getExternalWorkflowHandle(earlierId).signal(followUpSignal, { feedbackId: input.id });
      followsUp = { feedbackId: earlierId, linked: true };
    } catch (error) {
      log.warn('the earlier feedback could not be told of its follow-up', {
        feedbackId: input.id,
        earlierId,
        error: String(error),
      });
      followsUp = { feedbackId: earlierId, linked: false };
    }
  }

  async function recordFollowUps(): Promise<void> {
    while (pendingFollowUps.length > 0) {
      const followUpId = pendingFollowUps.shift() as string;
      const transition = recordFollowUp(state as FeedbackState, followUpId, Date.now());
      if (transition) await commit(transition);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  function windowEndsAt(current: FeedbackState): number | undefined {
    if (current.status !== 'DA_CONG_KHAI' || !current.publication || current.endedAt !== undefined)
      return undefined;
    return current.publication.at + options.followUpWindowDays * 86_400_000;
  }

  function nextWakeAt(): number | undefined {
    const current = state as FeedbackState;
    const times = [nextLimitCheckAt(current), windowEndsAt(current)].filter(
      (t): t is number => t !== undefined,
    );
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  async function fireTimers(): Promise<void> {
    const now = Date.now();
    const flagged = flagOverdueLimits(state as FeedbackState, now);
    if (flagged) await commit(flagged);
    const windowEnd = windowEndsAt(state as FeedbackState);
    if (windowEnd !== undefined && now >= windowEnd) await commit(close(state as FeedbackState, now));
    version++;
  }

  function isEnded(): boolean {
    return (state as FeedbackState).endedAt !== undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Committing a transition: state, search attributes, events (in order, exactly once).

  function commit(transition: FeedbackTransition, actor?: Actor): Promise<void> {
    return committer.commit(transition, actor);
  }

  /**
   * The dossier search attributes, reused so supervisors can list feedback with the same
   * dashboards (filter on WorkflowType = 'feedbackWorkflow'): DossierCompetentAgency holds the
   * handling unit and DossierDueAt the open answer or publication limit.
   */
  function upsertStaticSearchAttributes(): void {
    upsertSearchAttributes([
      { key: searchAttributes.receivingUnit, value: feedback.receivingUnit },
      { key: searchAttributes.channel, value: feedback.channel },
      ...(feedback.about?.procedureCode
        ? [{ key: searchAttributes.procedure, value: feedback.about.procedureCode }]
        : []),
    ]);
  }

  function upsertDynamicSearchAttributes(current: FeedbackState): void {
    const due = currentDueAt(current);
    upsertSearchAttributes([
      { key: searchAttributes.status, value: current.status },
      { key: searchAttributes.competentAgency, value: current.handlingUnit },
      { key: searchAttributes.overdue, value: !isOnTime(current) },
      { key: searchAttributes.dueAt, value: due === undefined ? null : new Date(due) },
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Views

  function result(current: FeedbackState): FeedbackActionResult {
    return {
      id: input.id,
      status: current.status,
      statusName: feedbackStatusNames[current.status],
      handlingUnit: current.handlingUnit,
      limits: limitViews(current),
    };
  }

  function view(current: FeedbackState): FeedbackView {
    return {
      state: current,
      statusName: feedbackStatusNames[current.status],
      limits: limitViews(current),
      onTime: isOnTime(current),
      satisfaction: satisfactionOf(current),
      units: { ...units },
      followsUp,
      eventSeq: committer.lastSeq,
      ended: current.endedAt !== undefined,
    };
  }
}

function parseAction(request: FeedbackActionRequest): FeedbackAction {
  return parseActionRequest(feedbackActionSchemas, request) as FeedbackAction;
}
