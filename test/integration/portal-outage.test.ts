/**
 * A portal outage of minutes (issue #17, Tests): for two minutes the portal emulator first answers
 * 503, then not at all (time-outs), while dossiers keep moving. The sync backs off and keeps every
 * event; the lag (the age of the oldest event not yet at the portal) grows past a minute; when the
 * portal is back, every state of every dossier reaches it once and in order, and the lag falls back
 * to nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalEmulator } from '../../portal/portal-emulator.js';
import type { PortalSyncService } from '../../portal/portal-sync-service.js';
import { startPortalSync } from '../../portal/portal-sync-setup.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { approveDossier } from '../support/dossier-steps.js';
import { emulatedPortalSettings } from '../support/emulated-portal.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { testLogger } from '../support/test-logging.js';

const oneStop = demoUnits.camThanhOneStop;
const committee = demoUnits.camThanhCommittee;
const counter = actor('counter-officer', oneStop);
const leader = actor('leader', committee);
const specialist = actor('specialist', committee, 'chuyen-vien-su-co');
const outageMs = 120_000;

let system: DossierTestSystem;
let portal: PortalEmulator;
let sync: PortalSyncService | undefined;
let serial = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, privateNats: true });
  portal = await PortalEmulator.start();
});
afterAll(async () => {
  await sync?.stop();
  await portal?.stop();
  await system?.teardown();
});

async function dossier(): Promise<string> {
  serial++;
  const { code } = await system.client.receive({
    application: await scannedHouseholdBusiness(system.documents, {
      requestId: `outage-${Date.now()}-${serial}`,
      applicant: {
        type: 'citizen',
        fullName: `Vũ Thị Hạnh ${serial}`,
        idNumber: `0790950${String(serial).padStart(5, '0')}`,
      },
      channel: 'counter',
      receivingUnit: oneStop,
      competentAgency: committee,
    }),
    intake: { officer: counter },
  });
  await approveDossier(system.client, code, { leader, specialist });
  return code;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a portal outage of minutes', () => {
  it('loses nothing, sends nothing twice or out of order, and the lag recovers', async () => {
    sync = await startPortalSync({
      nc: system.nc,
      temporal: system.temporal,
      dataKeys: system.protection.dataKeys,
      settings: emulatedPortalSettings(portal.url, 2_000),
      organisation: loadOrganisation('demo'),
      catalogue: loadCatalogue().procedures,
      logger: testLogger('test-portal-outage'),
    });
    const began = Date.now();
    portal.addFault({ kind: 'unavailable', status: 503, untilMs: began + outageMs / 2 });
    portal.addFault({ kind: 'timeout', untilMs: began + outageMs });
    const codes = [await dossier(), await dossier()];

    // Nothing reaches the portal; the lag grows past a minute while dossiers keep moving.
    await until(
      'a lag of a minute',
      async () => (await (sync as PortalSyncService).backlog()).oldestPendingSeconds >= 60,
      outageMs,
    );
    codes.push(await dossier());
    expect(portal.dossierCodes()).toEqual([]);
    const during = await sync.backlog();
    expect(during.pending).toBeGreaterThan(0);

    // The portal is back: everything arrives, once and in order; the lag falls back to nothing.
    await until(
      'every state at the portal',
      async () => {
        for (const code of codes) {
          const expected = (await system.publishedEvents(code)).filter(
            (e) => e.type !== 'portal-synced',
          ).length;
          if ((portal.dossier(code)?.progress.length ?? 0) < expected) return false;
        }
        return true;
      },
      outageMs + 90_000,
    );
    expect(Date.now() - began).toBeGreaterThanOrEqual(outageMs);
    for (const code of codes) {
      const seqs = (await system.publishedEvents(code))
        .filter((e) => e.type !== 'portal-synced')
        .map((e) => e.seq);
      expect(
        portal.dossier(code)?.progress.map((p) => p.PhienBan),
        code,
      ).toEqual(seqs);
    }
    expect(portal.stats().outOfOrder).toBe(0);
    expect(sync.metrics().retries).toBeGreaterThan(3);
    await until(
      'the lag back to nothing',
      async () => (await (sync as PortalSyncService).backlog()).pending === 0,
      30_000,
    );
    expect((await sync.backlog()).oldestPendingSeconds).toBe(0);
    // An event after the outage is at the portal at once again.
    const after = await dossier();
    await until('a new dossier at the portal', async () => portal.dossier(after) !== undefined, 30_000);
  }, 360_000);
});
