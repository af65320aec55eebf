/**
 * One workflow per dossier; workflow id = dossier code. Officials act through the `act` update
 * (validated against the pure state machine, so an illegal action is rejected and changes
 * nothing); timers on the working-day calendar drive the apology check, overdue flags and the
 * supplementation limits. All I/O goes through activities; every transition publishes events.
 */
import type { SearchAttributePair } from '@temporalio/common';
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { DossierActivities } from '../activities/dossier-activities.js';
import {
  type ActionRequest,
  type ActionResult,
  actUpdate,
  applyCalendarAmendmentUpdate,
  calendarAmendmentPreviewQuery,
  type DossierOptions,
  type DossierView,
  type DossierWorkflowInput,
  defaultDossierOptions,
  dossierQuery,
  type IntakeOutcome,
  intakeOutcomeUpdate,
  interAgencyWorkflowId,
  recordNotificationFailureUpdate,
  recordPortalSyncUpdate,
} from '../contract/dossier-contract.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { dossierTaskQueue, unitTaskQueue } from '../contract/task-queues.js';
import type { Actor } from '../domain/actor.js';
import type { CalendarData, WorkingCalendar } from '../domain/calendar.js';
import { type CalendarAmendment, calendarAmendmentSchema } from '../domain/calendar-amendment.js';
import type { Procedure } from '../domain/catalogue.js';
import { checkCompleteness } from '../domain/completeness.js';
import { computeAppointment } from '../domain/deadline.js';
import {
  acceptedNotice,
  apologyNotice,
  apologyRequiredNotice,
  contactOf,
  deadlineChangedNotice,
  earlyReturnNotice,
  type Notice,
  paymentDueNotice,
  refusalNotice,
  resultReadyNotice,
  supplementNotice,
} from '../domain/dossier/applicant-notices.js';
import { actionSchemas, type DossierAction, type SupplementItem } from '../domain/dossier/dossier-actions.js';
import {
  type AmendmentOutcome,
  deadlineChangeNotice,
  planCalendarAmendment,
  recordDeadlineChange,
} from '../domain/dossier/dossier-calendar-change.js';
import { checkAction } from '../domain/dossier/dossier-checks.js';
import {
  accept,
  closeForMissingSupplement,
  decideIntake,
  refuseAtIntake,
  requestIntakeSupplement,
} from '../domain/dossier/dossier-intake.js';
import {
  notificationFailureSchema,
  portalSyncAckSchema,
  recordNotificationFailure,
  recordPortalSync,
} from '../domain/dossier/dossier-reports.js';
import {
  componentsFrom,
  type DossierState,
  newDossier,
  type StoredComponent,
  type Transition,
} from '../domain/dossier/dossier-state.js';
import { closedStatuses, statusNames } from '../domain/dossier/dossier-status.js';
import {
  apologyCheckAt,
  flagApologyRequired,
  flagOverdue,
  overdueCheckAt,
} from '../domain/dossier/dossier-timers.js';
import { applyAction } from '../domain/dossier/dossier-transitions.js';
import { deadlineViews } from '../domain/dossier/dossier-views.js';
import { buildDossierForm, type DossierForms, type IssuedFormKind } from '../domain/forms/dossier-forms.js';
import type { DomainEvent } from '../domain/state-machine-kit.js';
import { formatInstant, toCivilDate } from '../domain/time.js';
import type { DossierEvent } from '../events/dossier-event-schema.js';
import { dossierFacts } from '../events/dossier-facts.js';
import { createEventCommitter, InvalidEventError, publishActivityOptions } from './event-committer.js';
import { interAgencyTaskWorkflow } from './inter-agency-workflow.js';
import {
  buildCalendar,
  check,
  DeadlineTimer,
  parseActionRequest,
  parseReport,
  SearchAttributeWriter,
  WorkflowMutex,
} from './workflow-support.js';

/**
 * Workflow changes that alter the commands of running dossiers go behind a patch id (see
 * docs/workflow-versioning.md); the replay test runs recorded histories against the new code.
 */
export const patches = {
  notifyOnAcceptance: 'notify-applicant-on-acceptance',
  noticeOfEarlyReturn: 'notice-of-early-return',
  /** Events and notifications through local activities: one server round trip less per call. */
  localPublishing: 'local-publishing',
  /** The rules (procedure, calendar, unit names) loaded by a local activity: one workflow task less per dossier. */
  localRules: 'local-rules',
  /** ND 61 Art 19(9): an apology after the day before the due date is refused (TOO_LATE). */
  refuseLateApology: 'refuse-late-apology',
  /** The applicant is also told of supplementation requests, refusals and fees due (issue #17). */
  applicantNotices: 'notify-applicant-of-requests-refusals-fees',
  /**
   * Issue #18: a dossier a citizen submitted online waits in the receiving unit's online inbox for
   * the counter's decision (accept-intake, request-intake-supplement, refuse-intake) instead of
   * being decided at once. Only new dossiers started with `intake.awaitCounter` take this path.
   */
  onlineInbox: 'online-intake-inbox',
  /**
   * Issue #19. Every patch above, taken together by a dossier begun since: one marker (and one
   * `TemporalChangeVersion` upsert, which the SDK adds to each) instead of one per patch. With it,
   * fewer commands per action: one deadline timer kept while the next check stays where it was
   * (an action no longer cancels and restarts it), search attributes written only when their
   * values change, and a free lock taken at once. Decided once, at the start of a dossier.
   */
  baseline: 'dossier-baseline-2026-12',
} as const;

const core = proxyActivities<DossierActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const publisher = proxyActivities<DossierActivities>(publishActivityOptions);

/** The same short, idempotent I/O as local activities (message ids make retries harmless). */
const localPublisher = proxyLocalActivities<DossierActivities>(publishActivityOptions);

/** Reading the rule data is local and quick; as a local activity it needs no task of its own. */
const localCore = proxyLocalActivities<DossierActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

function unitActivities(unit: string) {
  return proxyActivities<DossierActivities>({
    taskQueue: unitTaskQueue(unit),
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
  });
}

export async function dossierWorkflow(input: DossierWorkflowInput): Promise<DossierView> {
  const options: DossierOptions = { ...defaultDossierOptions, ...input.options };
  const { application } = input;
  let state: DossierState | undefined;
  let calendar: WorkingCalendar | undefined;
  /** The calendar data `calendar` is built from, with the amendments the dossier has taken since. */
  let calendarChain: CalendarData[] = [];
  let procedure: Procedure | undefined;
  let intakeOutcome: IntakeOutcome | undefined;
  const forms: DossierForms = {};
  let version = 0;
  const committer = createEventCommitter<DossierState, DossierEvent>({
    entityId: input.code,
    idField: 'dossierCode',
    facts: (current) => dossierFacts(current, calendar as WorkingCalendar),
    onCommit: (current) => {
      state = current;
      version++;
      upsertDynamicSearchAttributes(current, calendar as WorkingCalendar);
    },
    publish: (events) => outbox.publishEvents(events),
  });
  const mutex = new WorkflowMutex();
  let ended = false;

  setHandler(intakeOutcomeUpdate, async () => {
    await condition(() => intakeOutcome !== undefined);
    return intakeOutcome as IntakeOutcome;
  });

  setHandler(dossierQuery, () => {
    if (!state || !calendar)
      throw ApplicationFailure.nonRetryable('The dossier is still being received', 'NOT_READY');
    return view(state, calendar);
  });

  setHandler(
    actUpdate,
    async (request) =>
      exclusive(async () => {
        const action = parseAction(request);
        const { current, cal } = ready();
        check(() => checkAction(current, action, Date.now(), cal));
        return perform(action, current, cal);
      }),
    {
      validator: (request) => {
        const { current, cal } = ready();
        check(() => checkAction(current, parseAction(request), Date.now(), cal));
      },
    },
  );

  // Reports of the services that talk to outside systems (the portal, the applicant's SMS / e-mail).
  setHandler(
    recordPortalSyncUpdate,
    (report) =>
      exclusive(async () => {
        const ack = parseReport(portalSyncAckSchema, report, 'portal acknowledgement');
        const transition = check(() => recordPortalSync(ready().current, ack, committer.lastSeq));
        if (transition) await commit(transition);
      }),
    {
      validator: (report) => {
        const ack = parseReport(portalSyncAckSchema, report, 'portal acknowledgement');
        check(() => recordPortalSync(ready().current, ack, committer.lastSeq));
      },
    },
  );

  setHandler(
    recordNotificationFailureUpdate,
    (report) =>
      exclusive(async () => {
        const failure = parseReport(notificationFailureSchema, report, 'notification failure');
        await commit(recordNotificationFailure(ready().current, failure));
      }),
    {
      validator: (report) => {
        parseReport(notificationFailureSchema, report, 'notification failure');
        ready();
      },
    },
  );

  // A calendar amendment published while the dossier is open (DOMAIN.md §1.4, §6).
  setHandler(
    applyCalendarAmendmentUpdate,
    (input) => exclusive(async () => applyCalendarAmendment(parseAmendment(input))),
    {
      validator: (input) => {
        const { current, cal } = ready();
        check(() => planCalendarAmendment(current, calendarChain, cal, parseAmendment(input)));
      },
    },
  );

  setHandler(calendarAmendmentPreviewQuery, (input) => {
    const { current, cal } = ready();
    return check(() => planCalendarAmendment(current, calendarChain, cal, parseAmendment(input))).outcome;
  });

  // -------------------------------------------------------------------------------------------
  // Intake

  // Decided once, at the start: dossiers begun before a change keep doing what they did. The
  // baseline must stay the first patch asked: an older history has no marker in its place.
  const baseline = patched(patches.baseline);
  const since = (patch: string): boolean => baseline || patched(patch);
  const local = since(patches.localPublishing);
  const outbox = local ? localPublisher : publisher;
  const notifier = local ? localPublisher : core;
  const noticeOfEveryStep = since(patches.applicantNotices);
  const fewerCommands = baseline;
  const searchAttributeWriter = new SearchAttributeWriter(fewerCommands, startedWithSearchAttributes());
  mutex.takeAtOnce = fewerCommands;

  const rulesLoader = since(patches.localRules) ? localCore : core;
  const rules = await rulesLoader.loadRules({
    procedureCode: application.procedureCode,
    receivedAt: formatInstant(Date.now()),
    receivingUnit: application.receivingUnit,
    competentAgency: application.competentAgency,
  });
  procedure = rules.procedure;
  const unitNames = rules.unitNames;
  calendarChain = rules.calendars;
  calendar = buildCalendar(calendarChain);
  state = newDossier(input.code, application, procedure, Date.now());
  state = { ...state, components: componentsFrom(application.documents, procedure) };
  // Dossiers begun before the rule keep accepting a late apology, as they did.
  if (!since(patches.refuseLateApology)) state = { ...state, legacyLateApology: true };
  const inbox = input.intake.awaitCounter === true && since(patches.onlineInbox);
  if (inbox) state = { ...state, onlineIntake: true };
  upsertStaticSearchAttributes();
  await commit({ state, events: [{ type: 'received', at: Date.now(), data: {} }] });

  await reuseDigitizedComponents();
  if (!inbox) {
    const missing = missingDocuments(state);
    const decision = check(() =>
      decideIntake(missing, input.intake.extraItems ?? [], input.intake.refuseReason, application.channel),
    );
    if (decision.outcome === 'refused') {
      await commit(refuseAtIntake(state, Date.now(), decision.reason, input.intake.officer));
      issueForm('refusal');
      if (noticeOfEveryStep) await notify(refusalNotice(state, 'intake', decision.reason));
    } else if (decision.outcome === 'supplement') {
      await commit(requestIntakeSupplement(state, Date.now(), decision.items, input.intake.officer));
      issueForm('supplementation-request');
      if (noticeOfEveryStep) await notify(supplementNotice(state));
    } else {
      await acceptDossier();
    }
    intakeOutcome = outcomeOf(decision.outcome);
  }

  // -------------------------------------------------------------------------------------------
  // Until the dossier ends: wait for actions, or for the next timer on the calendar.

  const deadlineTimer = new DeadlineTimer();
  while (!isEnded()) {
    const wakeAt = nextWakeAt();
    const seen = version;
    if (fewerCommands) {
      deadlineTimer.aim(wakeAt);
      await condition(() => version !== seen || isEnded() || deadlineTimer.hasFired);
      if (deadlineTimer.takeFired() && !isEnded()) await exclusive(fireTimers);
      continue;
    }
    const woken = await condition(
      () => version !== seen || isEnded(),
      wakeAt === undefined ? undefined : Math.max(1, wakeAt - Date.now()),
    );
    if (!woken && !isEnded()) await exclusive(fireTimers);
  }
  ended = true;
  await condition(allHandlersFinished);
  return view(state, calendar);

  // -------------------------------------------------------------------------------------------

  function ready(): { current: DossierState; cal: WorkingCalendar } {
    if (!state || !calendar || (!intakeOutcome && !state.onlineIntake)) {
      throw ApplicationFailure.nonRetryable('Hồ sơ đang được tiếp nhận; vui lòng thử lại sau', 'NOT_READY');
    }
    return { current: state, cal: calendar };
  }

  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return mutex.run(fn);
  }

  async function perform(
    action: DossierAction,
    current: DossierState,
    cal: WorkingCalendar,
  ): Promise<ActionResult> {
    if (action.name === 'correct-data') return correct(action, current, cal);
    if (action.name === 'accept-intake') {
      await acceptDossier(action.actor);
      intakeOutcome = outcomeOf('accepted');
      return result(state as DossierState, cal);
    }
    const effects = await effectsOf(action, current);
    const transition = check(() => applyAction(current, action, Date.now(), cal, effects));
    await commit(transition, action.actor);
    await afterAction(action);
    const after = state as DossierState;
    if (action.name === 'provide-intake-supplement' && !after.onlineIntake) {
      const stillMissing = missingItems(after);
      if (stillMissing.length > 0) return result(after, cal, stillMissing);
      await acceptDossier();
    }
    return result(state as DossierState, cal);
  }

  /**
   * An administrator's correction of the competent agency: the dossier follows the new agency from
   * now on — its name on forms, its search attribute, its unit queue (read from the state when the
   * result is issued) and, if it keeps another jurisdiction's working days, its calendar.
   */
  async function correct(
    action: Extract<DossierAction, { name: 'correct-data' }>,
    current: DossierState,
    cal: WorkingCalendar,
  ): Promise<ActionResult> {
    const unit = await localCore.describeUnit({ code: action.payload.value }).catch((error: unknown) => {
      throw ApplicationFailure.nonRetryable(
        `Không dùng được đơn vị ${action.payload.value}: ${((error as Error).cause as Error | undefined)?.message ?? String(error)}`,
        'INVALID_INPUT',
      );
    });
    const transition = check(() => applyAction(current, action, Date.now(), cal));
    unitNames[unit.code] = unit.name;
    if (unit.jurisdiction !== cal.jurisdiction) {
      calendarChain = unit.calendars;
      calendar = buildCalendar(calendarChain);
    }
    await commit(transition, action.actor);
    searchAttributeWriter.write([{ key: searchAttributes.competentAgency, value: unit.code }]);
    return result(state as DossierState, calendar as WorkingCalendar);
  }

  async function effectsOf(action: DossierAction, current: DossierState) {
    switch (action.name) {
      case 'provide-intake-supplement':
      case 'provide-supplementation':
        return {
          components: await digitize(action.payload.documents.map((d) => ({ ...d, name: d.name ?? d.kind }))),
        };
      case 'approve':
      case 'refuse': {
        const kind = action.name === 'approve' ? 'approval' : 'refusal';
        const text =
          action.name === 'approve'
            ? (action.payload.note ?? `Phê duyệt hồ sơ ${current.code}`)
            : action.payload.reason;
        const resultDocument = await unitActivities(current.application.competentAgency).issueResult({
          dossierCode: current.code,
          agency: current.application.competentAgency,
          kind,
          procedure: { code: current.procedure.code, name: current.procedure.name },
          text,
          paperResult:
            current.procedure.paperResult ||
            Boolean(action.name === 'approve' && action.payload.alsoPaperResult),
          at: formatInstant(Date.now()),
        });
        return { result: action.name === 'refuse' ? { ...resultDocument, reason: text } : resultDocument };
      }
      default:
        return {};
    }
  }

  async function afterAction(action: DossierAction): Promise<void> {
    const current = state as DossierState;
    switch (action.name) {
      // The online inbox (only dossiers with onlineIntake take these actions or reach here).
      case 'request-intake-supplement':
        issueForm('supplementation-request', action.actor);
        intakeOutcome = outcomeOf('supplement');
        // Always told (the online path is new: no running dossier takes it without this call).
        await notify(supplementNotice(current));
        return;
      case 'request-supplementation':
        issueForm('supplementation-request', action.actor);
        if (noticeOfEveryStep) await notify(supplementNotice(current));
        return;
      case 'refuse':
        issueForm('refusal', action.actor);
        if (noticeOfEveryStep) await notify(refusalNotice(current, 'processing', action.payload.reason));
        return;
      case 'refuse-intake':
        // The online inbox's refusal issues its form here (a counter's refusal at intake did at the start).
        if (current.onlineIntake) {
          issueForm('refusal', action.actor);
          intakeOutcome ??= outcomeOf('refused');
        }
        if (noticeOfEveryStep) await notify(refusalNotice(current, 'intake', action.payload.reason));
        return;
      case 'apologize':
        issueForm('apology', action.actor);
        await notify(apologyNotice(current, action.payload.newDueDate, action.payload.reason));
        return;
      case 'stop':
        issueForm('stop-notice', action.actor);
        return;
      case 'start-inter-agency':
        startInterAgency(action.payload.participants.map((p) => p.agency));
        return;
      case 'approve': {
        await notify(
          resultReadyNotice(current, unitNames[application.receivingUnit] ?? application.receivingUnit),
        );
        const fees = noticeOfEveryStep ? paymentDueNotice(current) : undefined;
        if (fees) await notify(fees);
        return;
      }
      case 'return-result':
        // ND 61 Art 20: early return is encouraged, with advance notice to the applicant.
        if (current.returnedEarly && since(patches.noticeOfEarlyReturn)) {
          const dueDate = deadlineViews(current, Date.now(), calendar as WorkingCalendar).decree?.dueDate;
          await notify(earlyReturnNotice(current, dueDate));
        }
        return;
      default:
        return;
    }
  }

  async function acceptDossier(officer: Actor | undefined = input.intake.officer): Promise<void> {
    const current = state as DossierState;
    const accepted = accept(current, Date.now(), calendar as WorkingCalendar, officer);
    // Every component not yet hashed and signed by the receiving unit is digitized now (ND 61 Art 17(1)).
    const toDigitize = accepted.state.components.filter((c) => !c.reused && !c.signedBy);
    const digitized = await digitize(toDigitize);
    const components = [...accepted.state.components.filter((c) => c.reused || c.signedBy), ...digitized];
    const events: DomainEvent[] = [...accepted.events];
    if (digitized.some((c) => c.digitized)) {
      events.push({
        type: 'digitized',
        at: Date.now(),
        data: { kinds: digitized.filter((c) => c.digitized).map((c) => c.kind) },
      });
    }
    await commit({ state: { ...accepted.state, components }, events }, officer);
    // An online dossier's receipt always goes to the citizen's account (the online inbox).
    if (procedure?.duration.unit !== 'same-day' || input.intake.receiptRequested || current.onlineIntake)
      issueForm('receipt', officer);
    // Added after dossiers were already running: patched() keeps their histories replayable.
    if (since(patches.notifyOnAcceptance)) {
      const dueDate = deadlineViews(state as DossierState, Date.now(), calendar as WorkingCalendar).decree
        ?.dueDate;
      const unit = unitNames[application.receivingUnit] ?? application.receivingUnit;
      await notify(acceptedNotice(state as DossierState, dueDate, unit));
    }
  }

  async function digitize(
    documents: ReadonlyArray<{
      kind: string;
      name: string;
      form: 'paper' | 'electronic';
      fileRef?: string;
      ref?: string;
    }>,
  ): Promise<StoredComponent[]> {
    if (documents.length === 0) return [];
    return unitActivities(application.receivingUnit).digitizeComponents({
      dossierCode: input.code,
      unit: application.receivingUnit,
      applicant: application.applicant,
      documents: documents.map((d) => ({
        kind: d.kind,
        name: d.name,
        form: d.form,
        fileRef: d.fileRef ?? d.ref,
      })),
      at: formatInstant(Date.now()),
    });
  }

  /** Components the applicant already has digitized are linked instead of asked for again (ND 45/2020). */
  async function reuseDigitizedComponents(): Promise<void> {
    const current = state as DossierState;
    const kinds = missingItems(current)
      .map((item) => item.kind)
      .filter((kind): kind is string => Boolean(kind));
    if (kinds.length === 0) return;
    const found = await unitActivities(application.receivingUnit).findReusableComponents({
      dossierCode: input.code,
      applicant: application.applicant,
      kinds,
      onDate: toCivilDate(Date.now()),
    });
    const reused: StoredComponent[] = found.map((f) => ({
      kind: f.kind,
      name: procedure?.requiredDocuments.find((r) => r.kind === f.kind)?.name ?? f.kind,
      form: 'electronic',
      digitized: true,
      reused: true,
      fromDataStore: false,
      ref: f.ref,
      sha256: f.sha256,
    }));
    state = { ...current, components: [...current.components, ...reused] };
  }

  function missingItems(current: DossierState): SupplementItem[] {
    return missingDocuments(current).map((m) => ({
      kind: m.kind,
      name: m.name,
      reason: 'Thiếu thành phần hồ sơ bắt buộc',
      form: 'electronic',
    }));
  }

  function missingDocuments(current: DossierState) {
    const completeness = checkCompleteness(
      {
        procedureCode: current.procedure.code,
        documents: current.components.map((c) => ({ kind: c.kind, form: c.form })),
      },
      procedure as Procedure,
    );
    return completeness.missing;
  }

  function startInterAgency(agencies: string[]): void {
    const current = state as DossierState;
    const sequential = application.channel !== 'online' && current.components.some((c) => c.form === 'paper');
    let previous: Promise<unknown> = Promise.resolve();
    for (const task of current.interAgency.filter((t) => agencies.includes(t.agency) && !t.completedAt)) {
      const after = previous;
      const run = (async () => {
        if (sequential) await after; // paper dossiers travel from agency to agency (ND 61 Art 19(6))
        const child = await startChild(interAgencyTaskWorkflow, {
          workflowId: interAgencyWorkflowId(input.code, task.agency),
          taskQueue: dossierTaskQueue,
          args: [{ dossierCode: input.code, leadAgency: application.competentAgency, ...task }],
        });
        const outcome = await child.result();
        await exclusive(async () => {
          const action: DossierAction = {
            name: 'complete-inter-agency',
            actor: outcome.actor,
            payload: { agency: task.agency, opinion: outcome.opinion },
          };
          await commit(
            applyAction(state as DossierState, action, Date.now(), calendar as WorkingCalendar),
            outcome.actor,
          );
        });
        return outcome;
      })();
      run.catch((error) => {
        // An invalid event must fail the workflow task here too (see InvalidEventError): rethrown,
        // it becomes an unhandled rejection, which does.
        if (error instanceof InvalidEventError) throw error;
        log.warn('inter-agency step ended without an opinion', { agency: task.agency, error: String(error) });
      });
      previous = run;
    }
  }

  /**
   * The dossier's calendar takes the amendment; its deadlines are counted again. When one moved: an
   * event and a timeline entry, and a notice if the appointment moved. The loop below then waits
   * for the timers of the new dates (nextWakeAt).
   */
  async function applyCalendarAmendment(amendment: CalendarAmendment): Promise<AmendmentOutcome> {
    const { current, cal } = ready();
    const plan = check(() => planCalendarAmendment(current, calendarChain, cal, amendment));
    if (!plan.chain || !plan.calendar) return plan.outcome;
    calendarChain = plan.chain;
    calendar = plan.calendar;
    if (plan.outcome.changed)
      await commit(recordDeadlineChange(current, plan.outcome, amendment, Date.now()));
    const notice = deadlineChangeNotice(plan.outcome, amendment);
    if (notice) await notify(deadlineChangedNotice(input.code, notice));
    version++;
    return plan.outcome;
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  function nextWakeAt(): number | undefined {
    const current = state as DossierState;
    const cal = calendar as WorkingCalendar;
    const candidates = [
      apologyCheckAt(current, cal),
      overdueCheckAt(current, cal),
      supplementLimitAt(current, cal),
      evaluationEndsAt(current),
    ];
    const times = candidates.filter((t): t is number => t !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  function supplementLimitAt(current: DossierState, cal: WorkingCalendar): number | undefined {
    if (current.status !== 'YEU_CAU_BO_SUNG') return undefined;
    const request = current.supplements.at(-1);
    if (!request || request.providedAt !== undefined) return undefined;
    return computeAppointment(
      request.requestedAt,
      { unit: 'working-days', value: options.supplementLimitWorkingDays },
      cal,
    ).dueAt;
  }

  function evaluationEndsAt(current: DossierState): number | undefined {
    if (current.status !== 'DA_TRA_KET_QUA' || current.evaluation || current.returnedAt === undefined)
      return undefined;
    return current.returnedAt + options.evaluationWindowDays * 86_400_000;
  }

  async function fireTimers(): Promise<void> {
    const now = Date.now();
    const cal = calendar as WorkingCalendar;
    const current = state as DossierState;
    const limit = supplementLimitAt(current, cal);
    if (limit !== undefined && now >= limit) {
      await commit(closeForMissingSupplement(current, now));
      return;
    }
    const apologyAt = apologyCheckAt(current, cal);
    if (apologyAt !== undefined && now >= apologyAt) {
      await commit(flagApologyRequired(current, now, cal));
      await notify(apologyRequiredNotice(input.code));
    }
    const afterApology = state as DossierState;
    const overdueAt = overdueCheckAt(afterApology, cal);
    if (overdueAt !== undefined && now >= overdueAt) await commit(flagOverdue(afterApology, now, cal));
    const evaluationEnd = evaluationEndsAt(state as DossierState);
    if (evaluationEnd !== undefined && now >= evaluationEnd) ended = true;
    version++;
  }

  function isEnded(): boolean {
    const current = state as DossierState;
    if (ended) return true;
    if (current.status === 'DA_TRA_KET_QUA') return current.evaluation !== undefined;
    if (current.status === 'TU_CHOI') return current.step === 'done';
    return closedStatuses.has(current.status);
  }

  // -------------------------------------------------------------------------------------------
  // Committing a transition: state, search attributes, events (in order, exactly once).

  function commit(transition: Transition, actor?: Actor): Promise<void> {
    return committer.commit(transition, actor);
  }

  /** A notice to the applicant's channel (none for a notice to the agency, or an applicant who asked for none). */
  async function notify(notice: Notice): Promise<void> {
    const contact = notice.forApplicant ? contactOf(application) : undefined;
    await notifier.notifyApplicant({
      dossierCode: input.code,
      seq: committer.lastSeq,
      kind: notice.kind,
      subject: notice.subject,
      text: notice.text,
      ...(contact ? { contact } : {}),
    });
  }

  /** Those the client started the dossier with (startSearchAttributes); undefined for an older client. */
  function startedWithSearchAttributes(): SearchAttributePair[] | undefined {
    const started = workflowInfo().typedSearchAttributes;
    return started.get(searchAttributes.receivingUnit) === undefined ? undefined : started.getAll();
  }

  function upsertStaticSearchAttributes(): void {
    searchAttributeWriter.stage([
      { key: searchAttributes.receivingUnit, value: application.receivingUnit },
      { key: searchAttributes.competentAgency, value: application.competentAgency },
      { key: searchAttributes.procedure, value: application.procedureCode },
      { key: searchAttributes.channel, value: application.channel },
    ]);
  }

  function upsertDynamicSearchAttributes(current: DossierState, cal: WorkingCalendar): void {
    const due = deadlineViews(current, Date.now(), cal).decree?.dueAt;
    searchAttributeWriter.write([
      { key: searchAttributes.status, value: current.status },
      { key: searchAttributes.overdue, value: current.overdueSince !== undefined },
      { key: searchAttributes.dueAt, value: due ? new Date(due) : null },
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Forms and views

  function issueForm(kind: IssuedFormKind, actor: Actor | undefined = input.intake.officer): void {
    forms[kind] = buildDossierForm(kind, state as DossierState, calendar as WorkingCalendar, Date.now(), {
      units: unitNames,
      actor,
    });
  }

  function outcomeOf(outcome: IntakeOutcome['outcome']): IntakeOutcome {
    const current = state as DossierState;
    const views = deadlineViews(current, Date.now(), calendar as WorkingCalendar);
    return {
      outcome,
      code: input.code,
      status: current.status,
      statusName: statusNames[current.status],
      dueDate: views.decree?.dueDate,
      missing: outcome === 'supplement' ? current.supplements.at(-1)?.items : undefined,
      forms: Object.keys(forms) as IssuedFormKind[],
    };
  }

  function result(
    current: DossierState,
    cal: WorkingCalendar,
    stillMissing?: SupplementItem[],
  ): ActionResult {
    return {
      status: current.status,
      statusName: statusNames[current.status],
      dueDate: deadlineViews(current, Date.now(), cal).decree?.dueDate,
      forms: Object.keys(forms) as IssuedFormKind[],
      stillMissing,
    };
  }

  function view(current: DossierState, cal: WorkingCalendar): DossierView {
    return {
      state: current,
      statusName: statusNames[current.status],
      deadlines: deadlineViews(current, Date.now(), cal),
      forms,
      interAgencyWorkflows: current.interAgency.map((t) => ({
        agency: t.agency,
        workflowId: interAgencyWorkflowId(input.code, t.agency),
      })),
      eventSeq: committer.lastSeq,
      ended,
      intake: intakeOutcome,
    };
  }
}

function parseAmendment(input: unknown): CalendarAmendment {
  return parseReport(calendarAmendmentSchema, input, 'calendar amendment');
}

function parseAction(request: ActionRequest): DossierAction {
  return parseActionRequest(actionSchemas, request) as DossierAction;
}
