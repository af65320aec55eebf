/**
 * `npm run worker`: one worker process of a deployment. It connects to Temporal and NATS from the
 * configuration (config/configuration.ts), serves the configured task queues (and, in exactly one process,
 * the indicator aggregator and the retention sweep), exposes `/metrics`, `/healthz` and `/readyz`, and on SIGTERM stops
 * polling, lets in-flight work finish within TTHC_SHUTDOWN_GRACE_TIME, closes its connections and
 * exits 0. Run as many processes on the same queues as the load needs: Temporal spreads the tasks.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import {
  makeTelemetryFilterString,
  NativeConnection,
  Runtime,
  type Worker,
  type WorkerOptions,
} from '@temporalio/worker';
import type { Logger } from 'pino';
import { IndicatorService } from '../aggregators/indicator-service.js';
import type { Config } from '../config/configuration.js';
import { openPayloadProtection, type PayloadProtection } from '../encryption/data-converter.js';
import { DecodeFailureMonitor } from '../encryption/decode-failures.js';
import type { LiveKeyring } from '../encryption/live-keyring.js';
import { type HttpEndpoints, startHttpEndpoints } from '../infra/health.js';
import { createLogger, PinoTemporalLogger } from '../infra/logging.js';
import {
  enableProcessMetrics,
  metricsRegistry,
  registerIndicatorMetrics,
  registerNotifierMetrics,
  registerPortalSyncMetrics,
} from '../infra/metrics.js';
import { connectNats } from '../infra/nats-connection.js';
import { connectWhenReachable, loadConfigOrExit, openKeyringOrExit } from '../infra/process-startup.js';
import { freePort } from '../infra/server-launchers.js';
import { notifierSettings, type RunningNotifier, startNotifier } from '../notifications/notifier-setup.js';
import type { PortalSyncService } from '../portal/portal-sync-service.js';
import { portalSyncSettings, startPortalSync } from '../portal/portal-sync-setup.js';
import { type RetentionService, startRetentionService } from '../retention/retention-service.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { createDossierWorkers, workerTuningFrom } from './dossier-workers.js';
import { bundleWorkflows } from './workflow-bundler.js';

/** Extra time after the grace time for the SDK to cancel activities and report, before giving up. */
const forceMarginMs = 10_000;

class WorkerProcess {
  private workers: Worker[] = [];
  private runs: Promise<void>[] = [];
  private nc?: NatsConnection;
  private connection?: NativeConnection;
  private indicators?: IndicatorService;
  private retention?: RetentionService;
  private portalSync?: PortalSyncService;
  private notifier?: RunningNotifier;
  private clientConnection?: Connection;
  private endpoints?: HttpEndpoints;
  private protection?: PayloadProtection;
  private readonly decodeFailures: DecodeFailureMonitor;
  private phase: 'starting' | 'ready' | 'stopping' = 'starting';

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly sdkMetricsUrl: string,
    /** The keyring, read before anything starts; absent for an aggregator-only process. */
    private readonly keyring: LiveKeyring | undefined,
  ) {
    this.decodeFailures = new DecodeFailureMonitor((details) =>
      logger.error(details, 'a payload cannot be decrypted; its workflow task fails and is retried'),
    );
  }

  get stopping(): boolean {
    return this.phase === 'stopping';
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    this.endpoints = await startHttpEndpoints([
      {
        port: config.TTHC_HEALTH_PORT,
        routes: { '/healthz': () => this.health(), '/readyz': () => this.readiness() },
      },
      { port: config.TTHC_METRICS_PORT, routes: { '/metrics': () => this.metrics() } },
    ]);
    logger.info(
      { health: config.TTHC_HEALTH_PORT, metrics: config.TTHC_METRICS_PORT },
      'health and metrics endpoints listening',
    );

    this.nc = await connectNats({
      servers: config.TTHC_NATS_URL,
      name: `tthc-worker ${hostname()} ${process.pid}`,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
    });
    this.watchNats(this.nc);
    if (this.stopping) return;

    const units = config.TTHC_TASK_QUEUES;
    const servesUnits = units === 'all' || units.length > 0;
    if (config.TTHC_SERVE_DOSSIER_QUEUE || servesUnits) {
      this.protection = await this.openProtection(this.nc);
      this.connection = await this.connectTemporal();
      if (!this.connection) return;
      this.workers = await createDossierWorkers({
        connection: this.connection,
        namespace: config.TTHC_TEMPORAL_NAMESPACE,
        nc: this.nc,
        protection: this.protection,
        dataDir: config.TTHC_DATA_DIR,
        organisation: config.TTHC_ORGANISATION,
        units,
        serveDossierQueue: config.TTHC_SERVE_DOSSIER_QUEUE,
        workflowBundle: config.TTHC_SERVE_DOSSIER_QUEUE ? await this.workflowBundle() : undefined,
        logger,
        maxCachedWorkflows: config.TTHC_MAX_CACHED_WORKFLOWS,
        tuning: workerTuningFrom(config, { shutdownForceMarginMs: forceMarginMs }),
      });
      if (this.stopping) return;
      this.runs = this.workers.map((worker) =>
        worker.run().then(
          () => {
            if (!this.stopping) void this.stop('a worker stopped unexpectedly', 1);
          },
          (error: unknown) => {
            logger.error({ error: String(error), taskQueue: worker.options.taskQueue }, 'worker failed');
            if (!this.stopping) void this.stop('a worker failed', 1);
            throw error;
          },
        ),
      );
    }
    if (config.TTHC_INDICATOR_AGGREGATOR) {
      this.indicators = await IndicatorService.start(
        this.nc,
        logger.child({ component: 'indicators' }),
        config.TTHC_INDICATOR_META_BUCKET,
        {
          partitions: config.TTHC_INDICATOR_PARTITIONS,
          leaseTtlMs: config.TTHC_INDICATOR_LEASE_TTL,
        },
      );
      registerIndicatorMetrics(() => {
        try {
          return this.indicators?.current();
        } catch {
          return undefined;
        }
      });
    }
    if (config.TTHC_RETENTION_SWEEP) {
      this.retention = await this.startRetention(this.nc);
      if (!this.retention) return;
    }
    if (config.TTHC_PORTAL_SYNC) {
      this.portalSync = await this.startPortalSync(this.nc);
      if (!this.portalSync) return;
      registerPortalSyncMetrics(() => this.portalSync);
    }
    if (config.TTHC_NOTIFIER) {
      this.notifier = await this.startNotifier(this.nc);
      if (!this.notifier) return;
      registerNotifierMetrics(() => this.notifier?.service);
    }
    if (this.stopping) return;
    this.phase = 'ready';
    logger.info(
      {
        temporal: this.connection ? config.TTHC_TEMPORAL_ADDRESS : undefined,
        namespace: config.TTHC_TEMPORAL_NAMESPACE,
        nats: config.TTHC_NATS_URL,
        taskQueues: this.workers.map((worker) => worker.options.taskQueue),
        indicatorAggregator: config.TTHC_INDICATOR_AGGREGATOR,
        retentionSweep: config.TTHC_RETENTION_SWEEP,
        portalSync: config.TTHC_PORTAL_SYNC,
        notifier: config.TTHC_NOTIFIER,
      },
      'worker ready',
    );
  }

  /** Stops polling, waits for in-flight work (up to the grace time), closes everything, exits. */
  async stop(reason: string, exitCode = 0): Promise<void> {
    if (this.stopping) return;
    this.phase = 'stopping';
    const { logger, config } = this;
    const started = Date.now();
    logger.info(
      { reason, graceMs: config.TTHC_SHUTDOWN_GRACE_TIME },
      'shutting down: finishing in-flight work',
    );
    const hardStop = setTimeout(
      () => {
        logger.error('shutdown did not finish in time; exiting');
        process.exit(1);
      },
      config.TTHC_SHUTDOWN_GRACE_TIME + 2 * forceMarginMs,
    );
    hardStop.unref();
    let code = exitCode;
    for (const worker of this.workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
    const outcomes = await Promise.allSettled(this.runs);
    if (outcomes.some((outcome) => outcome.status === 'rejected')) code = code || 1;
    await this.indicators?.stop().catch((error) => logger.warn({ error: String(error) }, 'aggregator stop'));
    await this.retention?.stop().catch((error) => logger.warn({ error: String(error) }, 'retention stop'));
    await this.portalSync?.stop().catch((error) => logger.warn({ error: String(error) }, 'portal sync stop'));
    await this.notifier?.stop().catch((error) => logger.warn({ error: String(error) }, 'notifier stop'));
    this.protection?.close();
    await this.nc?.drain().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.clientConnection?.close().catch(() => undefined);
    await this.endpoints?.close();
    logger.info({ ms: Date.now() - started, exitCode: code }, 'stopped');
    process.exit(code);
  }

  private openProtection(nc: NatsConnection): Promise<PayloadProtection> {
    const { config, keyring } = this;
    if (!keyring) throw new Error('this process was started without a keyring');
    return openPayloadProtection({
      nc,
      keyring,
      dataKeyBucket: config.TTHC_DATA_KEY_BUCKET,
      replicas: config.TTHC_STREAM_REPLICAS,
      onDecodeFailure: this.decodeFailures.onDecodeFailure,
    });
  }

  /** A Temporal client with the data converter (the services read and update dossiers); undefined if stopped while connecting. */
  private async temporalClient(nc: NatsConnection): Promise<Client | undefined> {
    this.protection ??= await this.openProtection(nc);
    this.clientConnection ??= await this.retryingTemporal((address) => Connection.connect({ address }));
    if (!this.clientConnection) return undefined;
    return new Client({
      connection: this.clientConnection,
      namespace: this.config.TTHC_TEMPORAL_NAMESPACE,
      dataConverter: this.protection.dataConverter,
    });
  }

  /** The portal sync (TTHC_PORTAL_SYNC); undefined if stopped while connecting. */
  private async startPortalSync(nc: NatsConnection): Promise<PortalSyncService | undefined> {
    const { config } = this;
    const temporal = await this.temporalClient(nc);
    if (!temporal || !this.protection) return undefined;
    return startPortalSync({
      nc,
      temporal,
      dataKeys: this.protection.dataKeys,
      settings: portalSyncSettings(config),
      organisation: loadOrganisation(config.TTHC_ORGANISATION),
      catalogue: loadCatalogue().procedures,
      logger: this.logger.child({ component: 'portal-sync' }),
      replicas: config.TTHC_STREAM_REPLICAS,
    });
  }

  /** The notifier (TTHC_NOTIFIER); undefined if stopped while connecting. */
  private async startNotifier(nc: NatsConnection): Promise<RunningNotifier | undefined> {
    const temporal = await this.temporalClient(nc);
    if (!temporal || !this.protection) return undefined;
    return startNotifier({
      nc,
      temporal,
      dataKeys: this.protection.dataKeys,
      settings: notifierSettings(this.config),
      logger: this.logger.child({ component: 'notifier' }),
      replicas: this.config.TTHC_STREAM_REPLICAS,
    });
  }

  /** The retention index and sweep (TTHC_RETENTION_SWEEP); undefined if stopped while connecting. */
  private async startRetention(nc: NatsConnection): Promise<RetentionService | undefined> {
    const { config } = this;
    const temporal = await this.temporalClient(nc);
    if (!temporal || !this.protection) return undefined;
    return startRetentionService({
      nc,
      temporal,
      protection: this.protection,
      dataDir: config.TTHC_DATA_DIR,
      organisation: loadOrganisation(config.TTHC_ORGANISATION),
      catalogue: loadCatalogue().procedures,
      logger: this.logger.child({ component: 'retention' }),
      intervalMs: config.TTHC_RETENTION_SWEEP_INTERVAL,
      replicas: config.TTHC_STREAM_REPLICAS,
    });
  }

  private connectTemporal(): Promise<NativeConnection | undefined> {
    return this.retryingTemporal((address) => NativeConnection.connect({ address }));
  }

  private retryingTemporal<C>(connect: (address: string) => Promise<C>): Promise<C | undefined> {
    return connectWhenReachable(this.config.TTHC_TEMPORAL_ADDRESS, connect, this.logger, () => this.stopping);
  }

  /** The prebuilt bundle in production when it exists; otherwise the workflow code is bundled now. */
  private async workflowBundle(): Promise<NonNullable<WorkerOptions['workflowBundle']>> {
    const path = this.config.TTHC_WORKFLOW_BUNDLE;
    if (this.config.TTHC_ENV === 'production') {
      if (existsSync(path)) {
        this.logger.info({ path }, 'using the prebuilt workflow bundle');
        return { codePath: path };
      }
      this.logger.warn(
        { path },
        'prebuilt workflow bundle not found (npm run build:workflows); bundling now',
      );
    }
    const bundlerLogger = new PinoTemporalLogger(
      this.logger.child({ component: 'bundler' }, { level: 'warn' }),
    );
    return bundleWorkflows({ logger: bundlerLogger });
  }

  private watchNats(nc: NatsConnection): void {
    (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') {
          this.logger.warn({ status: status.type }, 'NATS connection status');
        }
      }
    })().catch(() => undefined);
  }

  private health() {
    return { status: 200, body: 'ok\n' };
  }

  private readiness() {
    const problems: string[] = [];
    if (this.phase !== 'ready') problems.push(this.phase);
    if (!this.nc || this.nc.isClosed()) problems.push('NATS not connected');
    const decoding = this.decodeFailures.problem();
    if (decoding) problems.push(decoding);
    for (const worker of this.workers) {
      const state = worker.getState();
      if (state !== 'RUNNING') problems.push(`${worker.options.taskQueue} ${state}`);
    }
    return problems.length === 0
      ? { status: 200, body: 'ready\n' }
      : { status: 503, body: `not ready: ${problems.join('; ')}\n` };
  }

  private async metrics() {
    const [sdk, own] = await Promise.all([
      fetch(this.sdkMetricsUrl, { signal: AbortSignal.timeout(2_000) })
        .then((response) => (response.ok ? response.text() : ''))
        .catch(() => ''),
      metricsRegistry.metrics(),
    ]);
    const body = sdk.trim() === '' ? own : `${sdk.trimEnd()}\n${own}`;
    return { status: 200, body, contentType: metricsRegistry.contentType };
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('tthc-worker');
  const services =
    config.TTHC_INDICATOR_AGGREGATOR ||
    config.TTHC_RETENTION_SWEEP ||
    config.TTHC_PORTAL_SYNC ||
    config.TTHC_NOTIFIER;
  if (!servesQueues(config) && !services) {
    process.stderr.write(
      'tthc-worker: nothing to run: TTHC_TASK_QUEUES is none, TTHC_SERVE_DOSSIER_QUEUE, TTHC_INDICATOR_AGGREGATOR, TTHC_RETENTION_SWEEP, TTHC_PORTAL_SYNC and TTHC_NOTIFIER are false\n',
    );
    process.exit(2);
  }
  if (config.TTHC_PORTAL_SYNC && !config.TTHC_PORTAL_URL) {
    process.stderr.write(
      'tthc-worker: TTHC_PORTAL_SYNC=true needs TTHC_PORTAL_URL (the portal’s integration address)\n',
    );
    process.exit(2);
  }

  if (config.TTHC_NOTIFIER && (!config.TTHC_SMS_GATEWAY_URL || !config.TTHC_SMTP_URL)) {
    process.stderr.write(
      'tthc-worker: TTHC_NOTIFIER=true needs TTHC_SMS_GATEWAY_URL (the SMS gateway) and TTHC_SMTP_URL (the mail server)\n',
    );
    process.exit(2);
  }

  const logger = createLogger({ name: 'tthc-worker', level: config.TTHC_LOG_LEVEL });
  const keyring =
    servesQueues(config) || config.TTHC_RETENTION_SWEEP || config.TTHC_PORTAL_SYNC || config.TTHC_NOTIFIER
      ? await openKeyringOrExit(config, 'tthc-worker', logger)
      : undefined;
  const sdkMetricsPort = config.TTHC_SDK_METRICS_PORT || (await freePort());
  Runtime.install({
    logger: new PinoTemporalLogger(
      logger.child({ component: 'temporal-sdk' }, { level: config.TTHC_SDK_LOG_LEVEL }),
    ),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkMetricsPort}` } },
    },
    // Signals are handled below, so that connections close after the workers have drained.
    shutdownSignals: [],
  });
  enableProcessMetrics();

  const worker = new WorkerProcess(config, logger, `http://127.0.0.1:${sdkMetricsPort}/metrics`, keyring);
  process.once('SIGTERM', () => void worker.stop('SIGTERM'));
  process.once('SIGINT', () => void worker.stop('SIGINT'));
  try {
    await worker.start();
  } catch (error) {
    logger.error({ error: String(error) }, 'worker start failed');
    process.stderr.write(`tthc-worker: ${(error as Error).message}\n`);
    await worker.stop('start failed', 1);
  }
}

function servesQueues(config: Config): boolean {
  return (
    config.TTHC_SERVE_DOSSIER_QUEUE || config.TTHC_TASK_QUEUES === 'all' || config.TTHC_TASK_QUEUES.length > 0
  );
}

await main();
