/**
 * Yearly targets (giao chỉ tiêu) through the API: the province's supervisors give them, every
 * supervisor of the subtree reads each unit's share so far against its target, the forecast to the
 * end of the year, and whether it falls behind; counted by the live indicator aggregator from real
 * dossiers. They are received in the coming year (the time-skipping server's clock is moved
 * there) on a NATS server of this file's own, so the year's counters hold this file's dossiers
 * only: the console's targets test receives dossiers in the coming year too.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { setActiveBucket } from '../../aggregators/indicator-store.js';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { toCivilDate } from '../../domain/time.js';
import { yearElapsed } from '../../indicators/target-progress.js';
import { createLogger } from '../../infra/logging.js';
import { UnitTargetStore } from '../../infra/unit-target-store.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { testLogger } from '../support/test-logging.js';

const secret = generateSecret();
const province = '000.00.00.H99';
const commune = '000.00.43.H99';
const oneStop = '000.01.43.H99';
/** Next year: its counters are this file's alone; it has not begun for the API's clock (elapsed 0). */
const year = Number(toCivilDate(Date.now()).slice(0, 4)) + 1;
let system: DossierTestSystem;
let indicators: IndicatorService;
let app: FastifyInstance;

async function tokenFor(role: OfficialRole, unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role }, '1h'))
    .token;
}

const targets = {
  issuedBy: province,
  year,
  decision: { number: '99/QĐ-UBND', date: `${year}-01-10` },
  targets: [{ unit: commune, online: 60, onTime: 90 }],
};

function putTargets(token: string, body: unknown = targets, path = `/v1/targets/${year}`) {
  return app.inject({
    method: 'PUT',
    url: path,
    headers: { authorization: `Bearer ${token}` },
    payload: body as object,
  });
}

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, privateNats: true });
  const now = await system.env?.currentTimeMs();
  await system.env?.sleep(Date.parse(`${year}-01-05T09:00:00+07:00`) - (now ?? Date.now()));
  const metaBucket = `tthc_targets_meta_${process.pid}`;
  await setActiveBucket(system.nc, `tthc_targets_ind_${process.pid}`, metaBucket);
  indicators = await IndicatorService.start(system.nc, createLogger({ level: 'silent' }), metaBucket);
  const organisation = loadOrganisation('demo');
  app = await buildApiServer({
    logger: testLogger('api-targets'),
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    documents: system.documents,
    accessLog: await AccessLog.open(system.nc),
    indicators: new IndicatorReadModel(
      system.nc,
      organisation,
      loadCatalogue().procedures,
      undefined,
      metaBucket,
    ),
    targets: new UnitTargetStore(system.nc, `tthc_targets_${process.pid}`),
    organisation,
    secret,
    // Officials' tokens here are signed with the secret: a development setting, on in this API only.
    devSharedSecretTokens: true,
  });
});

afterAll(async () => {
  await app?.close();
  await indicators?.stop();
  await system?.teardown();
});

describe('yearly targets', () => {
  it('are given by the province’s supervisors and administrators only, for units under it', async () => {
    expect((await putTargets(await tokenFor('counter-officer', oneStop))).statusCode).toBe(403);
    expect((await putTargets(await tokenFor('supervisor', commune))).statusCode).toBe(403);
    const supervisor = await tokenFor('supervisor', province);
    expect((await putTargets(supervisor, targets, `/v1/targets/${year + 1}`)).statusCode).toBe(400);
    const outside = await putTargets(supervisor, {
      ...targets,
      targets: [{ unit: '000.00.30.H99', online: 50 }],
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().issues).toEqual([
      'targets.000.00.30.H99: not under 000.00.00.H99, which gives the targets',
    ]);
    const tooHigh = await putTargets(supervisor, { ...targets, targets: [{ unit: commune, online: 120 }] });
    expect(tooHigh.json().issues).toEqual(['targets[0].online: must be from 0 to 100']);
    const given = await putTargets(supervisor);
    expect(given.statusCode, given.body).toBe(200);
  });

  it('show each unit’s share so far against its target, the forecast, and who falls behind', async () => {
    expect((await putTargets(await tokenFor('administrator', province))).statusCode).toBe(200);
    const channels = ['online', 'counter', 'counter', 'counter'] as const;
    for (const [i, channel] of channels.entries()) {
      await system.client.receive({
        application: {
          requestId: `targets-${process.pid}-${i}`,
          procedureCode: '1.001612',
          applicant: { type: 'citizen', fullName: 'Người Nộp Thử', idNumber: '079444555666' },
          channel,
          receivingUnit: oneStop,
          competentAgency: commune,
          documents: [
            { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'electronic' },
            { kind: 'giay-to-phap-ly-ca-nhan', form: 'electronic' },
          ],
        },
      });
    }
    const supervisor = await tokenFor('supervisor', province);
    let progress: Record<string, unknown> = {};
    for (let attempt = 0; attempt < 150; attempt++) {
      progress = (
        await app.inject({
          method: 'GET',
          url: `/v1/targets?unit=${commune}&year=${year}`,
          headers: { authorization: `Bearer ${supervisor}` },
        })
      ).json();
      const units = progress.units as Array<{
        unit: { code: string };
        measures: Array<{ measure: string; denominator: number }>;
      }>;
      if (units?.[0]?.measures.find((m) => m.measure === 'online')?.denominator === channels.length) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(progress).toMatchObject({ year, issuedBy: province, decision: targets.decision });
    expect(progress.elapsed).toBe(yearElapsed(year, toCivilDate(Date.now())));
    expect(progress.elapsed).toBe(0);
    const [self, ...children] = progress.units as Array<{
      unit: { code: string };
      behind: boolean;
      measures: Array<{
        measure: string;
        target?: number;
        actual: number | null;
        forecast: number | null;
        behind: boolean;
      }>;
    }>;
    expect(self?.unit.code).toBe(commune);
    expect(children.map((c) => c.unit.code)).toContain(oneStop);
    const online = self?.measures.find((m) => m.measure === 'online');
    // One online dossier of four; the year has not begun for the API: the forecast is the share, 25 % < 60 %.
    expect(online).toMatchObject({ target: 60, actual: 25, behind: true });
    expect(online?.forecast).toBeCloseTo(25, 6);
    expect(self?.behind).toBe(true);
    expect(self?.measures.find((m) => m.measure === 'onlinePayment')).not.toHaveProperty('target');
  });

  it('are read by supervisors of the subtree, not by counter officers', async () => {
    const counter = await app.inject({
      method: 'GET',
      url: `/v1/targets?unit=${commune}`,
      headers: { authorization: `Bearer ${await tokenFor('counter-officer', oneStop)}` },
    });
    expect(counter.statusCode).toBe(403);
    const other = await app.inject({
      method: 'GET',
      url: `/v1/targets?unit=${commune}`,
      headers: { authorization: `Bearer ${await tokenFor('supervisor', '000.00.42.H99')}` },
    });
    expect(other.statusCode).toBe(403);
  });

  it('as given are read back for the form that gives them again (GET /v1/targets/{year})', async () => {
    const supervisor = await tokenFor('supervisor', province);
    expect((await putTargets(supervisor)).statusCode).toBe(200);
    const read = (token: string, url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    // The caller's province by default; the stored document as it was given.
    const given = await read(supervisor, `/v1/targets/${year}`);
    expect(given.statusCode, given.body).toBe(200);
    expect(given.json()).toEqual(targets);
    expect((await read(supervisor, `/v1/targets/${year}?issuedBy=${province}`)).json()).toEqual(targets);
    // Before any decision for the year: 404 with the year named.
    const none = await read(supervisor, `/v1/targets/${year + 2}`);
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toContain(`Chưa giao chỉ tiêu năm ${year + 2}`);
    // Staff of a commune may not read the province's; bad input is named.
    expect((await read(await tokenFor('supervisor', commune), `/v1/targets/${year}`)).statusCode).toBe(403);
    expect((await read(await tokenFor('counter-officer', oneStop), `/v1/targets/${year}`)).statusCode).toBe(
      403,
    );
    const badYear = await read(supervisor, '/v1/targets/26');
    expect(badYear.statusCode).toBe(400);
    expect(JSON.stringify(badYear.json().issues)).toContain('must be a year such as 2026');
    expect((await read(supervisor, `/v1/targets/${year}?issuedBy=x`)).statusCode).toBe(400);
    expect((await read(supervisor, `/v1/targets/${year}?issuedBy=999.99.99.H99`)).statusCode).toBe(404);
  });
});
