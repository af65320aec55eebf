/**
 * The commands a dossier sends the server on the happy path (issue #19): one patch marker for the
 * baseline of every patch, a deadline timer kept while the next check stays where it was, and
 * search attributes written only when a value changes — and still right at the end. The client
 * starts a dossier with its search attributes, so its first workflow task writes none of them.
 */
import { randomUUID } from 'node:crypto';
import protoPackage from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierWorkflowType, intakeOutcomeUpdate } from '../../contract/dossier-contract.js';
import { searchAttributes } from '../../contract/search-attributes.js';
import { dossierTaskQueue } from '../../contract/task-queues.js';
import { dossierApplicationSchema } from '../../domain/application.js';
import { toCivilDate } from '../../domain/time.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { approveDossier } from '../support/dossier-steps.js';
import { actor, citizenApplication, demoUnits } from '../support/fixtures.js';

let system: DossierTestSystem;
beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: false });
}, 120_000);
afterAll(() => system?.teardown());

const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee);
const counter = actor('counter-officer', demoUnits.camThanhOneStop);

async function happyPath(): Promise<string> {
  const { code } = await system.client.receive({
    application: citizenApplication({ requestId: `commands-${randomUUID()}` }),
  });
  await approveDossier(system.client, code, { leader, specialist });
  await system.client.act(code, { name: 'return-result', actor: counter, payload: { channel: 'counter' } });
  return code;
}

const { EventType } = protoPackage.temporal.api.enums.v1;
type HistoryEvent = protoPackage.temporal.api.history.v1.IHistoryEvent;
const named = (events: HistoryEvent[], type: protoPackage.temporal.api.enums.v1.EventType) =>
  events.filter((e) => e.eventType === type);
type IndexedFields = Record<string, { data?: Uint8Array | null }>;
const startFields = (events: HistoryEvent[]): IndexedFields =>
  events[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields ?? {};
const upsertedFields = (event: HistoryEvent): IndexedFields =>
  event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
const text = (payload: { data?: Uint8Array | null } | undefined) =>
  payload ? Buffer.from(payload.data ?? new Uint8Array()).toString() : undefined;

/** The upserts in the first workflow task's commands (before the next task is scheduled). */
function firstTaskUpserts(events: HistoryEvent[]): HistoryEvent[] {
  const completed = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const next = events.findIndex(
    (e, i) => i > completed && e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  );
  return named(events.slice(completed, next), EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
}

describe('commands of a dossier begun with the baseline patch', () => {
  it('one patch marker, two timers for four actions, and no search-attribute write that changes nothing', async () => {
    const code = await happyPath();
    const handle = system.temporal.workflow.getHandle(code);
    const events = (await handle.fetchHistory()).events ?? [];

    const patchMarkers = named(events, EventType.EVENT_TYPE_MARKER_RECORDED).filter(
      (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch',
    );
    expect(patchMarkers).toHaveLength(1);

    // Accepting aims the timer at the apology check; assigning and appraising leave it there;
    // approving ends the checks (the timer is cancelled); returning aims it at the evaluation's end.
    expect(named(events, EventType.EVENT_TYPE_TIMER_STARTED)).toHaveLength(2);
    expect(named(events, EventType.EVENT_TYPE_TIMER_CANCELED)).toHaveLength(1);

    const written = new Map(Object.entries(startFields(events)).map(([key, p]) => [key, text(p)]));
    const upserts = named(events, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    expect(upserts.length).toBeGreaterThan(0);
    for (const upsert of upserts) {
      const fields = upsertedFields(upsert);
      const changed = Object.entries(fields).filter(([key, payload]) => {
        const value = text(payload);
        const before = written.get(key);
        written.set(key, value);
        return before !== value;
      });
      expect(
        changed.length,
        `an upsert of ${Object.keys(fields).join(', ')} changed nothing`,
      ).toBeGreaterThan(0);
    }

    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(searchAttributes.status)).toBe('DA_TRA_KET_QUA');
    expect(attributes.get(searchAttributes.receivingUnit)).toBe(demoUnits.camThanhOneStop);
    expect(attributes.get(searchAttributes.competentAgency)).toBe(demoUnits.camThanhCommittee);
    expect(attributes.get(searchAttributes.procedure)).toBe('1.001612');
    expect(attributes.get(searchAttributes.channel)).toBe('counter');
    expect(attributes.get(searchAttributes.overdue)).toBe(false);
    expect(attributes.get(searchAttributes.dueAt)).toBeInstanceOf(Date);
  });
});

describe('search attributes at the start of a dossier', () => {
  it('the client starts it with them, so its first workflow task upserts none of them', async () => {
    const code = await happyPath();
    const events = (await system.temporal.workflow.getHandle(code).fetchHistory()).events ?? [];

    const started = startFields(events);
    expect(text(started.DossierReceivingUnit)).toBe(JSON.stringify(demoUnits.camThanhOneStop));
    expect(text(started.DossierCompetentAgency)).toBe(JSON.stringify(demoUnits.camThanhCommittee));
    expect(text(started.DossierProcedure)).toBe(JSON.stringify('1.001612'));
    expect(text(started.DossierChannel)).toBe(JSON.stringify('counter'));
    expect(text(started.DossierStatus)).toBe(JSON.stringify('CHO_TIEP_NHAN'));
    expect(text(started.DossierOverdue)).toBe('false');
    expect(started.DossierDueAt).toBeUndefined();

    const dossierKeys = firstTaskUpserts(events).flatMap((upsert) =>
      Object.keys(upsertedFields(upsert)).filter((key) => key.startsWith('Dossier')),
    );
    expect(dossierKeys).toEqual([]);
  });

  it('a dossier started without them (an older client) gets them all from its first workflow task', async () => {
    const input = citizenApplication({ requestId: `commands-${randomUUID()}` });
    const { code } = await system.codes.reserveForRequest(
      input.requestId,
      input.receivingUnit,
      toCivilDate(Date.now()),
    );
    const handle = await system.temporal.workflow.start(dossierWorkflowType, {
      workflowId: code,
      taskQueue: dossierTaskQueue,
      args: [{ code, application: dossierApplicationSchema.parse(input), intake: {} }],
    });
    expect((await handle.executeUpdate(intakeOutcomeUpdate)).outcome).toBe('accepted');
    await approveDossier(system.client, code, { leader, specialist });
    const events = (await handle.fetchHistory()).events ?? [];

    expect(startFields(events)).toEqual({});
    const firstTask = new Set(
      firstTaskUpserts(events).flatMap((upsert) => Object.keys(upsertedFields(upsert))),
    );
    for (const key of [
      'DossierReceivingUnit',
      'DossierCompetentAgency',
      'DossierProcedure',
      'DossierChannel',
    ])
      expect(firstTask, key).toContain(key);
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(searchAttributes.receivingUnit)).toBe(demoUnits.camThanhOneStop);
    expect(attributes.get(searchAttributes.status)).toBe('DA_XU_LY_XONG');
  });
});
