/**
 * The API's authorization matrix against real workflows: every role × every action and read ×
 * own / other unit. What the API allows must reach the workflow (2xx, or 409 for the state, never
 * a workflow WRONG_AGENCY / WRONG_ROLE); what it denies is a 403 before the workflow is asked.
 * The expected decisions are written here as data, independently of api/authorization.ts.
 * Every official is an identity of the real embedded OpenID Connect provider: its access tokens, as
 * the console and `tthc login` get them; the API accepts no shared-secret token here.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { type ActionName, actionNames } from '../../domain/dossier/dossier-actions.js';
import { addCalendarDays } from '../../domain/time.js';
import { DigitizedRegistry } from '../../infra/digitized-registry.js';
import { createLogger } from '../../infra/logging.js';
import { DossierEraser } from '../../retention/dossier-erasure.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { startTestIdentity, type TestIdentity } from '../support/identity.js';

const organisation = loadOrganisation('demo');
const calendar = loadCalendar('VN');
const secret = generateSecret();
const province = '000.00.00.H99';

let system: DossierTestSystem;
let app: FastifyInstance;
let identity: TestIdentity;

beforeAll(async () => {
  identity = await startTestIdentity();
  system = await startDossierSystem({ timeSkipping: true });
  const accessLog = await AccessLog.open(system.nc);
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog,
    documents: system.documents,
    // Asked of the matrix's open dossier: an administrator gets as far as the 409 DOSSIER_OPEN.
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
    oidc: identity.verifier,
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
  await identity?.stop();
});

// ---------------------------------------------------------------------------------------------
// The matrix, as data

type Side = 'own' | 'other';
const roles: OfficialRole[] = ['counter-officer', 'specialist', 'leader', 'supervisor', 'administrator'];

/** The official's unit for a dossier received at Cẩm Thành and decided by UBND Phường Cẩm Thành. */
const units: Record<OfficialRole, Record<Side, string>> = {
  'counter-officer': { own: demoUnits.camThanhOneStop, other: demoUnits.konTumOneStop },
  specialist: { own: demoUnits.camThanhCommittee, other: demoUnits.konTumCommittee },
  leader: { own: demoUnits.camThanhCommittee, other: demoUnits.konTumCommittee },
  supervisor: { own: demoUnits.camThanhCommittee, other: demoUnits.konTumCommittee },
  administrator: { own: province, other: demoUnits.konTumOneStop },
};

/** Actions each role may take on a dossier of its own unit (nobody acts on another unit's). */
const mayTake: Record<OfficialRole, readonly ActionName[]> = {
  'counter-officer': [
    'provide-intake-supplement',
    'refuse-intake',
    'accept-intake',
    'request-intake-supplement',
    'provide-supplementation',
    'withdraw',
    'return-result',
    'record-payment',
    'evaluate',
  ],
  specialist: ['appraise', 'request-supplementation', 'start-inter-agency'],
  leader: [
    'assign',
    'approve',
    'refuse',
    'apologize',
    'stop',
    'request-supplementation',
    'start-inter-agency',
  ],
  supervisor: [],
  // Issue #21: the audited correction of a data error, on any unit's dossier.
  administrator: ['correct-data'],
};

/** Actions a role takes on the dossiers of every unit, not only its own. */
const anyUnit: Partial<Record<OfficialRole, readonly ActionName[]>> = { administrator: ['correct-data'] };

type Read =
  | 'receive'
  | 'dossier'
  | 'form'
  | 'document'
  | 'search'
  | 'feedback-list'
  | 'inter-agency'
  | 'indicators'
  | 'catalogue'
  | 'audit'
  | 'erasure';
const reads: Read[] = [
  'receive',
  'dossier',
  'form',
  'document',
  'search',
  'feedback-list',
  'inter-agency',
  'indicators',
  'catalogue',
  'audit',
  'erasure',
];

/** Reads (and receive) allowed per role and side. */
const mayRead: Record<OfficialRole, Record<Side, readonly Read[]>> = {
  'counter-officer': {
    own: ['receive', 'dossier', 'form', 'document', 'search', 'feedback-list', 'catalogue'],
    other: ['catalogue'],
  },
  // The feedback list is filtered on the counter's unit: the committee's staff list only their own.
  // The liên thông steps are always those asked of the caller's own agency (or subtree).
  specialist: {
    own: ['dossier', 'form', 'document', 'search', 'inter-agency', 'catalogue'],
    other: ['inter-agency', 'catalogue'],
  },
  leader: {
    own: ['dossier', 'form', 'document', 'search', 'inter-agency', 'indicators', 'catalogue'],
    other: ['inter-agency', 'catalogue'],
  },
  supervisor: {
    own: [
      'dossier',
      'form',
      'document',
      'search',
      'feedback-list',
      'inter-agency',
      'indicators',
      'catalogue',
    ],
    other: ['inter-agency', 'catalogue'],
  },
  // The personal-data access log and erasure on request: administrators only, of every dossier.
  administrator: {
    own: [...reads.filter((r) => r !== 'receive')],
    other: [...reads.filter((r) => r !== 'receive')],
  },
};

const justice = demoUnits.justiceDepartment;

function payloadFor(action: ActionName): unknown {
  const payloads: Record<ActionName, unknown> = {
    'provide-intake-supplement': { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' }] },
    'refuse-intake': { reason: 'Không thuộc thẩm quyền' },
    'accept-intake': {},
    'request-intake-supplement': {
      items: [{ name: 'Bản chụp CCCD', reason: 'Bản chụp mờ' }],
      reason: 'Bổ sung',
    },
    'request-supplementation': {
      items: [{ name: 'Bản sao CCCD', reason: 'Bản chụp mờ' }],
      reason: 'Bổ sung',
    },
    'provide-supplementation': { documents: [{ kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' }] },
    assign: { specialist: { id: 'specialist-own', name: 'Chuyên viên' } },
    appraise: { recommendation: 'approve', note: 'Đủ điều kiện' },
    'start-inter-agency': { participants: [{ agency: justice, task: 'Xác minh', workingDays: 1 }] },
    'complete-inter-agency': { opinion: 'Đồng ý' },
    approve: { note: 'Đồng ý' },
    refuse: { reason: 'Không đủ điều kiện' },
    apologize: { reason: 'Cần xác minh thêm', newDueDate: '2030-01-02' },
    stop: { reason: 'Theo đề nghị của cơ quan có thẩm quyền' },
    withdraw: { reason: 'Công dân rút hồ sơ' },
    'return-result': { channel: 'counter' },
    'record-payment': { amountVnd: 50_000, channel: 'cash' },
    evaluate: { scores: { '1': 2 } },
    'correct-data': {
      field: 'competentAgency',
      value: demoUnits.konTumCommittee,
      reason: 'Chọn nhầm cơ quan',
    },
  };
  return payloads[action];
}

// ---------------------------------------------------------------------------------------------
// Helpers

const tokenCache = new Map<string, string>();
async function tokenFor(role: OfficialRole, unit: string): Promise<string> {
  const id =
    role === 'specialist'
      ? `specialist-${unit === units.specialist.own ? 'own' : 'other'}`
      : `${role}@${unit}`;
  const key = `${role} ${unit}`;
  let token = tokenCache.get(key);
  if (!token) {
    token = await identity.token({ sub: id, name: `Cán bộ ${id}`, unit, role }, 3600);
    tokenCache.set(key, token);
  }
  return token;
}

function inject(method: 'GET' | 'POST', url: string, token: string | undefined, body?: unknown) {
  return app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

let requestCounter = 0;
async function application() {
  const n = ++requestCounter;
  const scan = await system.documents.put(new TextEncoder().encode(`authz scan ${Date.now()} ${n}`), {
    mediaType: 'application/pdf',
    name: 'scan.pdf',
  });
  return {
    requestId: `api-authz-${Date.now()}-${n}`,
    procedureCode: '1.001612',
    applicant: { type: 'citizen', fullName: 'Lê Văn Cường', idNumber: '079085012345' },
    channel: 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: scan.ref },
      { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: scan.ref },
    ],
  };
}

async function freshDossier(): Promise<string> {
  const response = await inject(
    'POST',
    '/v1/dossiers',
    await tokenFor('counter-officer', units['counter-officer'].own),
    {
      application: await application(),
    },
  );
  expect(response.statusCode).toBe(201);
  return (response.json() as { code: string }).code;
}

function expectAllowed(status: number, body: string, what: string): void {
  expect([200, 201, 409, 503], `${what}: ${status} ${body}`).toContain(status);
  if (status === 409) {
    // The workflow may refuse for the state, never for the official's unit or role.
    expect(JSON.parse(body).code, `${what}: ${body}`).not.toMatch(/^WRONG_(AGENCY|ROLE)$/);
  }
}

function expectDenied(status: number, body: string, what: string): void {
  expect(status, `${what}: ${body}`).toBe(403);
  const error = JSON.parse(body).error as string;
  expect(error).toMatch(/^Không có quyền: .+ \(Forbidden: .+\)$/);
}

// ---------------------------------------------------------------------------------------------

describe('actions: role × action × own / other unit', () => {
  let shared: string;
  beforeAll(async () => {
    shared = await freshDossier();
  });

  const cases = roles.flatMap((role) =>
    (['own', 'other'] as const).flatMap((side) =>
      actionNames.map((action) => ({
        role,
        side,
        action,
        allowed:
          mayTake[role].includes(action) && (side === 'own' || Boolean(anyUnit[role]?.includes(action))),
      })),
    ),
  );

  it(`denies ${cases.filter((c) => !c.allowed).length} combinations with a 403 and changes nothing`, async () => {
    const before = (await system.client.get(shared)).eventSeq;
    for (const c of cases.filter((x) => !x.allowed)) {
      const token = await tokenFor(c.role, units[c.role][c.side]);
      const response = await inject(
        'POST',
        `/v1/dossiers/${shared}/actions/${c.action}`,
        token,
        payloadFor(c.action),
      );
      expectDenied(response.statusCode, response.body, `${c.role} (${c.side}) ${c.action}`);
    }
    expect((await system.client.get(shared)).eventSeq).toBe(before);
  });

  it(`lets ${cases.filter((c) => c.allowed).length} combinations through to the workflow`, async () => {
    const allowed = cases.filter((c) => c.allowed);
    const codes = await Promise.all(allowed.map(() => freshDossier()));
    await Promise.all(
      allowed.map(async (c, i) => {
        const code = codes[i] as string;
        const token = await tokenFor(c.role, units[c.role][c.side]);
        let payload = payloadFor(c.action);
        if (c.action === 'apologize') {
          const due = (await system.client.get(code)).deadlines.decree?.dueDate ?? '2030-01-01';
          payload = { reason: 'Cần xác minh thêm', newDueDate: nextWorkingDayAfter(due) };
        }
        const response = await inject('POST', `/v1/dossiers/${code}/actions/${c.action}`, token, payload);
        expectAllowed(response.statusCode, response.body, `${c.role} ${c.action}`);
      }),
    );
  });

  it('the liên thông opinion: staff of the participating agency only', async () => {
    const code = await freshDossier();
    const leader = await tokenFor('leader', units.leader.own);
    const started = await inject('POST', `/v1/dossiers/${code}/actions/start-inter-agency`, leader, {
      participants: [{ agency: justice, task: 'Xác minh', workingDays: 2 }],
    });
    expect(started.statusCode, started.body).toBe(200);
    for (const [role, unit] of [
      ['specialist', units.specialist.own],
      ['leader', demoUnits.konTumCommittee],
      ['counter-officer', units['counter-officer'].own],
      ['supervisor', province],
    ] as const) {
      const response = await inject(
        'POST',
        `/v1/dossiers/${code}/actions/complete-inter-agency`,
        await tokenFor(role, unit),
        { opinion: 'Đồng ý' },
      );
      expectDenied(response.statusCode, response.body, `${role} at ${unit}`);
    }
    const asOther = await inject(
      'POST',
      `/v1/dossiers/${code}/actions/complete-inter-agency`,
      await tokenFor('specialist', justice),
      { agency: demoUnits.constructionDepartment, opinion: 'Đồng ý' },
    );
    expectDenied(asOther.statusCode, asOther.body, 'justice specialist for another agency');
    const given = await inject(
      'POST',
      `/v1/dossiers/${code}/actions/complete-inter-agency`,
      await tokenFor('specialist', justice),
      { opinion: 'Đồng ý, hồ sơ hợp lệ' },
    );
    expect(given.statusCode, given.body).toBe(200);
    // The child workflow is done: a second opinion is a 409, not a 404 or a 500.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await inject(
      'POST',
      `/v1/dossiers/${code}/actions/complete-inter-agency`,
      await tokenFor('leader', justice),
      { opinion: 'Lần hai' },
    );
    expect(again.statusCode, again.body).toBe(409);
  });

  it('the actor comes from the token, never from the body', async () => {
    const leader = await tokenFor('leader', units.leader.own);
    const response = await inject('POST', `/v1/dossiers/${shared}/actions/assign`, leader, {
      specialist: { id: 'specialist-own', name: 'Chuyên viên' },
      actor: { id: 'admin', name: 'Quản trị', unit: province, role: 'administrator' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ issues: ['actor: is not a known field'] });
  });
});

describe('reads and receive: role × operation × own / other unit', () => {
  let code: string;
  let documentRef: string;
  beforeAll(async () => {
    code = await freshDossier();
    const view = await system.client.get(code);
    documentRef = view.state.components.find((c) => c.ref?.startsWith('sha256:'))?.ref as string;
    expect(documentRef).toBeTruthy();
  });

  async function attempt(read: Read, token: string) {
    switch (read) {
      case 'receive':
        // Always at Cẩm Thành: the own counter officer's unit, another unit for everyone else.
        return inject('POST', '/v1/dossiers', token, { application: await application() });
      case 'dossier':
        return inject('GET', `/v1/dossiers/${code}`, token);
      case 'form':
        return inject('GET', `/v1/dossiers/${code}/forms/receipt`, token);
      case 'document':
        return inject('GET', `/v1/documents/${documentRef}?dossier=${code}`, token);
      case 'search':
        return inject(
          'GET',
          `/v1/dossiers?receivingUnit=${demoUnits.camThanhOneStop}&competentAgency=${demoUnits.camThanhCommittee}`,
          token,
        );
      case 'inter-agency':
        return inject('GET', '/v1/inter-agency-tasks', token);
      case 'feedback-list':
        return inject('GET', `/v1/feedback?receivingUnit=${demoUnits.camThanhOneStop}`, token);
      case 'indicators':
        return inject('GET', `/v1/indicators?unit=${demoUnits.camThanhCommittee}&period=2026`, token);
      case 'catalogue':
        return inject('GET', '/v1/procedures', token);
      case 'audit':
        return inject('GET', `/v1/audit/access?dossier=${code}`, token);
      case 'erasure':
        return inject('POST', `/v1/dossiers/${code}/erasure`, token, { reason: 'data-subject-request' });
    }
  }

  const cases = roles.flatMap((role) =>
    (['own', 'other'] as const).flatMap((side) =>
      reads.map((read) => ({ role, side, read, allowed: mayRead[role][side].includes(read) })),
    ),
  );

  it(`checks ${cases.length} combinations`, async () => {
    for (const c of cases) {
      const unit = units[c.role][c.side];
      const response = await attempt(c.read, await tokenFor(c.role, unit));
      const what = `${c.role} (${c.side}) ${c.read}`;
      if (c.allowed) {
        expectAllowed(response.statusCode, response.body, what);
        // Search answers 503 on the time-skipping server (no visibility), after authorization;
        // the dossier is open, so its erasure is refused for that.
        if (c.read === 'erasure') expect(response.json(), what).toMatchObject({ code: 'DOSSIER_OPEN' });
        else if (!['search', 'feedback-list', 'inter-agency'].includes(c.read))
          expect(response.statusCode, what).toBeLessThan(300);
      } else {
        expectDenied(response.statusCode, response.body, what);
      }
    }
  });
});

describe('authentication', () => {
  it('answers 401 with the reason for a missing, malformed, forged, expired or shared-secret token', async () => {
    const url = '/v1/procedures';
    const missing = await inject('GET', url, undefined);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'missing' });
    expect(missing.headers['www-authenticate']).toContain('Bearer');
    const malformed = await inject('GET', url, 'not-a-token');
    expect(malformed.json()).toMatchObject({ code: 'malformed' });
    const valid = await tokenFor('leader', units.leader.own);
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'administrator', unit: province })).toString('base64url')}.${signature}`;
    const bad = await inject('GET', url, forged);
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'bad-signature' });
    // The shared-secret tokens of old are refused: the development setting is off here.
    const sharedSecret = await issueToken(secret, {
      sub: 'x',
      name: 'X',
      unit: province,
      role: 'administrator',
    });
    const refused = await inject('GET', url, sharedSecret.token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ code: 'bad-algorithm' });
    // A provider token naming a unit outside the organisation.
    const stranger = await identity.token({
      sub: 'x',
      name: 'X',
      unit: '000.00.00.H11',
      role: 'administrator',
    });
    expect((await inject('GET', url, stranger)).statusCode).toBe(401);
    // Citizens' and health routes need no token.
    expect((await inject('GET', '/healthz', undefined)).statusCode).toBe(200);
  });
});

function nextWorkingDayAfter(date: string): string {
  let next = addCalendarDays(date, 5);
  while (!calendar.isWorkingDay(next)) next = addCalendarDays(next, 1);
  return next;
}
