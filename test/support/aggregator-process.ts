/**
 * Real aggregator processes for the partition and crash tests: `workers/worker-process.ts` with
 * only the indicator aggregator (no Temporal, no keyring), and `tthc indicators rebuild`, as child
 * processes against the shared test NATS server. Every process started here is killed at the end
 * of the test file (`stopAll`), whatever happened.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../infra/server-launchers.js';
import { projectRoot } from '../../infra/tools.js';

export interface ChildHandle {
  child: ChildProcess;
  /** Standard output and error together (the last 20 000 characters). */
  output(): string;
  stdout(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** The test process's environment without its TTHC_* variables, plus `values`. */
function environment(values: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('TTHC_')) env[key] = value;
  return { ...env, ...values };
}

function track(child: ChildProcess): ChildHandle {
  children.add(child);
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output = (output + chunk.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, output: () => output, stdout: () => stdout, exited };
}

/** An aggregator-only worker process; resolves once it answers /readyz. */
export async function startAggregatorProcess(
  natsUrl: string,
  settings: Record<string, string>,
): Promise<ChildHandle & { memberPid: number }> {
  const health = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'workers/worker-process.ts'], {
    cwd: projectRoot,
    env: environment({
      TTHC_NATS_URL: natsUrl,
      TTHC_SERVE_DOSSIER_QUEUE: 'false',
      TTHC_TASK_QUEUES: 'none',
      TTHC_INDICATOR_AGGREGATOR: 'true',
      TTHC_HEALTH_PORT: String(health),
      TTHC_METRICS_PORT: String(health),
      TTHC_LOG_LEVEL: 'info',
      TTHC_SHUTDOWN_GRACE_TIME: '5s',
      ...settings,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = track(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the aggregator process exited early:\n${handle.output()}`);
    const ready = await fetch(`http://127.0.0.1:${health}/readyz`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline)
      throw new Error(`the aggregator process never became ready:\n${handle.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { ...handle, memberPid: child.pid ?? 0 };
}

/** `tthc indicators rebuild …` as a child process. */
export function startRebuildProcess(natsUrl: string, metaBucket: string, args: string[] = []): ChildHandle {
  const child = spawn(
    process.execPath,
    ['bin/tthc.mjs', 'indicators', 'rebuild', '--json', '--nats', natsUrl, ...args],
    {
      cwd: projectRoot,
      env: environment({ TTHC_INDICATOR_META_BUCKET: metaBucket }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return track(child);
}

/** Kills every process this module started (SIGKILL) and waits for them. */
export async function stopAll(): Promise<void> {
  const waiting = [...children].map(
    (child) =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
      ),
  );
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(waiting);
}
