import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { startApiServer } from '../../api/api-process.js';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import type { OfferedAction } from '../../api/offered-actions.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import { actionNames } from '../../domain/dossier/dossier-actions.js';
import { addCalendarDays } from '../../domain/time.js';
import { createLogger } from '../../infra/logging.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { type NamespaceSystem, startNamespaceSystem } from '../support/namespace-system.js';
import { connectNats } from '../support/test-servers.js';

const organisation = loadOrganisation('demo');
const calendar = loadCalendar('VN');
const secret = generateSecret();
const province = '000.00.00.H99';

let system: DossierTestSystem;
let app: FastifyInstance;
const logLines: string[] = [];
let requestCounter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog: await AccessLog.open(system.nc),
    documents: system.documents,
    indicators: new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures),
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ name: 'api-test', level: 'debug', destination: captureTo(logLines) }),
  });
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

// ---------------------------------------------------------------------------------------------
// Helpers

function captureTo(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
}

async function tokenFor(role: OfficialRole, unit: string, id = `${role}@${unit}`): Promise<string> {
  return (await issueToken(secret, { sub: id, name: `Cán bộ ${id}`, unit, role }, '1h')).token;
}

interface Call {
  token?: string;
  body?: unknown;
}

function call(api: FastifyInstance, method: 'GET' | 'POST', url: string, options: Call = {}) {
  return api.inject({
    method,
    url,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
  });
}

function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}

async function scan(name: string): Promise<string> {
  const stored = await system.documents.put(new TextEncoder().encode(`scan ${name} ${Math.random()}`), {
    mediaType: 'application/pdf',
    name,
  });
  return stored.ref;
}

async function application(
  overrides: Partial<DossierApplicationInput> = {},
): Promise<DossierApplicationInput> {
  const n = ++requestCounter;
  return {
    requestId: `api-lifecycle-${Date.now()}-${n}`,
    procedureCode: '1.001612',
    applicant: {
      type: 'citizen',
      fullName: 'Trần Thị Bình',
      idNumber: `0790850${String(n).padStart(5, '0')}`,
      phone: '0987654321',
      address: '12 đường Lê Lợi, Phường Cẩm Thành',
    },
    channel: 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper', fileRef: await scan('de-nghi.pdf') },
      { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper', fileRef: await scan('cccd.pdf') },
    ],
    ...overrides,
  };
}

const tokens = {
  counter: () => tokenFor('counter-officer', demoUnits.camThanhOneStop),
  otherCounter: () => tokenFor('counter-officer', demoUnits.konTumOneStop),
  leader: () => tokenFor('leader', demoUnits.camThanhCommittee),
  specialist: () => tokenFor('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1'),
  supervisor: () => tokenFor('supervisor', province),
  administrator: () => tokenFor('administrator', province),
};

async function receive(body: unknown = undefined) {
  return call(app, 'POST', '/v1/dossiers', {
    token: await tokens.counter(),
    body: body ?? { application: await application() },
  });
}

async function act(code: string, action: string, token: string, body: unknown = {}) {
  return call(app, 'POST', `/v1/dossiers/${code}/actions/${action}`, { token, body });
}

// ---------------------------------------------------------------------------------------------

describe('the lifecycle through the API', () => {
  it('counter receives, leader assigns, specialist appraises, leader approves, counter returns, the citizen evaluates', async () => {
    const counter = await tokens.counter();
    const leader = await tokens.leader();
    const specialist = await tokens.specialist();

    const received = await receive();
    expect(received.statusCode).toBe(201);
    const r = json<{
      code: string;
      existing: boolean;
      status: string;
      statusName: string;
      appointmentDate: string;
      forms: string[];
      lookupSecret: string;
      receipt: { number: string; fields: { dossierCode: string } };
    }>(received);
    expect(r.code).toMatch(/^000\.01\.41\.H99-\d{6}-\d{4}$/);
    expect(r.existing).toBe(false);
    expect(r.status).toBe('MOI_TIEP_NHAN');
    expect(r.statusName).toBe('Mới tiếp nhận');
    expect(r.appointmentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.forms).toContain('receipt');
    expect(r.lookupSecret).toMatch(/^[A-Z2-7]{10}$/);
    expect(r.receipt.number).toBe('Mẫu số 01');
    expect(r.receipt.fields.dossierCode).toBe(r.code);
    const code = r.code;

    const state = await call(app, 'GET', `/v1/dossiers/${code}`, { token: counter });
    expect(state.statusCode).toBe(200);
    const view = json<{ state: { history: Array<{ actor?: { id: string; role: string } }> } }>(state);
    // The officer recorded at intake is the token's official, not anything in the body.
    expect(view.state.history[0]?.actor).toMatchObject({
      id: `counter-officer@${demoUnits.camThanhOneStop}`,
      role: 'counter-officer',
    });

    const assigned = await act(code, 'assign', leader, {
      specialist: { id: 'chuyen-vien-1', name: 'Chuyên viên 1' },
    });
    expect(assigned.statusCode).toBe(200);
    expect(json(assigned)).toMatchObject({ code, action: 'assign', status: 'DANG_XU_LY' });

    const appraised = await act(code, 'appraise', specialist, {
      recommendation: 'approve',
      note: 'Đủ điều kiện',
    });
    expect(appraised.statusCode).toBe(200);

    // Approving twice: the second is a workflow rejection, a 409 with its reason.
    const approved = await act(code, 'approve', leader, { note: 'Cấp giấy chứng nhận' });
    expect(approved.statusCode).toBe(200);
    expect(json(approved).status).toBe('DA_XU_LY_XONG');
    const again = await act(code, 'approve', leader, {});
    expect(again.statusCode).toBe(409);
    expect(json(again)).toMatchObject({ code: 'ILLEGAL_STATE' });
    expect(String(json(again).error)).toContain('Đã xử lý xong');

    // The signed result, served to the counter that hands it back.
    const decided = json<{ state: { result: { ref: string; link: string } } }>(
      await call(app, 'GET', `/v1/dossiers/${code}`, { token: leader }),
    );
    const ref = decided.state.result.ref;
    // The result link stored in the dossier is directly usable.
    expect(decided.state.result.link).toBe(`/v1/documents/${ref}?dossier=${encodeURIComponent(code)}`);
    const document = await call(app, 'GET', decided.state.result.link, { token: counter });
    expect(document.statusCode).toBe(200);
    expect(document.headers['content-type']).toContain('application/json');
    expect(JSON.parse(document.body)).toMatchObject({ dossierCode: code, kind: 'approval' });
    const supervisorDoc = await call(app, 'GET', `/v1/documents/${ref}?dossier=${code}`, {
      token: await tokens.supervisor(),
    });
    expect(supervisorDoc.statusCode).toBe(200);
    const stranger = await call(app, 'GET', `/v1/documents/${ref}?dossier=${code}`, {
      token: await tokens.otherCounter(),
    });
    expect(stranger.statusCode).toBe(403);
    const notOfThisDossier = await call(
      app,
      'GET',
      `/v1/documents/sha256:${'a'.repeat(64)}?dossier=${code}`,
      {
        token: counter,
      },
    );
    expect(notOfThisDossier.statusCode).toBe(404);
    const noDossier = await call(app, 'GET', `/v1/documents/${ref}`, { token: counter });
    expect(noDossier.statusCode).toBe(400);

    expect(
      (await act(code, 'record-payment', counter, { amountVnd: 100_000, channel: 'cash' })).statusCode,
    ).toBe(200);
    const returned = await act(code, 'return-result', counter, { channel: 'counter' });
    expect(returned.statusCode).toBe(200);
    expect(json(returned).status).toBe('DA_TRA_KET_QUA');

    // Forms: the receipt was issued, the control sheet is built on demand, no apology was issued.
    const receipt = await call(app, 'GET', `/v1/dossiers/${code}/forms/receipt`, { token: counter });
    expect(receipt.statusCode).toBe(200);
    expect(json(receipt)).toMatchObject({ kind: 'receipt', number: 'Mẫu số 01' });
    const sheet = await call(app, 'GET', `/v1/dossiers/${code}/forms/control-sheet`, { token: leader });
    expect(sheet.statusCode).toBe(200);
    const sheetData = json<{ kind: string; lines: unknown[] }>(sheet);
    expect(sheetData.kind).toBe('control-sheet');
    expect(sheetData.lines.length).toBeGreaterThan(0);
    expect(
      (await call(app, 'GET', `/v1/dossiers/${code}/forms/apology`, { token: counter })).statusCode,
    ).toBe(404);
    expect(
      (await call(app, 'GET', `/v1/dossiers/${code}/forms/nonsense`, { token: counter })).statusCode,
    ).toBe(400);

    // The citizen looks the dossier up and evaluates it with the secret from the receipt.
    const lookup = await call(app, 'GET', `/v1/lookup/${code}?secret=${r.lookupSecret}`);
    expect(lookup.statusCode).toBe(200);
    expect(json(lookup)).toMatchObject({
      code,
      status: 'DA_TRA_KET_QUA',
      statusName: 'Đã trả kết quả',
      returned: true,
    });
    const evaluation = await call(app, 'POST', `/v1/lookup/${code}/evaluation?secret=${r.lookupSecret}`, {
      body: { scores: { '1': 2, '3': 2, '7': 2 }, liked: true },
    });
    expect(evaluation.statusCode).toBe(200);
    const evaluatedAgain = await act(code, 'evaluate', counter, { scores: { '1': 1 } });
    expect(evaluatedAgain.statusCode).toBe(409);
    const final = await system.temporal.workflow.getHandle(code).result();
    expect(final.state.history.map((h: { action: string }) => h.action)).toEqual([
      'accept',
      'assign',
      'appraise',
      'approve',
      'record-payment',
      'return-result',
      'evaluate',
    ]);
  });

  it('the applicant’s evaluation can be entered at the counter on their behalf', async () => {
    const counter = await tokens.counter();
    const leader = await tokens.leader();
    const { code } = json<{ code: string }>(await receive());
    await act(code, 'assign', leader, { specialist: { id: 'chuyen-vien-1', name: 'Chuyên viên 1' } });
    await act(code, 'appraise', await tokens.specialist(), { recommendation: 'approve', note: 'Đủ' });
    await act(code, 'approve', leader, {});
    await act(code, 'return-result', counter, { channel: 'counter' });
    const evaluated = await act(code, 'evaluate', counter, { scores: { '1': 2, '2': 1 } });
    expect(evaluated.statusCode).toBe(200);
    const final = await system.temporal.workflow.getHandle(code).result();
    expect(final.state.evaluation.scores).toEqual({ '1': 2, '2': 1 });
    expect(final.state.history.at(-1)).toMatchObject({ action: 'evaluate', actor: { role: 'applicant' } });
  });

  it('the dossier view offers each official the actions they may take now, along the lifecycle', async () => {
    const counter = await tokens.counter();
    const leader = await tokens.leader();
    const specialist = await tokens.specialist();
    const supervisor = await tokens.supervisor();
    const { code } = json<{ code: string }>(await receive());
    const actionsOf = async (token: string) => {
      const response = await call(app, 'GET', `/v1/dossiers/${code}`, { token });
      expect(response.statusCode).toBe(200);
      return json<{ actions: OfferedAction[] }>(response).actions;
    };
    const allowed = async (token: string) =>
      (await actionsOf(token)).filter((a) => a.allowed).map((a) => a.name);
    const find = async (token: string, name: string) =>
      (await actionsOf(token)).find((action) => action.name === name);

    // Accepted: the leader assigns; the specialist may not appraise yet, with the rules' reason.
    expect(await allowed(leader)).toEqual([
      'request-supplementation',
      'assign',
      'start-inter-agency',
      'apologize',
      'stop',
    ]);
    expect(await allowed(counter)).toEqual(['withdraw', 'record-payment']);
    expect(await find(specialist, 'appraise')).toEqual({
      name: 'appraise',
      title: 'Thẩm định',
      allowed: false,
      code: 'OUT_OF_ORDER',
      reason: 'Hồ sơ chưa được phân công cho chuyên viên',
    });
    // The API's own authorization comes first: a specialist never approves.
    const approveBySpecialist = await find(specialist, 'approve');
    expect(approveBySpecialist).toMatchObject({ allowed: false, code: 'FORBIDDEN' });
    expect(approveBySpecialist?.reason).toContain('dành cho lãnh đạo');
    // A supervisor reads the dossier and may take none of them.
    const supervised = await actionsOf(supervisor);
    expect(supervised).toHaveLength(actionNames.length);
    expect(supervised.filter((a) => a.allowed)).toEqual([]);
    expect(new Set(supervised.map((a) => a.code))).toEqual(new Set(['FORBIDDEN']));

    await act(code, 'assign', leader, { specialist: { id: 'chuyen-vien-1', name: 'Chuyên viên 1' } });
    expect(await allowed(specialist)).toContain('appraise');
    await act(code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ' });
    expect(await allowed(specialist)).not.toContain('appraise');
    expect(await allowed(leader)).toEqual(expect.arrayContaining(['approve', 'refuse']));
    await act(code, 'approve', leader, {});
    expect(await allowed(counter)).toEqual(['return-result', 'record-payment']);
    expect(await find(leader, 'approve')).toMatchObject({
      allowed: false,
      code: 'ILLEGAL_STATE',
      reason: 'Không thể thực hiện "phê duyệt" khi hồ sơ ở trạng thái "Đã xử lý xong"',
    });
    await act(code, 'return-result', counter, { channel: 'counter' });
    // The evaluation is entered at the counter for the applicant: offered to the counter officer.
    expect(await allowed(counter)).toEqual(['evaluate']);
    await act(code, 'evaluate', counter, { scores: { '1': 2 } });
    await system.temporal.workflow.getHandle(code).result();
    // An ended dossier offers nothing.
    const ended = await actionsOf(counter);
    expect(ended.filter((a) => a.allowed)).toEqual([]);
    expect(ended.find((a) => a.name === 'evaluate')).toMatchObject({ code: 'ILLEGAL_STATE' });
  });

  it('an apology reschedules the appointment; the citizen sees the reason and the new date', async () => {
    const r = json<{ code: string; appointmentDate: string; lookupSecret: string }>(await receive());
    let newDate = addCalendarDays(r.appointmentDate, 5);
    while (!calendar.isWorkingDay(newDate)) newDate = addCalendarDays(newDate, 1);
    const apologized = await act(r.code, 'apologize', await tokens.leader(), {
      reason: 'Cần xác minh thêm',
      newDueDate: newDate,
    });
    expect(apologized.statusCode).toBe(200);
    const form = await call(app, 'GET', `/v1/dossiers/${r.code}/forms/apology`, {
      token: await tokens.counter(),
    });
    expect(form.statusCode).toBe(200);
    expect(json(form)).toMatchObject({ kind: 'apology' });
    const lookup = json(await call(app, 'GET', `/v1/lookup/${r.code}?secret=${r.lookupSecret}`));
    expect(lookup).toMatchObject({
      appointmentDate: newDate,
      apology: {
        reason: 'Cần xác minh thêm',
        newAppointmentDate: newDate,
        previousAppointmentDate: r.appointmentDate,
      },
    });
    const twice = await act(r.code, 'apologize', await tokens.leader(), {
      reason: 'Lần hai',
      newDueDate: newDate,
    });
    expect(twice.statusCode).toBe(409);
    expect(json(twice).code).toBe('ONCE_ONLY');
  });

  it('an intake with missing documents issues the supplementation request', async () => {
    const body = { application: await application({ documents: [] }) };
    const received = await receive(body);
    expect(received.statusCode).toBe(201);
    const r = json<{ code: string; outcome: string; forms: string[]; missing: unknown[]; receipt?: unknown }>(
      received,
    );
    expect(r.outcome).toBe('supplement');
    expect(r.forms).toEqual(['supplementation-request']);
    expect(r.missing).toHaveLength(2);
    expect(r.receipt).toBeUndefined();
    const form = await call(app, 'GET', `/v1/dossiers/${r.code}/forms/supplementation-request`, {
      token: await tokens.counter(),
    });
    expect(form.statusCode).toBe(200);
  });
});

describe('idempotent receive', () => {
  it('the same requestId answers 200 with the same code, and no second dossier is created', async () => {
    const body = { application: await application() };
    const first = await receive(body);
    const second = await receive(body);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(200);
    expect(json(second).code).toBe(json(first).code);
    expect(json(second).existing).toBe(true);
    expect(json(second).lookupSecret).toBe(json(first).lookupSecret);
    // The repeat took no number: the next dossier of the unit gets the very next one.
    const next = json<{ code: string }>(await receive());
    const sequence = (code: string) => Number(code.slice(-4));
    expect(sequence(next.code)).toBe(sequence(json<{ code: string }>(first).code) + 1);
  });

  it('a requestId already used at another unit is not answered with that unit’s dossier', async () => {
    const body = { application: await application() };
    expect((await receive(body)).statusCode).toBe(201);
    const elsewhere = {
      application: {
        ...body.application,
        receivingUnit: demoUnits.konTumOneStop,
        competentAgency: demoUnits.konTumCommittee,
      },
    };
    const response = await call(app, 'POST', '/v1/dossiers', {
      token: await tokens.otherCounter(),
      body: elsewhere,
    });
    expect(response.statusCode).toBe(409);
    expect(response.body).not.toContain('Trần Thị Bình');
  });
});

describe('citizen lookup', () => {
  it('returns the status and appointment and no personal data; a wrong secret is a 404 like an unknown code', async () => {
    const body = { application: await application() };
    const r = json<{ code: string; lookupSecret: string }>(await receive(body));
    const lookup = await call(app, 'GET', `/v1/lookup/${r.code}?secret=${r.lookupSecret.toLowerCase()}`);
    expect(lookup.statusCode).toBe(200);
    const data = json(lookup);
    expect(data).toMatchObject({ code: r.code, status: 'MOI_TIEP_NHAN', statusName: 'Mới tiếp nhận' });
    expect(data.appointmentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const applicant = body.application.applicant as {
      fullName: string;
      idNumber: string;
      phone: string;
      address: string;
    };
    for (const personal of [applicant.fullName, applicant.idNumber, applicant.phone, applicant.address]) {
      expect(lookup.body).not.toContain(personal);
    }
    for (const field of ['idNumber', 'phone', 'address', 'fullName', 'applicant', 'email']) {
      expect(lookup.body).not.toContain(field);
    }

    const wrong = await call(app, 'GET', `/v1/lookup/${r.code}?secret=AAAAAAAAAA`);
    expect(wrong.statusCode).toBe(404);
    const unknownCode = `${demoUnits.camThanhOneStop}-200101-0001`;
    const unknown = await call(app, 'GET', `/v1/lookup/${unknownCode}?secret=AAAAAAAAAA`);
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).error).toBe(json(wrong).error);
    expect((await call(app, 'GET', `/v1/lookup/${r.code}`)).statusCode).toBe(400);
    const wrongEvaluation = await call(app, 'POST', `/v1/lookup/${r.code}/evaluation?secret=BBBBBBBBBB`, {
      body: { scores: { '1': 2 } },
    });
    expect(wrongEvaluation.statusCode).toBe(404);
  });
});

describe('log redaction', () => {
  it('a receive with personal data leaves no ID number, phone or address in the logs', async () => {
    const start = logLines.length;
    const body = { application: await application() };
    const applicant = body.application.applicant as { idNumber: string; phone: string; address: string };
    const received = await receive(body);
    expect(received.statusCode).toBe(201);
    const { code, lookupSecret } = json<{ code: string; lookupSecret: string }>(received);
    await call(app, 'GET', `/v1/dossiers/${code}`, { token: await tokens.counter() });
    await call(app, 'GET', `/v1/lookup/${code}?secret=${lookupSecret}`);
    // A rejected body is not logged either.
    await receive({ application: { ...body.application, channel: 'fax' } });
    const logged = logLines.slice(start).join('');
    expect(logged).toContain(code);
    expect(logged).toContain('dossier received');
    for (const personal of [applicant.idNumber, applicant.phone, applicant.address, lookupSecret]) {
      expect(logged).not.toContain(personal);
    }
  });
});

describe('indicators, reference data and health', () => {
  it('serves a scoreboard to a supervisor of the subtree and refuses other roles', async () => {
    const response = await call(
      app,
      'GET',
      `/v1/indicators?unit=${demoUnits.camThanhCommittee}&period=2026`,
      {
        token: await tokens.supervisor(),
      },
    );
    expect(response.statusCode).toBe(200);
    const board = json<{
      unit: { code: string };
      scoreboard: { total: number; rating: string; groups: unknown[] };
    }>(response);
    expect(board.unit.code).toBe(demoUnits.camThanhCommittee);
    expect(typeof board.scoreboard.total).toBe('number');
    expect(board.scoreboard.groups.length).toBeGreaterThan(0);
    const ranking = await call(app, 'GET', `/v1/indicators/ranking?parent=${province}&period=2026`, {
      token: await tokens.administrator(),
    });
    expect(ranking.statusCode).toBe(200);
    expect(json<unknown[]>(ranking).length).toBe(organisation.children(province).length);
    const behind = await call(
      app,
      'GET',
      `/v1/indicators/dossiers?unit=${demoUnits.camThanhCommittee}&period=2026&indicator=2.1`,
      { token: await tokens.supervisor() },
    );
    expect(behind.statusCode).toBe(200);
    const counter = await call(app, 'GET', `/v1/indicators?unit=${demoUnits.camThanhCommittee}&period=2026`, {
      token: await tokens.counter(),
    });
    expect(counter.statusCode).toBe(403);
    const badPeriod = await call(
      app,
      'GET',
      `/v1/indicators?unit=${demoUnits.camThanhCommittee}&period=2026-13`,
      {
        token: await tokens.supervisor(),
      },
    );
    expect(badPeriod.statusCode).toBe(400);
    expect(json<{ issues: string[] }>(badPeriod).issues[0]).toMatch(/^period: /);
  });

  it('serves the catalogue, the appointment date and the organisation', async () => {
    const token = await tokens.administrator();
    const procedures = json<{ procedures: Array<{ code: string }> }>(
      await call(app, 'GET', '/v1/procedures?at=2026-04-23', { token }),
    );
    expect(procedures.procedures.map((p) => p.code)).toContain('1.001612');
    // Issue #21: the listing shows the versions not yet in force, with what they change.
    const before2026 = json<{ upcoming: Array<Record<string, unknown>> }>(
      await call(app, 'GET', '/v1/procedures?at=2025-12-01', { token }),
    );
    expect(before2026.upcoming).toEqual([
      expect.objectContaining({
        code: '1.000894',
        effectiveFrom: '2026-01-01',
        replaces: { version: '2025-07', effectiveFrom: '2025-07-01' },
        changes: expect.objectContaining({
          documents: expect.objectContaining({
            removed: [expect.objectContaining({ kind: 'giay-xac-nhan-tinh-trang-hon-nhan' })],
          }),
        }),
      }),
    ]);
    const householdBusiness = await call(app, 'GET', '/v1/procedures/1.001612', { token });
    expect(householdBusiness.statusCode).toBe(200);
    // ND 63/2010 Art 8(2)(c), (e): how to submit and who may apply.
    expect(json(householdBusiness)).toMatchObject({
      applicantTypes: ['citizen'],
      submissionMethods: ['counter', 'postal', 'online'],
    });
    expect((await call(app, 'GET', '/v1/procedures/9.999999', { token })).statusCode).toBe(404);
    const due = await call(
      app,
      'GET',
      '/v1/calendar/due?procedure=1.001612&received=2026-04-23T10:00:00%2B07:00',
      {
        token: await tokens.counter(),
      },
    );
    expect(due.statusCode).toBe(200);
    expect(json(due).dueDate).toBe('2026-04-29');
    const units = json<{ units: Array<{ code: string; province: string }> }>(
      await call(app, 'GET', '/v1/organisation/units', { token }),
    );
    expect(units.units.find((u) => u.code === demoUnits.camThanhOneStop)?.province).toBe(province);
  });

  it('is live and ready when Temporal and NATS answer', async () => {
    expect(json(await call(app, 'GET', '/healthz'))).toEqual({ status: 'ok' });
    const ready = await call(app, 'GET', '/readyz');
    expect(ready.statusCode).toBe(200);
    expect(json(ready)).toMatchObject({
      status: 'ready',
      checks: { temporal: { status: 'up' }, nats: { status: 'up' } },
    });
  });

  it('listens on a real port with startApiServer (as npm start does)', async () => {
    const running = await startApiServer({
      temporal: system.temporal,
      nc: system.nc,
      protection: system.protection,
      logger: createLogger({ level: 'silent' }),
      devSharedSecretTokens: true,
      settings: { secret, port: 0, dataDir: system.dataDir, organisation: 'demo' },
    });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
      const units = await fetch(`${running.url}/v1/organisation/units`, {
        headers: { authorization: `Bearer ${await tokens.administrator()}` },
      });
      expect(units.status).toBe(200);
      const unauthenticated = await fetch(`${running.url}/v1/organisation/units`);
      expect(unauthenticated.status).toBe(401);
    } finally {
      await running.close();
    }
  });

  it('is not ready when NATS is gone', async () => {
    const nc = await connectNats('api-readyz');
    const lonely = await buildApiServer({
      temporal: system.temporal,
      dossiers: system.client,
      nc,
      accessLog: await AccessLog.open(nc),
      documents: system.documents,
      organisation,
      secret,
      // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
      devSharedSecretTokens: true,
      logger: createLogger({ level: 'silent' }),
      readinessTimeoutMs: 500,
    });
    await nc.close();
    const ready = await call(lonely, 'GET', '/readyz');
    expect(ready.statusCode).toBe(503);
    expect(json(ready)).toMatchObject({
      status: 'not-ready',
      checks: { temporal: { status: 'up' }, nats: { status: 'down' } },
    });
    await lonely.close();
  });
});

// ---------------------------------------------------------------------------------------------
// Search needs visibility: the shared dev server, in a namespace of its own with its own workers
// (workers of other test files on the default namespace never touch these dossiers).

describe('search (dev server, own namespace)', () => {
  let searchSystem: NamespaceSystem;
  let searchApp: FastifyInstance;

  beforeAll(async () => {
    searchSystem = await startNamespaceSystem(system.nc, 'tthc-api-search');
    searchApp = await buildApiServer({
      temporal: searchSystem.client,
      dossiers: searchSystem.dossiers,
      nc: system.nc,
      accessLog: await AccessLog.open(system.nc),
      documents: searchSystem.documents,
      organisation,
      secret,
      // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
      devSharedSecretTokens: true,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await searchApp?.close();
    await searchSystem?.stop();
  });

  async function searchUntil(url: string, token: string, found: (items: Array<{ code: string }>) => boolean) {
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await call(searchApp, 'GET', url, { token });
      expect(response.statusCode).toBe(200);
      const page = json<{ items: Array<{ code: string; status: string }>; nextPageToken?: string }>(response);
      if (found(page.items)) return page;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`search ${url} never found what was expected`);
  }

  it('finds dossiers within the caller’s scope, by filter, page by page', async () => {
    const camThanhCounter = await tokens.counter();
    const konTumCounter = await tokens.otherCounter();
    const receiveAt = async (
      token: string,
      app2: FastifyInstance,
      overrides: Partial<DossierApplicationInput>,
    ) => {
      const response = await call(app2, 'POST', '/v1/dossiers', {
        token,
        body: { application: await application({ documents: [], ...overrides }) },
      });
      expect(response.statusCode).toBe(201);
      return json<{ code: string }>(response).code;
    };
    const a = await receiveAt(camThanhCounter, searchApp, {});
    const b = await receiveAt(camThanhCounter, searchApp, {});
    const c = await receiveAt(konTumCounter, searchApp, {
      receivingUnit: demoUnits.konTumOneStop,
      competentAgency: demoUnits.konTumCommittee,
    });

    const supervisor = await tokenFor('supervisor', demoUnits.camThanhCommittee);
    const all = await searchUntil('/v1/dossiers?pageSize=50', supervisor, (items) =>
      [a, b].every((code) => items.some((i) => i.code === code)),
    );
    expect(all.items.map((i) => i.code)).not.toContain(c);
    expect(all.items.find((i) => i.code === a)).toMatchObject({
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
      procedure: '1.001612',
      status: 'YEU_CAU_BO_SUNG',
      statusName: 'Yêu cầu bổ sung hồ sơ',
      overdue: false,
      closed: false,
    });

    // Paging: one at a time, the token of a page leads to the next.
    const first = await call(searchApp, 'GET', '/v1/dossiers?pageSize=1', { token: supervisor });
    const firstPage = json<{ items: Array<{ code: string }>; nextPageToken: string }>(first);
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.nextPageToken).toBeTruthy();
    const second = await call(
      searchApp,
      'GET',
      `/v1/dossiers?pageSize=1&pageToken=${encodeURIComponent(firstPage.nextPageToken)}`,
      { token: supervisor },
    );
    expect(second.statusCode).toBe(200);
    const secondPage = json<{ items: Array<{ code: string }> }>(second);
    expect(secondPage.items).toHaveLength(1);
    expect(secondPage.items[0]?.code).not.toBe(firstPage.items[0]?.code);
    // A token works only for the search that produced it.
    const reused = await call(
      searchApp,
      'GET',
      `/v1/dossiers?pageSize=1&status=MOI_TIEP_NHAN&pageToken=${encodeURIComponent(firstPage.nextPageToken)}`,
      { token: supervisor },
    );
    expect(reused.statusCode).toBe(400);
    const forged = await call(searchApp, 'GET', '/v1/dossiers?pageToken=AAAA.BBBBBBBBBBBBBBBBBBBBBB', {
      token: supervisor,
    });
    expect(forged.statusCode).toBe(400);

    // Filters.
    const byStatus = await searchUntil(
      `/v1/dossiers?status=YEU_CAU_BO_SUNG&receivingUnit=${demoUnits.camThanhOneStop}&procedure=1.001612&overdue=false`,
      camThanhCounter,
      (items) => items.some((i) => i.code === a),
    );
    expect(byStatus.items.every((i) => i.status === 'YEU_CAU_BO_SUNG')).toBe(true);
    const none = await call(searchApp, 'GET', '/v1/dossiers?status=DA_TRA_KET_QUA', {
      token: camThanhCounter,
    });
    expect(json<{ items: unknown[] }>(none).items).toEqual([]);

    // A counter officer sees the dossiers of their own unit only.
    const konTum = await searchUntil('/v1/dossiers', konTumCounter, (items) =>
      items.some((i) => i.code === c),
    );
    expect(konTum.items.map((i) => i.code)).not.toContain(a);
    const outside = await call(searchApp, 'GET', `/v1/dossiers?receivingUnit=${demoUnits.camThanhOneStop}`, {
      token: konTumCounter,
    });
    expect(outside.statusCode).toBe(403);

    // Nothing can be injected into the query: every value is validated.
    for (const attack of [
      `receivingUnit=${encodeURIComponent("000.01.41.H99' OR WorkflowType != '")}`,
      `status=${encodeURIComponent("MOI_TIEP_NHAN' OR '1'='1")}`,
      `procedure=${encodeURIComponent('1.001612) OR (1=1')}`,
      'dueBefore=yesterday',
      'pageSize=1000',
      'overdue=maybe',
    ]) {
      const response = await call(searchApp, 'GET', `/v1/dossiers?${attack}`, { token: supervisor });
      expect(response.statusCode, attack).toBe(400);
    }
  });

  it('answers 503 where the Temporal server has no visibility (the time-skipping server)', async () => {
    const response = await call(app, 'GET', '/v1/dossiers', { token: await tokens.supervisor() });
    expect(response.statusCode).toBe(503);
  });
});
