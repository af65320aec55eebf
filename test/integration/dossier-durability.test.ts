/**
 * Durability and concurrency on the shared (real-time) Temporal dev server: a dossier survives a
 * worker restart without duplicated events, concurrent counters never share a code, a repeated
 * request id returns the same dossier, and supervisors find dossiers by search attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRequest } from '../../contract/dossier-contract.js';
import type { Actor } from '../../domain/actor.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import { parseDossierCode } from '../../domain/dossier-code.js';
import { toCivilDate } from '../../domain/time.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const unit = demoUnits.konTumOneStop;
const agency = demoUnits.konTumCommittee;
const counter = actor('counter-officer', unit);
const leader = actor('leader', agency);
const specialist = actor('specialist', agency, 'chuyen-vien-kt');
let system: DossierTestSystem;
let serial = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: false });
});
afterAll(() => system?.teardown());

async function application(
  requestId = `durability-${Date.now()}-${++serial}`,
): Promise<DossierApplicationInput> {
  return scannedHouseholdBusiness(system.documents, {
    requestId,
    applicant: { type: 'organisation', name: 'Công ty TNHH Ví Dụ', taxCode: '0312345678' },
    channel: 'postal',
    receivingUnit: unit,
    competentAgency: agency,
  });
}

function act(code: string, name: ActionRequest['name'], by: Actor, payload: unknown = {}) {
  return system.client.act(code, { name, actor: by, payload });
}

describe('durability', () => {
  it('a dossier refused at intake ends at once, and every counter still gets its outcome (Mẫu 03)', async () => {
    const applications = await Promise.all(Array.from({ length: 12 }, () => application()));
    const outcomes = await Promise.all(
      applications.map((a) =>
        system.client.receive({
          application: a,
          intake: { officer: counter, refuseReason: 'Không thuộc thẩm quyền' },
        }),
      ),
    );
    for (const outcome of outcomes) {
      expect(outcome.outcome).toBe('refused');
      expect(outcome.forms).toContain('refusal');
    }
    const again = await system.client.receive({
      application: applications[0] as DossierApplicationInput,
      intake: { officer: counter, refuseReason: 'Không thuộc thẩm quyền' },
    });
    expect(again).toMatchObject({ existing: true, outcome: 'refused', code: outcomes[0]?.code });
  });

  it('a worker restarted in the middle of a dossier: the dossier continues and no event is duplicated', async () => {
    const { code } = await system.client.receive({ application: await application() });
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    await system.restartWorkers();
    await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
    await system.restartWorkers();
    await act(code, 'approve', leader, {});
    await act(code, 'return-result', counter, { channel: 'postal' });
    const view = await system.client.get(code);
    expect(view.state.status).toBe('DA_TRA_KET_QUA');

    const events = await system.events(code);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events).toHaveLength(view.eventSeq);
    expect(events.map((e) => e.type)).toEqual([
      'received',
      'accepted',
      'digitized',
      'assigned',
      'appraised',
      'approved',
      'result-returned',
    ]);
  });
});

describe('concurrency and idempotence', () => {
  it('two counters receiving at once at one unit get distinct, consecutive codes (TT 01/2018 Art 19)', async () => {
    const applications = await Promise.all(Array.from({ length: 8 }, () => application()));
    const outcomes = await Promise.all(applications.map((a) => system.client.receive({ application: a })));
    const codes = outcomes.map((o) => o.code);
    expect(new Set(codes).size).toBe(codes.length);
    const sequences = codes.map((c) => parseDossierCode(c).sequence).sort((a, b) => a - b);
    expect(sequences.at(-1) ?? 0).toBe((sequences[0] ?? 0) + sequences.length - 1);
    expect(outcomes.every((o) => o.outcome === 'accepted' && !o.existing)).toBe(true);
  });

  it('the same request id returns the same dossier instead of a second one, also when sent concurrently', async () => {
    const request = await application(`idempotent-${Date.now()}`);
    const [first, second] = await Promise.all([
      system.client.receive({ application: request }),
      system.client.receive({ application: request }),
    ]);
    const third = await system.client.receive({ application: request });
    expect(second.code).toBe(first.code);
    expect(third.code).toBe(first.code);
    expect(third.existing).toBe(true);
    const count = await system.temporal.workflow.count(`WorkflowId = '${first.code}'`);
    expect(count.count).toBe(1);
  });

  it('a repeated request starts the dossier when the first counter reserved its code but never started it', async () => {
    const request = await application();
    const today = toCivilDate(Date.now());
    const reserved = await system.codes.reserveForRequest(request.requestId, unit, today);
    await expect(system.client.get(reserved.code)).rejects.toThrow(/Không tìm thấy hồ sơ/);
    const repeated = await system.client.receive({ application: request });
    expect(repeated).toMatchObject({ code: reserved.code, existing: true, outcome: 'accepted' });
    expect((await system.client.get(reserved.code)).ended).toBe(false);
  });
});

describe('supervisor view', () => {
  it('lists dossiers by receiving unit, status and overdue flag with visibility queries', async () => {
    const { code } = await system.client.receive({ application: await application() });
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const query = `DossierReceivingUnit = '${unit}' AND DossierStatus = 'DANG_XU_LY' AND DossierOverdue = false AND DossierProcedure = '1.001612'`;
    const found = await eventually(async () => {
      const codes: string[] = [];
      for await (const execution of system.temporal.workflow.list({ query }))
        codes.push(execution.workflowId);
      return codes.includes(code) ? codes : undefined;
    });
    expect(found).toContain(code);
    const view = await system.client.get(code);
    expect(view.state.holder.official?.id).toBe(specialist.id);
    expect(view.state.history.map((h) => [h.action, h.actor?.id])).toEqual([
      ['accept', undefined],
      ['assign', leader.id],
    ]);
    expect(view.deadlines.decree?.dueDate).toBeDefined();
  });
});

/** Visibility is eventually consistent: retry a read until it yields a value. */
async function eventually<T>(read: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('visibility did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
