/**
 * Feedback and petitions (PAKN) through the HTTP API on the time-skipping server: a citizen submits
 * online, the holding unit accepts, assesses, answers and publishes, the citizen looks it up and
 * rates it with the lookup secret; an official registers one at the counter and forwards it;
 * authorization of every official action.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { FeedbackClient } from '../../client/feedback-client.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();
const justice = demoUnits.justiceDepartment;
const sixCriteria = Object.fromEntries(
  ['can-thiet', 'hop-ly-hop-phap', 'don-gian', 'kha-thi', 'thong-nhat', 'tuong-thich-dieu-uoc'].map((c) => [
    c,
    { met: true },
  ]),
);

let system: DossierTestSystem;
let app: FastifyInstance;
let counter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    feedback: await FeedbackClient.open(system.temporal, system.nc),
    nc: system.nc,
    accessLog: await AccessLog.open(system.nc),
    documents: system.documents,
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

async function token(role: OfficialRole, unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: role, unit, role }, '1h')).token;
}

function call(method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown } = {}) {
  return app.inject({
    method,
    url,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
  });
}

function feedback(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    requestId: `api-pakn-${Date.now()}-${counter}`,
    submitter: {
      type: 'citizen',
      fullName: 'Võ Thị Hoa',
      idNumber: `0510920${String(counter).padStart(5, '0')}`,
      phone: '0905111222',
      address: '5 Quang Trung',
    },
    channel: 'online',
    receivingUnit: justice,
    content: 'Đề nghị bỏ yêu cầu nộp bản sao giấy tờ đã có trong CSDL quốc gia về dân cư.',
    ...overrides,
  };
}

describe('feedback through the API', () => {
  it('submitted online, handled by the unit, looked up and rated by the citizen', async () => {
    const submitted = await call('POST', '/v1/feedback/online', { body: { feedback: feedback() } });
    expect(submitted.statusCode, submitted.body).toBe(201);
    const receipt = submitted.json() as { id: string; lookupSecret: string; status: string };
    expect(receipt.id).toMatch(/^PAKN-000\.00\.11\.H99-\d{6}-\d{4}$/);
    expect(receipt.lookupSecret).toMatch(/^[A-Z2-7]{10}$/);
    const { id, lookupSecret } = receipt;

    const lookup = async () => call('GET', `/v1/lookup/feedback/${id}?secret=${lookupSecret}`);
    const first = await lookup();
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id, status: 'CHO_TIEP_NHAN', handlingUnit: { code: justice } });
    for (const personal of ['Võ Thị Hoa', '0905111222', '5 Quang Trung', 'idNumber']) {
      expect(first.body).not.toContain(personal);
    }

    const counterOfficer = await token('counter-officer', justice);
    const specialist = await token('specialist', justice);
    const leader = await token('leader', justice);
    const act = (action: string, by: string, body: unknown) =>
      call('POST', `/v1/feedback/${id}/actions/${action}`, { token: by, body });

    expect((await act('accept', counterOfficer, { topic: 'quy-dinh' })).statusCode).toBe(200);
    const supplement = await act('request-supplement', specialist, {
      question: 'Giấy tờ nào?',
      items: ['Tên'],
    });
    expect(supplement.statusCode).toBe(200);
    expect((await lookup()).json()).toMatchObject({ supplementRequested: { question: 'Giấy tờ nào?' } });
    const supplied = await call('POST', `/v1/lookup/feedback/${id}/supplement?secret=${lookupSecret}`, {
      body: { content: 'Bản sao giấy khai sinh' },
    });
    expect(supplied.statusCode, supplied.body).toBe(200);

    // Answering before the assessment is the workflow's 409; a specialist answering is the API's 403.
    expect((await act('answer', leader, { content: 'Trả lời' })).statusCode).toBe(409);
    expect((await act('answer', specialist, { content: 'Trả lời' })).statusCode).toBe(403);
    expect(
      (await act('assess', specialist, { basis: 'du-can-cu', criteria: sixCriteria, note: 'Đủ căn cứ' }))
        .statusCode,
    ).toBe(200);
    const answered = await act('answer', leader, {
      content: 'Sở kiến nghị bãi bỏ yêu cầu này.',
      measure: 'kien-nghi',
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toMatchObject({ status: 'CHO_CONG_KHAI', statusName: 'Chờ công khai' });
    expect((await act('publish', specialist, { link: `/pakn/${id}` })).statusCode).toBe(200);

    const published = (await lookup()).json();
    expect(published).toMatchObject({
      status: 'DA_CONG_KHAI',
      published: true,
      answer: { content: 'Sở kiến nghị bãi bỏ yêu cầu này.' },
    });
    const rated = await call('POST', `/v1/lookup/feedback/${id}/rating?secret=${lookupSecret}`, {
      body: { satisfied: true },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect((await lookup()).json()).toMatchObject({ rated: true });
    const twice = await call('POST', `/v1/lookup/feedback/${id}/rating?secret=${lookupSecret}`, {
      body: { satisfied: false },
    });
    expect(twice.statusCode).toBe(409);

    const view = await call('GET', `/v1/feedback/${id}`, { token: leader });
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ state: { id, status: 'DA_CONG_KHAI' } });
    expect(
      (await call('GET', `/v1/feedback/${id}`, { token: await token('supervisor', '000.00.00.H99') }))
        .statusCode,
    ).toBe(200);
    expect(
      (await call('GET', `/v1/feedback/${id}`, { token: await token('leader', demoUnits.konTumCommittee) }))
        .statusCode,
    ).toBe(403);
  });

  it('registered at a counter, forwarded to the competent unit, which then holds it', async () => {
    const camThanhCounter = await token('counter-officer', demoUnits.camThanhOneStop);
    const body = { feedback: feedback({ channel: 'direct', receivingUnit: demoUnits.camThanhOneStop }) };
    const registered = await call('POST', '/v1/feedback', { token: camThanhCounter, body });
    expect(registered.statusCode, registered.body).toBe(201);
    const { id } = registered.json() as { id: string };
    const again = await call('POST', '/v1/feedback', { token: camThanhCounter, body });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id, existing: true });

    const elsewhere = await call('POST', '/v1/feedback', {
      token: await token('counter-officer', demoUnits.konTumOneStop),
      body: { feedback: feedback({ channel: 'direct', receivingUnit: demoUnits.camThanhOneStop }) },
    });
    expect(elsewhere.statusCode).toBe(403);
    const unknownTarget = await call('POST', `/v1/feedback/${id}/actions/forward`, {
      token: camThanhCounter,
      body: { topic: 'hanh-vi', to: '000.00.99.H99', reason: 'x' },
    });
    expect(unknownTarget.statusCode).toBe(400);

    const forwarded = await call('POST', `/v1/feedback/${id}/actions/forward`, {
      token: camThanhCounter,
      body: { topic: 'quy-dinh', to: justice, reason: 'Thuộc thẩm quyền Sở Tư pháp' },
    });
    expect(forwarded.statusCode, forwarded.body).toBe(200);
    expect(forwarded.json()).toMatchObject({ status: 'CHUYEN_XU_LY', handlingUnit: justice });
    // Now the justice department holds it; Cẩm Thành may still read it but no longer act.
    expect((await call('GET', `/v1/feedback/${id}`, { token: camThanhCounter })).statusCode).toBe(200);
    const notAnyMore = await call('POST', `/v1/feedback/${id}/actions/accept`, {
      token: camThanhCounter,
      body: { topic: 'quy-dinh' },
    });
    expect(notAnyMore.statusCode).toBe(403);
    const accepted = await call('POST', `/v1/feedback/${id}/actions/accept`, {
      token: await token('specialist', justice),
      body: { topic: 'quy-dinh' },
    });
    expect(accepted.statusCode).toBe(200);
  });

  it('refuses: offline channels without a token, roles that never act, wrong secrets', async () => {
    const offline = await call('POST', '/v1/feedback/online', {
      body: { feedback: feedback({ channel: 'postal' }) },
    });
    expect(offline.statusCode).toBe(400);
    expect(offline.json()).toMatchObject({
      issues: ['feedback.channel: must be "online" when submitted without a token'],
    });
    const { id } = (await call('POST', '/v1/feedback/online', { body: { feedback: feedback() } })).json() as {
      id: string;
    };
    for (const role of ['supervisor', 'administrator'] as const) {
      const response = await call('POST', `/v1/feedback/${id}/actions/accept`, {
        token: await token(role, justice),
        body: { topic: 'quy-dinh' },
      });
      expect(response.statusCode, role).toBe(403);
    }
    const supervisorRegisters = await call('POST', '/v1/feedback', {
      token: await token('supervisor', justice),
      body: { feedback: feedback({ channel: 'direct' }) },
    });
    expect(supervisorRegisters.statusCode).toBe(403);
    expect((await call('GET', `/v1/lookup/feedback/${id}?secret=AAAAAAAAAA`)).statusCode).toBe(404);
    expect(
      (await call('GET', `/v1/lookup/feedback/PAKN-000.00.11.H99-200101-0001?secret=AAAAAAAAAA`)).statusCode,
    ).toBe(404);
    expect((await call('GET', `/v1/feedback/${id}`)).statusCode).toBe(401);
  });
});
