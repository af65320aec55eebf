/**
 * Retention and erasure (Law 91/2025/QH15) against the real servers, on a time-skipping Temporal
 * server and a nats-server of this test's own (the sweep erases everything due it finds): the
 * retention index follows the events; the sweep erases a closed dossier whose retention passed
 * (documents, data key, registry records; its Temporal history undecipherable, its view a 410)
 * while its events and indicator record stay, leaves a dossier not yet due alone and moves an open
 * one to a later day; an administrator erases on a data subject's request through the API and
 * `tthc erase`, refused to everyone else and for an open dossier, recorded in the access log and
 * shown in the citizen's lookup; erasing twice changes nothing.
 */
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndicatorService } from '../../aggregators/indicator-service.js';
import { IndicatorReadModel } from '../../aggregators/read-model.js';
import { generateSecret, issueToken, lookupSecret, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import type { AccessLogPage } from '../../audit/access-entry.js';
import { AccessLog } from '../../audit/access-log.js';
import { DossierErasedError } from '../../client/client-errors.js';
import type { Applicant } from '../../domain/application.js';
import type { Procedure } from '../../domain/catalogue.js';
import { addCalendarDays, addCalendarMonths, startOfCivilDay, toCivilDate } from '../../domain/time.js';
import { ErasedDataError } from '../../encryption/data-keys.js';
import { PayloadDecodeError } from '../../encryption/payload-codec.js';
import { applicantKeyFor, DigitizedRegistry } from '../../infra/digitized-registry.js';
import { createLogger } from '../../infra/logging.js';
import { projectRoot } from '../../infra/tools.js';
import { DossierEraser, UnknownDossierError } from '../../retention/dossier-erasure.js';
import type { ErasureResult } from '../../retention/erasure-schemas.js';
import { type RetentionService, startRetentionService } from '../../retention/retention-service.js';
import { retentionSweepOfficial } from '../../retention/retention-sweep.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { testLogger } from '../support/test-logging.js';
import { connectTemporal, type TemporalTestConnections } from '../support/test-servers.js';

const organisation = loadOrganisation('demo');
const province = '000.00.00.H99';
const secret = generateSecret();
const counter = actor('counter-officer', demoUnits.camThanhOneStop);
const leader = actor('leader', demoUnits.camThanhCommittee);
const specialist = actor('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-luu-tru');
const applicantActor = { id: 'cong-dan', name: 'Người nộp', unit: 'applicant', role: 'applicant' as const };
const kinds = ['giay-de-nghi-dang-ky-ho-kinh-doanh', 'giay-to-phap-ly-ca-nhan'];

/** The catalogue of this test: 1.001612 keeps personal data 1 month, so that it passes within the test. */
const catalogue: Procedure[] = loadCatalogue().procedures.map((procedure) =>
  procedure.code === '1.001612' ? { ...procedure, personalDataRetention: { months: 1 } } : procedure,
);

let system: DossierTestSystem;
let retention: RetentionService;
let indicators: IndicatorService;
let readModel: IndicatorReadModel;
let accessLog: AccessLog;
let registry: DigitizedRegistry;
let app: FastifyInstance;
let apiUrl: string;

beforeAll(async () => {
  system = await startDossierSystem({ timeSkipping: true, privateNats: true });
  accessLog = await AccessLog.open(system.nc);
  registry = await DigitizedRegistry.open(system.nc);
  indicators = await IndicatorService.start(system.nc, testLogger('indicators'));
  readModel = new IndicatorReadModel(system.nc, organisation, loadCatalogue().procedures);
  retention = await startRetentionService({
    nc: system.nc,
    temporal: system.temporal,
    protection: system.protection,
    dataDir: system.dataDir,
    organisation,
    catalogue,
    accessLog,
    logger: testLogger('retention'),
    // Sweeps are run by the tests (runNow), on the test server's clock.
    intervalMs: 24 * 3_600_000,
    clock: () => now(),
  });
  app = await buildApiServer({
    temporal: system.temporal,
    dossiers: system.client,
    nc: system.nc,
    accessLog,
    documents: system.documents,
    indicators: readModel,
    erasure: retention.eraser,
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
  await retention?.stop();
  await indicators?.stop();
  await system?.teardown();
});

// ---------------------------------------------------------------------------------------------
// Helpers

async function now(): Promise<number> {
  return (await system.env?.currentTimeMs()) ?? Date.now();
}

async function sleepUntil(instant: number): Promise<void> {
  const wait = instant - (await now());
  if (wait > 0) await system.env?.sleep(wait);
}

let serial = 0;

function citizen(): Applicant {
  serial++;
  return {
    type: 'citizen',
    fullName: `Lưu Thị Trữ ${serial}`,
    idNumber: `0790${String(process.pid % 10_000).padStart(4, '0')}${String(serial).padStart(4, '0')}`,
  };
}

interface Dossier {
  code: string;
  applicant: Applicant;
  documents: string[];
}

/** Received at the counter with two scanned components (digitized and registered). */
async function receive(options: { evaluationWindowDays?: number } = {}): Promise<Dossier> {
  const applicant = citizen();
  const application = await scannedHouseholdBusiness(system.documents, {
    requestId: `retention-${process.pid}-${Date.now()}-${serial}`,
    applicant,
    channel: 'counter',
    receivingUnit: demoUnits.camThanhOneStop,
    competentAgency: demoUnits.camThanhCommittee,
  });
  const { code } = await system.client.receive({
    application,
    intake: { officer: counter },
    options: options.evaluationWindowDays ? { evaluationWindowDays: options.evaluationWindowDays } : {},
  });
  const documents = application.documents.map((document) => document.fileRef as string);
  return { code, applicant, documents };
}

function act(
  code: string,
  name: Parameters<typeof system.client.act>[1]['name'],
  by: typeof leader,
  payload = {},
) {
  return system.client.act(code, { name, actor: by, payload });
}

/** Decided, paid and handed back; the result document joins the dossier's documents. */
async function returned(dossier: Dossier): Promise<Dossier> {
  await act(dossier.code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
  await act(dossier.code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
  await act(dossier.code, 'approve', leader, { note: 'Cấp giấy chứng nhận' });
  await act(dossier.code, 'record-payment', counter, { amountVnd: 100_000, channel: 'cash' });
  await act(dossier.code, 'return-result', counter, { channel: 'counter' });
  const result = (await system.client.get(dossier.code)).state.result?.ref as string;
  return { ...dossier, documents: [...dossier.documents, result] };
}

/** The applicant evaluates: the dossier's workflow ends. */
async function evaluated(dossier: Dossier): Promise<Dossier> {
  await act(dossier.code, 'evaluate', applicantActor as unknown as typeof leader, { scores: { '1': 2 } });
  await workflowClosed(dossier.code);
  return dossier;
}

/** Waits for the workflow to close without `result()`, which would let the test server skip time. */
async function workflowClosed(code: string): Promise<void> {
  const handle = system.temporal.workflow.getHandle(code);
  for (let attempt = 0; (await handle.describe()).status.name === 'RUNNING'; attempt++) {
    if (attempt > 200) throw new Error(`${code} did not close`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function closedDossier(): Promise<Dossier> {
  return evaluated(await returned(await receive()));
}

async function settled(): Promise<void> {
  await retention.consumer.caughtUp();
  await indicators.caughtUp();
}

async function registryRecords(dossier: Dossier): Promise<string[]> {
  const key = applicantKeyFor(dossier.applicant as never, system.protection.keyring.pseudonymSecret);
  const today = toCivilDate(await now());
  const found = await Promise.all(kinds.map((kind) => registry.findReusable(key, kind, today)));
  return found
    .filter((record) => record?.dossierCode === dossier.code)
    .map((record) => record?.ref as string);
}

async function documentsLeft(dossier: Dossier): Promise<string[]> {
  const left = await Promise.all(
    dossier.documents.map(async (ref) => ((await system.documents.has(ref)) ? ref : '')),
  );
  return left.filter(Boolean);
}

/** A payload of the dossier's history, decoded with the system's codec. */
async function decodeFirstPayload(code: string): Promise<unknown> {
  const history = await system.temporal.workflow.getHandle(code).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  return system.protection.codec.decode([started as Payload]);
}

async function token(role: OfficialRole, unit = province, id = `${role}-luu-tru`): Promise<string> {
  return (await issueToken(secret, { sub: id, name: `Cán bộ ${id}`, unit, role }, '1h')).token;
}

async function requestErasure(
  code: string,
  role: OfficialRole,
  body: unknown = { reason: 'data-subject-request' },
) {
  return app.inject({
    method: 'POST',
    url: `/v1/dossiers/${code}/erasure`,
    headers: { authorization: `Bearer ${await token(role)}` },
    payload: body as Record<string, unknown>,
  });
}

function tthc(args: string[], tokenValue: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TTHC_')));
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', ...args],
      { cwd: projectRoot, env: { ...env, TTHC_API_URL: apiUrl, TTHC_TOKEN: tokenValue }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** A client on a new namespace of the shared dev server, once the namespace answers. */
async function emptyNamespace(connections: TemporalTestConnections): Promise<Client> {
  const namespace = `tthc-forgotten-${process.pid}-${Date.now()}`;
  await connections.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const client = new Client({
    connection: connections.client.connection,
    namespace,
    dataConverter: system.protection.dataConverter,
  });
  for (let attempt = 0; ; attempt++) {
    const answer = await client.workflow
      .getHandle('probe')
      .describe()
      .catch((error: unknown) => error);
    if (answer instanceof WorkflowNotFoundError) return client;
    if (attempt > 100) throw answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------

describe('the retention sweep', () => {
  it('erases a closed dossier whose retention passed, moves an open one to a later day, leaves one not yet due', async () => {
    const erased = await closedDossier();
    const open = await returned(await receive({ evaluationWindowDays: 90 }));
    await settled();
    const due = await retention.index.record(erased.code);
    expect(due).toMatchObject({ procedureCode: '1.001612', retentionMonths: 1 });
    expect(due?.erasedAt).toBeUndefined();
    expect(due?.dueOn).toBe(addCalendarMonths(due?.endedOn as string, 1));
    expect((await retention.index.record(open.code))?.dueOn).toBe(due?.dueOn);
    expect(await registryRecords(erased)).toHaveLength(2);

    await system.env?.sleep(20 * 86_400_000);
    const notYetDue = await closedDossier();
    await settled();
    const eventsBefore = await system.publishedEvents(erased.code);
    const factsBefore = await readModel.dossierFacts(erased.code);
    expect(factsBefore?.status).toBe('DA_TRA_KET_QUA');

    await sleepUntil(startOfCivilDay(due?.dueOn as string) + 3_600_000);
    const sweep = await retention.sweep.runNow();
    const tomorrow = addCalendarDays(due?.dueOn as string, 1);
    expect(sweep).toMatchObject({
      today: due?.dueOn,
      erased: [erased.code],
      alreadyErased: [],
      postponed: [{ dossierCode: open.code, to: tomorrow }],
      failed: [],
    });

    // Erased: documents, data key, registry records; the history no longer decodes, the view is gone.
    expect(await documentsLeft(erased)).toEqual([]);
    expect(await system.protection.dataKeys.isErased(erased.code)).toBe(true);
    expect(await registryRecords(erased)).toEqual([]);
    const failure = await decodeFirstPayload(erased.code).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PayloadDecodeError);
    expect((failure as Error).cause).toBeInstanceOf(ErasedDataError);
    await expect(system.client.get(erased.code)).rejects.toBeInstanceOf(DossierErasedError);
    expect((await retention.index.record(erased.code))?.erasedAt).toBeDefined();
    // What the indicators need stays: the events and the indicator record, unchanged.
    await settled();
    expect(await system.publishedEvents(erased.code)).toEqual(eventsBefore);
    expect(await readModel.dossierFacts(erased.code)).toEqual(factsBefore);
    // The erasure is in the access log, as the system's, at the organisation's root unit.
    const entries = await accessLog.listForDossier(erased.code);
    expect(entries.filter((entry) => entry.route === 'erasure')).toEqual([
      expect.objectContaining({
        official: expect.objectContaining({ id: 'system:retention', role: 'administrator', unit: province }),
        detail: 'retention-expired',
      }),
    ]);

    // Open (its evaluation window runs): nothing erased, moved to the next day.
    expect(await system.protection.dataKeys.keyState(open.code)).toBe('active');
    expect(await documentsLeft(open)).toEqual(open.documents);
    expect((await system.client.get(open.code)).state.status).toBe('DA_TRA_KET_QUA');
    expect((await retention.index.record(open.code))?.scheduledOn).toBe(tomorrow);
    // Not yet due: untouched.
    expect(await system.protection.dataKeys.keyState(notYetDue.code)).toBe('active');
    expect(await registryRecords(notYetDue)).toHaveLength(2);

    // Once the open dossier ends, the next sweep erases it.
    await evaluated(open);
    await sleepUntil(startOfCivilDay(tomorrow) + 3_600_000);
    const next = await retention.sweep.runNow();
    expect(next).toMatchObject({ erased: [open.code], postponed: [], failed: [] });
    expect(await documentsLeft(open)).toEqual([]);
    expect(await system.protection.dataKeys.keyState(notYetDue.code)).toBe('active');
  });
});

describe('a data subject’s request', () => {
  it('an administrator erases a closed dossier; everyone else is refused; erasing again changes nothing', async () => {
    const dossier = await closedDossier();
    for (const role of ['counter-officer', 'specialist', 'leader', 'supervisor'] as const) {
      const refused = await requestErasure(dossier.code, role);
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json().error).toMatch(/^Không có quyền: Chỉ quản trị hệ thống được xóa dữ liệu cá nhân/);
    }
    expect(await system.protection.dataKeys.keyState(dossier.code)).toBe('active');

    const response = await requestErasure(dossier.code, 'administrator', {
      reason: 'data-subject-request',
      reference: 'YC-2026.001',
    });
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as ErasureResult;
    expect(result).toMatchObject({
      dossierCode: dossier.code,
      reason: 'data-subject-request',
      reasonName: 'Yêu cầu xóa dữ liệu của chủ thể dữ liệu',
      alreadyErased: false,
      dataKeyDestroyed: true,
      digitizedRecordsRemoved: 2,
      digitizedRegistry: 'cleaned',
    });
    expect(result.documents.destroyed.sort()).toEqual([...dossier.documents].sort());
    expect(await documentsLeft(dossier)).toEqual([]);
    expect(await registryRecords(dossier)).toEqual([]);

    const again = await requestErasure(dossier.code, 'administrator');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      alreadyErased: true,
      erasedAt: result.erasedAt,
      dataKeyDestroyed: false,
      documents: { destroyed: [], released: [] },
    });

    // The access log holds the erasure once, as the administrator's, with the reason and reference.
    const audit = await app.inject({
      method: 'GET',
      url: `/v1/audit/access?dossier=${dossier.code}`,
      headers: { authorization: `Bearer ${await token('administrator')}` },
    });
    const page = audit.json() as AccessLogPage;
    expect(page.entries.filter((entry) => entry.route === 'erasure')).toEqual([
      expect.objectContaining({
        official: expect.objectContaining({ id: 'administrator-luu-tru', unit: province }),
        detail: 'data-subject-request:YC-2026.001',
        at: result.erasedAt,
      }),
    ]);

    // When it falls due later, the sweep finds it erased and records nothing more.
    await settled();
    const dueOn = (await retention.index.record(dossier.code))?.dueOn as string;
    await sleepUntil(startOfCivilDay(dueOn) + 3_600_000);
    expect((await retention.sweep.runNow()).alreadyErased).toContain(dossier.code);
    expect((await accessLog.listForDossier(dossier.code)).filter((e) => e.route === 'erasure')).toHaveLength(
      1,
    );
  });

  it('answers 410 with the facts that remain for the dossier view and the citizen’s lookup', async () => {
    const dossier = await closedDossier();
    await settled();
    expect((await requestErasure(dossier.code, 'administrator')).statusCode).toBe(200);

    const view = await app.inject({
      method: 'GET',
      url: `/v1/dossiers/${dossier.code}`,
      headers: { authorization: `Bearer ${await token('supervisor', demoUnits.camThanhCommittee)}` },
    });
    expect(view.statusCode, view.body).toBe(410);
    expect(view.json()).toMatchObject({
      code: 'ERASED',
      error: expect.stringContaining(`Dữ liệu cá nhân của hồ sơ ${dossier.code} đã được xóa theo quy định`),
      dossier: {
        code: dossier.code,
        procedure: { code: '1.001612', name: 'Đăng ký thành lập hộ kinh doanh' },
        status: 'DA_TRA_KET_QUA',
        statusName: 'Đã trả kết quả',
        receivingUnit: demoUnits.camThanhOneStop,
        competentAgency: demoUnits.camThanhCommittee,
      },
    });
    expect(JSON.stringify(view.json())).not.toContain(
      dossier.applicant.type === 'citizen' ? dossier.applicant.fullName : '',
    );
    // Outside the official's scope it stays a 403.
    const other = await app.inject({
      method: 'GET',
      url: `/v1/dossiers/${dossier.code}`,
      headers: { authorization: `Bearer ${await token('counter-officer', demoUnits.konTumOneStop)}` },
    });
    expect(other.statusCode).toBe(403);
    // Forms and actions of an erased dossier: 410 too.
    const form = await app.inject({
      method: 'GET',
      url: `/v1/dossiers/${dossier.code}/forms/receipt`,
      headers: { authorization: `Bearer ${await token('administrator')}` },
    });
    expect(form.statusCode).toBe(410);

    const lookup = await app.inject({
      method: 'GET',
      url: `/v1/lookup/${dossier.code}?secret=${lookupSecret(secret, dossier.code)}`,
    });
    expect(lookup.statusCode, lookup.body).toBe(410);
    const body = lookup.json() as { personalDataAccess: Array<{ unit: { code: string }; routes: string[] }> };
    expect(body).toMatchObject({ code: 'ERASED', dossier: { status: 'DA_TRA_KET_QUA' } });
    expect(body.personalDataAccess).toContainEqual(
      expect.objectContaining({ unit: expect.objectContaining({ code: province }), routes: ['erasure'] }),
    );
    const wrongSecret = await app.inject({
      method: 'GET',
      url: `/v1/lookup/${dossier.code}?secret=AAAAAAAAAA`,
    });
    expect(wrongSecret.statusCode).toBe(404);
  });

  it('is refused while the dossier is open (409) and for a dossier nobody knows (404)', async () => {
    const open = await receive();
    const refused = await requestErasure(open.code, 'administrator');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'DOSSIER_OPEN',
      error: expect.stringMatching(/^Hồ sơ .* đang được giải quyết/),
    });
    expect(await system.protection.dataKeys.keyState(open.code)).toBe('active');
    expect(await documentsLeft(open)).toEqual(open.documents);

    const unknown = await requestErasure('000.01.41.H99-991231-9999', 'administrator');
    expect(unknown.statusCode).toBe(404);
    const badReason = await requestErasure(open.code, 'administrator', { reason: 'retention-expired' });
    expect(badReason.statusCode).toBe(400);
  });

  it('erases a dossier Temporal has forgotten: registry records by the dossier’s index, documents, key', async () => {
    const dossier = await closedDossier();
    // A namespace of its own that never had the dossier stands for one whose retention has passed.
    const forgetful = await connectTemporal();
    try {
      const eraser = new DossierEraser({
        temporal: await emptyNamespace(forgetful),
        dataKeys: system.protection.dataKeys,
        documents: system.documents,
        digitized: registry,
        accessLog,
        pseudonymSecret: () => system.protection.keyring.pseudonymSecret,
        logger: testLogger('forgetful-erasure'),
      });
      const official = retentionSweepOfficial(organisation);
      await expect(
        eraser.erase('000.01.41.H99-991230-0001', { by: official, reason: 'data-subject-request' }),
      ).rejects.toBeInstanceOf(UnknownDossierError);
      const outcome = await eraser.erase(dossier.code, { by: official, reason: 'retention-expired' });
      expect(outcome).toMatchObject({
        alreadyErased: false,
        dataKeyDestroyed: true,
        digitizedRecordsRemoved: 2,
        digitizedRegistry: 'dossier-index-only',
      });
      expect(await registryRecords(dossier)).toEqual([]);
      expect(await documentsLeft(dossier)).toEqual([]);
    } finally {
      await forgetful.close();
    }
  });

  it('tthc erase: confirms in Vietnamese, then says it was already erased; exit 4 for others, 5 for an open dossier', async () => {
    const dossier = await closedDossier();
    const open = await receive();
    const admin = await token('administrator');
    const first = await tthc(['erase', '--dossier', dossier.code, '--reference', 'YC-42'], admin);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      new RegExp(
        `^Đã xóa dữ liệu cá nhân của hồ sơ ${dossier.code.replaceAll('.', '\\.')} lúc \\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d: 3 tài liệu bị hủy, khóa dữ liệu của hồ sơ đã bị hủy, 2 bản ghi số hóa được gỡ \\(lý do: Yêu cầu xóa dữ liệu của chủ thể dữ liệu\\)\\.\\n$`,
      ),
    );
    const [again, asJson, refused, stillOpen, show, audit] = await Promise.all([
      tthc(['erase', '--dossier', dossier.code], admin),
      tthc(['erase', '--dossier', dossier.code, '--json'], admin),
      tthc(['erase', '--dossier', dossier.code], await token('leader', demoUnits.camThanhCommittee)),
      tthc(['erase', '--dossier', open.code], admin),
      tthc(['dossier', 'show', dossier.code], admin),
      tthc(['audit', '--dossier', dossier.code], admin),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^Dữ liệu cá nhân của hồ sơ .* đã được xóa trước đó \(lúc .*\); không có gì thay đổi\.\n$/,
    );
    expect(JSON.parse(asJson.stdout)).toMatchObject({ dossierCode: dossier.code, alreadyErased: true });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/\(HTTP 403 FORBIDDEN\)/);
    expect(stillOpen.code).toBe(5);
    expect(stillOpen.stderr).toMatch(/^tthc: Hồ sơ .* đang được giải quyết.*\(HTTP 409 DOSSIER_OPEN\)\n$/);
    expect(show.code).toBe(3);
    expect(show.stderr).toMatch(/đã được xóa theo quy định.*\(HTTP 410 ERASED\)/);
    expect(audit.stdout).toContain('Xóa dữ liệu cá nhân: Yêu cầu xóa dữ liệu của chủ thể dữ liệu (YC-42)');
    const usage = await tthc(['erase', '--dossier', dossier.code, '--reason', 'because'], admin);
    expect(usage.code).toBe(2);
  });
});
