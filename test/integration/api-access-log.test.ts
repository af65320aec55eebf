/**
 * The personal-data access log through the HTTP API, on real workflows and the real nats-server:
 * the dossier view, a form naming the applicant and a document download each record one entry
 * (official, role, unit, dossier, route) before they answer, and the reads that carry no applicant
 * data record none; no entry, no data (503); the administrators' route and `tthc audit`; the
 * citizen's lookup shows the units, never the officials.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import type { AccessEntry, AccessLogPage } from '../../audit/access-entry.js';
import { AccessLog } from '../../audit/access-log.js';
import { createLogger } from '../../infra/logging.js';
import { projectRoot } from '../../infra/tools.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { connectNats } from '../support/test-servers.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();
const province = '000.00.00.H99';
const applicantName = 'Đặng Thị Mai';
const idNumber = '079085077777';

let system: DossierTestSystem;
let log: AccessLog;
let app: FastifyInstance;
let apiUrl: string;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  log = await AccessLog.open(system.nc);
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog: log,
    documents: system.documents,
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

// ---------------------------------------------------------------------------------------------
// Helpers

const officials = {
  counter: { role: 'counter-officer', unit: demoUnits.camThanhOneStop, id: 'can-bo-01' },
  specialist: { role: 'specialist', unit: demoUnits.camThanhCommittee, id: 'chuyen-vien-1' },
  leader: { role: 'leader', unit: demoUnits.camThanhCommittee, id: 'lanh-dao-1' },
  supervisor: { role: 'supervisor', unit: province, id: 'giam-sat-1' },
  administrator: { role: 'administrator', unit: province, id: 'quan-tri-1' },
  otherCounter: { role: 'counter-officer', unit: demoUnits.konTumOneStop, id: 'can-bo-kon-tum' },
} as const satisfies Record<string, { role: OfficialRole; unit: string; id: string }>;
type Who = keyof typeof officials;

const nameOf = (who: Who) => `Cán bộ ${officials[who].id}`;

async function token(who: Who): Promise<string> {
  const { role, unit, id } = officials[who];
  return (await issueToken(secret, { sub: id, name: nameOf(who), unit, role }, '1h')).token;
}

async function get(url: string, who?: Who, api = app) {
  return api.inject({
    method: 'GET',
    url,
    headers: who ? { authorization: `Bearer ${await token(who)}` } : {},
  });
}

let counter = 0;
interface Received {
  code: string;
  lookupSecret: string;
  scanRef: string;
  /** Sends the same receive request again (same request id). */
  again(): Promise<LightMyRequestResponse>;
}

async function receiveDossier(): Promise<Received> {
  const scan = await system.documents.put(
    new TextEncoder().encode(`access log scan ${Date.now()} ${++counter}`),
    {
      mediaType: 'application/pdf',
      name: 'cccd.pdf',
    },
  );
  const requestId = `api-access-log-${Date.now()}-${counter}`;
  const send = async () =>
    app.inject({
      method: 'POST',
      url: '/v1/dossiers',
      headers: { authorization: `Bearer ${await token('counter')}` },
      payload: {
        application: {
          requestId,
          procedureCode: '1.001612',
          applicant: { type: 'citizen', fullName: applicantName, idNumber, phone: '0912345678' },
          channel: 'counter',
          receivingUnit: demoUnits.camThanhOneStop,
          competentAgency: demoUnits.camThanhCommittee,
          documents: [
            { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: scan.ref },
            { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: scan.ref },
          ],
        },
        intake: { receiptRequested: true },
      },
    });
  const response = await send();
  expect(response.statusCode, response.body).toBe(201);
  const { code, lookupSecret } = response.json() as { code: string; lookupSecret: string };
  const view = await system.client.get(code);
  const scanRef = view.state.components.find((c) => c.ref?.startsWith('sha256:'))?.ref as string;
  expect(scanRef).toBeTruthy();
  return { code, lookupSecret, scanRef, again: send };
}

function expectEntry(entry: AccessEntry | undefined, who: Who, code: string, route: string, detail?: string) {
  expect(entry).toMatchObject({
    dossierCode: code,
    route,
    official: {
      id: officials[who].id,
      name: nameOf(who),
      role: officials[who].role,
      unit: officials[who].unit,
    },
  });
  expect(entry?.detail).toBe(detail);
  expect(Date.now() - Date.parse(entry?.at ?? '')).toBeLessThan(60_000);
}

// ---------------------------------------------------------------------------------------------

describe('reads of personal data are recorded before the answer', () => {
  let dossier: Received;
  beforeAll(async () => {
    dossier = await receiveDossier();
  });

  it('receiving records nothing: the counter officer has just entered the data', async () => {
    expect(await log.listForDossier(dossier.code)).toEqual([]);
  });

  it('the dossier view: one entry with the official, role, unit, dossier and route', async () => {
    const before = (await log.listForDossier(dossier.code)).length;
    const response = await get(`/v1/dossiers/${dossier.code}`, 'counter');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(applicantName);
    const entries = await log.listForDossier(dossier.code);
    expect(entries).toHaveLength(before + 1);
    expectEntry(entries.at(-1), 'counter', dossier.code, 'dossier-view');
  });

  it('a printed form: one entry naming the form', async () => {
    const before = (await log.listForDossier(dossier.code)).length;
    const response = await get(`/v1/dossiers/${dossier.code}/forms/receipt`, 'specialist');
    expect(response.statusCode).toBe(200);
    const entries = await log.listForDossier(dossier.code);
    expect(entries).toHaveLength(before + 1);
    expectEntry(entries.at(-1), 'specialist', dossier.code, 'form', 'receipt');
  });

  it('a document download: one entry naming the document', async () => {
    const before = (await log.listForDossier(dossier.code)).length;
    const response = await get(`/v1/documents/${dossier.scanRef}?dossier=${dossier.code}`, 'leader');
    expect(response.statusCode).toBe(200);
    const entries = await log.listForDossier(dossier.code);
    expect(entries).toHaveLength(before + 1);
    expectEntry(entries.at(-1), 'leader', dossier.code, 'document', dossier.scanRef);
  });

  it('a repeated request id answers the stored receipt: one entry, as for the form', async () => {
    const before = (await log.listForDossier(dossier.code)).length;
    const response = await dossier.again();
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ code: dossier.code, existing: true });
    expect(response.body).toContain(applicantName);
    const entries = await log.listForDossier(dossier.code);
    expect(entries).toHaveLength(before + 1);
    expectEntry(entries.at(-1), 'counter', dossier.code, 'form', 'receipt');
  });

  it('reads that carry no applicant data, and refused or missing reads, record nothing', async () => {
    const before = (await log.listForDossier(dossier.code)).length;
    const unknownRef = `sha256:${'0'.repeat(64)}`;
    const cases: Array<[string, Who, number]> = [
      [`/v1/dossiers/${dossier.code}/forms/control-sheet`, 'leader', 200],
      [`/v1/dossiers/${dossier.code}/forms/refusal`, 'counter', 404],
      [`/v1/dossiers/${dossier.code}`, 'otherCounter', 403],
      [`/v1/dossiers/${dossier.code}/forms/receipt`, 'otherCounter', 403],
      [`/v1/documents/${dossier.scanRef}?dossier=${dossier.code}`, 'otherCounter', 403],
      [`/v1/documents/${unknownRef}?dossier=${dossier.code}`, 'counter', 404],
      [`/v1/lookup/${dossier.code}?secret=${dossier.lookupSecret}`, 'counter', 200],
    ];
    for (const [url, who, status] of cases) {
      const response = await get(url, who);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(status);
    }
    expect(await log.listForDossier(dossier.code)).toHaveLength(before);
  });

  it('no entry, no data: a view, form or document is a 503 when the log cannot record it', async () => {
    const nc = await connectNats('api-access-log-lonely');
    const lonely = await buildApiServer({
      temporal: system.temporal,
      dossiers: system.client,
      nc: system.nc,
      accessLog: await AccessLog.open(nc),
      documents: system.documents,
      organisation,
      secret,
      // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
      devSharedSecretTokens: true,
      logger: createLogger({ level: 'silent' }),
    });
    await nc.close();
    try {
      const before = (await log.listForDossier(dossier.code)).length;
      for (const url of [
        `/v1/dossiers/${dossier.code}`,
        `/v1/dossiers/${dossier.code}/forms/receipt`,
        `/v1/documents/${dossier.scanRef}?dossier=${dossier.code}`,
      ]) {
        const response = await get(url, 'counter', lonely);
        expect(response.statusCode, url).toBe(503);
        expect(response.json()).toMatchObject({ code: 'UNAVAILABLE' });
        expect(response.body).not.toContain(applicantName);
        expect(response.body).not.toContain(idNumber);
      }
      expect(await log.listForDossier(dossier.code)).toHaveLength(before);
    } finally {
      await lonely.close();
    }
  });
});

describe('GET /v1/audit/access', () => {
  let code: string;
  beforeAll(async () => {
    ({ code } = await receiveDossier());
    expect((await get(`/v1/dossiers/${code}`, 'counter')).statusCode).toBe(200);
    expect((await get(`/v1/dossiers/${code}/forms/receipt`, 'leader')).statusCode).toBe(200);
  });

  it('is refused (403) to every official but an administrator, before the query is looked at', async () => {
    for (const who of ['counter', 'specialist', 'leader', 'supervisor'] as const) {
      for (const query of [`dossier=${code}`, 'dossier=not-a-code']) {
        const response = await get(`/v1/audit/access?${query}`, who);
        expect(response.statusCode, `${who} ${query}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
        expect(response.json().error).toMatch(/^Không có quyền: .+ \(Forbidden: .+\)$/);
      }
    }
    expect((await get(`/v1/audit/access?dossier=${code}`)).statusCode).toBe(401);
  });

  it('answers an administrator with the entries in order and the units’ names', async () => {
    const response = await get(`/v1/audit/access?dossier=${code}`, 'administrator');
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json() as AccessLogPage;
    expect(page.dossierCode).toBe(code);
    expect(page.entries).toEqual(await log.listForDossier(code));
    expect(page.entries.map((entry) => [entry.official.id, entry.route])).toEqual([
      [officials.counter.id, 'dossier-view'],
      [officials.leader.id, 'form'],
    ]);
    expect(page.unitNames).toEqual({
      [demoUnits.camThanhOneStop]: organisation.get(demoUnits.camThanhOneStop).name,
      [demoUnits.camThanhCommittee]: organisation.get(demoUnits.camThanhCommittee).name,
    });
    // Reading the log is not a read of the dossier's personal data.
    expect(page.entries).toHaveLength(2);
    expect(JSON.stringify(page)).not.toContain(applicantName);
  });

  it('validates the dossier code, and answers an empty log for a dossier nobody read', async () => {
    const bad = await get('/v1/audit/access?dossier=000.01.41.H99-261399-0001', 'administrator');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'INVALID_INPUT' });
    expect((await get('/v1/audit/access', 'administrator')).statusCode).toBe(400);
    const empty = await get('/v1/audit/access?dossier=000.01.41.H99-200101-9999', 'administrator');
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ dossierCode: '000.01.41.H99-200101-9999', entries: [], unitNames: {} });
  });
});

describe('the citizen lookup', () => {
  it('shows the units that read the data, when and how, without the officials', async () => {
    const { code, lookupSecret } = await receiveDossier();
    const lookup = async () => {
      const response = await get(`/v1/lookup/${code}?secret=${lookupSecret}`);
      expect(response.statusCode).toBe(200);
      return response.json() as { personalDataAccess: unknown[] };
    };
    expect((await lookup()).personalDataAccess).toEqual([]);
    expect((await get(`/v1/dossiers/${code}`, 'specialist')).statusCode).toBe(200);
    expect((await get(`/v1/dossiers/${code}/forms/receipt`, 'leader')).statusCode).toBe(200);
    const [first, second] = await log.listForDossier(code);
    const answer = await lookup();
    expect(answer.personalDataAccess).toEqual([
      {
        unit: { code: demoUnits.camThanhCommittee, name: organisation.get(demoUnits.camThanhCommittee).name },
        firstAt: first?.at,
        lastAt: second?.at,
        count: 2,
        routes: ['dossier-view', 'form'],
      },
    ]);
    const text = JSON.stringify(answer);
    for (const who of ['specialist', 'leader'] as const) {
      expect(text).not.toContain(nameOf(who));
      expect(text).not.toContain(officials[who].id);
    }
  });
});

describe('tthc audit', () => {
  function tthc(args: string[], extraEnv: Record<string, string> = {}) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TTHC_')));
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        ['bin/tthc.mjs', 'audit', ...args],
        { cwd: projectRoot, env: { ...env, TTHC_API_URL: apiUrl, ...extraEnv }, timeout: 60_000 },
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  }

  it('prints the log as JSON and one line per access for people; refuses others with exit 4', async () => {
    const { code, scanRef } = await receiveDossier();
    expect((await get(`/v1/dossiers/${code}`, 'counter')).statusCode).toBe(200);
    expect((await get(`/v1/documents/${scanRef}?dossier=${code}`, 'specialist')).statusCode).toBe(200);
    const admin = await token('administrator');
    const [asJson, asText, refused, badCode] = await Promise.all([
      tthc(['--dossier', code, '--json'], { TTHC_TOKEN: admin }),
      tthc(['--dossier', code, '--token', admin]),
      tthc(['--dossier', code, '--token', await token('supervisor')]),
      tthc(['--dossier', 'HS-1', '--token', admin]),
    ]);

    expect(asJson.code, asJson.stderr).toBe(0);
    const page = JSON.parse(asJson.stdout) as AccessLogPage;
    expect(page.entries.map((entry) => [entry.official.id, entry.route, entry.detail])).toEqual([
      [officials.counter.id, 'dossier-view', undefined],
      [officials.specialist.id, 'document', scanRef],
    ]);

    expect(asText.code, asText.stderr).toBe(0);
    const lines = asText.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Nhật ký truy cập dữ liệu cá nhân của hồ sơ ${code}: 2 lượt`);
    expect(lines).toHaveLength(4);
    const at = new Date(Date.parse(page.entries[0]?.at ?? '') + 7 * 3_600_000);
    const vietnamTime = `${String(at.getUTCDate()).padStart(2, '0')}/${String(at.getUTCMonth() + 1).padStart(2, '0')}/${at.getUTCFullYear()} ${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
    expect(lines[2]).toMatch(new RegExp(`^${vietnamTime}\\s`));
    for (const part of [
      `${nameOf('counter')} (${officials.counter.id})`,
      'Cán bộ một cửa',
      `${organisation.get(demoUnits.camThanhOneStop).name} (${demoUnits.camThanhOneStop})`,
      'Xem hồ sơ',
    ]) {
      expect(lines[2]).toContain(part);
    }
    expect(lines[3]).toContain('Chuyên viên');
    expect(lines[3]).toContain(`Tải tài liệu: ${scanRef}`);

    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^tthc: Không có quyền: .*\(HTTP 403 FORBIDDEN\)\n$/);
    expect(badCode.code).toBe(2);
    expect(badCode.stderr).toMatch(/^tthc: --dossier "HS-1" must be a dossier code/);
  });
});
