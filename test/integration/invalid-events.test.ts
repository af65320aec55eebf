/**
 * An event the publishing activity refuses as invalid (INVALID_EVENT, a bug in the workflow code)
 * on the shared (real-time) Temporal dev server: the dossier or feedback is not lost (the workflow
 * keeps running), no one-minute retry timer fills its history, and its workflow task fails so that
 * Temporal retries it until a fixed build is deployed.
 */
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDossierActivities } from '../../activities/dossier-activities.js';
import { DossierClient } from '../../client/dossier-client.js';
import { dossierWorkflowType } from '../../contract/dossier-contract.js';
import { feedbackWorkflowType } from '../../contract/feedback-contract.js';
import { type DossierApplicationInput, dossierApplicationSchema } from '../../domain/application.js';
import { feedbackSchema } from '../../domain/feedback/feedback-schema.js';
import { feedbackIdFor } from '../../domain/feedback/feedback-submission.js';
import { toCivilDate } from '../../domain/time.js';
import { DigitizedRegistry } from '../../infra/digitized-registry.js';
import { createLogger } from '../../infra/logging.js';
import { UnitKeyring } from '../../infra/signing.js';
import { type DossierTestSystem, startDossierSystem, workflowBundle } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { connectTemporal, type TemporalTestConnections } from '../support/test-servers.js';

const taskQueue = `tthc-invalid-events-${process.pid}`;
let system: DossierTestSystem;
let temporal: TemporalTestConnections;
let worker: { run: Promise<void>; shutdown(): void } | undefined;
/** Which events the publishing activities refuse as invalid (set by each test). */
let refuses: (event: { type: string }) => boolean = () => true;
let refusals = 0;
let serial = 0;
const started: WorkflowHandle[] = [];

/** The real activities, except that publishing refuses the chosen events as the schema check would. */
async function refusingActivities() {
  const activities = await createDossierActivities({
    nc: system.nc,
    store: system.documents,
    keyring: new UnitKeyring(join(system.dataDir, 'keys')),
    digitized: await DigitizedRegistry.open(system.nc),
    pseudonymSecret: () => system.protection.keyring.pseudonymSecret,
    dataKeys: system.protection.dataKeys,
    logger: createLogger({ name: 'test-worker', level: 'warn' }),
    organisation: 'demo',
  });
  const refusing =
    <E extends { id: string; type: string }>(publish: (events: E[]) => Promise<number[]>) =>
    async (events: E[]): Promise<number[]> => {
      const invalid = events.find((event) => refuses(event));
      if (!invalid) return publish(events);
      refusals++;
      throw ApplicationFailure.nonRetryable(
        `Event ${invalid.id} does not match the schema: facts: required`,
        'INVALID_EVENT',
      );
    };
  return {
    ...activities,
    publishEvents: refusing(activities.publishEvents),
    publishFeedbackEvents: refusing(activities.publishFeedbackEvents),
  };
}

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: false });
  temporal = await connectTemporal(system.protection);
  const created = await Worker.create({
    connection: temporal.nativeConnection,
    dataConverter: system.protection.dataConverter,
    namespace: system.temporal.options.namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: await refusingActivities(),
  });
  worker = { run: created.run(), shutdown: () => created.shutdown() };
});

afterAll(async () => {
  for (const handle of started) await handle.terminate('test over').catch(() => undefined);
  worker?.shutdown();
  await worker?.run;
  await temporal?.close();
  await system?.teardown();
});

beforeEach(() => {
  refusals = 0;
});

async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let waited = 0; waited < 30_000; waited += 250) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} within 30 s`);
}

async function decodedFailureMessage(attributes: Payload | null | undefined): Promise<string> {
  if (!attributes) throw new Error('the failure carries no encoded attributes');
  const [decoded] = await system.protection.codec.decode([attributes as Payload]);
  return (defaultPayloadConverter.fromPayload(decoded as Payload) as { message: string }).message;
}

async function expectKeptWithoutRetryTimers(handle: WorkflowHandle): Promise<void> {
  // The history keeps the first failed workflow task; the retries are not written to it.
  const history = await poll(`no workflow task of ${handle.workflowId} failed`, async () => {
    const fetched = await handle.fetchHistory();
    return fetched.events?.some((event) => event.workflowTaskFailedEventAttributes) ? fetched : undefined;
  });
  const encoded = history.events?.find((event) => event.workflowTaskFailedEventAttributes)
    ?.workflowTaskFailedEventAttributes?.failure;
  // The failure's message travels encrypted (encodeCommonAttributes): the history shows only a placeholder.
  expect(encoded?.message).toBe('Encoded failure');
  const failure = await decodedFailureMessage(encoded?.encodedAttributes);
  expect(failure).toContain('INVALID_EVENT');
  expect(failure).toContain('does not match the schema');
  const timers = (history.events ?? []).flatMap((event) =>
    event.timerStartedEventAttributes
      ? [optionalTsToMs(event.timerStartedEventAttributes.startToFireTimeout)]
      : [],
  );
  expect(timers).not.toContain(60_000);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(refusals).toBeGreaterThan(0);
  await poll(`the workflow task of ${handle.workflowId} was not retried`, async () => {
    const { raw } = await handle.describe();
    return (raw.pendingWorkflowTask?.attempt ?? 0) >= 2 ? true : undefined;
  });
}

async function application(
  channel: DossierApplicationInput['channel'],
  receivingUnit: string,
  competentAgency: string,
): Promise<DossierApplicationInput> {
  serial++;
  return scannedHouseholdBusiness(system.documents, {
    requestId: `invalid-event-${Date.now()}-${serial}`,
    applicant: {
      type: 'citizen',
      fullName: 'Nguyễn Văn An',
      idNumber: `0510911${String(serial).padStart(5, '0')}`,
    },
    channel,
    receivingUnit,
    competentAgency,
  });
}

describe('an event refused as invalid', () => {
  it('at intake: the dossier keeps running, its workflow task fails and is retried, no retry timer', async () => {
    refuses = () => true;
    const unit = demoUnits.konTumOneStop;
    const input = await application('postal', unit, demoUnits.konTumCommittee);
    const { code } = await system.codes.reserveForRequest(input.requestId, unit, toCivilDate(Date.now()));
    const handle = await system.temporal.workflow.start(dossierWorkflowType, {
      workflowId: code,
      taskQueue,
      args: [{ code, application: dossierApplicationSchema.parse(input), intake: {} }],
    });
    started.push(handle);
    await expectKeptWithoutRetryTimers(handle);
  });

  it('for a liên thông opinion: the dossier keeps running, its workflow task fails and is retried', async () => {
    refuses = (event) => event.type === 'inter-agency-completed';
    const client = new DossierClient(system.temporal, system.codes, taskQueue);
    const agency = demoUnits.camThanhCommittee;
    const leader = actor('leader', agency);
    const specialist = actor('specialist', agency);
    const outcome = await client.receive({
      application: await application('online', demoUnits.camThanhOneStop, agency),
    });
    expect(outcome.outcome).toBe('accepted');
    const handle = system.temporal.workflow.getHandle(outcome.code);
    started.push(handle);
    await client.act(outcome.code, {
      name: 'assign',
      actor: leader,
      payload: { specialist: { id: specialist.id, name: specialist.name } },
    });
    const justice = demoUnits.justiceDepartment;
    await client.act(outcome.code, {
      name: 'start-inter-agency',
      actor: specialist,
      payload: { participants: [{ agency: justice, task: 'Xác nhận thông tin', workingDays: 1 }] },
    });
    await client.completeInterAgency(outcome.code, justice, actor('specialist', justice), 'Đồng ý');
    await expectKeptWithoutRetryTimers(handle);
  });

  it('for a feedback: it keeps running, its workflow task fails and is retried, no retry timer', async () => {
    refuses = () => true;
    const unit = demoUnits.justiceDepartment;
    const requestId = `invalid-event-${Date.now()}`;
    const feedback = feedbackSchema.parse({
      requestId,
      submitter: {
        type: 'citizen',
        fullName: 'Nguyễn Văn An',
        idNumber: '051091099999',
        phone: '0912345678',
        address: 'Phường Cẩm Thành, tỉnh Quảng Ngãi',
      },
      channel: 'online',
      receivingUnit: unit,
      content: 'Đề nghị bỏ yêu cầu nộp bản sao giấy tờ đã có trong CSDL quốc gia về dân cư.',
    });
    const { code } = await system.codes.reserveForRequest(requestId, unit, toCivilDate(Date.now()));
    const id = feedbackIdFor(code);
    const handle = await system.temporal.workflow.start(feedbackWorkflowType, {
      workflowId: id,
      taskQueue,
      args: [{ id, feedback }],
    });
    started.push(handle);
    await expectKeptWithoutRetryTimers(handle);
  });
});
