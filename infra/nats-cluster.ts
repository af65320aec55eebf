/**
 * A JetStream cluster of nats-server processes on this machine, from the installed binary: each
 * node with its own server name, ports and store, routes to the others, and
 * `jetstream { sync_interval: always }` (an acknowledged write is on disk: Jepsen 2025, nats-server
 * #7564). For the reliability drill (`npm run drill`): a node can be killed with SIGKILL and
 * started again on the same ports and store.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServerProcess, spawnServer, waitUntil } from './server-launchers.js';
import { binaryPath } from './tools.js';

export interface ClusterNode {
  name: string;
  url: string;
  monitorUrl: string;
  /** The running process's pid (undefined while stopped). */
  pid(): number | undefined;
  /** Sends a signal (SIGKILL: a crash) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again (same ports and store); resolves when it reports healthy. */
  start(timeoutMs?: number): Promise<void>;
  /** Whether the node answers `/healthz` with JetStream current. */
  healthy(): Promise<boolean>;
}

export interface NatsCluster {
  nodes: ClusterNode[];
  /** Every node's client URL, for a connection that fails over between them. */
  urls: string[];
  stop(): Promise<void>;
}

export interface NatsClusterOptions {
  nodes?: number;
  /** Cluster name (default tthc-drill). */
  name?: string;
  startupTimeoutMs?: number;
}

export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const count = options.nodes ?? 3;
  const dir = await mkdtemp(join(tmpdir(), 'tthc-nats-cluster-'));
  const ports = await Promise.all(
    Array.from({ length: count }, async () => ({
      client: await freePort(),
      cluster: await freePort(),
      http: await freePort(),
    })),
  );
  const routes = ports.map((p) => `nats-route://127.0.0.1:${p.cluster}`);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < count; i++) {
    const name = `n${i + 1}`;
    const port = ports[i] as (typeof ports)[number];
    const store = join(dir, name);
    await mkdir(store, { recursive: true });
    const config = join(dir, `${name}.conf`);
    await writeFile(
      config,
      [
        `server_name: ${name}`,
        `listen: 127.0.0.1:${port.client}`,
        `http: 127.0.0.1:${port.http}`,
        `jetstream { store_dir: "${store}", sync_interval: always }`,
        `cluster { name: ${options.name ?? 'tthc-drill'}, listen: 127.0.0.1:${port.cluster}, routes: [${routes.join(', ')}] }`,
        '',
      ].join('\n'),
    );
    let server: ServerProcess | undefined;
    const monitorUrl = `http://127.0.0.1:${port.http}`;
    const healthy = async () => {
      try {
        const response = await fetch(`${monitorUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
        return response.ok;
      } catch {
        return false;
      }
    };
    nodes.push({
      name,
      url: `nats://127.0.0.1:${port.client}`,
      monitorUrl,
      pid: () =>
        server && server.child.exitCode === null && server.child.signalCode === null
          ? server.child.pid
          : undefined,
      async kill(signal = 'SIGKILL') {
        const child = server?.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill(signal);
        await exited;
      },
      async start(timeoutMs = options.startupTimeoutMs ?? 60_000) {
        server = spawnServer(binaryPath('nats-server'), ['-c', config], `nats-server ${name}`);
        await waitUntil(server, timeoutMs, healthy);
      },
      healthy,
    });
  }
  const stop = async () => {
    await Promise.allSettled(nodes.map((node) => node.kill('SIGTERM')));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Together: a node reports healthy once JetStream has a meta leader, which needs a quorum.
    await Promise.all(nodes.map((node) => node.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, urls: nodes.map((node) => node.url), stop };
}
