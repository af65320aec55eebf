/**
 * The portal emulator and the adapter that speaks to it (issue #17 items 1–2): a session login that
 * renews itself when the portal expires it; records created once and updated after, the same
 * version again a duplicate, an older one refused and counted; strict checks with refusals in the
 * portal's style; faults per test (refusals, 5xx, time-outs, slow answers) and the admin API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syntheticEvents } from '../../bench/synthetic-events.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import type { PortalRecord } from '../../portal/portal-api.js';
import { PortalClient, PortalUnavailableError } from '../../portal/portal-client.js';
import { defaultPortalAccount, PortalEmulator } from '../../portal/portal-emulator.js';
import { portalProgress, portalRecord } from '../../portal/portal-record.js';
import { portalReferences } from '../../portal/portal-sync-service.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { loadPortalMapping } from '../../rules/portal-mapping-loader.js';

const refs = portalReferences({
  catalogue: loadCatalogue().procedures,
  organisation: loadOrganisation('demo'),
  mapping: loadPortalMapping(),
  publicUrl: 'http://127.0.0.1:3000',
});
const identity = { applicantName: 'Nguyễn Văn An', applicantType: 'citizen' as const, supplements: [] };

let now = Date.parse('2026-05-04T08:00:00+07:00');
let emulator: PortalEmulator;
let client: PortalClient;

/** The synthetic dossier's events (received → returned), with codes the portal takes. */
function dossierEvents(n: number): DossierEvent[] {
  return syntheticEvents(5, `e${n}`).map((event) => {
    const code = `000.01.41.H99-260504-${String(n).padStart(4, '0')}`;
    return {
      ...event,
      id: `${code}:${event.seq}`,
      dossierCode: code,
      facts: {
        ...event.facts,
        receivingUnit: '000.01.41.H99',
        competentAgency: '000.00.41.H99',
        components: [],
      },
    };
  });
}

const record = (event: DossierEvent): PortalRecord => portalRecord(event, identity, refs);

beforeAll(async () => {
  emulator = await PortalEmulator.start({ sessionTtlMs: 60_000, holdMs: 5_000, clock: () => now });
  client = new PortalClient({
    url: emulator.url,
    username: defaultPortalAccount.username,
    password: defaultPortalAccount.password,
    unitCode: defaultPortalAccount.madonvi,
    timeoutMs: 500,
    clock: () => now,
  });
});
afterAll(() => emulator?.stop());
afterEach(() => emulator.clearFaults());

describe('the portal emulator and its adapter', () => {
  it('creates a record once, updates it, takes the same version again as a duplicate and refuses an older one', async () => {
    const [first, second, third] = dossierEvents(1) as [DossierEvent, DossierEvent, DossierEvent];
    expect(await client.syncRecords([record(first)], false)).toEqual([
      expect.objectContaining({ MaHoSo: first.dossierCode, PhienBan: 1, error_code: '00' }),
    ]);
    expect((await client.syncRecords([record(first)], false))[0]).toMatchObject({
      error_code: '00',
      duplicate: true,
    });
    expect((await client.syncRecords([record(second)], false))[0]).toMatchObject({
      error_code: '04',
      message: expect.stringContaining('đã tồn tại'),
    });
    expect((await client.syncRecords([record(third)], true))[0]?.error_code).toBe('00');
    const before = emulator.stats().outOfOrder;
    expect((await client.syncRecords([record(second)], true))[0]).toMatchObject({
      error_code: '06',
      message: 'Phiên bản 2 cũ hơn phiên bản 3 đã đồng bộ',
    });
    expect(emulator.stats().outOfOrder).toBe(before + 1);
    expect(emulator.dossier(first.dossierCode)?.versions).toEqual([1, 3]);

    // Progress: in order, a repeated step is a duplicate, an older one is refused.
    const steps = [first, second, third].map((e) => portalProgress(e, refs));
    expect((await client.sendProgress(steps)).map((r) => r.error_code)).toEqual(['00', '00', '00']);
    expect((await client.sendProgress([steps[2] as never]))[0]).toMatchObject({ duplicate: true });
    expect(emulator.dossier(first.dossierCode)?.progress.map((p) => p.PhienBan)).toEqual([1, 2, 3]);
    const unknown = portalProgress(dossierEvents(2)[0] as DossierEvent, refs);
    expect((await client.sendProgress([unknown]))[0]).toMatchObject({ error_code: '05' });
  });

  it('checks every field and refuses in the portal’s style, naming the field; the others of the request pass', async () => {
    const [good] = dossierEvents(3) as [DossierEvent];
    const bad = { ...record(dossierEvents(4)[0] as DossierEvent), NgayNopHoSo: '2026-05-04 08:00', Gia: 5 };
    const results = await client.syncRecords([record(good), bad as PortalRecord], false);
    expect(results[0]?.error_code).toBe('00');
    expect(results[1]).toMatchObject({
      MaHoSo: bad.MaHoSo,
      error_code: '01',
      message: 'NgayNopHoSo: sai định dạng yyyyMMddHHmmss; Gia: trường không có trong đặc tả',
    });
  });

  it('renews an expired session by itself, and a session before its lifetime runs out', async () => {
    const [event] = dossierEvents(5) as [DossierEvent];
    await client.syncRecords([record(event)], false);
    const logins = client.requests.login;
    emulator.expireSessions();
    expect((await client.syncRecords([record(event)], false))[0]?.duplicate).toBe(true);
    expect(client.requests.login).toBe(logins + 1);
    expect(client.requests.sessionRenewals).toBe(1);
    now += 58_000; // past 90 % of the 60 s the login gave
    await client.syncRecords([record(event)], false);
    expect(client.requests.login).toBe(logins + 2);
    expect(client.requests.sessionRenewals).toBe(1);
  });

  it('an outage, a time-out and a wrong password are PortalUnavailableError (nothing decided); a slow answer still comes', async () => {
    const [event] = dossierEvents(6) as [DossierEvent];
    emulator.addFault({ kind: 'unavailable', status: 503, times: 1 });
    await expect(client.syncRecords([record(event)], false)).rejects.toMatchObject({
      name: 'PortalUnavailableError',
      reason: 'http',
    });
    emulator.addFault({ kind: 'timeout', services: ['DongBoHoSoMC'], times: 1 });
    const timedOut = await client.syncRecords([record(event)], false).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(PortalUnavailableError);
    expect((timedOut as PortalUnavailableError).reason).toBe('timeout');
    emulator.addFault({ kind: 'slow', delayMs: 200, times: 1 });
    expect((await client.syncRecords([record(event)], false))[0]?.error_code).toBe('00');
    expect(emulator.dossier(event.dossierCode)?.versions).toEqual([1]);

    const wrong = new PortalClient({
      url: emulator.url,
      username: 'x',
      password: 'y',
      unitCode: '000.00.00.H99',
    });
    await expect(wrong.syncRecords([record(event)], true)).rejects.toMatchObject({ reason: 'login' });
  });

  it('refuses one dossier when told, and its admin API shows what it holds and takes faults', async () => {
    const [a] = dossierEvents(7) as [DossierEvent];
    const [b] = dossierEvents(8) as [DossierEvent];
    const fault = await fetch(`${emulator.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'refuse', dossier: a.dossierCode, message: 'Mã TTHC không khớp đơn vị' }),
    });
    expect(fault.status).toBe(201);
    const results = await client.syncRecords([record(a), record(b)], false);
    expect(results.map((r) => [r.error_code, r.message])).toEqual([
      ['01', 'Mã TTHC không khớp đơn vị'],
      ['00', 'Đã tạo hồ sơ'],
    ]);
    const held = (await (await fetch(`${emulator.url}/admin/dossiers/${b.dossierCode}`)).json()) as {
      record: PortalRecord;
    };
    expect(held.record.ChuHoSo).toBe('Nguyễn Văn An');
    expect((await fetch(`${emulator.url}/admin/dossiers/${a.dossierCode}`)).status).toBe(404);
    const bad = await fetch(`${emulator.url}/admin/faults`, { method: 'POST', body: '{"kind":"flood"}' });
    expect(bad.status).toBe(400);
    expect(await (await fetch(`${emulator.url}/admin/faults`, { method: 'DELETE' })).json()).toEqual({
      faults: 0,
    });
  });
});
