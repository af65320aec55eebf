/**
 * The local stack as `npm start` runs it (`node --max-semi-space-size=64 --import tsx
 * stack/local-stack.ts`), as a child process in its own process group, for the tests that exercise
 * the whole system.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { serviceNodeOptions } from '../../infra/node-options.js';
import { freePort } from '../../infra/server-launchers.js';
import { projectRoot } from '../../infra/tools.js';

export interface StackPorts {
  temporal: number;
  ui: number;
  nats: number;
  api: number;
  oidc: number;
  /** The outside systems `npm start` emulates, so that stacks of several tests never meet. */
  portal: number;
  sms: number;
  smtp: number;
  mailbox: number;
  payment: number;
}

/**
 * The environment of a stack on free ports and a data directory of its own: this process's
 * environment without its TTHC_* variables, plus `settings`.
 */
export async function stackEnvironment(
  dataDir: string,
  settings: Record<string, string> = {},
): Promise<{ env: NodeJS.ProcessEnv; ports: StackPorts }> {
  const ports = {
    temporal: await freePort(),
    ui: await freePort(),
    nats: await freePort(),
    api: await freePort(),
    oidc: await freePort(),
    portal: await freePort(),
    sms: await freePort(),
    smtp: await freePort(),
    mailbox: await freePort(),
    payment: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  Object.assign(env, {
    TTHC_DATA_DIR: dataDir,
    TTHC_TEMPORAL_PORT: String(ports.temporal),
    TTHC_TEMPORAL_UI_PORT: String(ports.ui),
    TTHC_NATS_PORT: String(ports.nats),
    TTHC_API_PORT: String(ports.api),
    TTHC_OIDC_PORT: String(ports.oidc),
    TTHC_PORTAL_EMULATOR_PORT: String(ports.portal),
    TTHC_SMS_EMULATOR_PORT: String(ports.sms),
    TTHC_SMTP_PORT: String(ports.smtp),
    TTHC_MAILBOX_PORT: String(ports.mailbox),
    TTHC_PAYMENT_EMULATOR_PORT: String(ports.payment),
    TTHC_SHUTDOWN_GRACE_TIME: '5s',
    ...settings,
  });
  return { env, ports };
}

export interface RunningStack {
  child: ChildProcess;
  /** Everything the stack printed so far (its summary and, with TTHC_LOG_LEVEL, its logs). */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the stack with `env` and waits for its summary ("tthc-flow is running:"). */
export async function startStackProcess(env: NodeJS.ProcessEnv): Promise<RunningStack> {
  const child = spawn(process.execPath, [...serviceNodeOptions, '--import', 'tsx', 'stack/local-stack.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const running: RunningStack = { child, stdout: () => stdout, stderr: () => stderr, exited };
  const deadline = Date.now() + 120_000;
  try {
    while (!stdout.includes('tthc-flow is running:')) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the stack exited during start:\n${stderr.slice(-20_000)}`);
      }
      if (Date.now() > deadline)
        throw new Error(`the stack did not start within 120 s:\n${stderr.slice(-20_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await forceStop(running);
    throw error;
  }
  return running;
}

/** Ctrl-C: SIGINT, then the exit status. */
export async function interruptStack(
  running: RunningStack,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  running.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref());
  const result = await Promise.race([running.exited, timeout]);
  if (result === 'timeout')
    throw new Error(`the stack did not stop within 60 s:\n${running.stderr().slice(-20_000)}`);
  return result;
}

/** Cleanup on failure: SIGINT, and after 20 s SIGKILL to the whole process group (servers too). */
export async function forceStop(running: RunningStack): Promise<void> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  }, 20_000);
  await running.exited;
  clearTimeout(timer);
}
