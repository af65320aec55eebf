/**
 * `tthc dossier …` (cli/dossier/) as a child process against the HTTP API listening on a real
 * port: the API runs in this process over the time-skipping server (receive, show, act, forms and
 * every exit code), and `list` over the shared dev server in a namespace of its own (the
 * time-skipping server has no visibility). Each spawn costs about a second, so independent
 * commands run concurrently.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { createLogger } from '../../infra/logging.js';
import { projectRoot } from '../../infra/tools.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { type NamespaceSystem, startNamespaceSystem } from '../support/namespace-system.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();

let system: DossierTestSystem;
let app: FastifyInstance;
let apiUrl: string;
let workDir: string;
let counter = 0;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true });
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog: await AccessLog.open(system.nc),
    documents: system.documents,
    organisation,
    secret,
    // Shared-secret tokens (tthc token issue), a development setting: this test's own API.
    devSharedSecretTokens: true,
    logger: createLogger({ level: 'silent' }),
  });
  apiUrl = await listen(app);
  workDir = await mkdtemp(join(tmpdir(), 'tthc-cli-dossier-'));
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function listen(api: FastifyInstance): Promise<string> {
  await api.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node bin/tthc.mjs dossier …` with TTHC_API_URL set to the test API and no other TTHC_ variable. */
function tthc(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TTHC_')));
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', 'dossier', ...args],
      { cwd: projectRoot, env: { ...env, TTHC_API_URL: apiUrl, ...extraEnv }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

function ok(result: RunResult): RunResult {
  expect(result.code, result.stderr).toBe(0);
  return result;
}

function json<T = Record<string, unknown>>(result: RunResult): T {
  return JSON.parse(ok(result).stdout) as T;
}

function expectOneLineError(result: RunResult, exitCode: number, mentions: RegExp): void {
  expect(result.code, result.stderr).toBe(exitCode);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tthc: /);
  expect(lines[0]).toMatch(mentions);
  expect(result.stderr).not.toContain('    at ');
}

async function tokenFor(role: OfficialRole, unit: string, id = `${role}@${unit}`): Promise<string> {
  return (await issueToken(secret, { sub: id, name: `Cán bộ ${id}`, unit, role }, '1h')).token;
}

const tokens = {
  counter: () => tokenFor('counter-officer', demoUnits.camThanhOneStop, 'can-bo-01'),
  otherCounter: () => tokenFor('counter-officer', demoUnits.konTumOneStop),
  leader: () => tokenFor('leader', demoUnits.camThanhCommittee, 'lanh-dao-1'),
  specialist: () => tokenFor('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1'),
  supervisor: () => tokenFor('supervisor', demoUnits.camThanhCommittee),
};

function idNumber(): string {
  return `0790851${String(++counter).padStart(5, '0')}`;
}

function applicationFile(overrides: Record<string, unknown> = {}) {
  return {
    requestId: `cli-dossier-${Date.now()}-${++counter}`,
    procedureCode: '1.001612',
    applicant: { type: 'citizen', fullName: 'Lê Thị Hoa', idNumber: idNumber(), phone: '0987654321' },
    channel: 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
    documents: [
      { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper' },
      { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' },
    ],
    ...overrides,
  };
}

/** A dossier received through the API directly (fast), for the tests about refusals. */
async function receivedDossier(api: FastifyInstance, application = applicationFile()): Promise<string> {
  const response = await api.inject({
    method: 'POST',
    url: '/v1/dossiers',
    headers: { authorization: `Bearer ${await tokens.counter()}` },
    payload: { application },
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { code: string }).code;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;

// ---------------------------------------------------------------------------------------------

describe('tthc dossier: a dossier from the counter to the hand-back', () => {
  it('receives from flags and from a JSON file, shows it, takes it through assign, appraise, approve and return, prints the receipt', async () => {
    const [counter, leader, specialist] = await Promise.all([
      tokens.counter(),
      tokens.leader(),
      tokens.specialist(),
    ]);
    const scan = await system.documents.put(new TextEncoder().encode(`don ${Date.now()}`), {
      mediaType: 'application/pdf',
      name: 'de-nghi.pdf',
    });
    const file = join(workDir, 'application.json');
    const fromFile = applicationFile();
    await writeFile(file, JSON.stringify({ application: fromFile, intake: { receiptRequested: true } }));

    // The receiving unit defaults to the token's; the token comes from TTHC_TOKEN for the file.
    const [flagged, filed] = await Promise.all([
      tthc([
        'receive',
        '--procedure',
        '1.001612',
        '--applicant-name',
        'Trần Thị Bình',
        '--id-number',
        idNumber(),
        '--competent-agency',
        demoUnits.camThanhCommittee,
        '--document',
        `giay-de-nghi-dang-ky-ho-kinh-doanh:paper:${scan.ref}`,
        '--document',
        'giay-to-phap-ly-ca-nhan:paper',
        '--token',
        counter,
        '--json',
      ]),
      tthc(['receive', '--file', file], { TTHC_TOKEN: counter }),
    ]);
    const r = json<{
      code: string;
      existing: boolean;
      outcome: string;
      status: string;
      appointmentDate: string;
      lookupSecret: string;
      forms: string[];
    }>(flagged);
    expect(r.code).toMatch(CODE);
    expect(r.code.startsWith(demoUnits.camThanhOneStop)).toBe(true);
    expect(r).toMatchObject({ existing: false, outcome: 'accepted', status: 'MOI_TIEP_NHAN' });
    expect(r.appointmentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(r.lookupSecret).toMatch(/^[A-Z2-7]{10}$/);
    expect(r.forms).toContain('receipt');

    ok(filed);
    expect(filed.stdout).toMatch(/^Đã tiếp nhận hồ sơ \d{3}\.\d{2}\.\d{2}\.H99-\d{6}-\d{4}\n/);
    expect(filed.stdout).toContain('Mới tiếp nhận (MOI_TIEP_NHAN)');
    expect(filed.stdout).toMatch(/Ngày hẹn trả kết quả: +Thứ .+, \d{2}\/\d{2}\/\d{4}/);
    expect(filed.stdout).toMatch(/Mã tra cứu: +[A-Z2-7]{10} /);
    expect(filed.stdout).toContain('Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01) (receipt)');
    const fileCode = /hồ sơ (\S+)/.exec(filed.stdout)?.[1] ?? '';
    expect(fileCode).toMatch(CODE);

    const code = r.code;
    ok(
      await tthc([
        'act',
        code,
        'assign',
        '--payload',
        '{"specialist":{"id":"chuyen-vien-1","name":"Phạm Thị Lan"}}',
        '--token',
        leader,
      ]),
    );
    const appraised = await tthc([
      'act',
      code,
      'appraise',
      '--payload',
      '{"recommendation":"approve"}',
      '--note',
      'Đủ điều kiện',
      '--token',
      specialist,
    ]);
    expect(ok(appraised).stdout).toContain(`appraise: hồ sơ ${code} — Đang xử lý (DANG_XU_LY)`);
    const approved = json<{ status: string; action: string }>(
      await tthc(['act', code, 'approve', '--note', 'Cấp giấy chứng nhận', '--token', leader, '--json']),
    );
    expect(approved).toMatchObject({ action: 'approve', status: 'DA_XU_LY_XONG' });

    // Independent commands at once: the illegal second approval, the state, the forms, the
    // same file again (idempotent by request id).
    const [again, shown, shownJson, receipt, receiptJson, sheet, resent] = await Promise.all([
      tthc(['act', code, 'approve', '--token', leader]),
      tthc(['show', code, '--token', counter]),
      tthc(['show', code, '--token', leader, '--json']),
      tthc(['form', code, 'receipt', '--token', counter]),
      tthc(['form', code, 'receipt', '--token', counter, '--json']),
      tthc(['form', code, 'control-sheet', '--token', leader]),
      tthc(['receive', '--file', file, '--token', counter, '--json']),
    ]);
    expectOneLineError(again, 5, /Đã xử lý xong.*\(HTTP 409 ILLEGAL_STATE\)$/);

    ok(shown);
    expect(shown.stdout).toContain(`Hồ sơ:`);
    expect(shown.stdout).toContain('1.001612 Đăng ký thành lập hộ kinh doanh');
    expect(shown.stdout).toContain('Đã xử lý xong (DA_XU_LY_XONG)');
    expect(shown.stdout).toContain('Trả kết quả (return)');
    expect(shown.stdout).toMatch(/Hạn trả \(NĐ 61\): +Thứ .+, \d{2}\/\d{2}\/\d{4}/);
    expect(shown.stdout).toMatch(/Hạn theo QĐ 766: +\d{2}\/\d{2}\/\d{4} — đúng hạn đến nay/);
    expect(shown.stdout).toMatch(/Tạm dừng: +không/);
    expect(shown.stdout).toMatch(/Xin lỗi, hẹn lại: +không/);
    const history = shown.stdout.slice(shown.stdout.indexOf('Lịch sử:'));
    expect(history).toMatch(/Thời gian +Thao tác +Người thực hiện +Trạng thái/);
    for (const [action, who] of <Array<[string, string]>>[
      ['accept', 'Cán bộ can-bo-01 (Cán bộ một cửa, 000.01.41.H99)'],
      ['assign', 'Cán bộ lanh-dao-1 (Lãnh đạo, 000.00.41.H99)'],
      ['appraise', 'Cán bộ chuyen-vien-1 (Chuyên viên, 000.00.41.H99)'],
      ['approve', 'Cán bộ lanh-dao-1 (Lãnh đạo, 000.00.41.H99)'],
    ]) {
      expect(history).toMatch(
        new RegExp(`\\d{2}:\\d{2} \\d{2}/\\d{2}/\\d{4} +${action} +${who.replace(/[()]/g, '\\$&')}`),
      );
    }
    const view = json<{ state: { code: string; status: string; history: unknown[] } }>(shownJson);
    expect(view.state).toMatchObject({ code, status: 'DA_XU_LY_XONG' });
    expect(view.state.history).toHaveLength(4);

    ok(receipt);
    expect(receipt.stdout).toMatch(/^Mẫu số 01 — /);
    expect(receipt.stdout).toMatch(new RegExp(`Mã hồ sơ: +${code.replace(/\./g, '\\.')}`));
    expect(receipt.stdout).toContain('Trần Thị Bình');
    expect(receipt.stdout).toMatch(/Ngày hẹn trả kết quả: +\d{2}\/\d{2}\/\d{4}/);
    expect(receipt.stdout).toMatch(/STT +Tên giấy tờ +Hình thức/);
    expect(receipt.stdout).toContain('Bản giấy');
    expect(json(receiptJson)).toMatchObject({
      kind: 'receipt',
      number: 'Mẫu số 01',
      fields: { dossierCode: code },
    });
    expect(ok(sheet).stdout).toContain('Bên giao');

    expect(json(resent)).toMatchObject({ code: fileCode, existing: true });

    const returned = await tthc([
      'act',
      code,
      'return-result',
      '--payload',
      '{"channel":"counter"}',
      '--token',
      counter,
    ]);
    expect(ok(returned).stdout).toContain(`return-result: hồ sơ ${code} — Đã trả kết quả (DA_TRA_KET_QUA)`);
  });
});

describe('tthc dossier: refusals and their exit codes', () => {
  it('wrong unit or role 4, missing dossier or form 3, malformed input 2, illegal 5, unreachable 1, one line each', async () => {
    const code = await receivedDossier(app);
    const [counter, otherCounter, specialist] = await Promise.all([
      tokens.counter(),
      tokens.otherCounter(),
      tokens.specialist(),
    ]);
    const closedPort = await freePort();
    const badFile = join(workDir, 'bad.json');
    await writeFile(badFile, '{ "application": ');
    const goodFile = join(workDir, 'good.json');
    await writeFile(goodFile, JSON.stringify(applicationFile()));
    const [
      wrongUnit,
      wrongRole,
      noToken,
      forgedToken,
      missingDossier,
      missingForm,
      malformedCode,
      badIdNumber,
      badPayloadJson,
      badPayload,
      badDocument,
      unreadableFile,
      unknownAction,
      illegal,
      unreachable,
      unreachableReceive,
      listWithoutVisibility,
    ] = await Promise.all([
      tthc(['show', code, '--token', otherCounter]),
      tthc(['act', code, 'approve', '--token', specialist]),
      tthc(['show', code]),
      tthc(['show', code, '--token', 'abc.def.ghi']),
      tthc(['show', `${demoUnits.camThanhOneStop}-200101-0001`, '--token', counter]),
      tthc(['form', code, 'apology', '--token', counter]),
      tthc(['show', 'not-a-code', '--token', counter]),
      tthc([
        'receive',
        '--procedure',
        '1.001612',
        '--applicant-name',
        'Trần Văn Sai',
        '--id-number',
        '123',
        '--phone',
        'abc',
        '--competent-agency',
        demoUnits.camThanhCommittee,
        '--token',
        counter,
      ]),
      tthc(['act', code, 'assign', '--payload', '{not json', '--token', await tokens.leader()]),
      tthc([
        'act',
        code,
        'assign',
        '--payload',
        '{"specialist":{"id":"x"},"extra":1}',
        '--token',
        await tokens.leader(),
      ]),
      tthc([
        'receive',
        '--procedure',
        '1.001612',
        '--applicant-name',
        'Trần Văn Sai',
        '--id-number',
        idNumber(),
        '--competent-agency',
        demoUnits.camThanhCommittee,
        '--document',
        'giay-to',
        '--token',
        counter,
      ]),
      tthc(['receive', '--file', badFile, '--token', counter]),
      tthc(['act', code, 'sign', '--token', counter]),
      tthc(['act', code, 'return-result', '--payload', '{"channel":"counter"}', '--token', counter]),
      tthc(['show', code, '--token', counter, '--api', `http://127.0.0.1:${closedPort}`]),
      tthc([
        'receive',
        '--file',
        goodFile,
        '--request-id',
        'quay-1-0001',
        '--token',
        counter,
        '--api',
        `http://127.0.0.1:${closedPort}`,
      ]),
      tthc(['list', '--token', counter]),
    ]);
    expectOneLineError(wrongUnit, 4, /Không có quyền.*\(HTTP 403 FORBIDDEN\)$/);
    expectOneLineError(wrongRole, 4, /Không có quyền.*approve.*\(HTTP 403 FORBIDDEN\)$/);
    expectOneLineError(
      noToken,
      4,
      /\(HTTP 401 missing\); sign in with `tthc login`, or pass --token <jwt> or set TTHC_TOKEN/,
    );
    expectOneLineError(forgedToken, 4, /\(HTTP 401 malformed\); sign in again with `tthc login`/);
    expectOneLineError(missingDossier, 3, /\(HTTP 404 NOT_FOUND\)$/);
    expectOneLineError(missingForm, 3, /chưa có phiếu "apology".*\(HTTP 404 NOT_FOUND\)$/);
    expectOneLineError(malformedCode, 2, /: code: must be a dossier code.*\(HTTP 400 INVALID_INPUT\)$/);
    // Every failing field, on one line, joined by '; '.
    expectOneLineError(
      badIdNumber,
      2,
      /: application\.applicant\.idNumber: must be 12 digits \(Căn cước công dân\); application\.applicant\.phone: must be a Vietnamese phone number.*\(HTTP 400 INVALID_INPUT\)$/,
    );
    expectOneLineError(badPayloadJson, 2, /^tthc: --payload is not valid JSON/);
    expectOneLineError(
      badPayload,
      2,
      /specialist\.name: .*; extra: is not a known field.*\(HTTP 400 INVALID_INPUT\)$/,
    );
    expectOneLineError(badDocument, 2, /--document "giay-to" must be kind:form\[:fileRef\]/);
    expectOneLineError(unreadableFile, 2, /--file ".*bad\.json" is not valid JSON/);
    expectOneLineError(
      unknownAction,
      2,
      /action "sign" must be one of provide-intake-supplement, .*evaluate, correct-data$/,
    );
    expectOneLineError(illegal, 5, /\(HTTP 409 [A-Z_]+\)$/);
    expectOneLineError(
      unreachable,
      1,
      new RegExp(
        `cannot reach the API at http://127\\.0\\.0\\.1:${closedPort} \\(ECONNREFUSED\\).*TTHC_API_URL`,
      ),
    );
    // A receive that may or may not have arrived names the request id to retry with (idempotent).
    expectOneLineError(unreachableReceive, 1, /ECONNREFUSED.*; retry with --request-id quay-1-0001$/);
    // The time-skipping server has no visibility: the API answers 503, the command exits 1.
    expectOneLineError(listWithoutVisibility, 1, /service unavailable.*\(HTTP 503 UNAVAILABLE\)$/);
  });

  it('`--help` lists every action and the exit codes', async () => {
    const [dossier, act] = await Promise.all([tthc(['--help']), tthc(['act', '--help'])]);
    expect(ok(dossier).stdout).toContain('Exit codes:');
    for (const sub of ['receive', 'show', 'act', 'list', 'form']) expect(dossier.stdout).toContain(sub);
    for (const line of [
      '2  usage error',
      '3  not found',
      '4  not authenticated or not allowed',
      '5  the action',
    ]) {
      expect(dossier.stdout).toContain(line);
    }
    for (const action of [
      'assign',
      'appraise',
      'approve',
      'return-result',
      'record-payment',
      'evaluate',
      'apologize',
    ]) {
      expect(ok(act).stdout).toMatch(new RegExp(`^  ${action} `, 'm'));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// `list` needs visibility: the shared dev server, in a namespace of its own with its own workers
// (as in api-lifecycle.test.ts), and an API over it listening on its own port.

describe('tthc dossier list (dev server, own namespace)', () => {
  let searchSystem: NamespaceSystem;
  let searchApp: FastifyInstance;
  let searchUrl: string;

  beforeAll(async () => {
    searchSystem = await startNamespaceSystem(system.nc, 'tthc-cli-list');
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
    searchUrl = await listen(searchApp);
  });
  afterAll(async () => {
    await searchApp?.close();
    await searchSystem?.stop();
  });

  /** Waits (in-process, fast) until the visibility store shows the codes to this token. */
  async function visible(token: string, codes: string[]): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await searchApp.inject({
        method: 'GET',
        url: '/v1/dossiers?pageSize=100',
        headers: { authorization: `Bearer ${token}` },
      });
      const items = (response.json() as { items?: Array<{ code: string }> }).items ?? [];
      if (codes.every((code) => items.some((item) => item.code === code))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${codes.join(', ')} never became visible`);
  }

  it('prints a table with the next page token, JSON for scripts, every page with --all, and refuses bad filters', async () => {
    // Missing documents: both wait for supplements (YEU_CAU_BO_SUNG).
    const a = await receivedDossier(searchApp, applicationFile({ documents: [] }));
    const b = await receivedDossier(searchApp, applicationFile({ documents: [] }));
    const [supervisor, counter, otherCounter] = await Promise.all([
      tokens.supervisor(),
      tokens.counter(),
      tokens.otherCounter(),
    ]);
    await visible(supervisor, [a, b]);
    const list = (...args: string[]) => tthc(['list', '--api', searchUrl, ...args]);

    const [everything, firstPage, all, filtered, badStatus, badDate, outside] = await Promise.all([
      list('--token', supervisor, '--json'),
      list('--token', supervisor, '--page-size', '1'),
      list('--token', supervisor, '--page-size', '1', '--all', '--json'),
      list(
        '--token',
        counter,
        '--status',
        'YEU_CAU_BO_SUNG',
        '--unit',
        demoUnits.camThanhOneStop,
        '--procedure',
        '1.001612',
        '--no-overdue',
      ),
      list('--token', supervisor, '--status', 'NOPE'),
      list('--token', supervisor, '--due-before', 'yesterday', '--page-size', '1000'),
      list('--token', otherCounter, '--unit', demoUnits.camThanhOneStop),
    ]);

    const page = json<{
      items: Array<{ code: string; status: string; overdue: boolean }>;
      nextPageToken?: string;
    }>(everything);
    expect(page.items.map((i) => i.code).sort()).toEqual([a, b].sort());
    expect(page.items[0]).toMatchObject({ status: 'YEU_CAU_BO_SUNG', overdue: false });

    // Newest first, one per page, the next page's token printed under the table.
    ok(firstPage);
    expect(firstPage.stdout).toMatch(/^Mã hồ sơ +Trạng thái +Hạn trả +Quá hạn\n/);
    expect(firstPage.stdout).toContain(`${b}  Yêu cầu bổ sung hồ sơ`);
    expect(firstPage.stdout).not.toContain(a);
    const token = /--page-token (\S+)/.exec(firstPage.stdout)?.[1];
    expect(token).toBeTruthy();
    const second = await list('--token', supervisor, '--page-size', '1', '--page-token', token as string);
    expect(ok(second).stdout).toContain(a);

    const everyPage = json<{ items: Array<{ code: string }>; nextPageToken?: string }>(all);
    expect(everyPage.items.map((i) => i.code)).toEqual([b, a]);
    expect(everyPage.nextPageToken).toBeUndefined();
    expect(all.stderr).toMatch(/\[tthc\] listing dossiers: page \d+, 2 dossiers\n$/);

    ok(filtered);
    expect(filtered.stdout).toContain(a);
    expect(filtered.stdout).toContain('(2 hồ sơ)');

    // Query issues are named by the flag that set them.
    expectOneLineError(badStatus, 2, /: --status: must be one of .*\(HTTP 400 INVALID_INPUT\)$/);
    expectOneLineError(
      badDate,
      2,
      /--due-before: must be a date.*; --page-size: must be a whole number 1–100/,
    );
    expectOneLineError(outside, 4, /\(HTTP 403 FORBIDDEN\)$/);
  });
});
