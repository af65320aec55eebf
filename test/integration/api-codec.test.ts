/**
 * The codec endpoint (`/codec/decode`, `/codec/encode`) for the Temporal Web UI and
 * `temporal workflow show`: decrypted payloads for administrators and supervisors of the dossier's
 * subtree only, by bearer token or by the HttpOnly session cookie; every decode logged; CORS only
 * for the configured Web UI origins.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { Client, type Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { createLogger } from '../../infra/logging.js';
import { binaryPath } from '../../infra/tools.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const secret = generateSecret();
const uiOrigin = 'http://127.0.0.1:8233';
const citizen = {
  type: 'citizen' as const,
  fullName: 'Đặng Văn Giải Mã',
  idNumber: '079377712345',
  address: 'Ngõ 9 phố Mã Hóa',
};
const logLines: string[] = [];
let system: DossierTestSystem;
let app: FastifyInstance;
let url: string;
let code: string;
let encodedPayloads: Array<{ metadata: Record<string, string>; data: string }>;

async function tokenFor(role: OfficialRole, unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role }, '1h'))
    .token;
}

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: false });
  const organisation = loadOrganisation('demo');
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    documents: system.documents,
    indicators: new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures),
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    codec: system.protection.codec,
    accessLog: await AccessLog.open(system.nc),
    codecOrigins: [uiOrigin],
    logger: createLogger({
      name: 'api-codec-test',
      level: 'info',
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const application = await scannedHouseholdBusiness(system.documents, {
    requestId: `codec-${process.pid}-${Date.now()}`,
    applicant: citizen,
    channel: 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
  });
  ({ code } = await system.client.receive({ application }));
  // The history as anyone who reaches Temporal sees it: a client without the codec.
  const raw = new Client({
    connection: system.temporal.connection,
    namespace: system.temporal.options.namespace,
  });
  const history = JSON.parse(historyToJSON(await raw.workflow.getHandle(code).fetchHistory())) as {
    events: Array<{
      workflowExecutionStartedEventAttributes?: { input: { payloads: typeof encodedPayloads } };
    }>;
  };
  encodedPayloads = history.events[0]?.workflowExecutionStartedEventAttributes?.input.payloads ?? [];
});

afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

function decode(headers: Record<string, string>, payloads = encodedPayloads) {
  return app.inject({
    method: 'POST',
    url: '/codec/decode',
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
    payload: { payloads },
  });
}

function plaintextOf(response: { json(): unknown }): string {
  const { payloads } = response.json() as { payloads: Array<{ data: string }> };
  return payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8')).join('\n');
}

describe('POST /codec/decode', () => {
  it('the workflow input is stored encrypted; supervisors of the subtree and administrators read it decrypted', async () => {
    expect(encodedPayloads.length).toBe(1);
    expect(
      Buffer.from(encodedPayloads[0]?.data ?? '', 'base64').includes(Buffer.from(citizen.idNumber)),
    ).toBe(false);
    for (const [role, unit] of [
      ['supervisor', '000.00.00.H99'],
      ['supervisor', demoUnits.camThanhOneStop],
      ['administrator', '000.00.00.H99'],
    ] as const) {
      const response = await decode({ authorization: `Bearer ${await tokenFor(role, unit)}` });
      expect(response.statusCode, `${role} ${unit}`).toBe(200);
      expect(plaintextOf(response)).toContain(citizen.fullName);
      expect(plaintextOf(response)).toContain(citizen.idNumber);
    }
  });

  it('is refused to other roles (403), to supervisors of another subtree (403) and without a token (401)', async () => {
    for (const [role, unit] of [
      ['counter-officer', demoUnits.camThanhOneStop],
      ['leader', demoUnits.camThanhCommittee],
      ['specialist', demoUnits.camThanhCommittee],
      ['supervisor', demoUnits.konTumCommittee],
    ] as const) {
      const response = await decode({ authorization: `Bearer ${await tokenFor(role, unit)}` });
      expect(response.statusCode, `${role} ${unit}`).toBe(403);
      expect(response.body).not.toContain(citizen.fullName);
    }
    expect((await decode({})).statusCode).toBe(401);
    expect((await decode({ authorization: 'Bearer not.a.token' })).statusCode).toBe(401);
    const malformed = await decode(
      { authorization: `Bearer ${await tokenFor('administrator', '000.00.00.H99')}` },
      [{ metadata: { encoding: '***' }, data: '' }],
    );
    expect(malformed.statusCode).toBe(400);
  });

  it('logs every decode: who, their role and unit, which dossiers; and records it in the access log', async () => {
    logLines.length = 0;
    const log = await AccessLog.open(system.nc);
    const before = (await log.listForDossier(code)).length;
    await decode({ authorization: `Bearer ${await tokenFor('supervisor', '000.00.00.H99')}` });
    const entries = await log.listForDossier(code);
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({
      route: 'codec-decode',
      dossierCode: code,
      official: { id: 'supervisor@000.00.00.H99', role: 'supervisor', unit: '000.00.00.H99' },
    });
    // A refused decode records nothing.
    await decode({ authorization: `Bearer ${await tokenFor('counter-officer', demoUnits.camThanhOneStop)}` });
    expect((await log.listForDossier(code)).length).toBe(before + 1);
    const entry = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.msg === 'codec decode');
    expect(entry).toMatchObject({
      official: 'supervisor@000.00.00.H99',
      role: 'supervisor',
      subjects: [code],
    });
    expect(logLines.join('')).not.toContain(citizen.fullName);
  });

  it('encode gives payloads that decode back (the Web UI encodes a signal it sends)', async () => {
    const token = await tokenFor('administrator', '000.00.00.H99');
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from('"xin chào"').toString('base64'),
    };
    const encoded = await app.inject({
      method: 'POST',
      url: '/codec/encode',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { payloads: [plain] },
    });
    expect(encoded.statusCode).toBe(200);
    const [sealed] = (encoded.json() as { payloads: typeof encodedPayloads }).payloads;
    expect(Buffer.from(sealed?.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
    const back = await decode({ authorization: `Bearer ${token}` }, [
      sealed as (typeof encodedPayloads)[number],
    ]);
    expect(plaintextOf(back)).toBe('"xin chào"');
  });
});

describe('the Web UI’s session cookie', () => {
  it('is HttpOnly, SameSite=Strict and scoped to /codec; it opens the codec and nothing else', async () => {
    const counter = await app.inject({
      method: 'POST',
      url: '/v1/codec/session',
      headers: { authorization: `Bearer ${await tokenFor('counter-officer', demoUnits.camThanhOneStop)}` },
    });
    expect(counter.statusCode).toBe(403);
    const opened = await app.inject({
      method: 'POST',
      url: '/v1/codec/session',
      headers: { authorization: `Bearer ${await tokenFor('supervisor', '000.00.00.H99')}` },
    });
    expect(opened.statusCode).toBe(200);
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(/^tthc_codec=[^;]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/codec');
    const cookie = setCookie.split(';')[0] as string;
    const viaCookie = await decode({ cookie });
    expect(viaCookie.statusCode).toBe(200);
    expect(plaintextOf(viaCookie)).toContain(citizen.fullName);
    // The cookie's token is no API token.
    const sessionToken = cookie.slice('tthc_codec='.length);
    const api = await app.inject({
      method: 'GET',
      url: `/v1/dossiers/${code}`,
      headers: { authorization: `Bearer ${sessionToken}` },
    });
    expect(api.statusCode).toBe(401);
  });

  it('CORS lets the configured Web UI origin send credentials, and no other origin', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(uiOrigin);
    expect(allowed.headers['access-control-allow-origin']).toBe(uiOrigin);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // Only the codec has CORS: the API's own routes answer no cross-origin request.
    const apiPreflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/procedures',
      headers: { origin: uiOrigin, 'access-control-request-method': 'GET' },
    });
    expect(apiPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('temporal workflow show --codec-endpoint', () => {
  const show = (extra: string[]) =>
    promisify(execFile)(
      binaryPath('temporal'),
      [
        'workflow',
        'show',
        '--workflow-id',
        code,
        '--address',
        (system.temporal.connection as Connection).options.address,
        '--namespace',
        system.temporal.options.namespace,
        '--output',
        'json',
        ...extra,
      ],
      { maxBuffer: 32 * 1024 * 1024 },
    );

  it('shows the decrypted history to a supervisor, ciphertext without the codec, and nothing to a counter officer', async () => {
    const decoded = await show([
      '--codec-endpoint',
      `${url}/codec`,
      '--codec-auth',
      `Bearer ${await tokenFor('supervisor', '000.00.00.H99')}`,
    ]);
    expect(payloadTexts(decoded.stdout)).toContain(citizen.fullName);
    const encrypted = await show([]);
    expect(payloadTexts(encrypted.stdout)).not.toContain(citizen.fullName);
    expect(payloadTexts(encrypted.stdout)).toContain('binary/encrypted');
    const refused = await show([
      '--codec-endpoint',
      `${url}/codec`,
      '--codec-auth',
      `Bearer ${await tokenFor('counter-officer', demoUnits.camThanhOneStop)}`,
      // The CLI retries a refused decode until its deadline; this one is known to be refused.
      '--command-timeout',
      '3s',
    ]).catch((error: { stdout?: string; stderr?: string }) => error);
    expect(payloadTexts(refused.stdout ?? '')).not.toContain(citizen.fullName);
  });
});

/** The payloads' metadata and data in `temporal … --output json`, base64-decoded. */
function payloadTexts(output: string): string {
  return [...output.matchAll(/"(?:data|encoding)": "([A-Za-z0-9+/=]*)"/g)]
    .map((match) => Buffer.from(match[1] ?? '', 'base64').toString('utf8'))
    .join('\n');
}
