/**
 * Two officials acting on the same dossier at the same moment (DOMAIN.md §1.1 step 5): both
 * updates are answered, one after the other, and the dossier stays consistent. Found by the
 * simulation, where an apology and an appraisal met in the same slot and both hung.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IllegalActionError } from '../../client/client-errors.js';
import type { ActionRequest } from '../../contract/dossier-contract.js';
import type { Actor } from '../../domain/actor.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1');

let system: DossierTestSystem;
let requestCounter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
});
afterAll(async () => {
  await system?.teardown();
});

function act(code: string, name: ActionRequest['name'], by: Actor, payload: unknown = {}) {
  return system.client.act(code, { name, actor: by, payload });
}

async function acceptedDossier(): Promise<string> {
  requestCounter++;
  const outcome = await system.client.receive({
    application: await scannedHouseholdBusiness(system.documents, {
      requestId: `concurrent-${Date.now()}-${requestCounter}`,
      applicant: {
        type: 'citizen',
        fullName: 'Nguyễn Văn An',
        idNumber: `0510911${String(requestCounter).padStart(5, '0')}`,
      },
      channel: 'online',
      vneidAuthenticated: true,
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    }),
    intake: { officer: counter },
  });
  expect(outcome.outcome).toBe('accepted');
  return outcome.code;
}

describe('§1.1 step 5: concurrent actions on one dossier', () => {
  it('a payment and an assignment sent at once are both applied, in some order', async () => {
    const code = await acceptedDossier();
    const [paid, assigned] = await Promise.all([
      act(code, 'record-payment', counter, { amountVnd: 100_000, channel: 'dvcqg' }),
      act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } }),
    ]);
    expect(paid.status).toBeDefined();
    expect(assigned.status).toBe('DANG_XU_LY');
    const view = await system.client.get(code);
    expect(view.state.holder.official?.id).toBe(specialist.id);
    expect(view.state.payments).toHaveLength(1);
  });

  it('of two conflicting actions sent at once, one applies and the other is refused with a reason', async () => {
    const code = await acceptedDossier();
    await act(code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const outcomes = await Promise.allSettled([
      act(code, 'withdraw', counter, { reason: 'Người nộp rút hồ sơ' }),
      act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' }),
      act(code, 'withdraw', counter, { reason: 'Người nộp rút hồ sơ lần hai' }),
    ]);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const reason of refused) expect(reason).toBeInstanceOf(IllegalActionError);
    const view = await system.client.get(code);
    const events = (await system.events(code)).map((e) => e.type);
    expect(events.filter((t) => t === 'withdrawn').length).toBeLessThanOrEqual(1);
    expect(view.state.status).toBeDefined();
  });
});
