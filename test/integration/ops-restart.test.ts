/**
 * The local stack as `npm start` runs it (`node --import tsx stack/local-stack.ts`), on free ports and a
 * temporary data directory: a dossier received before a Ctrl-C (SIGINT) is finished after the next
 * start on the same data directory, and everything (workflow state, events, dossier-code
 * sequence, documents) is still there.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/dossier-client.js';
import type { ActionRequest } from '../../contract/dossier-contract.js';
import type { Actor } from '../../domain/actor.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import { parseDossierCode } from '../../domain/dossier-code.js';
import { openPayloadProtection } from '../../encryption/data-converter.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import type { LiveKeyring } from '../../encryption/live-keyring.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { eventStreamName } from '../../events/stream.js';
import { FileDocumentStore } from '../../infra/document-store.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { freePort } from '../../infra/server-launchers.js';
import { projectRoot } from '../../infra/tools.js';
import { PublicationStore } from '../../publications/publication-store.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import {
  forceStop,
  interruptStack,
  type RunningStack,
  type StackPorts,
  stackEnvironment,
  startStackProcess,
} from '../support/stack-process.js';

const unit = demoUnits.camThanhOneStop;
const agency = demoUnits.camThanhCommittee;
const counter = actor('counter-officer', unit);
const leader = actor('leader', agency);
const specialist = actor('specialist', agency, 'chuyen-vien-restart');

let tmp: string;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let ports: StackPorts;
let stack: RunningStack | undefined;
let session: Session | undefined;

interface Session {
  dossiers: DossierClient;
  nc: NatsConnection;
  keyring: LiveKeyring;
  close(): Promise<void>;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tthc-ops-restart-'));
  dataDir = join(tmp, 'data');
  ({ env, ports } = await stackEnvironment(dataDir, { TTHC_LOG_LEVEL: 'warn' }));
});

afterAll(async () => {
  try {
    await session?.close();
  } finally {
    if (stack) await forceStop(stack);
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
});

/** Spawns the stack (test/support/stack-process.ts) and remembers it for the cleanup. */
async function startStack(): Promise<RunningStack> {
  stack = await startStackProcess(env);
  return stack;
}

/** Ctrl-C (SIGINT), then the exit status. */
async function interrupt(
  running: RunningStack,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const result = await interruptStack(running);
  stack = undefined;
  return result;
}

async function openSession(): Promise<Session> {
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
  const nc = await connect({ servers: `nats://127.0.0.1:${ports.nats}`, name: 'ops-restart-test' });
  // The stack's own keyring, created in its data directory on the first start.
  const protection = await openPayloadProtection({
    nc,
    keyring: new KeyringFile(join(dataDir, 'keyring.json')),
    keyringRefreshMs: 0,
  });
  const opened: Session = {
    dossiers: new DossierClient(
      new Client({ connection, dataConverter: protection.dataConverter }),
      await DossierCodeAllocator.open(nc),
    ),
    nc,
    keyring: protection.keyring,
    async close() {
      protection.close();
      await nc.drain().catch(() => undefined);
      await connection.close().catch(() => undefined);
      if (session === opened) session = undefined;
    },
  };
  session = opened;
  return opened;
}

async function events(nc: NatsConnection, code: string): Promise<DossierEvent[]> {
  const consumer = await jetstream(nc).consumers.get(eventStreamName, { deliver_policy: DeliverPolicy.All });
  const found: DossierEvent[] = [];
  for await (const message of await consumer.fetch({ max_messages: 100_000, expires: 2_000 })) {
    const event = message.json<DossierEvent>();
    if (event.dossierCode === code) found.push(event);
    if (message.info.pending === 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return found;
}

function act(dossiers: DossierClient, code: string, name: ActionRequest['name'], by: Actor, payload = {}) {
  return dossiers.act(code, { name, actor: by, payload });
}

async function application(
  documents: FileDocumentStore,
  requestId: string,
): Promise<DossierApplicationInput> {
  return scannedHouseholdBusiness(documents, {
    requestId,
    applicant: { type: 'citizen', fullName: 'Trần Thị Bình', idNumber: '051090004321' },
    channel: 'postal',
    receivingUnit: unit,
    competentAgency: agency,
  });
}

describe('the local stack (npm start) across a restart', () => {
  it('a dossier received before Ctrl-C is finished after the next start; all data is kept', async () => {
    const first = await startStack();
    expect(first.stdout()).toContain(`Temporal        127.0.0.1:${ports.temporal}`);
    expect(first.stdout()).toContain(`NATS JetStream  nats://127.0.0.1:${ports.nats}`);
    expect(first.stdout()).toContain(`Data            ${dataDir}`);

    expect(first.stdout()).toContain(`HTTP API        http://127.0.0.1:${ports.api}`);

    let { dossiers, nc, keyring } = await openSession();
    // Written as the stack's API and workers write them: encrypted under the stack's keyring.
    const documents = new FileDocumentStore(join(dataDir, 'documents'), keyring);
    const request = await application(documents, `ops-restart-${Date.now()}`);
    // Received through the HTTP API with the demo counter officer's token, as a newcomer would.
    const tokens = JSON.parse(await readFile(join(dataDir, 'demo-tokens.json'), 'utf8')) as Record<
      string,
      string
    >;
    const response = await fetch(`http://127.0.0.1:${ports.api}/v1/dossiers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['counter-officer']}`, 'content-type': 'application/json' },
      body: JSON.stringify({ application: request }),
    });
    expect(response.status).toBe(201);
    const received = (await response.json()) as { code: string; outcome: string };
    expect(received.outcome).toBe('accepted');
    const { code } = received;
    await act(dossiers, code, 'assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const before = await dossiers.get(code);
    const eventsBefore = await events(nc, code);
    expect(eventsBefore).toHaveLength(before.eventSeq);
    await session?.close();

    const stopped = await interrupt(first);
    expect(stopped, first.stderr()).toEqual({ code: 0, signal: null });
    expect(first.stderr()).toContain(`stopped; data kept in ${dataDir}`);

    const second = await startStack();
    expect(second.stdout()).toContain('tthc-flow is running:');
    ({ dossiers, nc } = await openSession());
    // The organisation's publication records were added to the store (1.1–1.3, docs/indicators.md).
    expect((await new PublicationStore(nc, 'demo').records()).decisions.length).toBeGreaterThan(0);
    const after = await dossiers.get(code);
    expect(after.state.status).toBe('DANG_XU_LY');
    expect(after.state.holder.official?.id).toBe(specialist.id);
    expect(after.eventSeq).toBe(before.eventSeq);
    expect((await events(nc, code)).map((event) => event.id)).toEqual(eventsBefore.map((event) => event.id));
    // The same request id still finds the same dossier (the request index lives in NATS KV).
    const again = await dossiers.receive({ application: request });
    expect(again).toMatchObject({ code, existing: true });
    // Documents survived, and the unit's code sequence continues instead of starting over.
    for (const document of request.documents) {
      expect(await documents.get(document.fileRef ?? '')).not.toBeNull();
    }
    const next = await dossiers.receive({
      application: await application(documents, `ops-restart-next-${Date.now()}`),
    });
    const [firstCode, nextCode] = [parseDossierCode(code), parseDossierCode(next.code)];
    if (nextCode.date === firstCode.date) expect(nextCode.sequence).toBe(firstCode.sequence + 1);

    await act(dossiers, code, 'appraise', specialist, { recommendation: 'approve', note: 'Đủ điều kiện' });
    await act(dossiers, code, 'approve', leader, {});
    await act(dossiers, code, 'return-result', counter, { channel: 'postal' });
    const done = await dossiers.get(code);
    expect(done.state.status).toBe('DA_TRA_KET_QUA');
    const published = await events(nc, code);
    expect(new Set(published.map((event) => event.id)).size).toBe(published.length);
    expect(published.map((event) => event.seq)).toEqual(published.map((_, i) => i + 1));
    expect(published).toHaveLength(done.eventSeq);
    await session?.close();

    expect(await interrupt(second)).toEqual({ code: 0, signal: null });
    // npm start created the keyring on the first start, readable by its owner only.
    expect((await stat(join(dataDir, 'keyring.json'))).mode & 0o777).toBe(0o600);
  }, 300_000);

  it('refuses a wrong identity-provider issuer in one line naming the setting, exit code 2', async () => {
    const { env: wrong } = await stackEnvironment(join(tmp, 'wrong-issuer'), {
      TTHC_OIDC_ISSUER: `http://127.0.0.1:${await freePort()}/realms/tthc`,
    });
    const child = spawn(process.execPath, ['--import', 'tsx', 'stack/local-stack.ts'], {
      cwd: projectRoot,
      env: wrong,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
    expect(code).toBe(2);
    const lines = stderr.split('\n').filter((line) => line.startsWith('tthc:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('TTHC_OIDC_ISSUER');
  });

  it('refuses to start with a keyring others can read, in one line naming the file', async () => {
    const keyring = join(dataDir, 'keyring.json');
    await chmod(keyring, 0o644);
    try {
      const error = await startStack().catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      const lines = (error as Error).message.split('\n').filter((line) => line.startsWith('tthc:'));
      expect(lines).toEqual([
        `tthc: keyring ${keyring} can be read by others (mode 644); run chmod 600 ${keyring}`,
      ]);
    } finally {
      stack = undefined;
      await chmod(keyring, 0o600);
    }
  });
});
