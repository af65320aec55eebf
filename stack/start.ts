/**
 * `npm start`: the whole system on this machine with embedded defaults. Temporal (SQLite file and
 * Web UI) and nats-server (JetStream on disk) keep their data in .data/, so dossiers in flight
 * continue after a restart. Ctrl-C stops everything.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Connection } from '@temporalio/client';
import {
  bundleWorkflowCode,
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  type Worker,
} from '@temporalio/worker';
import { IndicatorService } from '../aggregators/indicator-service.js';
import { createLogger, PinoTemporalLogger } from '../infra/logging.js';
import { type RunningServer, startNatsServer, startTemporalDevServer } from '../infra/servers.js';
import { registerSearchAttributes } from '../infra/temporal.js';
import { createDossierWorkers, workflowsPath } from '../workers/dossier-workers.js';
import { allSearchAttributeKeys } from '../workflows/search-attributes.js';
import { loadLocalStackConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadLocalStackConfig();
  const logger = createLogger({ name: 'tthc', level: config.TTHC_LOG_LEVEL });
  Runtime.install({
    logger: new PinoTemporalLogger(
      logger.child({ component: 'temporal-sdk' }, { level: config.TTHC_SDK_LOG_LEVEL }),
    ),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) } },
    shutdownSignals: [],
  });
  await assertPortsFree([
    [config.TTHC_TEMPORAL_PORT, 'TTHC_TEMPORAL_PORT', 'Temporal'],
    [config.TTHC_TEMPORAL_UI_PORT, 'TTHC_TEMPORAL_UI_PORT', 'the Temporal Web UI'],
    [config.TTHC_NATS_PORT, 'TTHC_NATS_PORT', 'NATS'],
  ]);
  await mkdir(config.TTHC_DATA_DIR, { recursive: true });

  const servers: RunningServer[] = [];
  let workers: Worker[] = [];
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    progress('stopping …');
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(runs);
    await indicators?.stop().catch(() => undefined);
    await nc?.drain().catch(() => undefined);
    await nativeConnection?.close().catch(() => undefined);
    await Promise.allSettled(servers.map((server) => server.stop()));
    progress('stopped; data kept in', config.TTHC_DATA_DIR);
    process.exit(code);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());

  let runs: Promise<void>[] = [];
  let nc: Awaited<ReturnType<typeof connect>> | undefined;
  let nativeConnection: NativeConnection | undefined;
  let indicators: IndicatorService | undefined;
  try {
    progress('starting nats-server (JetStream) …');
    const nats = await startNatsServer({
      port: config.TTHC_NATS_PORT,
      storeDir: join(config.TTHC_DATA_DIR, 'nats'),
    });
    servers.push(nats);
    progress('starting Temporal dev server (SQLite) …');
    const temporal = await startTemporalDevServer({
      port: config.TTHC_TEMPORAL_PORT,
      uiPort: config.TTHC_TEMPORAL_UI_PORT,
      dbFile: join(config.TTHC_DATA_DIR, 'temporal.sqlite'),
      searchAttributes: allSearchAttributeKeys,
    });
    servers.push(temporal);
    const connection = await Connection.connect({ address: temporal.address });
    await registerSearchAttributes(connection, temporal.namespace);
    await connection.close();

    progress('bundling workflows and starting workers …');
    nc = await connect({ servers: nats.url, name: 'tthc-local-stack', maxReconnectAttempts: -1 });
    nativeConnection = await NativeConnection.connect({ address: temporal.address });
    workers = await createDossierWorkers({
      connection: nativeConnection,
      nc,
      dataDir: config.TTHC_DATA_DIR,
      organisation: config.TTHC_ORGANISATION,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath,
        logger: new PinoTemporalLogger(logger.child({ component: 'bundler' }).child({}, { level: 'warn' })),
      }),
      logger,
    });
    runs = workers.map((worker) => worker.run());
    progress('starting the indicator aggregator …');
    indicators = await IndicatorService.start(nc, logger.child({ component: 'indicators' }));
    printSummary({
      temporal: temporal.address,
      ui: temporal.uiUrl,
      nats: nats.url,
      dataDir: config.TTHC_DATA_DIR,
      workers: workers.length,
    });
  } catch (error) {
    process.stderr.write(`tthc: ${(error as Error).message}\n`);
    await stop(1);
  }
}

function progress(...parts: string[]): void {
  process.stderr.write(`[tthc] ${parts.join(' ')}\n`);
}

function printSummary(s: {
  temporal: string;
  ui?: string;
  nats: string;
  dataDir: string;
  workers: number;
}): void {
  process.stdout.write(
    [
      '',
      'tthc-flow is running:',
      `  Temporal        ${s.temporal}`,
      `  Temporal Web UI ${s.ui ?? '(disabled)'}`,
      `  NATS JetStream  ${s.nats}`,
      `  Workers         ${s.workers} (the dossier queue and one queue per unit)`,
      '  Indicators      Decision 766 aggregator (npx tthc indicators --unit <code> --period <YYYY-MM>)',
      `  Data            ${s.dataDir}`,
      '',
      'Try: npx tthc calendar due --procedure 1.001612 --received 2026-04-23T10:00:00+07:00',
      'Press Ctrl-C to stop; data is kept for the next start.',
      '',
    ].join('\n'),
  );
}

async function assertPortsFree(ports: Array<[number, string, string]>): Promise<void> {
  for (const [port, variable, what] of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new Error(
        `port ${port} for ${what} is already in use (is tthc-flow already running?); set ${variable} to another port`,
      );
    }
  }
}

await main();
