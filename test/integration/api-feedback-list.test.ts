/**
 * GET /v1/feedback (officials' list of feedback, over Temporal visibility) and the actions the
 * feedback view offers the caller: on the shared dev server in a namespace of its own (the list
 * needs visibility), with the feedback workflows of the test's workers.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, issueToken, type OfficialRole } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { AccessLog } from '../../audit/access-log.js';
import { FeedbackClient } from '../../client/feedback-client.js';
import { createLogger } from '../../infra/logging.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { demoUnits } from '../support/fixtures.js';
import { type NamespaceSystem, startNamespaceSystem } from '../support/namespace-system.js';
import { connectNats } from '../support/test-servers.js';

const organisation = loadOrganisation('demo');
const secret = generateSecret();
const justice = demoUnits.justiceDepartment;
const kontum = demoUnits.konTumCommittee;

let nc: NatsConnection;
let system: NamespaceSystem;
let app: FastifyInstance;
let counter = 0;

beforeAll(async () => {
  nc = await connectNats('api-feedback-list');
  system = await startNamespaceSystem(nc, 'tthc-api-feedback-list');
  app = await buildApiServer({
    temporal: system.client,
    dossiers: system.dossiers,
    feedback: await FeedbackClient.open(system.client, nc),
    nc,
    accessLog: await AccessLog.open(nc),
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
  await system?.stop();
  await nc?.close();
});

async function token(role: OfficialRole, unit: string): Promise<string> {
  return (await issueToken(secret, { sub: `${role}@${unit}`, name: role, unit, role }, '1h')).token;
}

async function call(method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown } = {}) {
  const response = await app.inject({
    method,
    url,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

async function submit(receivingUnit: string): Promise<string> {
  counter++;
  const { status, body } = await call('POST', '/v1/feedback/online', {
    body: {
      feedback: {
        requestId: `api-pakn-list-${Date.now()}-${counter}`,
        submitter: {
          type: 'citizen',
          fullName: 'Võ Thị Hoa',
          idNumber: `0510930${String(counter).padStart(5, '0')}`,
          phone: '0905111222',
          address: '5 Quang Trung',
        },
        channel: 'online',
        receivingUnit,
        content: 'Đề nghị niêm yết công khai lệ phí tại bộ phận một cửa.',
      },
    },
  });
  expect(status).toBe(201);
  return body.id as string;
}

interface ListItem {
  id: string;
  receivingUnit: string;
  handlingUnit: string;
  status: string;
  statusName: string;
  overdue: boolean;
  channel: string;
}

/** Lists until the visibility shows what is expected (it follows the workflow a moment later). */
async function listUntil(url: string, who: string, found: (items: ListItem[]) => boolean) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { status, body } = await call('GET', url, { token: who });
    expect(status, JSON.stringify(body)).toBe(200);
    const items = body.items as ListItem[];
    if (found(items)) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never listed what was expected`);
}

describe('GET /v1/feedback', () => {
  it('lists the feedback in the caller’s scope with its status, and follows it when it moves', async () => {
    const atJustice = await submit(justice);
    const atKonTum = await submit(kontum);
    const justiceLeader = await token('leader', justice);
    const items = await listUntil('/v1/feedback', justiceLeader, (list) =>
      list.some((i) => i.id === atJustice),
    );
    expect(items.find((i) => i.id === atJustice)).toMatchObject({
      receivingUnit: justice,
      handlingUnit: justice,
      status: 'CHO_TIEP_NHAN',
      statusName: 'Chờ tiếp nhận',
      overdue: false,
      channel: 'online',
    });
    // Never another unit's feedback.
    expect(items.map((i) => i.id)).not.toContain(atKonTum);
    // The province's supervisor sees both; a status filter narrows the list.
    const supervisor = await token('supervisor', '000.00.00.H99');
    await listUntil('/v1/feedback', supervisor, (list) =>
      [atJustice, atKonTum].every((id) => list.some((i) => i.id === id)),
    );
    await call('POST', `/v1/feedback/${atJustice}/actions/accept`, {
      token: justiceLeader,
      body: { topic: 'quy-dinh' },
    });
    const processing = await listUntil(
      `/v1/feedback?handlingUnit=${justice}&status=DANG_XU_LY`,
      justiceLeader,
      (list) => list.some((i) => i.id === atJustice),
    );
    expect(processing.every((i) => i.status === 'DANG_XU_LY')).toBe(true);
    const notOverdue = await listUntil('/v1/feedback?overdue=true', supervisor, () => true);
    expect(notOverdue.map((i) => i.id)).not.toContain(atJustice);

    // Forwarded to Kon Tum: Kon Tum's staff list it, the Sở Tư pháp still does (received there).
    await call('POST', `/v1/feedback/${atKonTum}/actions/forward`, {
      token: await token('counter-officer', kontum),
      body: { topic: 'hanh-vi', to: justice, reason: 'Thuộc thẩm quyền của Sở Tư pháp' },
    });
    await listUntil(`/v1/feedback?handlingUnit=${justice}`, justiceLeader, (list) =>
      list.some((i) => i.id === atKonTum && i.receivingUnit === kontum),
    );
  }, 60_000);

  it('refuses filters outside the caller’s scope and bad input', async () => {
    const justiceLeader = await token('leader', justice);
    expect((await call('GET', `/v1/feedback?handlingUnit=${kontum}`, { token: justiceLeader })).status).toBe(
      403,
    );
    expect(
      (
        await call('GET', `/v1/feedback?receivingUnit=${kontum}`, {
          token: await token('counter-officer', justice),
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('GET', `/v1/feedback?handlingUnit=${kontum}`, {
          token: await token('supervisor', '000.00.00.H99'),
        })
      ).status,
    ).toBe(200);
    for (const bad of ['status=MOI', 'overdue=yes', 'pageSize=0', 'handlingUnit=x', 'unknown=1']) {
      const { status, body } = await call('GET', `/v1/feedback?${bad}`, { token: justiceLeader });
      expect(status, bad).toBe(400);
      expect(body.code, bad).toBe('INVALID_INPUT');
    }
    expect((await call('GET', '/v1/feedback')).status).toBe(401);
  });
});

describe('the actions the feedback view offers', () => {
  it('are exactly what the role, the unit holding it and the state allow', async () => {
    const id = await submit(justice);
    const offered = async (role: OfficialRole, unit: string) => {
      const { status, body } = await call('GET', `/v1/feedback/${id}`, { token: await token(role, unit) });
      expect(status).toBe(200);
      return (body.actions as Array<{ name: string; allowed: boolean; title: string }>)
        .filter((a) => a.allowed)
        .map((a) => a.name);
    };
    expect(await offered('leader', justice)).toEqual([
      'accept',
      'reject',
      'forward',
      'assign',
      'request-supplement',
    ]);
    expect(await offered('counter-officer', justice)).toEqual([
      'accept',
      'reject',
      'forward',
      'request-supplement',
    ]);
    expect(await offered('supervisor', '000.00.00.H99')).toEqual([]);
    await call('POST', `/v1/feedback/${id}/actions/accept`, {
      token: await token('specialist', justice),
      body: { topic: 'quy-dinh' },
    });
    // A regulation: assessed against the six criteria before the leader answers.
    expect(await offered('leader', justice)).toEqual(['assign', 'request-supplement', 'assess']);
    expect(await offered('counter-officer', justice)).toEqual(['request-supplement']);
    const view = await call('GET', `/v1/feedback/${id}`, { token: await token('leader', justice) });
    const answer = (view.body.actions as Array<{ name: string; code?: string; title: string }>).find(
      (a) => a.name === 'answer',
    );
    expect(answer).toMatchObject({ code: 'OUT_OF_ORDER', title: 'Trả lời phản ánh, kiến nghị' });
  });
});
