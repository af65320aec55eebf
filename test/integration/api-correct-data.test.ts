/**
 * Repair through the API (issue #21 item 4): an administrator corrects the competent agency of an
 * open dossier held up by a data error. POST /v1/dossiers/{code}/actions/correct-data, real workers
 * on the time-skipping server: the change is audited (timeline, event), the history is not edited,
 * and the dossier then follows the new agency (search attribute, its staff, its unit queue).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import type { OfferedAction } from '../../api/offered-actions.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { searchAttributes } from '../../contract/search-attributes.js';
import type { DossierState } from '../../domain/dossier/dossier-state.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type DossierTestSystem, startDossierSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();
const province = '000.00.00.H99';
let system: DossierTestSystem;
let app: FastifyInstance;

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
});
afterAll(async () => {
  await app?.close();
  await system?.teardown();
});

async function token(role: OfficialRole, unit: string, id = `${role}@${unit}`): Promise<string> {
  return (await issueToken(secret, { sub: id, name: `Cán bộ ${id}`, unit, role }, '1h')).token;
}

async function call(method: 'GET' | 'POST', url: string, bearer: string, body?: unknown) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${bearer}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return response.json() as T;
}

type View = { state: DossierState; actions: OfferedAction[] };

describe('correct-data through the API', () => {
  it('an administrator moves an open dossier to the right agency; audited, and the new agency takes it', async () => {
    const admin = await token('administrator', province, 'quan-tri');
    const wrongLeader = await token('leader', demoUnits.camThanhCommittee);
    const rightLeader = await token('leader', demoUnits.konTumCommittee);
    const rightSpecialist = await token('specialist', demoUnits.konTumCommittee, 'cv-kon-tum');

    // Received for the wrong commune, and assigned there.
    const received = await call(
      'POST',
      '/v1/dossiers',
      await token('counter-officer', demoUnits.camThanhOneStop),
      {
        application: await scannedHouseholdBusiness(system.documents, {
          requestId: `correct-data-${Date.now()}`,
          applicant: { type: 'citizen', fullName: 'Đỗ Văn Hùng', idNumber: '051096600001' },
          channel: 'counter',
          receivingUnit: demoUnits.camThanhOneStop,
          competentAgency: demoUnits.camThanhCommittee,
        }),
      },
    );
    expect(received.statusCode, received.body).toBe(201);
    const { code } = json<{ code: string }>(received);
    const assign = (bearer: string, id: string) =>
      call('POST', `/v1/dossiers/${code}/actions/assign`, bearer, {
        specialist: { id, name: `Chuyên viên ${id}` },
      });
    expect((await assign(wrongLeader, 'cv-cam-thanh')).statusCode).toBe(200);
    const before = json<View>(await call('GET', `/v1/dossiers/${code}`, admin));
    expect(before.actions.filter((a) => a.allowed).map((a) => a.name)).toEqual(['correct-data']);
    const asLeader = json<View>(await call('GET', `/v1/dossiers/${code}`, wrongLeader));
    expect(asLeader.actions.find((a) => a.name === 'correct-data')).toMatchObject({
      allowed: false,
      code: 'FORBIDDEN',
    });

    const correct = (bearer: string, value: string) =>
      call('POST', `/v1/dossiers/${code}/actions/correct-data`, bearer, {
        field: 'competentAgency',
        value,
        reason: 'Người nộp cư trú tại Phường Kon Tum; chọn nhầm xã khi tiếp nhận',
      });
    expect((await correct(wrongLeader, demoUnits.konTumCommittee)).statusCode).toBe(403);
    const unknown = await correct(admin, '000.00.99.H99');
    expect(unknown.statusCode).toBe(400);
    expect(json<{ issues: string[] }>(unknown).issues).toEqual([
      'value: 000.00.99.H99 is not a unit of the organisation registry',
    ]);
    const done = await correct(admin, demoUnits.konTumCommittee);
    expect(done.statusCode, done.body).toBe(200);

    const after = json<View>(await call('GET', `/v1/dossiers/${code}`, admin));
    expect(after.state.application.competentAgency).toBe(demoUnits.konTumCommittee);
    expect(after.state.history.slice(0, before.state.history.length)).toEqual(before.state.history);
    expect(after.state.history.at(-1)).toMatchObject({
      action: 'correct-data',
      actor: { id: 'quan-tri', role: 'administrator', unit: province },
      note: expect.stringContaining(
        `${demoUnits.camThanhCommittee} → ${demoUnits.konTumCommittee}. Lý do: Người nộp cư trú`,
      ),
    });
    const corrected = (await system.events(code)).filter((e) => e.type === 'data-corrected');
    expect(corrected).toHaveLength(1);
    expect(corrected[0]?.data).toMatchObject({
      previous: demoUnits.camThanhCommittee,
      value: demoUnits.konTumCommittee,
    });
    expect(corrected[0]?.facts.competentAgency).toBe(demoUnits.konTumCommittee);
    const described = await system.temporal.workflow.getHandle(code).describe();
    expect(described.typedSearchAttributes.get(searchAttributes.competentAgency)).toBe(
      demoUnits.konTumCommittee,
    );

    // The dossier follows the corrected data: the old agency is refused, the new one decides it on its own queue.
    expect((await assign(wrongLeader, 'cv-cam-thanh')).statusCode).toBe(403);
    expect((await assign(rightLeader, 'cv-kon-tum')).statusCode).toBe(200);
    const appraise = await call('POST', `/v1/dossiers/${code}/actions/appraise`, rightSpecialist, {
      recommendation: 'approve',
      note: 'Đủ điều kiện',
    });
    expect(appraise.statusCode, appraise.body).toBe(200);
    const approved = await call('POST', `/v1/dossiers/${code}/actions/approve`, rightLeader, {});
    expect(approved.statusCode, approved.body).toBe(200);
    const decided = json<View>(await call('GET', `/v1/dossiers/${code}`, admin));
    expect(decided.state.result?.signedBy).toBe(demoUnits.konTumCommittee);

    // A decided dossier is not open any more.
    const late = await correct(admin, demoUnits.camThanhCommittee);
    expect(late.statusCode).toBe(409);
    expect(json<{ code: string }>(late).code).toBe('ILLEGAL_STATE');
  });
});
