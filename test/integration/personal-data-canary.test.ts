/**
 * The canary (issue: personal data protected end to end, item 7). The whole system as `npm start`
 * runs it, in a data directory of its own, with its logs at debug level: dossiers run through
 * every path (receipt, supplementation at intake and in processing, refusal, apology, liên thông,
 * return and evaluation) and a feedback is answered, all with a distinctive applicant whose name,
 * ID number, phone, e-mail and address are also typed into reasons and notes by officials, and are
 * printed on the scanned papers. Then every byte the system keeps is searched for them: the
 * Temporal histories as the server holds them (fetched without the codec), every KV bucket, and,
 * after the stack stops, every file of the data directory (Temporal's SQLite, the JetStream store,
 * the documents) and every line it logged. Not one occurrence is allowed. A citizen also types the
 * canary into online drafts (one submitted and paid, one left as a draft) and uploads papers naming it. The outside systems the
 * stack emulates (the national portal, the SMS gateway, the applicants' mail server) do get the data
 * they need, and keep it in memory only, as theirs; the test checks that they got it.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import protoPackage from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../api/auth.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import { LiveKeyring } from '../../encryption/live-keyring.js';
import { FileDocumentStore } from '../../infra/document-store.js';
import { demoUnits } from '../support/fixtures.js';
import { citizenSignInOverHttp } from '../support/identity.js';
import { payAtGateway } from '../support/pay-at-gateway.js';
import {
  forceStop,
  interruptStack,
  type RunningStack,
  type StackPorts,
  stackEnvironment,
  startStackProcess,
} from '../support/stack-process.js';

const { History } = protoPackage.temporal.api.history.v1;

/** The canary: every value distinctive, so a hit can only be a leak. */
const canary = {
  fullName: 'Kanarie Lê Thị Quỳnh Hoa',
  idNumber: '079395551234',
  phone: '0987555123',
  email: 'kanarie.quynh.hoa@example.vn',
  address: 'Số 55 ngõ Kanariehẻm, phường Cẩm Thành',
};
/** What must never be found, as the bytes a program would write (UTF-8) and its ASCII-only core. */
const needles: Array<[string, Buffer]> = [
  ...Object.entries(canary).map(([field, value]) => [field, Buffer.from(value, 'utf8')] as [string, Buffer]),
  ['name (NFD)', Buffer.from(canary.fullName.normalize('NFD'), 'utf8')],
  ['the ASCII token of the name and address', Buffer.from('Kanarie', 'utf8')],
];

const unit = demoUnits.camThanhOneStop;
const agency = demoUnits.camThanhCommittee;
const justice = demoUnits.justiceDepartment;

let tmp: string;
let dataDir: string;
let stack: RunningStack | undefined;
let api: string;
let ports: StackPorts;
let tokens: Record<string, string>;
const codes: string[] = [];
let requestSerial = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tthc-canary-'));
  dataDir = join(tmp, 'data');
  // Every log line the system can write is searched. Officials of other units than the demo ones
  // carry shared-secret tokens: a development setting, on in this stack only.
  const prepared = await stackEnvironment(dataDir, {
    TTHC_LOG_LEVEL: 'debug',
    TTHC_SDK_LOG_LEVEL: 'debug',
    TTHC_DEV_SHARED_SECRET_TOKENS: 'true',
  });
  ports = prepared.ports;
  const { env } = prepared;
  stack = await startStackProcess(env);
  api = `http://127.0.0.1:${ports.api}`;
  tokens = JSON.parse(await readFile(join(dataDir, 'demo-tokens.json'), 'utf8')) as Record<string, string>;
  const secret = (await readFile(join(dataDir, 'token-secret'), 'utf8')).trim();
  tokens.justice = (
    await issueToken(secret, {
      sub: 'chuyen-vien-tu-phap',
      name: 'Chuyên viên Sở Tư pháp',
      unit: justice,
      role: 'specialist',
    })
  ).token;
  tokens.justiceCounter = (
    await issueToken(secret, {
      sub: 'mot-cua-tu-phap',
      name: 'Một cửa Sở Tư pháp',
      unit: justice,
      role: 'counter-officer',
    })
  ).token;
});

afterAll(async () => {
  if (stack) await forceStop(stack);
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    // A 5xx says only "logged": the stack's error lines (redacted) say why.
    const errors = response.status >= 500 ? `\n${stackErrors()}` : '';
    throw new Error(`${method} ${path}: ${response.status} ${text}${errors}`);
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The stack's log lines at level error or above, the last ten. */
function stackErrors(): string {
  const lines = `${stack?.stdout() ?? ''}\n${stack?.stderr() ?? ''}`.split('\n');
  return lines
    .filter((line) => /"level":(5|6)0/.test(line))
    .slice(-10)
    .join('\n');
}

function act(code: string, action: string, token: string, payload: unknown) {
  return call('POST', `/v1/dossiers/${code}/actions/${action}`, token, payload);
}

/** Scans of the applicant's papers, as the counter's scanner stores them (encrypted under the stack's keyring). */
async function scans(kinds: string[]): Promise<Array<{ kind: string; form: 'paper'; fileRef: string }>> {
  const keyring = await LiveKeyring.open(new KeyringFile(join(dataDir, 'keyring.json')), { refreshMs: 0 });
  const store = new FileDocumentStore(join(dataDir, 'documents'), keyring);
  const out: Array<{ kind: string; form: 'paper'; fileRef: string }> = [];
  for (const kind of kinds) {
    const content = `CĂN CƯỚC ${canary.fullName} số ${canary.idNumber}, ${canary.address}, ĐT ${canary.phone} — ${kind} ${++requestSerial}`;
    const stored = await store.put(new TextEncoder().encode(content), {
      mediaType: 'application/pdf',
      name: `${kind} của ${canary.fullName}.pdf`,
    });
    out.push({ kind, form: 'paper', fileRef: stored.ref });
  }
  keyring.close();
  return out;
}

async function receive(documents: unknown[], intake?: unknown): Promise<Record<string, unknown>> {
  const result = await call('POST', '/v1/dossiers', tokens['counter-officer'], {
    application: {
      requestId: `canary-${process.pid}-${++requestSerial}`,
      procedureCode: '1.001612',
      applicant: { type: 'citizen', ...canary, dateOfBirth: '1990-05-17' },
      channel: 'counter',
      receivingUnit: unit,
      competentAgency: agency,
      notificationChannel: 'sms',
      notes: `Ghi chú: ${canary.fullName} nộp thay`,
      documents,
    },
    ...(intake ? { intake } : {}),
  });
  codes.push(result.code as string);
  return result;
}

const officials = () => ({
  leader: tokens.leader as string,
  specialist: tokens.specialist as string,
  counter: tokens['counter-officer'] as string,
});

describe('the canary: no personal data where it does not belong', () => {
  it('runs every path with the canary applicant', async () => {
    const { leader, specialist, counter } = officials();
    const allDocuments = ['giay-de-nghi-dang-ky-ho-kinh-doanh', 'giay-to-phap-ly-ca-nhan'];

    // Supplementation at intake, then the supplement (first: later dossiers reuse the scans).
    const incomplete = await receive(await scans(allDocuments.slice(0, 1)));
    expect(incomplete.outcome).toBe('supplement');
    await act(incomplete.code as string, 'provide-intake-supplement', counter, {
      documents: await scans(allDocuments.slice(1)),
    });

    // Receipt, liên thông, apology, return, evaluation; the personal data read back by officials.
    const received = await receive(await scans(allDocuments));
    expect(received.outcome).toBe('accepted');
    const code = received.code as string;
    await act(code, 'assign', leader, {
      specialist: { id: 'chuyen-vien-cam-thanh', name: 'Chuyên viên UBND Cẩm Thành' },
    });
    await act(code, 'start-inter-agency', specialist, {
      participants: [{ agency: justice, task: `Xác minh nhân thân ${canary.fullName}`, workingDays: 1 }],
    });
    await act(code, 'complete-inter-agency', tokens.justice as string, {
      agency: justice,
      opinion: `Đồng ý; ${canary.fullName} (${canary.idNumber}) không có tiền án`,
    });
    const view = await call('GET', `/v1/dossiers/${code}`, leader);
    const due = (view.deadlines as { decree?: { dueDate?: string } }).decree?.dueDate as string;
    await apologize(code, due, leader);
    await act(code, 'appraise', specialist, {
      recommendation: 'approve',
      note: `Hồ sơ của ${canary.fullName}, ĐT ${canary.phone}, đủ điều kiện`,
    });
    await act(code, 'approve', leader, { note: `Cấp cho ${canary.fullName}, ${canary.address}` });
    await act(code, 'return-result', counter, { channel: 'counter' });
    await call('GET', `/v1/dossiers/${code}/forms/receipt`, counter);
    await call('POST', `/v1/lookup/${code}/evaluation?secret=${received.lookupSecret as string}`, undefined, {
      scores: { '1': 2, '2': 2 },
      liked: true,
    });

    // Supplementation in processing, with the reason naming the applicant.
    const second = await receive(await scans(allDocuments));
    await act(second.code as string, 'assign', leader, {
      specialist: { id: 'chuyen-vien-cam-thanh', name: 'Chuyên viên UBND Cẩm Thành' },
    });
    await act(second.code as string, 'request-supplementation', specialist, {
      items: [
        { name: 'Bản sao căn cước', reason: `Căn cước của ${canary.fullName} (${canary.idNumber}) bị mờ` },
      ],
      reason: `Liên hệ ${canary.phone} hoặc ${canary.email}`,
    });
    await act(second.code as string, 'provide-supplementation', counter, {
      documents: await scans(allDocuments.slice(1)),
    });

    // Refusal at intake, the reason naming the applicant.
    const refused = await receive(await scans(allDocuments), {
      refuseReason: `${canary.fullName}, ${canary.address}: không thuộc thẩm quyền`,
    });
    expect(refused.outcome).toBe('refused');

    // A feedback (PAKN) submitted online by the same citizen, accepted and answered.
    const receipt = await call('POST', '/v1/feedback/online', undefined, {
      feedback: {
        requestId: `canary-feedback-${process.pid}`,
        submitter: { type: 'citizen', ...canary },
        channel: 'online',
        receivingUnit: agency,
        title: `Phản ánh của ${canary.fullName}`,
        content: `Tôi là ${canary.fullName}, CCCD ${canary.idNumber}, ĐT ${canary.phone}, email ${canary.email}, ở ${canary.address}; hồ sơ ${code} bị chậm.`,
        about: { dossierCode: code },
      },
    });
    const feedbackId = receipt.id as string;
    await call('POST', `/v1/feedback/${feedbackId}/actions/accept`, leader, {
      topic: 'hanh-vi',
      note: `Tiếp nhận phản ánh của ${canary.fullName}`,
    });
    await call('POST', `/v1/feedback/${feedbackId}/actions/answer`, leader, {
      content: `Trả lời ông/bà ${canary.fullName} (${canary.email}): đã chấn chỉnh`,
    });

    // The officials did see the personal data: the search below is not vacuous.
    expect(JSON.stringify(await call('GET', `/v1/dossiers/${code}`, leader))).toContain(canary.idNumber);

    // The outside systems got what they need (they keep it in memory, as the portal and the
    // applicant's phone do): the portal the applicant's name, the phone its messages.
    const portal = `http://127.0.0.1:${ports.portal}/admin/dossiers/${code}`;
    const held = await until(async () => {
      const response = await fetch(portal);
      const body = response.ok
        ? ((await response.json()) as { record: { ChuHoSo: string; TrangThaiHoSo: string } })
        : undefined;
      return body?.record.TrangThaiHoSo === '10' ? body : undefined;
    });
    expect(held.record.ChuHoSo).toBe(canary.fullName);
    const texts = await until(async () => {
      const sent = (await (
        await fetch(`http://127.0.0.1:${ports.sms}/admin/messages?to=${canary.phone}`)
      ).json()) as Array<{ text: string }>;
      return sent.some((m) => m.text.includes(`Hồ sơ ${second.code as string} cần bổ sung`))
        ? sent
        : undefined;
    });
    expect(texts.some((m) => m.text.includes(`${refused.code as string} không được tiếp nhận`))).toBe(true);
  });

  it('a citizen types the canary into online drafts, uploads papers naming it, submits and pays', async () => {
    const passwords = JSON.parse(
      await readFile(join(dataDir, 'oidc', 'demo-passwords.json'), 'utf8'),
    ) as Record<string, string>;
    const { cookie, csrfToken } = await citizenSignInOverHttp(
      api,
      'cong-dan-an',
      passwords['cong-dan-an'] as string,
    );
    const citizen = async (method: string, path: string, body?: unknown, raw?: Buffer) => {
      const response = await fetch(`${api}${path}`, {
        method,
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(raw
            ? { 'content-type': 'application/pdf' }
            : body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      if (!response.ok) {
        // A 5xx says only "logged": the stack's error lines (redacted) say why.
        const errors = response.status >= 500 ? `\n${stackErrors()}` : '';
        throw new Error(`${method} ${path}: ${response.status} ${text}${errors}`);
      }
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };
    const fields = {
      receivingUnit: unit,
      competentAgency: agency,
      applicant: {
        fullName: canary.fullName,
        phone: canary.phone,
        email: canary.email,
        address: canary.address,
      },
      notificationChannel: 'sms',
      notes: `Người nộp ${canary.fullName}, ở ${canary.address}`,
    };
    const drafts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const draft = await citizen('POST', '/v1/citizen/drafts', { procedureCode: '1.004222' });
      const id = draft.id as string;
      drafts.push(id);
      await citizen('PUT', `/v1/citizen/drafts/${id}`, fields);
      for (const kind of ['to-khai-thay-doi-thong-tin-cu-tru', 'giay-to-chung-minh-cho-o-hop-phap']) {
        const paper = Buffer.from(
          `%PDF-1.4\n% ${kind} ${i}: ${canary.fullName}, ${canary.address}, ĐT ${canary.phone}\n%%EOF\n`,
          'utf8',
        );
        await citizen(
          'PUT',
          `/v1/citizen/drafts/${id}/documents/${kind}?name=${encodeURIComponent(`${kind} ${canary.fullName}.pdf`)}`,
          undefined,
          paper,
        );
      }
    }
    // One is submitted and paid at the gateway (the emulator); the other stays a draft, sealed.
    const submitted = await citizen('POST', `/v1/citizen/drafts/${drafts[0]}/submit`);
    const code = submitted.code as string;
    codes.push(code);
    const { redirect } = (await citizen('POST', `/v1/citizen/dossiers/${code}/payments`)) as {
      redirect: string;
    };
    await payAtGateway(redirect);
    const mine = (await citizen('GET', `/v1/citizen/dossiers/${code}`)) as { payment: { paid: boolean } };
    expect(mine.payment.paid).toBe(true);
    // The citizen's draft does hold the data (the search below is not vacuous).
    expect(JSON.stringify(await citizen('GET', `/v1/citizen/drafts/${drafts[1]}`))).toContain(
      canary.fullName,
    );
  });

  it('leaves no trace in the Temporal histories, as the server keeps them', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const raw = new Client({ connection }); // no codec: what anyone reaching the server reads
      let histories = 0;
      for await (const execution of raw.workflow.list()) {
        const history = await raw.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
        expectNoCanary(Buffer.from(History.encode(history).finish()), `history of ${execution.workflowId}`);
        histories++;
      }
      // 4 dossiers, 1 liên thông child, 1 feedback.
      expect(histories).toBeGreaterThanOrEqual(6);
    } finally {
      await connection.close();
    }
  });

  it('leaves no trace in any KV bucket, key or value', async () => {
    const nc = await connect({ servers: `nats://127.0.0.1:${ports.nats}` });
    try {
      const kvm = new Kvm(nc);
      let values = 0;
      for await (const status of kvm.list()) {
        const kv = await kvm.open(status.bucket);
        for await (const key of await kv.keys()) {
          expectNoCanary(Buffer.from(key), `KV key ${status.bucket}/${key}`);
          const entry = await kv.get(key);
          if (entry) expectNoCanary(Buffer.from(entry.value), `KV ${status.bucket}/${key}`);
          values++;
        }
      }
      expect(values).toBeGreaterThan(10);
    } finally {
      await nc.drain();
    }
  });

  it('leaves no trace in any file of the data directory or any line of the logs, once stopped', async () => {
    const running = stack as RunningStack;
    expect(await interruptStack(running)).toEqual({ code: 0, signal: null });
    stack = undefined;
    const files = await filesUnder(dataDir);
    expect(files.some((f) => f.endsWith('temporal.sqlite'))).toBe(true);
    expect(files.some((f) => f.includes(`${join(dataDir, 'nats')}`))).toBe(true);
    expect(files.some((f) => f.includes(join(dataDir, 'documents', 'objects')))).toBe(true);
    for (const file of files) expectNoCanary(await readFile(file), file);
    const logs = `${running.stdout()}\n${running.stderr()}`;
    expect(logs.split('\n').length).toBeGreaterThan(100); // debug logs were written
    expectNoCanary(Buffer.from(logs, 'utf8'), 'the logs');
    for (const code of codes) expect(logs).toContain(code); // the logs do speak of these dossiers
  });
});

async function apologize(code: string, due: string, leader: string): Promise<void> {
  // A new date some working days after the due date: the first one the calendar accepts.
  for (let days = 7; days <= 14; days++) {
    const newDueDate = new Date(Date.parse(`${due}T00:00:00Z`) + days * 86_400_000)
      .toISOString()
      .slice(0, 10);
    try {
      await act(code, 'apologize', leader, {
        reason: `Xin lỗi ông/bà ${canary.fullName} vì chậm`,
        newDueDate,
      });
      return;
    } catch (error) {
      if (!String(error).includes('409') && !String(error).includes('400')) throw error;
    }
  }
  throw new Error(`no new date after ${due} was accepted for the apology`);
}

/** Polls `probe` until it returns something (at most 60 s). */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('the outside systems did not get the dossiers in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function expectNoCanary(bytes: Buffer, where: string): void {
  for (const [what, needle] of needles) {
    expect(bytes.includes(needle), `${what} found in ${where}`).toBe(false);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
