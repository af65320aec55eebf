/**
 * Payload encryption against the real servers (issue: personal data protected end to end):
 * every payload of a dossier's workflows is encrypted under the dossier's data key, so no name or
 * ID number is in the history Temporal keeps; a worker without the key fails the workflow task,
 * which is retried (the dossier is not lost) until a worker with the key takes it; a key rotation
 * reaches running processes without a restart.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, type Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import protoPackage from '@temporalio/proto';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierClient } from '../../client/dossier-client.js';
import type { DossierApplicationInput } from '../../domain/application.js';
import { toCivilDate } from '../../domain/time.js';
import { openPayloadProtection, type PayloadProtection } from '../../encryption/data-converter.js';
import { DEFAULT_DATA_KEY_BUCKET } from '../../encryption/data-keys.js';
import { KeyringFile } from '../../encryption/encryption-keyring.js';
import { EncryptionCodec } from '../../encryption/payload-codec.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { projectRoot } from '../../infra/tools.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { type DossierTestSystem, startDossierSystem, workflowBundle } from '../support/dossier-env.js';
import { actor, demoUnits } from '../support/fixtures.js';
import { registerTestNamespace } from '../support/namespace-system.js';
import { scannedHouseholdBusiness } from '../support/scanned-applications.js';
import { testLogger } from '../support/test-logging.js';
import { connectNats, connectTemporal, type TemporalTestConnections } from '../support/test-servers.js';

const { History } = protoPackage.temporal.api.history.v1;
const unit = demoUnits.camThanhOneStop;
const agency = demoUnits.camThanhCommittee;
const leader = actor('leader', agency);
const specialist = actor('specialist', agency, 'chuyen-vien-ma-hoa');
const citizen = {
  type: 'citizen' as const,
  fullName: 'Hoàng Thị Mật Mã',
  idNumber: '079288812345',
  phone: '0912888123',
  address: 'Số 7 đường Bí Mật, Phường Cẩm Thành',
};

let requestSerial = 0;
function requestId(): string {
  return `enc-${process.pid}-${Date.now()}-${++requestSerial}`;
}

/** Every payload in a history, with the path it was found at, from the history's JSON form. */
function payloadsOf(node: unknown, path = ''): Array<{ path: string; payload: Record<string, unknown> }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => payloadsOf(item, `${path}[${i}]`));
  if (node === null || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'encoding' in record.metadata) {
    return [{ path, payload: record }];
  }
  return Object.entries(record).flatMap(([key, value]) => payloadsOf(value, `${path}.${key}`));
}

function keyIdOf(payload: Record<string, unknown>): string | undefined {
  const metadata = payload.metadata as Record<string, string>;
  const toPayload: Payload = {
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
  return EncryptionCodec.keyIdOf(toPayload);
}

describe('a dossier’s history on the Temporal server', () => {
  let system: DossierTestSystem;
  beforeAll(async () => {
    system = await startDossierSystem({ timeSkipping: false });
  });
  afterAll(() => system?.teardown());

  it('holds every payload encrypted under the dossier’s own data key, and no personal data', async () => {
    const application = await scannedHouseholdBusiness(system.documents, {
      requestId: requestId(),
      applicant: citizen,
      channel: 'online',
      receivingUnit: unit,
      competentAgency: agency,
    });
    const { code } = await system.client.receive({ application });
    const act = (name: 'assign' | 'start-inter-agency', by: typeof leader, payload: unknown) =>
      system.client.act(code, { name, actor: by, payload });
    await act('assign', leader, { specialist: { id: specialist.id, name: specialist.name } });
    const other = demoUnits.justiceDepartment;
    await act('start-inter-agency', specialist, {
      participants: [{ agency: other, task: 'Xác nhận thông tin', workingDays: 1 }],
    });
    await system.client.completeInterAgency(code, other, actor('specialist', other), 'Đồng ý');
    // A refused action: its failure (message included) is a payload too.
    await expect(system.client.act(code, { name: 'approve', actor: leader, payload: {} })).rejects.toThrow();
    // The dossier view decodes with the codec (the query result is encrypted on the wire).
    expect((await system.client.get(code)).state.application.applicant).toMatchObject({
      fullName: citizen.fullName,
    });

    // Read as someone who reaches the server but has no key: a client without the codec.
    const raw = new Client({
      connection: system.temporal.connection,
      namespace: system.temporal.options.namespace,
    });
    const workflowIds = [code, `${code}/lien-thong/${other}`];
    for (const workflowId of workflowIds) {
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const bytes = Buffer.from(History.encode(history).finish());
      for (const secret of [citizen.fullName, citizen.idNumber, citizen.phone, citizen.address]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${workflowId}`).toBe(false);
      }
      const payloads = payloadsOf(JSON.parse(historyToJSON(history)));
      // Plaintext by design, and holding no data: search attributes (unit codes, status, dates:
      // a test of the contract checks their fields) and the SDK's own markers (patch ids; a local
      // activity's sequence number, attempt and times; its result is under `details.result`).
      const sdkBookkeeping = /searchAttributes|markerRecordedEventAttributes\.details\.(patch-data|data)\./;
      const encrypted = payloads.filter(({ path }) => !sdkBookkeeping.test(path));
      if (workflowId === code) {
        const localResults = encrypted.filter(({ path }) =>
          path.includes('markerRecordedEventAttributes.details.result'),
        );
        expect(localResults.length).toBeGreaterThan(0);
      }
      expect(encrypted.length).toBeGreaterThan(workflowId === code ? 10 : 2);
      const keyIds = new Set(encrypted.map(({ payload }) => keyIdOf(payload)));
      expect([...keyIds], workflowId).toEqual([`data:${code}`]);
    }
    // Without the codec the query result cannot be read either.
    await expect(raw.workflow.getHandle(code).query('dossier')).rejects.toThrow(/binary\/encrypted/);
  });
});

describe('keys a process does not hold, and a rotation', () => {
  let connections: TemporalTestConnections;
  let nc: NatsConnection;
  let dir: string;
  let namespace: string;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tthc-keys-'));
    nc = await connectNats('payload-encryption-keys');
    connections = await connectTemporal();
    namespace = await registerTestNamespace(
      connections.client.connection as Connection,
      `tthc-keys-${process.pid}`,
    );
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await connections?.close();
    await nc?.drain();
    await rm(dir, { recursive: true, force: true });
  });

  async function protectionFrom(name: string, refreshMs = 0): Promise<PayloadProtection> {
    const file = new KeyringFile(join(dir, `${name}.json`));
    await file.loadOrCreate();
    const protection = await openPayloadProtection({ nc, keyring: file, keyringRefreshMs: refreshMs });
    cleanups.push(async () => protection.close());
    return protection;
  }

  async function startWorkers(protection: PayloadProtection): Promise<() => Promise<void>> {
    const workers: Worker[] = await createDossierWorkers({
      connection: connections.nativeConnection,
      namespace,
      nc,
      protection,
      dataDir: join(dir, 'data'),
      workflowBundle: await workflowBundle(),
      logger: testLogger('keys-worker'),
    });
    const runs = Promise.allSettled(workers.map((w) => w.run()));
    const stop = async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await runs;
    };
    cleanups.push(stop);
    return stop;
  }

  function dossierClient(protection: PayloadProtection, codes: DossierCodeAllocator): DossierClient {
    const client = new Client({
      connection: connections.client.connection,
      namespace,
      dataConverter: protection.dataConverter,
    });
    return new DossierClient(client, codes);
  }

  function application(id: string): DossierApplicationInput {
    return {
      requestId: id,
      procedureCode: '1.001612',
      applicant: citizen,
      channel: 'counter',
      receivingUnit: unit,
      competentAgency: agency,
      documents: [
        { kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh', form: 'paper' },
        { kind: 'giay-to-phap-ly-ca-nhan', form: 'paper' },
      ],
    };
  }

  it('a worker without the key fails the workflow task naming the key; the dossier waits and goes on with the key', async () => {
    const codes = await DossierCodeAllocator.open(nc);
    const withKey = await protectionFrom('ring-a');
    const withoutKey = await protectionFrom('ring-b');
    const stopWrong = await startWorkers(withoutKey);
    const id = requestId();
    const receiving = dossierClient(withKey, codes).receive({ application: application(id) });
    receiving.catch(() => undefined);
    const { code } = await codes.reserveForRequest(id, unit, toCivilDate(Date.now()));
    const handle = new Client({ connection: connections.client.connection, namespace }).workflow.getHandle(
      code,
    );
    await waitFor('the workflow task to be retried', async () => {
      const described = await handle.describe().catch(() => undefined); // not started yet
      return (described?.raw.pendingWorkflowTask?.attempt ?? 0) >= 2;
    });
    const history = await handle.fetchHistory();
    const failed = history.events?.find((event) => event.workflowTaskFailedEventAttributes)
      ?.workflowTaskFailedEventAttributes?.failure;
    const [decoded] = await withoutKey.codec.decode([failed?.encodedAttributes as Payload]);
    const message = (defaultPayloadConverter.fromPayload(decoded as Payload) as { message: string }).message;
    expect(message).toContain(withKey.keyring.active.id);
    expect(message).toContain('not in this process');
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await stopWrong();
    const stopRight = await startWorkers(withKey);
    const outcome = await receiving;
    expect(outcome.code).toBe(code);
    expect(outcome.outcome).toBe('accepted');
    await stopRight();
  });

  it('tthc keys init creates a private keyring once and keeps it afterwards (the compose setup step)', async () => {
    const file = join(dir, 'compose', 'keyring.json');
    const init = async () =>
      JSON.parse(
        (
          await promisify(execFile)(
            process.execPath,
            ['bin/tthc.mjs', 'keys', 'init', '--file', file, '--json'],
            {
              cwd: projectRoot,
            },
          )
        ).stdout,
      ) as { created: boolean; active: string };
    const first = await init();
    expect(first.created).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await init();
    expect(again).toEqual({ ...first, created: false });
    expect((await new KeyringFile(file).load()).activeId).toBe(first.active);
  });

  it('tthc keys rotate: new dossiers take the new key at once, running ones keep theirs, nothing restarts', async () => {
    const codes = await DossierCodeAllocator.open(nc);
    const protection = await protectionFrom('ring-rotating', 100);
    await startWorkers(protection);
    const client = dossierClient(protection, codes);
    const before = await client.receive({ application: application(requestId()) });
    const oldKey = protection.keyring.active.id;
    const file = join(dir, 'ring-rotating.json');

    const rotated = JSON.parse(
      (
        await promisify(execFile)(
          process.execPath,
          ['bin/tthc.mjs', 'keys', 'rotate', '--file', file, '--json'],
          {
            cwd: projectRoot,
          },
        )
      ).stdout,
    ) as { active: string };
    expect(rotated.active).not.toBe(oldKey);
    await waitFor(
      'the running process to take the new key',
      async () => protection.keyring.active.id === rotated.active,
    );

    const after = await client.receive({ application: application(requestId()) });
    const dataKeys = await new Kvm(nc).open(DEFAULT_DATA_KEY_BUCKET);
    const wrappingKey = async (code: string) =>
      ((await dataKeys.get(code))?.json() as { kek?: string } | undefined)?.kek;
    expect(await wrappingKey(before.code)).toBe(oldKey);
    expect(await wrappingKey(after.code)).toBe(rotated.active);
    // The dossier begun under the old key goes on.
    await client.act(before.code, {
      name: 'assign',
      actor: leader,
      payload: { specialist: { id: specialist.id, name: specialist.name } },
    });
    expect((await client.get(before.code)).state.step).toBe('appraise');

    const listed = JSON.parse(
      (
        await promisify(execFile)(
          process.execPath,
          ['bin/tthc.mjs', 'keys', 'list', '--file', file, '--json'],
          {
            cwd: projectRoot,
          },
        )
      ).stdout,
    ) as { active: string; keys: Array<{ id: string; active: boolean }> };
    expect(listed.active).toBe(rotated.active);
    expect(listed.keys.map((k) => k.id).sort()).toEqual([oldKey, rotated.active].sort());
  });
});

async function waitFor(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
