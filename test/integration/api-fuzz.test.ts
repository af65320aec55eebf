/**
 * Property test of the HTTP API with a few thousand malformed requests (fast-check): random JSON,
 * wrong types, huge strings, unicode, path traversal in codes and refs. No answer is a 5xx, every
 * error is JSON with a reason, and no dossier is created or changed.
 */
import type { Client } from '@temporalio/client';
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { dossierApplicationSchema } from '../../domain/application.js';
import { type ActionName, actionNames, actionSchemas } from '../../domain/dossier/dossier-actions.js';
import { DigitizedRegistry } from '../../infra/digitized-registry.js';
import { createLogger } from '../../infra/logging.js';
import { DossierEraser } from '../../retention/dossier-erasure.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();

let system: DossierTestSystem;
let app: FastifyInstance;
let reference: { code: string; lookupSecret: string; eventSeq: number };
const tokens: Partial<Record<OfficialRole, string>> = {};
const effects = { workflowsStarted: 0, actionsApplied: 0 };

const validApplication = {
  requestId: 'fuzz-reference-0001',
  procedureCode: '1.001612',
  applicant: {
    type: 'citizen',
    fullName: 'Phạm Minh Đức',
    idNumber: '079085099999',
    phone: '0911222333',
    address: '1 Trần Phú',
  },
  channel: 'counter',
  receivingUnit: demoUnits.camThanhOneStop,
  competentAgency: demoUnits.camThanhCommittee,
  documents: [
    { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper' },
    { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' },
  ],
};

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  const accessLog = await AccessLog.open(system.nc);
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog,
    documents: system.documents,
    erasure: new DossierEraser({
      temporal: system.temporal,
      dataKeys: system.protection.dataKeys,
      documents: system.documents,
      digitized: await DigitizedRegistry.open(system.nc),
      accessLog,
      pseudonymSecret: () => system.protection.keyring.pseudonymSecret,
      logger: createLogger({ level: 'silent' }),
    }),
    indicators: new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures),
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
  const official = (role: OfficialRole, unit: string) =>
    issueToken(secret, { sub: `${role}-fuzz`, name: 'Fuzz', unit, role }, '1h').then((t) => t.token);
  tokens['counter-officer'] = await official('counter-officer', demoUnits.camThanhOneStop);
  tokens.leader = await official('leader', demoUnits.camThanhCommittee);
  tokens.specialist = await official('specialist', demoUnits.camThanhCommittee);
  tokens.administrator = await official('administrator', '000.00.00.H99');

  const received = await inject({
    method: 'POST',
    url: '/v1/dossiers',
    headers: auth('counter-officer'),
    payload: { application: { ...validApplication, requestId: `fuzz-reference-${Date.now()}` } },
  });
  expect(received.statusCode).toBe(201);
  const { code, lookupSecret } = received.json() as { code: string; lookupSecret: string };
  reference = { code, lookupSecret, eventSeq: (await system.client.get(code)).eventSeq };

  // From here on, count everything that would create or change a dossier.
  const workflow = system.temporal.workflow as Client['workflow'];
  const start = workflow.start.bind(workflow);
  workflow.start = (async (...args: Parameters<typeof start>) => {
    effects.workflowsStarted++;
    return start(...args);
  }) as typeof start;
  const act = system.client.act.bind(system.client);
  system.client.act = async (...args) => {
    const result = await act(...args);
    effects.actionsApplied++;
    return result;
  };
  const complete = system.client.completeInterAgency.bind(system.client);
  system.client.completeInterAgency = async (...args) => {
    const result = await complete(...args);
    effects.actionsApplied++;
    return result;
  };
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

function auth(role: OfficialRole): Record<string, string> {
  return { authorization: `Bearer ${tokens[role]}` };
}

function inject(options: InjectOptions) {
  return app.inject(options);
}

let requests = 0;
function expectHandled(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  what: string,
) {
  requests++;
  // The time-skipping server has no visibility: a well-formed search is a 503 there, by design.
  const searchUnavailable =
    response.statusCode === 503 && /not supported by this Temporal server/.test(response.body);
  if (!searchUnavailable) {
    expect(
      response.statusCode,
      `${what} → ${response.statusCode} ${response.body.slice(0, 300)}`,
    ).toBeLessThan(500);
  }
  if (response.statusCode >= 400) {
    expect(String(response.headers['content-type']), what).toContain('application/json');
    expect(typeof (JSON.parse(response.body) as { error?: unknown }).error, what).toBe('string');
  }
}

// ---------------------------------------------------------------------------------------------
// Generators

const weirdStrings = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    '%2e%2e%2f%2e%2e%2f',
    '....//....//',
    '\u0000',
    '%00',
    'sha256:../../objects',
    `sha256:${'0'.repeat(64)}/../../keys`,
    "000.01.41.H99-260423-0001' OR '1'='1",
    '000.01.41.H99-260423-0001/../../..',
    '000.01.41.H99-200101-0001',
    '000.01.41.H99-991231-9999',
    'sha256:0000000000000000000000000000000000000000000000000000000000000000',
    '<script>alert(1)</script>',
    '\u0024{jndi:ldap://x}',
    '𝕋𝕋ℍℂ 🇻🇳 Thủ tục hành chính',
    'Ａ'.repeat(300),
    '',
    ' ',
    '\r\nX-Injected: 1',
  ),
  fc.string({ minLength: 1000, maxLength: 20_000 }),
);

/** A path segment, percent-encoded (lone surrogates cannot be encoded: they are replaced). */
const segment = weirdStrings.map((text) =>
  encodeURIComponent(
    text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'),
  ),
);

/** Any JSON value, as the server receives it (undefined fields dropped, NaN as null, …). */
const anyJson = fc
  .oneof(
    fc.anything({ maxDepth: 4 }),
    fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as unknown),
    fc.dictionary(fc.string({ maxLength: 20 }), fc.anything({ maxDepth: 3 })),
  )
  .map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown);

/** The valid application with one field replaced so that it no longer validates. */
const brokenApplication = fc
  .record({
    path: fc.constantFrom(
      ['requestId'],
      ['procedureCode'],
      ['channel'],
      ['receivingUnit'],
      ['competentAgency'],
      ['applicant'],
      ['applicant', 'type'],
      ['applicant', 'idNumber'],
      ['applicant', 'phone'],
      ['applicant', 'fullName'],
      ['documents'],
      ['documents', 0],
      ['documents', 0, 'form'],
      ['documents', 1, 'kind'],
      ['submittedAt'],
      ['unexpectedField'],
    ),
    value: fc.oneof(anyJson, weirdStrings),
  })
  .map(({ path, value }) => {
    const copy = structuredClone(validApplication) as Record<string, unknown>;
    let target = copy as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
    target[path.at(-1) as string | number] = value;
    const application = {
      ...copy,
      requestId: path[0] === 'requestId' ? copy.requestId : `fuzz-${Math.random()}`,
    };
    return JSON.parse(JSON.stringify(application)) as Record<string, unknown>;
  })
  .filter((application) => !dossierApplicationSchema.safeParse(application).success);

const actionRoles: Record<ActionName, OfficialRole> = {
  'provide-intake-supplement': 'counter-officer',
  'refuse-intake': 'counter-officer',
  'accept-intake': 'counter-officer',
  'request-intake-supplement': 'counter-officer',
  'request-supplementation': 'leader',
  'provide-supplementation': 'counter-officer',
  assign: 'leader',
  appraise: 'specialist',
  'start-inter-agency': 'leader',
  'complete-inter-agency': 'leader',
  approve: 'leader',
  refuse: 'leader',
  apologize: 'leader',
  stop: 'leader',
  withdraw: 'counter-officer',
  'return-result': 'counter-officer',
  'record-payment': 'counter-officer',
  evaluate: 'counter-officer',
  'correct-data': 'administrator',
};

// ---------------------------------------------------------------------------------------------

describe('malformed requests', () => {
  it('receive: random and broken bodies are a 4xx and create nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: brokenApplication.map((application) => ({ application })) },
          { weight: 1, arbitrary: anyJson },
          {
            weight: 1,
            arbitrary: fc.record({
              application: brokenApplication,
              intake: fc.oneof(anyJson, fc.constant({ refuseReason: '' })),
            }),
          },
        ),
        async (body) => {
          const response = await inject({
            method: 'POST',
            url: '/v1/dossiers',
            headers: { ...auth('counter-officer'), 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'undefined',
          });
          expectHandled(response, `receive ${JSON.stringify(body)?.slice(0, 200)}`);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('actions: random bodies to every action are a 4xx and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...actionNames).chain((action) =>
          fc.record({
            action: fc.constant(action),
            body: anyJson.filter((body) => !actionSchemas[action].safeParse(body).success),
          }),
        ),
        async ({ action, body }) => {
          const response = await inject({
            method: 'POST',
            url: `/v1/dossiers/${reference.code}/actions/${action}`,
            headers: { ...auth(actionRoles[action]), 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          expectHandled(response, `${action} ${JSON.stringify(body)?.slice(0, 200)}`);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('erasure: random bodies are a 4xx, and the open dossier keeps its data', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(anyJson, fc.record({ reason: weirdStrings, reference: weirdStrings })),
        async (body) => {
          const response = await inject({
            method: 'POST',
            url: `/v1/dossiers/${reference.code}/erasure`,
            headers: { ...auth('administrator'), 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          expectHandled(response, `erasure ${JSON.stringify(body)?.slice(0, 200)}`);
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: 300 },
    );
    expect(await system.protection.dataKeys.keyState(reference.code)).toBe('active');
  });

  it('paths: traversal, unicode and huge segments in codes, forms, refs, lookups and the access log are never a 5xx', async () => {
    const templates: Array<(a: string, b: string) => InjectOptions> = [
      (a) => ({ method: 'GET', url: `/v1/dossiers/${a}`, headers: auth('administrator') }),
      (a, b) => ({ method: 'GET', url: `/v1/dossiers/${a}/forms/${b}`, headers: auth('administrator') }),
      (a) => ({
        method: 'GET',
        url: `/v1/dossiers/${reference.code}/forms/${a}`,
        headers: auth('administrator'),
      }),
      (a, b) => ({ method: 'GET', url: `/v1/documents/${a}?dossier=${b}`, headers: auth('administrator') }),
      (a) => ({
        method: 'GET',
        url: `/v1/documents/${a}?dossier=${reference.code}`,
        headers: auth('counter-officer'),
      }),
      (a, b) => ({ method: 'GET', url: `/v1/lookup/${a}?secret=${b}` }),
      (a) => ({ method: 'GET', url: `/v1/lookup/${reference.code}?secret=${a}` }),
      (a) => ({ method: 'POST', url: `/v1/lookup/${reference.code}/evaluation?secret=${a}`, payload: {} }),
      (a, b) => ({
        method: 'POST',
        url: `/v1/dossiers/${a}/actions/${b}`,
        headers: auth('leader'),
        payload: { reason: 'x' },
      }),
      (a) => ({ method: 'GET', url: `/v1/procedures/${a}`, headers: auth('counter-officer') }),
      (a) => ({
        method: 'POST',
        url: `/v1/dossiers/${a}/erasure`,
        headers: auth('administrator'),
        payload: { reason: 'data-subject-request' },
      }),
      (a, b) => ({
        method: 'POST',
        url: `/v1/dossiers/${a}/erasure`,
        headers: auth('counter-officer'),
        payload: { reason: b },
      }),
      (a) => ({ method: 'GET', url: `/v1/audit/access?dossier=${a}`, headers: auth('administrator') }),
      (a) => ({ method: 'GET', url: `/v1/audit/access?dossier=${a}`, headers: auth('counter-officer') }),
      (a, b) => ({ method: 'GET', url: `/v1/${a}/${b}`, headers: auth('administrator') }),
      (a) => ({ method: 'DELETE', url: `/v1/dossiers/${a}`, headers: auth('administrator') }),
      (a) => ({
        method: 'PUT',
        url: `/v1/dossiers/${reference.code}`,
        headers: auth('administrator'),
        payload: a,
      }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(templates.length - 1), segment, segment, async (i, a, b) => {
        const options = (templates[i] as (a: string, b: string) => InjectOptions)(a, b);
        const response = await inject(options);
        expectHandled(response, `${options.method} ${String(options.url).slice(0, 200)}`);
      }),
      { numRuns: 1200 },
    );
  });

  it('query strings of search, the feedback list, indicators, the calendar and the access log are validated', async () => {
    const names = [
      'receivingUnit',
      'handlingUnit',
      'unit',
      'period',
      'indicator',
      'parent',
      'procedure',
      'received',
      'status',
      'pageSize',
      'pageToken',
      'dossier',
    ];
    const paths = [
      '/v1/dossiers',
      '/v1/feedback',
      '/v1/inter-agency-tasks',
      '/v1/indicators',
      '/v1/indicators/ranking',
      '/v1/indicators/dossiers',
      '/v1/audit/access',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths, '/v1/calendar/due', '/v1/procedures'),
        fc.array(fc.tuple(fc.constantFrom(...names, 'dueBefore', 'overdue', 'open', 'x'), segment), {
          maxLength: 5,
        }),
        async (path, pairs) => {
          const query = pairs.map(([key, value]) => `${key}=${value}`).join('&');
          const response = await inject({
            method: 'GET',
            url: `${path}?${query}`,
            headers: auth('administrator'),
          });
          expectHandled(response, `${path}?${query.slice(0, 200)}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('odd transport: huge bodies, wrong content types, broken JSON, prototype poisoning', async () => {
    const cases: InjectOptions[] = [
      { method: 'POST', url: '/v1/dossiers', payload: 'x'.repeat(2 * 1024 * 1024) },
      {
        method: 'POST',
        url: '/v1/dossiers',
        payload: '{"application": {',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'POST', url: '/v1/dossiers', payload: '', headers: { 'content-type': 'application/json' } },
      {
        method: 'POST',
        url: '/v1/dossiers',
        payload: 'application=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      {
        method: 'POST',
        url: '/v1/dossiers',
        payload: '<xml/>',
        headers: { 'content-type': 'application/xml' },
      },
      {
        method: 'POST',
        url: '/v1/dossiers',
        payload: '{"__proto__": {"admin": true}, "application": {}}',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'POST',
        url: `/v1/dossiers/${reference.code}/actions/withdraw`,
        payload: '{"constructor": {"prototype": {"x": 1}}}',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'GET', url: `/v1/dossiers/${reference.code}/forms/${'a'.repeat(5000)}` },
      { method: 'GET', url: '/v1/dossiers/%E0%A4%A' },
      { method: 'GET', url: `/v1/${'a/'.repeat(2000)}` },
    ];
    for (const base of cases) {
      const options = { ...base, headers: { ...auth('counter-officer'), ...(base.headers ?? {}) } };
      const response = await inject(options);
      expectHandled(response, `${options.method} ${String(options.url).slice(0, 80)}`);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
    }
  });

  it('created and changed nothing', async () => {
    expect(requests).toBeGreaterThan(3000);
    expect(effects).toEqual({ workflowsStarted: 0, actionsApplied: 0 });
    expect((await system.client.get(reference.code)).eventSeq).toBe(reference.eventSeq);
  });
});
