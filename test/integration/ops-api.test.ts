/**
 * The API entry point (api/api-main.ts, the `api` service of docker-compose.yml) as a child process
 * against the shared test servers and an embedded identity provider: it becomes ready, answers an
 * official with a provider's token and refuses one without, and exits 0 on SIGTERM; a missing
 * issuer, a short secret or a missing keyring stop it at once with one line naming the setting.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../infra/server-launchers.js';
import { projectRoot } from '../../infra/tools.js';
import { demoUnits } from '../support/fixtures.js';
import { startTestIdentity, type TestIdentity } from '../support/identity.js';

let tmp: string;
let identity: TestIdentity;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tthc-ops-api-'));
  identity = await startTestIdentity();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await identity?.stop();
  await rm(tmp, { recursive: true, force: true });
});

/** The test process's environment without its TTHC_* variables, plus the API's. */
function apiEnv(values: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  const settings = {
    TTHC_NATS_URL: inject('natsUrl'),
    TTHC_TEMPORAL_ADDRESS: inject('temporalAddress'),
    TTHC_TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TTHC_KEYRING_FILE: inject('keyringFile'),
    TTHC_DATA_DIR: join(tmp, 'data'),
    TTHC_TOKEN_SECRET: randomBytes(32).toString('hex'),
    TTHC_OIDC_ISSUER: identity.provider.issuer,
    TTHC_LOG_LEVEL: 'warn',
    ...values,
  };
  for (const [key, value] of Object.entries(settings)) if (value !== undefined) env[key] = value;
  return env;
}

interface Exit {
  code: number | null;
  stderr: string;
}

function spawnApi(values: Record<string, string | undefined>): {
  child: ChildProcess;
  exited: Promise<Exit>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/api-main.ts'], {
    cwd: projectRoot,
    env: apiEnv(values),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    }),
  );
  return { child, exited };
}

/** Polls /readyz until 200; fails early if the process exits. */
async function waitReady(url: string, exited: Promise<Exit>): Promise<void> {
  let gone: Exit | undefined;
  void exited.then((exit) => {
    gone = exit;
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`the API exited (${gone.code}): ${gone.stderr}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the API did not become ready within 60 s');
}

describe('npm run api (api/api-main.ts)', () => {
  it('serves officials signed in at the provider, refuses others, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { child, exited } = spawnApi({ TTHC_API_PORT: String(port) });
    await waitReady(url, exited);

    const token = await identity.token({
      sub: 'ops-api-supervisor',
      name: 'Giám sát viên',
      unit: demoUnits.konTumOneStop,
      role: 'supervisor',
    });
    const signedIn = await fetch(`${url}/v1/dossiers?pageSize=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(signedIn.status).toBe(200);
    expect(Array.isArray(((await signedIn.json()) as { items?: unknown }).items)).toBe(true);
    expect((await fetch(`${url}/v1/dossiers`)).status).toBe(401);
    const forged = await fetch(`${url}/v1/dossiers`, {
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    expect(forged.status).toBe(401);

    child.kill('SIGTERM');
    const exit = await exited;
    expect(exit.code, exit.stderr).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it.each([
    ['no identity provider', { TTHC_OIDC_ISSUER: undefined }, /TTHC_OIDC_ISSUER/],
    ['a short server secret', { TTHC_TOKEN_SECRET: 'short' }, /TTHC_TOKEN_SECRET/],
    ['no keyring', { TTHC_KEYRING_FILE: '/nonexistent/keyring.json' }, /keyring/i],
    ['a bad port', { TTHC_API_PORT: 'eighty' }, /TTHC_API_PORT/],
  ])('stops with one line and exit 2 given %s', async (_case, values, named) => {
    const { exited } = spawnApi({ TTHC_API_PORT: String(await freePort()), ...values });
    const exit = await exited;
    expect(exit.code, exit.stderr).toBe(2);
    const lines = exit.stderr.trim().split('\n');
    expect(lines, exit.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^tthc-api: /);
    expect(lines[0]).toMatch(named);
  });
});
