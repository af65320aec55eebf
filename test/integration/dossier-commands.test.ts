/**
 * The commands a dossier sends the server on the happy path (issue #19): one patch marker for the
 * baseline of every patch, a deadline timer kept while the next check stays where it was, and
 * search attributes written only when a value changes — and still right at the end.
 */
import { randomUUID } from 'node:crypto';
import protoPackage from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAttributes } from '../../contract/search-attributes.js';
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

    const written = new Map<string, string>();
    const upserts = named(events, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
    expect(upserts.length).toBeGreaterThan(0);
    for (const upsert of upserts) {
      const fields =
        upsert.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {};
      const changed = Object.entries(fields).filter(([key, payload]) => {
        const value = Buffer.from(payload.data ?? new Uint8Array()).toString();
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
