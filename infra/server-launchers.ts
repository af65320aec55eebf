/**
 * Starts the Temporal dev server and nats-server as child processes on free loopback ports.
 * Used by the test setup (in memory, temporary store) and by the local stack (persistent files).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { DossierSearchAttributeKey } from '../contract/search-attributes.js';
import { binaryPath } from './tools.js';

export interface RunningServer {
  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and removes temporary files. */
  stop(): Promise<void>;
}

export interface TemporalDevServer extends RunningServer {
  address: string;
  namespace: string;
  uiUrl?: string;
}

export interface NatsServer extends RunningServer {
  url: string;
  monitorUrl: string;
  storeDir: string;
}

/**
 * Ports are handed out from this range, below the kernel's ephemeral ports (32768–60999 on Linux,
 * 49152 and up elsewhere). Outgoing connections take their local ports from the ephemeral range,
 * so a port probed free there can be taken by any connection before its server binds it (a stack
 * test once failed so: EADDRINUSE).
 */
export const FREE_PORT_RANGE = { from: 20_000, to: 31_999 } as const;
const rangeSize = FREE_PORT_RANGE.to - FREE_PORT_RANGE.from + 1;
/** Where this process looks next: a random start, so that processes rarely walk the same ports. */
let nextPortOffset = Math.floor(Math.random() * rangeSize);

/**
 * A loopback port nothing listens on, for a server started next; never the same one twice in a
 * process (until the range wraps).
 */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < rangeSize; tried++) {
    const port = FREE_PORT_RANGE.from + (nextPortOffset++ % rangeSize);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${FREE_PORT_RANGE.from}–${FREE_PORT_RANGE.to}`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const cliTypeNames: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface TemporalDevServerOptions {
  port?: number;
  namespace?: string;
  /** SQLite file for persistence; in memory when absent. */
  dbFile?: string;
  /** Serve the Web UI on this port (headless when absent). */
  uiPort?: number;
  /** The codec server the Web UI decodes payloads with (the API's `/codec`). */
  uiCodecEndpoint?: string;
  searchAttributes?: readonly DossierSearchAttributeKey[];
  startupTimeoutMs?: number;
}

export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  // A free port can be taken between probing and binding; retry on a new one unless it was fixed.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTemporalOnce(options, options.port ?? (await freePort()));
    } catch (error) {
      if (attempt >= attempts || !(error instanceof ServerExitedError)) throw error;
    }
  }
}

async function startTemporalOnce(
  options: TemporalDevServerOptions,
  port: number,
): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--namespace', namespace];
  args.push('--log-level', 'error', '--log-format', 'json');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true');
  for (const key of options.searchAttributes ?? []) {
    args.push('--search-attribute', `${key.name}=${cliTypeNames[key.type]}`);
  }
  if (options.dbFile) args.push('--db-filename', options.dbFile);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  else args.push('--headless');

  const server = spawnServer(binaryPath('temporal'), args, 'Temporal dev server');
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntil(server, options.startupTimeoutMs ?? 60_000, () => temporalIsServing(address));
  } catch (error) {
    await stopProcess(server.child);
    throw error;
  }
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    stop: () => stopProcess(server.child),
  };
}

async function temporalIsServing(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1_000 });
    await connection.workflowService.getSystemInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export interface NatsServerOptions {
  port?: number;
  /** JetStream store; a temporary directory (removed on stop) when absent. */
  storeDir?: string;
  startupTimeoutMs?: number;
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const workDir = await mkdtemp(join(tmpdir(), 'tthc-nats-'));
  const storeDir = options.storeDir ?? join(workDir, 'jetstream');
  const args = ['-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(options.port ?? -1)];
  args.push('-m', '-1', '--ports_file_dir', workDir);
  const server = spawnServer(binaryPath('nats-server'), args, 'nats-server');
  const cleanUp = async () => {
    await stopProcess(server.child);
    await rm(workDir, { recursive: true, force: true });
  };
  let ports: { nats: string[]; monitoring: string[] } | undefined;
  try {
    await waitUntil(server, options.startupTimeoutMs ?? 30_000, async () => {
      ports = await readPortsFile(join(workDir, `nats-server_${server.child.pid}.ports`));
      return ports !== undefined;
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const url = ports?.nats[0] ?? '';
  return { url, monitorUrl: ports?.monitoring[0] ?? '', storeDir, stop: cleanUp };
}

async function readPortsFile(path: string): Promise<{ nats: string[]; monitoring: string[] } | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export class ServerExitedError extends Error {
  override name = 'ServerExitedError';
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children die with us even when a test run is interrupted. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

export interface ServerProcess {
  child: ChildProcess;
  label: string;
  /** The last lines the server wrote to stderr, for error messages. */
  stderrTail(): string;
}

export function spawnServer(path: string, args: string[], label: string): ServerProcess {
  installExitHook();
  const child = spawn(path, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return { child, label, stderrTail: () => tail.trim() };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export async function waitUntil(
  server: ServerProcess,
  timeoutMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(server.child)) {
      const { exitCode, signalCode } = server.child;
      throw new ServerExitedError(
        `${server.label} exited early (code ${exitCode}, signal ${signalCode}).\n${server.stderrTail()}`,
      );
    }
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.label} did not become ready within ${timeoutMs} ms.\n${server.stderrTail()}`);
}

export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
