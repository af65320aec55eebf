/**
 * The citizens' online services end to end, against real Temporal, NATS, the embedded identity
 * provider and the payment-gateway emulator: a citizen finds a procedure, fills its e-form, uploads
 * two components (wrong type 415, too large 413, a dropped upload leaves the draft as it was) and
 * submits; the counter's online inbox asks once for an electronic supplement (a paper item is
 * refused), the citizen answers by uploading, the counter accepts (the receipt PDF goes to the
 * citizen); the citizen pays through the gateway (a tampered notification is refused and logged,
 * a replayed one records nothing: one payment); the dossier runs to its signed result, which the
 * citizen downloads and checks, and rates. Another citizen sees none of it; an official's token is
 * refused on citizens' routes. An abandoned draft is removed with its files by the sweep.
 */
import { createHash } from 'node:crypto';
import { connect as connectSocket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dossierFacts } from '../../events/dossier-facts.js';
import type { PaymentEvents } from '../../events/payment-events.js';
import type { CitizenStore } from '../../infra/citizen-store.js';
import { signedQuery } from '../../infra/payment-gateway.js';
import type { PaymentGatewayEmulator } from '../../infra/payment-gateway-emulator.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { type CitizenStack, startCitizenStack } from '../support/citizen-stack.js';
import type { DossierTestSystem } from '../support/dossier-env.js';
import { demoUnits } from '../support/fixtures.js';
import { recordingHistories, writeHistories } from '../support/histories.js';
import { payAtGateway } from '../support/pay-at-gateway.js';

const PROCEDURE = '1.004222'; // Đăng ký thường trú: toàn trình, 2 required components, online fee 10 000 đ
const fileLimit = 64 * 1024;
const dossierLimit = 100 * 1024;
const retentionDays = 30;

let stack: CitizenStack;
let system: DossierTestSystem;
let app: FastifyInstance;
let apiUrl: string;
let store: CitizenStore;
let payments: PaymentEvents;
let gatewayEmulator: PaymentGatewayEmulator;

const pdf = (text: string) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]),
  Buffer.from('IHDR'),
  Buffer.alloc(17),
]);

const citizenToken = (who: 'an' | 'binh') => stack.citizenToken(who);

async function officialToken(role: 'counter-officer' | 'leader' | 'specialist', unit: string, sub?: string) {
  return stack.identity.token({ sub: sub ?? `${role}@${unit}`, name: `Cán bộ ${role}`, unit, role });
}

async function call(method: string, url: string, token: string | undefined, body?: unknown) {
  return app.inject({
    method: method as 'GET',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });
}

async function uploadTo(draftId: string, kind: string, content: Buffer, name: string, token: string) {
  return app.inject({
    method: 'PUT',
    url: `/v1/citizen/drafts/${draftId}/documents/${kind}?name=${encodeURIComponent(name)}`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    payload: content,
  });
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  stack = await startCitizenStack({
    uploadLimitBytes: fileLimit,
    dossierUploadLimitBytes: dossierLimit,
    draftRetentionDays: retentionDays,
  });
  ({ system, app, apiUrl, store, payments } = stack);
  gatewayEmulator = stack.gateway;
}, 120_000);

/** The dossier the citizen submits: its history is a replay fixture (TTHC_RECORD_HISTORIES=1). */
let code = '';

afterAll(async () => {
  if (recordingHistories && stack && code) {
    await writeHistories(stack.system.temporal, stack.system.protection.codec, [
      {
        name: 'online intake: a citizen submits online, supplements, pays and rates the result',
        workflowId: code,
      },
    ]);
  }
  await stack?.stop();
});

describe('citizens’ online services', () => {
  let draftId = '';

  it('only a citizen’s own account opens the citizens’ routes', async () => {
    expect((await call('GET', '/v1/citizen/dossiers', undefined)).statusCode).toBe(401);
    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    const refused = await call('GET', '/v1/citizen/dossiers', counter);
    expect(refused.statusCode).toBe(403);
    // …and a citizen's token opens no official's route.
    const citizenOnOfficials = await call('GET', '/v1/dossiers', await citizenToken('an'));
    expect(citizenOnOfficials.statusCode).toBe(403);
  });

  it('finds a procedure in the catalogue without diacritics and shows its e-form', async () => {
    const token = await citizenToken('an');
    const found = await call(
      'GET',
      `/v1/citizen/procedures?q=${encodeURIComponent('dang ky thuong tru')}`,
      token,
    );
    expect(found.statusCode).toBe(200);
    expect(found.json().procedures.map((p: { code: string }) => p.code)).toContain(PROCEDURE);
    const eform = (await call('GET', `/v1/citizen/procedures/${PROCEDURE}/eform`, token)).json();
    expect(eform.feeOnlineVnd).toBe(10_000);
    expect(eform.fields.find((f: { name: string }) => f.name === 'applicant.fullName')).toMatchObject({
      label: 'Họ, chữ đệm và tên',
      required: true,
    });
    expect(eform.documents.filter((d: { required: boolean }) => d.required)).toHaveLength(2);
    expect(eform.places).toContainEqual(
      expect.objectContaining({
        receivingUnit: demoUnits.camThanhOneStop,
        competentAgency: demoUnits.camThanhCommittee,
      }),
    );
  });

  it('keeps a draft as the citizen goes, with errors beside the fields in Vietnamese', async () => {
    const token = await citizenToken('an');
    const created = await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE });
    expect(created.statusCode).toBe(201);
    draftId = created.json().id;
    expect(created.json().expiresAt).toBeDefined();
    const listed = (await call('GET', '/v1/citizen/drafts', token)).json().drafts;
    expect(listed).toContainEqual(
      expect.objectContaining({ id: draftId, procedureName: 'Đăng ký thường trú' }),
    );
    // The draft is kept TTHC_DRAFT_RETENTION days after its last change.
    expect(Date.parse(created.json().expiresAt) - Date.parse(created.json().updatedAt)).toBe(
      retentionDays * 86_400_000,
    );
    const saved = await call('PUT', `/v1/citizen/drafts/${draftId}`, token, {
      applicant: { phone: '12345' },
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    });
    expect(saved.statusCode).toBe(200);
    const errors = saved.json().errors as Array<{ field: string; message: string }>;
    expect(errors).toContainEqual({
      field: 'applicant.fullName',
      message: 'Vui lòng nhập họ, chữ đệm và tên',
    });
    expect(errors.find((e) => e.field === 'applicant.phone')?.message).toContain('Số điện thoại');
    expect(errors.map((e) => e.field)).toContain('documents.to-khai-thay-doi-thong-tin-cu-tru');
    // Submitting now says the same, and creates nothing.
    const early = await call('POST', `/v1/citizen/drafts/${draftId}/submit`, token);
    expect(early.statusCode).toBe(400);
    expect(early.json().code).toBe('INCOMPLETE');
    expect(early.json().fields.length).toBeGreaterThan(2);
    // Another citizen does not see it.
    const other = await call('GET', `/v1/citizen/drafts/${draftId}`, await citizenToken('binh'));
    expect(other.statusCode).toBe(404);
  });

  it('uploads components typed from their content: 415 for another type, 413 per file and per dossier', async () => {
    const token = await citizenToken('an');
    const html = await uploadTo(
      draftId,
      'to-khai-thay-doi-thong-tin-cu-tru',
      Buffer.from('<html>x</html>'),
      'to-khai.pdf',
      token,
    );
    expect(html.statusCode).toBe(415);
    expect(html.json().error).toContain('Chỉ nhận tệp PDF, JPEG hoặc PNG');
    const big = await uploadTo(
      draftId,
      'to-khai-thay-doi-thong-tin-cu-tru',
      Buffer.concat([pdf('big'), Buffer.alloc(fileLimit)]),
      'to-khai.pdf',
      token,
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().error).toContain('Tệp vượt quá dung lượng cho phép 64 KB');

    const first = await uploadTo(
      draftId,
      'to-khai-thay-doi-thong-tin-cu-tru',
      Buffer.concat([pdf('to khai'), Buffer.alloc(60 * 1024)]),
      '../../Tờ khai CT01.PDF',
      token,
    );
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().documents).toEqual([
      expect.objectContaining({
        kind: 'to-khai-thay-doi-thong-tin-cu-tru',
        name: 'Tờ khai CT01.pdf',
        mediaType: 'application/pdf',
      }),
    ]);
    // 60 KB used of the dossier's 100 KB: a 50 KB file passes the per-file limit but not the dossier's.
    const overDossier = await uploadTo(
      draftId,
      'giay-to-chung-minh-cho-o-hop-phap',
      Buffer.concat([png, Buffer.alloc(50 * 1024)]),
      'cho-o.png',
      token,
    );
    expect(overDossier.statusCode).toBe(413);
    expect(overDossier.json().error).toContain('Tổng dung lượng các tệp của hồ sơ vượt quá 100 KB');
    const second = await uploadTo(draftId, 'giay-to-chung-minh-cho-o-hop-phap', png, 'chỗ ở.png', token);
    expect(second.statusCode).toBe(200);
    expect(second.json().documents).toHaveLength(2);
  });

  it('a connection dropped during an upload leaves the draft as it was', async () => {
    const token = await citizenToken('an');
    const before = (await call('GET', `/v1/citizen/drafts/${draftId}`, token)).json().draft;
    const partial = pdf(`cut off ${Date.now()}`);
    await new Promise<void>((resolve, reject) => {
      const socket = connectSocket(Number(new URL(apiUrl).port), '127.0.0.1', () => {
        socket.write(
          `PUT /v1/citizen/drafts/${draftId}/documents/y-kien-dong-y-cua-chu-ho?name=cut.pdf HTTP/1.1\r\n` +
            `Host: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/pdf\r\nContent-Length: 9000\r\n\r\n`,
        );
        socket.write(partial, () => {
          socket.destroy();
          resolve();
        });
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = (await call('GET', `/v1/citizen/drafts/${draftId}`, token)).json().draft;
    expect(after).toEqual(before);
    const sha256 = createHash('sha256').update(partial).digest('hex');
    expect(await system.documents.has(`sha256:${sha256}`)).toBe(false);
  });

  it('submits the draft: the dossier waits in the receiving unit’s online inbox', async () => {
    const token = await citizenToken('an');
    const filled = await call('PUT', `/v1/citizen/drafts/${draftId}`, token, {
      applicant: {
        fullName: 'Nguyễn Văn An',
        phone: '0912345678',
        dateOfBirth: '1990-05-17',
        address: 'Số 1 Lê Lợi, Phường Cẩm Thành',
      },
      notificationChannel: 'none',
    });
    expect(filled.json().errors).toEqual([]);
    const submitted = await call('POST', `/v1/citizen/drafts/${draftId}/submit`, token);
    expect(submitted.statusCode, submitted.body).toBe(201);
    code = submitted.json().code;
    expect(code).toMatch(/^000\.01\.41\.H99-\d{6}-\d{4}$/);
    // The draft is gone; its files now belong to the dossier.
    expect((await call('GET', `/v1/citizen/drafts/${draftId}`, token)).statusCode).toBe(404);
    const mine = (await call('GET', '/v1/citizen/dossiers', token)).json().dossiers;
    expect(mine.map((d: { code: string }) => d.code)).toEqual([code]);
    const view = (await call('GET', `/v1/citizen/dossiers/${code}`, token)).json();
    expect(view).toMatchObject({ status: 'CHO_TIEP_NHAN', waitingInOnlineInbox: true });
    expect(view.payment).toMatchObject({ dueVnd: 10_000, paidVnd: 0, paid: false });
    expect(view.onlineIntakeDueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The other citizen sees neither the list entry nor the dossier.
    const binh = await citizenToken('binh');
    expect((await call('GET', '/v1/citizen/dossiers', binh)).json().dossiers).toEqual([]);
    expect((await call('GET', `/v1/citizen/dossiers/${code}`, binh)).statusCode).toBe(404);

    // Files go to a dossier only to answer a supplementation request.
    const unasked = await app.inject({
      method: 'POST',
      url: `/v1/citizen/dossiers/${code}/uploads?name=x.pdf`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
      payload: pdf('unasked'),
    });
    expect(unasked.statusCode).toBe(409);

    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    const inbox = await eventually(
      async () => (await call('GET', '/v1/online-inbox', counter)).json(),
      (body) => body.items?.some((i: { code: string }) => i.code === code),
      'the dossier in the online inbox',
    );
    expect(inbox.items.find((i: { code: string }) => i.code === code)).toMatchObject({
      procedure: { code: PROCEDURE },
      payment: { dueVnd: 10_000, paid: false },
    });
  });

  it('the counter asks once, online only, for a supplement; the citizen answers by uploading', async () => {
    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    const token = await citizenToken('an');
    const paper = await call('POST', `/v1/dossiers/${code}/actions/request-intake-supplement`, counter, {
      reason: 'Thiếu ý kiến đồng ý của chủ hộ',
      items: [
        {
          kind: 'y-kien-dong-y-cua-chu-ho',
          name: 'Ý kiến đồng ý của chủ hộ',
          reason: 'Bản giấy',
          form: 'paper',
        },
      ],
    });
    expect(paper.statusCode).toBe(409);
    expect(paper.json().code).toBe('PAPER_ON_ONLINE');
    const asked = await call('POST', `/v1/dossiers/${code}/actions/request-intake-supplement`, counter, {
      reason: 'Thiếu ý kiến đồng ý của chủ hộ',
      items: [
        { kind: 'y-kien-dong-y-cua-chu-ho', name: 'Ý kiến đồng ý của chủ hộ', reason: 'Chỗ ở thuê, mượn' },
      ],
    });
    expect(asked.statusCode, asked.body).toBe(200);

    const view = (await call('GET', `/v1/citizen/dossiers/${code}`, token)).json();
    expect(view.status).toBe('YEU_CAU_BO_SUNG');
    expect(view.supplementRequest).toMatchObject({
      phase: 'intake',
      items: [{ kind: 'y-kien-dong-y-cua-chu-ho' }],
    });
    expect(view.forms).toContain('supplementation-request');
    const form = await call('GET', `/v1/citizen/dossiers/${code}/forms/supplementation-request`, token);
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-type']).toBe('application/pdf');
    expect(form.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const upload = await app.inject({
      method: 'POST',
      url: `/v1/citizen/dossiers/${code}/uploads?name=${encodeURIComponent('ý kiến chủ hộ.pdf')}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' },
      payload: pdf('y kien chu ho'),
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const supplemented = await call('POST', `/v1/citizen/dossiers/${code}/supplement`, token, {
      documents: [{ kind: 'y-kien-dong-y-cua-chu-ho', ref: upload.json().ref }],
    });
    expect(supplemented.statusCode, supplemented.body).toBe(200);
    expect(supplemented.json().status).toBe('CHO_TIEP_NHAN');
    // Once only.
    const again = await call('POST', `/v1/dossiers/${code}/actions/request-intake-supplement`, counter, {
      reason: 'Lần hai',
      items: [{ name: 'Giấy khác', reason: 'Thiếu' }],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ONCE_ONLY');
  });

  it('the counter accepts: the receipt (Mẫu 01) is the citizen’s to download', async () => {
    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    const token = await citizenToken('an');
    // The citizen's page listens to the dossier's events (another citizen cannot).
    const other = await fetch(`${apiUrl}/v1/citizen/dossiers/${code}/events`, {
      headers: { authorization: `Bearer ${await citizenToken('binh')}` },
    });
    expect(other.status).toBe(404);
    const abort = new AbortController();
    const stream = await fetch(`${apiUrl}/v1/citizen/dossiers/${code}/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let heard = '';
    const hear = async (what: string) => {
      while (!heard.includes(what)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${what}`);
        heard += Buffer.from(value).toString('utf8');
      }
    };
    await hear('event: ready');
    const accepted = await call('POST', `/v1/dossiers/${code}/actions/accept-intake`, counter, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    await hear('event: changed');
    expect(heard).toContain(`"code":"${code}"`);
    expect(heard).not.toContain('Nguyễn');
    abort.abort();
    const view = (await call('GET', `/v1/citizen/dossiers/${code}`, token)).json();
    expect(view.status).toBe('MOI_TIEP_NHAN');
    expect(view.forms).toContain('receipt');
    expect(view.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['request-intake-supplement', 'provide-intake-supplement', 'accept']),
    );
    const receipt = await call('GET', `/v1/citizen/dossiers/${code}/forms/receipt`, token);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('pays online: a tampered notification is refused and logged, a replay records nothing, one payment', async () => {
    const token = await citizenToken('an');
    // First attempt: the notification's amount is changed after signing.
    gatewayEmulator.setFaults({ ipn: 'tamper-amount' });
    const first = await call('POST', `/v1/citizen/dossiers/${code}/payments`, token);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().amountVnd).toBe(10_000);
    await payAtGateway(first.json().redirect);
    const tampered = gatewayEmulator.notifications.filter((n) => n.txnRef === first.json().txnRef);
    expect(tampered.map((n) => n.answer?.RspCode)).toEqual(['97']);
    expect((await call('GET', `/v1/citizen/dossiers/${code}`, token)).json().payment.paid).toBe(false);

    // An attempt the bank declines (51): confirmed to the gateway, recorded as failed, nothing paid.
    gatewayEmulator.setFaults({ ipn: 'normal', decline: true });
    const declined = await call('POST', `/v1/citizen/dossiers/${code}/payments`, token);
    const declinedBack = await payAtGateway(declined.json().redirect);
    expect(
      gatewayEmulator.notifications
        .filter((n) => n.txnRef === declined.json().txnRef)
        .map((n) => n.answer?.RspCode),
    ).toEqual(['00']);
    expect((await payments.list(declined.json().txnRef)).map((e) => [e.outcome, e.reason])).toEqual([
      ['failed', 'response-51'],
    ]);
    const declinedReturn = await app.inject({ method: 'GET', url: declinedBack.slice(apiUrl.length) });
    expect(declinedReturn.headers.location).toContain('thanh-toan=khong-thanh-cong-51');
    expect((await call('GET', `/v1/citizen/dossiers/${code}`, token)).json().payment.paid).toBe(false);

    // The next attempt, as the gateway should send it.
    gatewayEmulator.setFaults({ ipn: 'duplicate', decline: false });
    const second = await call('POST', `/v1/citizen/dossiers/${code}/payments`, token);
    expect(second.statusCode).toBe(201);
    const back = await payAtGateway(second.json().redirect);
    const answers = gatewayEmulator.notifications.filter((n) => n.txnRef === second.json().txnRef);
    expect(answers.map((n) => n.answer?.RspCode)).toEqual(['00', '02']);
    // The replay of the same notification: confirmed already, nothing recorded.
    gatewayEmulator.setFaults({ ipn: 'normal' });
    const replay = await fetch(`${gatewayEmulator.url}/__emulator/replay`, { method: 'POST' });
    expect(((await replay.json()) as { answer: { RspCode: string } }).answer.RspCode).toBe('02');

    const returned = await app.inject({ method: 'GET', url: back.slice(apiUrl.length) });
    expect(returned.statusCode).toBe(303);
    expect(returned.headers.location).toBe(
      `/console/citizen.html#/ho-so/${encodeURIComponent(code)}?thanh-toan=thanh-cong`,
    );

    const state = (await system.client.get(code)).state;
    expect(state.payments).toHaveLength(1);
    expect(state.payments[0]).toMatchObject({ amountVnd: 10_000, channel: 'local-portal' });
    // The dossier's own event says it was paid online (indicators 3.5 and 3.6 are counted from it).
    const events = await system.events(code);
    const recorded = events.filter((e) => e.type === 'payment-recorded');
    expect(recorded).toHaveLength(1);
    expect(JSON.stringify(recorded[0])).toContain('"paidOnline":true');
    // …and so do the dossier's facts, from which the aggregator counts 3.6 (once the portal has it).
    expect(dossierFacts(state, loadCalendar('VN')).paidOnline).toBe(true);
    const logged = [
      ...(await payments.list(first.json().txnRef)),
      ...(await payments.list(second.json().txnRef)),
    ];
    expect(logged.map((e) => e.outcome).sort()).toEqual(['confirmed', 'duplicate', 'duplicate', 'refused']);
    expect(logged.find((e) => e.outcome === 'refused')).toMatchObject({
      reason: 'invalid-signature',
      answer: '97',
    });

    // Correctly signed notifications that do not match an order: a wrong amount (04), an unknown order (01).
    const signedIpn = (params: Record<string, string>) =>
      app.inject({
        method: 'GET',
        url: `/v1/payments/ipn?${signedQuery(params, stack.merchant.hashSecret)}`,
      });
    const base = {
      vnp_TmnCode: stack.merchant.tmnCode,
      vnp_BankCode: 'NCB',
      vnp_OrderInfo: 'x',
      vnp_ResponseCode: '00',
      vnp_TransactionNo: '99000001',
      vnp_TransactionStatus: '00',
    };
    const wrongAmount = await signedIpn({ ...base, vnp_Amount: '100', vnp_TxnRef: first.json().txnRef });
    expect(wrongAmount.json().RspCode).toBe('04');
    const unknown = await signedIpn({ ...base, vnp_Amount: '1000000', vnp_TxnRef: `${code}.77` });
    expect(unknown.json().RspCode).toBe('01');
    expect((await system.client.get(code)).state.payments).toHaveLength(1);
    expect((await payments.list(first.json().txnRef)).map((e) => e.reason)).toContain('wrong-amount');

    // A third payment is refused: nothing is owed any more.
    expect((await call('POST', `/v1/citizen/dossiers/${code}/payments`, token)).statusCode).toBe(409);
    const receipt = await call('GET', `/v1/citizen/dossiers/${code}/receipt.pdf`, token);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('runs to its signed result; the citizen downloads it, checks its signature and rates the service', async () => {
    const token = await citizenToken('an');
    const leader = await officialToken('leader', demoUnits.camThanhCommittee);
    const specialist = await officialToken('specialist', demoUnits.camThanhCommittee, 'chuyen-vien-1');
    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    const steps: Array<[string, string, unknown]> = [
      ['assign', leader, { specialist: { id: 'chuyen-vien-1', name: 'Chuyên viên 1' } }],
      ['appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' }],
      ['approve', leader, { note: 'Đăng ký thường trú cho công dân' }],
    ];
    for (const [action, who, body] of steps) {
      const done = await call('POST', `/v1/dossiers/${code}/actions/${action}`, who, body);
      expect(done.statusCode, `${action}: ${done.body}`).toBe(200);
    }
    const result = (await call('GET', `/v1/citizen/dossiers/${code}/result`, token)).json();
    expect(result).toMatchObject({
      kind: 'approval',
      signedBy: demoUnits.camThanhCommittee,
      algorithm: 'Ed25519',
      verification: { hashMatches: true, signatureValid: true, valid: true },
    });
    expect(result.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    // Reading the result and its check returns nothing yet; downloading it is the return (online).
    expect((await system.client.get(code)).state.status).toBe('DA_XU_LY_XONG');
    const signed = await call('GET', `/v1/citizen/dossiers/${code}/result/signed`, token);
    expect(createHash('sha256').update(signed.rawPayload).digest('hex')).toBe(result.sha256);
    expect((await system.client.get(code)).state).toMatchObject({
      status: 'DA_TRA_KET_QUA',
      returnChannel: 'online',
    });
    // Returned once: the counter has nothing left to hand over, and a second download is served.
    const late = await call('POST', `/v1/dossiers/${code}/actions/return-result`, counter, {
      channel: 'online',
    });
    expect(late.statusCode).toBe(409);
    // The citizen's own check, with the public key alone.
    const { createPublicKey, verify } = await import('node:crypto');
    const message = Buffer.from(`${result.signedBy}\n${result.sha256}\n${result.signedAt}`, 'utf8');
    expect(
      verify(null, message, createPublicKey(result.publicKeyPem), Buffer.from(result.signature, 'base64')),
    ).toBe(true);
    const copy = await call('GET', `/v1/citizen/dossiers/${code}/result.pdf`, token);
    expect(copy.statusCode).toBe(200);
    expect(copy.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');

    const rated = await call('POST', `/v1/citizen/dossiers/${code}/evaluation`, token, {
      scores: { '1': 2, '2': 2, '3': 2 },
      liked: true,
    });
    expect(rated.statusCode, rated.body).toBe(200);
    const twice = await call('POST', `/v1/citizen/dossiers/${code}/evaluation`, token, {
      scores: { '1': 1 },
    });
    expect(twice.statusCode).toBe(409);
  });

  it('offers the components the citizen already has digitized for reuse in a new draft (ND 45/2020)', async () => {
    const token = await citizenToken('an');
    const reusable = (await call('GET', `/v1/citizen/digitized?procedure=${PROCEDURE}`, token)).json()
      .reusable;
    expect(reusable.map((r: { kind: string }) => r.kind)).toEqual(
      expect.arrayContaining(['to-khai-thay-doi-thong-tin-cu-tru', 'giay-to-chung-minh-cho-o-hop-phap']),
    );
    // Another citizen has none of them.
    const binh = await citizenToken('binh');
    expect((await call('GET', `/v1/citizen/digitized?procedure=${PROCEDURE}`, binh)).json().reusable).toEqual(
      [],
    );
    const draft = (await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE })).json();
    const reused = await call(
      'POST',
      `/v1/citizen/drafts/${draft.id}/documents/giay-to-chung-minh-cho-o-hop-phap/reuse`,
      token,
    );
    expect(reused.statusCode, reused.body).toBe(200);
    expect(reused.json().documents).toEqual([
      expect.objectContaining({ kind: 'giay-to-chung-minh-cho-o-hop-phap', reused: true }),
    ]);
    const { errors } = (await call('GET', `/v1/citizen/drafts/${draft.id}`, token)).json();
    expect(errors.map((e: { field: string }) => e.field)).not.toContain(
      'documents.giay-to-chung-minh-cho-o-hop-phap',
    );
    expect(
      (
        await call(
          'POST',
          `/v1/citizen/drafts/${draft.id}/documents/giay-to-chung-minh-cho-o-hop-phap/reuse`,
          binh,
        )
      ).statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/v1/citizen/drafts/${draft.id}`, token)).statusCode).toBe(204);
  });

  it('the counter refuses an online dossier with its reasons: the refusal (Mẫu 03) is the citizen’s PDF', async () => {
    const token = await citizenToken('binh');
    const draft = (await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE })).json();
    await call('PUT', `/v1/citizen/drafts/${draft.id}`, token, {
      receivingUnit: demoUnits.camThanhOneStop,
      competentAgency: demoUnits.camThanhCommittee,
      applicant: { fullName: 'Trần Thị Bình', phone: '0987654321', address: 'Số 5 Trần Phú' },
    });
    for (const kind of ['to-khai-thay-doi-thong-tin-cu-tru', 'giay-to-chung-minh-cho-o-hop-phap'])
      expect(
        (await uploadTo(draft.id, kind, pdf(`${kind} ${Date.now()}`), `${kind}.pdf`, token)).statusCode,
      ).toBe(200);
    const submitted = await call('POST', `/v1/citizen/drafts/${draft.id}/submit`, token);
    expect(submitted.statusCode, submitted.body).toBe(201);
    const refusedCode = submitted.json().code;
    const counter = await officialToken('counter-officer', demoUnits.camThanhOneStop);
    // Another unit's counter cannot decide on it.
    const elsewhere = await officialToken('counter-officer', demoUnits.konTumOneStop);
    const wrongUnit = await call('POST', `/v1/dossiers/${refusedCode}/actions/refuse-intake`, elsewhere, {
      reason: 'Không thuộc thẩm quyền',
    });
    expect(wrongUnit.statusCode).toBe(403);
    // The citizen had started paying; the gateway's page was still open when the counter refused.
    const order = await call('POST', `/v1/citizen/dossiers/${refusedCode}/payments`, token);
    expect(order.statusCode).toBe(201);
    const refused = await call('POST', `/v1/dossiers/${refusedCode}/actions/refuse-intake`, counter, {
      reason: 'Chỗ ở không thuộc địa bàn Phường Cẩm Thành',
    });
    expect(refused.statusCode, refused.body).toBe(200);
    // The payment that then goes through is confirmed to the gateway, never recorded, flagged for a refund.
    await payAtGateway(order.json().redirect);
    const sent = gatewayEmulator.notifications.filter((n) => n.txnRef === order.json().txnRef);
    expect(sent.map((n) => n.answer?.RspCode)).toEqual(['00']);
    expect((await system.client.get(refusedCode)).state.payments).toEqual([]);
    const flagged = await payments.list(order.json().txnRef);
    expect(flagged.map((e) => [e.outcome, e.reason])).toEqual([['refused', 'dossier-closed-refund']]);
    const view = (await call('GET', `/v1/citizen/dossiers/${refusedCode}`, token)).json();
    expect(view).toMatchObject({ status: 'TU_CHOI', forms: ['refusal'] });
    const form = await call('GET', `/v1/citizen/dossiers/${refusedCode}/forms/refusal`, token);
    expect(form.statusCode).toBe(200);
    expect(form.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Nothing to pay on a refused dossier.
    expect((await call('POST', `/v1/citizen/dossiers/${refusedCode}/payments`, token)).statusCode).toBe(409);
  });

  it('bad input is a 4xx that changes nothing; a forged notification is refused and logged', async () => {
    const token = await citizenToken('binh');
    const draft = (await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE })).json();
    const before = (await call('GET', `/v1/citizen/drafts/${draft.id}`, token)).json().draft;
    for (const body of [
      { applicant: { fullName: 42 } },
      { applicant: { nickname: 'x' } },
      { notificationChannel: 'pigeon' },
      { notes: 'x'.repeat(5000) },
      { receivingUnit: ['a'] },
    ]) {
      const response = await call('PUT', `/v1/citizen/drafts/${draft.id}`, token, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().error).toContain('Dữ liệu không hợp lệ');
    }
    expect((await call('GET', `/v1/citizen/drafts/${draft.id}`, token)).json().draft).toEqual(before);
    // A place that does not take the procedure (another commune's centre with this commune's committee).
    const elsewhere = await call('PUT', `/v1/citizen/drafts/${draft.id}`, token, {
      receivingUnit: demoUnits.konTumOneStop,
      competentAgency: demoUnits.camThanhCommittee,
    });
    expect(elsewhere.json().errors).toContainEqual({
      field: 'receivingUnit',
      message: 'Nơi nộp hồ sơ đã chọn không tiếp nhận thủ tục này; vui lòng chọn lại',
    });
    expect((await call('POST', '/v1/citizen/drafts', token, { procedureCode: 'KHONG.CO' })).statusCode).toBe(
      404,
    );
    expect((await call('GET', '/v1/citizen/drafts/../../etc', token)).statusCode).toBeGreaterThanOrEqual(400);
    expect((await call('GET', '/v1/citizen/drafts/draft-zz', token)).statusCode).toBe(400);
    expect((await call('DELETE', `/v1/citizen/drafts/${draft.id}`, token)).statusCode).toBe(204);

    const forged = await app.inject({
      method: 'GET',
      url: '/v1/payments/ipn?vnp_TxnRef=000.01.41.H99-261207-9999.1&vnp_Amount=1&vnp_SecureHash=abc',
    });
    expect(forged.json()).toEqual({ RspCode: '97', Message: 'Invalid signature' });
    const logged = await payments.list('000.01.41.H99-261207-9999.1');
    expect(logged.map((e) => [e.outcome, e.reason])).toContainEqual(['refused', 'invalid-signature']);
  });

  it('logs nothing that names the citizen: no name, ID number, phone, address or file name', async () => {
    const logged = stack.logLines.join('');
    expect(logged).toContain('citizen submitted a dossier online');
    for (const personal of [
      'Nguyễn Văn An',
      stack.citizens.an.idNumber,
      '0912345678',
      'Lê Lợi',
      'Tờ khai CT01',
      'ý kiến chủ hộ',
      encodeURIComponent('Tờ khai CT01'),
    ]) {
      expect(logged, personal).not.toContain(personal);
    }
  });

  it('an abandoned draft is removed with its files after the retention days', async () => {
    const token = await citizenToken('binh');
    const created = (await call('POST', '/v1/citizen/drafts', token, { procedureCode: PROCEDURE })).json();
    const content = pdf(`abandoned ${Date.now()}`);
    const uploaded = await uploadTo(created.id, 'to-khai-thay-doi-thong-tin-cu-tru', content, 'a.pdf', token);
    expect(uploaded.statusCode).toBe(200);
    const ref = uploaded.json().documents[0].ref;
    expect(await system.documents.has(ref)).toBe(true);
    // A day before the end, it stays.
    const updatedAt = Date.parse(uploaded.json().updatedAt);
    expect(
      await store.sweepDrafts(updatedAt + (retentionDays - 1) * 86_400_000, retentionDays, system.documents),
    ).toEqual([]);
    const swept = await store.sweepDrafts(
      updatedAt + (retentionDays + 1) * 86_400_000,
      retentionDays,
      system.documents,
    );
    expect(swept).toEqual([{ draftId: created.id, documentsDestroyed: 1 }]);
    expect(await system.documents.has(ref)).toBe(false);
    expect((await call('GET', `/v1/citizen/drafts/${created.id}`, token)).statusCode).toBe(404);
  });
});
