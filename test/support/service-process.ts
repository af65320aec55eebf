/**
 * A worker process (`node --import tsx workers/worker-process.ts`) running only services (the portal
 * sync, the notifier…), as a child a test can stop or `kill -9`; started ready (/readyz 200).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { inject } from 'vitest';
import { freePort } from '../../infra/server-launchers.js';
import { projectRoot } from '../../infra/tools.js';

export interface ServiceProcess {
  child: ChildProcess;
  health: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts a worker process that serves no queue, with the given settings; resolves once it is ready. */
export async function startServiceProcess(settings: Record<string, string>): Promise<ServiceProcess> {
  const health = await freePort();
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  Object.assign(env, {
    TTHC_KEYRING_FILE: inject('keyringFile'),
    TTHC_TASK_QUEUES: 'none',
    TTHC_SERVE_DOSSIER_QUEUE: 'false',
    TTHC_HEALTH_PORT: String(health),
    TTHC_METRICS_PORT: String(health),
    TTHC_LOG_LEVEL: 'warn',
    ...settings,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker-process.ts'], {
    cwd: projectRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the service process exited before it was ready:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${health}/readyz`)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return { child, health, output: () => output, exited };
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service process was not ready within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `kill -9`: the process dies at once, whatever it was doing. */
export async function killNow(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
  await service.exited;
}

/** Every service process still running is killed (afterAll, also after a failure). */
export async function killAllServiceProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
