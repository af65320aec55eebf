/**
 * The CLI against the real identity provider: `tthc login` (the device-authorization flow,
 * approved in Chromium on the provider's own pages) stores the token readable by its owner only,
 * and later commands use it; `tthc roles` keeps the role-assignment table with its history, for
 * administrators only; `tthc logout` forgets the token.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../api/auth.js';
import { buildApiServer } from '../../api/server.js';
import { SecurityLog } from '../../audit/security-log.js';
import { RoleAssignments } from '../../identity/role-assignments.js';
import { createLogger } from '../../infra/logging.js';
import { projectRoot } from '../../infra/tools.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { launchChromium } from '../support/chromium.js';
import { startTestIdentity, type TestIdentity } from '../support/identity.js';
import { connectNats } from '../support/test-servers.js';

const admin = {
  id: 'quan-tri-cli',
  password: 'mat-khau-quan-tri-1',
  name: 'Quản trị CLI',
  unit: '000.00.00.H99',
  role: 'administrator' as const,
};
const counter = {
  id: 'mot-cua-cli',
  password: 'mat-khau-mot-cua-1',
  name: 'Một cửa CLI',
  unit: '000.01.41.H99',
  role: 'counter-officer' as const,
};

let identity: TestIdentity;
let nc: NatsConnection;
let app: FastifyInstance;
let api: string;
let dir: string;
let browser: Browser;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tthc-cli-login-'));
  identity = await startTestIdentity();
  identity.account(admin);
  identity.account(counter);
  nc = await connectNats('tthc-test-cli-login');
  app = await buildApiServer({
    temporal: {} as never,
    dossiers: {} as never,
    nc,
    documents: {} as never,
    accessLog: {} as never,
    organisation: loadOrganisation('demo'),
    secret: generateSecret(),
    oidc: identity.verifier,
    assignments: await RoleAssignments.open(nc, { bucket: `tthc_roles_cli_${process.pid}` }),
    securityLog: await SecurityLog.open(nc),
    signIn: {
      clientId: 'tthc-console',
      cliClientId: 'tthc-cli',
      scopes: 'openid profile',
      publicUrl: 'http://127.0.0.1:3000',
    },
    logger: createLogger({ level: 'silent' }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  api = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await browser?.close();
  await app?.close();
  await nc?.drain();
  await identity?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function cliEnv(tokenFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  return { ...env, TTHC_API_URL: api, TTHC_TOKEN_FILE: tokenFile };
}

function tthc(args: string[], tokenFile: string) {
  return promisify(execFile)(process.execPath, ['bin/tthc.mjs', ...args], {
    cwd: projectRoot,
    env: cliEnv(tokenFile),
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({
      code: Number(error.code ?? 1),
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? '',
    }),
  );
}

/** `tthc login`, approved on the provider's device pages in Chromium as the given official. */
async function login(account: { id: string; password: string }, tokenFile: string) {
  const child = spawn(process.execPath, ['bin/tthc.mjs', 'login', '--json'], {
    cwd: projectRoot,
    env: cliEnv(tokenFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!/https?:\/\/\S+/.test(stderr) && Date.now() < deadline && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /https?:\/\/\S+/.exec(stderr)?.[0];
  if (!url) throw new Error(`tthc login printed no address: ${stderr}`);
  const userCode = /Mã thiết bị: (\S+)/.exec(stderr)?.[1] ?? '';
  expect(userCode).not.toBe('');
  const page = await (await browser.newContext()).newPage();
  await page.goto(url);
  // The provider asks for the code (unless the address carries it), to confirm it, and to sign in.
  for (let step = 0; step < 5 && child.exitCode === null; step++) {
    const codeInput = page.locator('input[name="user_code"]');
    const allow = page.getByRole('button', { name: 'Cho phép' });
    const username = page.locator('#username');
    await Promise.race([codeInput.waitFor(), allow.waitFor(), username.waitFor(), exited]);
    if (child.exitCode !== null) break;
    if (await codeInput.isVisible()) {
      await codeInput.fill(userCode);
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
    } else if (await username.isVisible()) {
      await username.fill(account.id);
      await page.locator('#password').fill(account.password);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
    } else if (await allow.isVisible()) {
      await allow.click();
    }
    await page.waitForLoadState();
  }
  const code = await exited;
  children.delete(child);
  await page.context().close();
  return { code, stdout, stderr };
}

describe('tthc login and tthc roles', () => {
  it('signs an administrator in with the device flow, keeps the token 0600, and later commands use it', async () => {
    const tokenFile = join(dir, 'admin', 'token.json');
    const signedIn = await login(admin, tokenFile);
    expect(signedIn.code, signedIn.stderr).toBe(0);
    expect(JSON.parse(signedIn.stdout)).toMatchObject({
      official: { id: admin.id, role: 'administrator' },
      file: tokenFile,
    });
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);

    const assigned = await tthc(
      [
        'roles',
        'assign',
        'chuyen-vien-cli',
        '--role',
        'specialist',
        '--unit',
        '000.00.41.H99',
        '--reason',
        'QĐ 12/QĐ-UBND',
        '--json',
      ],
      tokenFile,
    );
    expect(assigned.code, assigned.stderr).toBe(0);
    expect(JSON.parse(assigned.stdout).assignment).toMatchObject({
      officialId: 'chuyen-vien-cli',
      role: 'specialist',
    });
    await tthc(
      [
        'roles',
        'assign',
        'chuyen-vien-cli',
        '--role',
        'leader',
        '--unit',
        '000.00.41.H99',
        '--reason',
        'QĐ 13/QĐ-UBND',
      ],
      tokenFile,
    );
    const shown = JSON.parse((await tthc(['roles', 'show', 'chuyen-vien-cli', '--json'], tokenFile)).stdout);
    expect(shown.current).toMatchObject({
      role: 'leader',
      reason: 'QĐ 13/QĐ-UBND',
      changedBy: { id: admin.id },
    });
    expect(shown.history.map((a: { role: string }) => a.role)).toEqual(['specialist', 'leader']);
    const human = await tthc(['roles', 'list'], tokenFile);
    expect(human.stdout).toContain('chuyen-vien-cli');
    expect(human.stdout).toContain('Lãnh đạo');
    const revoked = await tthc(
      ['roles', 'revoke', 'chuyen-vien-cli', '--reason', 'chuyển công tác'],
      tokenFile,
    );
    expect(revoked.code).toBe(0);
    const afterRevoke = JSON.parse(
      (await tthc(['roles', 'show', 'chuyen-vien-cli', '--json'], tokenFile)).stdout,
    );
    expect(afterRevoke.current).toBeUndefined();
    expect(afterRevoke.history.at(-1)).toMatchObject({ revoked: true, reason: 'chuyển công tác' });

    const bad = await tthc(
      ['roles', 'assign', 'x', '--role', 'king', '--unit', '000.00.41.H99', '--reason', 'r'],
      tokenFile,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);

    const out = await tthc(['logout'], tokenFile);
    expect(out.stdout).toContain('Đã đăng xuất');
    await expect(stat(tokenFile)).rejects.toThrow();
    const afterLogout = await tthc(['roles', 'list'], tokenFile);
    expect(afterLogout.code).not.toBe(0);
    expect(afterLogout.stderr).toContain('tthc login');
  }, 150_000); // a real browser through the provider's pages, then several CLI processes

  it('keeps the role table to administrators: a signed-in counter officer is refused (exit 4)', async () => {
    const tokenFile = join(dir, 'counter', 'token.json');
    expect((await login(counter, tokenFile)).code).toBe(0);
    const refused = await tthc(['roles', 'list'], tokenFile);
    expect(refused.code).toBe(4);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });
});
