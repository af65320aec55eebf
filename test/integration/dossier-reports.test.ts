/**
 * What outside services report back to a dossier (DOMAIN.md §2.3 1.4; ND 224/2026 Art 15): the
 * portal's acknowledgement makes it synced, in an event the indicators count; an undelivered message
 * goes on its timeline. Real workers on the time-skipping server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierValidationError, IllegalActionError } from '../../client/client-errors.js';
import { formatInstant } from '../../domain/time.js';
import { dossierContribution } from '../../indicators/dossier-counters.js';
import { periodsContaining } from '../../indicators/periods.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const counter = actor('counter-officer', demoUnits.camThanhOneStop);
let system: DossierTestSystem;
let requestCounter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
});
afterAll(async () => {
  await system?.teardown();
});

async function acceptedDossier(): Promise<string> {
  requestCounter++;
  const outcome = await system.client.receive({
    application: await scannedHouseholdBusiness(system.documents, {
      requestId: `reports-${Date.now()}-${requestCounter}`,
      applicant: {
        type: 'citizen',
        fullName: 'Lê Thị Hoa',
        idNumber: `0510922${String(requestCounter).padStart(5, '0')}`,
      },
      channel: 'counter',
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    }),
    intake: { officer: counter },
  });
  expect(outcome.outcome).toBe('accepted');
  return outcome.code;
}

const now = async () => (await system.env?.currentTimeMs()) ?? Date.now();

describe('reports of the outside services', () => {
  it('the portal’s first acknowledgement makes the dossier synced, once, and the 766 counters see it (1.4)', async () => {
    const code = await acceptedDossier();
    const before = await system.client.get(code);
    expect(before.state.portalSyncedAt).toBeUndefined();
    const acknowledgedAt = formatInstant(await now());
    await system.client.recordPortalSync(code, { seq: before.eventSeq, acknowledgedAt });
    const synced = await system.client.get(code);
    expect(synced.state.portalSyncedAt).toBe(Date.parse(acknowledgedAt));
    expect(synced.state.history.at(-1)?.action).toBe('portal-synced');

    const events = await system.events(code);
    const last = events.at(-1);
    expect(last?.type).toBe('portal-synced');
    expect(last?.facts.portalSyncedAt).toBe(acknowledgedAt);
    const [month] = periodsContaining(Date.parse(last?.facts.acceptedAt ?? ''), ['month']);
    expect(dossierContribution(last?.facts as never, month as string)).toMatchObject({
      accepted: 1,
      synced: 1,
    });

    // The same or an older acknowledgement changes nothing; one of a later state only moves the seq.
    await system.client.recordPortalSync(code, { seq: before.eventSeq, acknowledgedAt });
    await system.client.recordPortalSync(code, {
      seq: synced.eventSeq,
      acknowledgedAt: formatInstant(await now()),
    });
    const again = await system.client.get(code);
    expect((await system.events(code)).filter((e) => e.type === 'portal-synced')).toHaveLength(1);
    expect(again.state.portalSync?.seq).toBe(synced.eventSeq);
    expect(again.state.portalSyncedAt).toBe(Date.parse(acknowledgedAt));
  });

  it('an acknowledgement of a state the dossier has not reached, or a malformed one, is refused and changes nothing', async () => {
    const code = await acceptedDossier();
    const view = await system.client.get(code);
    const refused = await system.client
      .recordPortalSync(code, { seq: view.eventSeq + 5, acknowledgedAt: formatInstant(await now()) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // Not reached yet: the portal sync tries it again later (the stream can be ahead of a dossier).
    expect(refused).toBeInstanceOf(IllegalActionError);
    expect((refused as IllegalActionError).code).toBe('NOT_REACHED');
    expect((refused as Error).message).toContain(`chưa có sự kiện số ${view.eventSeq + 5}`);
    const malformed = await system.client
      .recordPortalSync(code, { seq: 0, acknowledgedAt: 'yesterday' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(malformed).toBeInstanceOf(DossierValidationError);
    expect((malformed as Error).message).toContain('acknowledgedAt');
    expect((await system.client.get(code)).eventSeq).toBe(view.eventSeq);
  });

  it('a message that could not be delivered shows on the timeline, with its reason', async () => {
    const code = await acceptedDossier();
    const view = await system.client.get(code);
    await system.client.recordNotificationFailure(code, {
      seq: view.eventSeq,
      kind: 'accepted',
      channel: 'sms',
      reason: 'Cổng SMS từ chối: số thuê bao không tồn tại',
      failedAt: formatInstant(await now()),
    });
    const after = await system.client.get(code);
    expect(after.state.history.at(-1)).toMatchObject({
      action: 'notification-failed',
      note: 'accepted (sms): Cổng SMS từ chối: số thuê bao không tồn tại',
    });
    expect((await system.events(code)).at(-1)).toMatchObject({
      type: 'notification-failed',
      data: { kind: 'accepted', channel: 'sms' },
    });
  });
});
