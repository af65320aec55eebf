/**
 * The drill's own processes: worker, aggregator and API processes of this project started as
 * children, each in a process group of its own, ready when its HTTP endpoint answers; killed with
 * SIGKILL and started again on demand. Every child is killed when the drill exits, however it exits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { serviceNodeOptions } from '../infra/node-options.js';
import { projectRoot } from '../infra/tools.js';

const running = new Set<ChildProcess>();
let exitHook = false;

function killAll(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', killAll);
}

export interface DrillProcess {
  name: string;
  pid(): number | undefined;
  /** Starts the process; resolves once it is ready (its readiness URL answers 200), in ms. */
  start(): Promise<number>;
  /** Sends a signal to the process group and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The last lines it wrote (standard output and error). */
  output(): string;
}

/** Starts of one process before the drill gives up on it. */
const maxStartAttempts = 3;

export function drillProcess(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  readyUrl: string,
  startupTimeoutMs = 120_000,
): DrillProcess {
  let child: ChildProcess | undefined;
  let output = '';
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };

  /** Spawns the process and waits until it answers ready, or exits. */
  async function launch(began: number): Promise<'ready' | 'exited'> {
    const started = spawn(process.execPath, [...serviceNodeOptions, '--import', 'tsx', script], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child = started;
    running.add(started);
    started.once('exit', () => running.delete(started));
    started.stdout?.on('data', keep);
    started.stderr?.on('data', keep);
    for (;;) {
      if (!alive()) return 'exited';
      const ready = await fetch(readyUrl, { signal: AbortSignal.timeout(1_000) })
        .then((response) => response.ok)
        .catch(() => false);
      if (ready) return 'ready';
      if (Date.now() - began > startupTimeoutMs)
        throw new Error(`${name} was not ready after ${startupTimeoutMs} ms:\n${output.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    name,
    pid: () => (alive() ? child?.pid : undefined),
    output: () => output,
    async start() {
      installExitHook();
      const began = Date.now();
      // Like the compose stack's `restart: unless-stopped`: a process that exits while starting (a
      // NATS request timing out while the cluster elects its leaders on a loaded machine, say) is
      // started again, a few times, within the start-up limit.
      for (let attempt = 1; ; attempt++) {
        if ((await launch(began)) === 'ready') return Date.now() - began;
        if (attempt === maxStartAttempts)
          throw new Error(`${name} exited while starting, ${attempt} times:\n${output.slice(-2_000)}`);
        output += `\n[drill] ${name} exited while starting; starting it again\n`;
      }
    },
    async kill(signal = 'SIGKILL') {
      const target = child;
      if (!target || !alive()) return;
      const exited = new Promise<void>((resolve) => target.once('exit', () => resolve()));
      try {
        process.kill(-(target.pid as number), signal);
      } catch {
        target.kill(signal);
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-(target.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Stops every process still running: SIGTERM, then SIGKILL after a grace period. */
export async function stopAllDrillProcesses(processes: readonly DrillProcess[]): Promise<void> {
  await Promise.allSettled(processes.map((p) => p.kill('SIGTERM')));
  killAll();
}
