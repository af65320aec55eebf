/**
 * `npm run api`: the HTTP API as a process of its own (the `api` service of docker-compose.yml),
 * beside the worker processes. It reads its settings and the keyring first (a wrong one: one line,
 * exit 2), connects to NATS and Temporal (retrying until they are up), opens the identity provider
 * of TTHC_OIDC_ISSUER and listens on TTHC_API_HOST:TTHC_API_PORT; `/readyz` answers 200 once
 * Temporal and NATS both answer. On SIGTERM it stops accepting, lets requests in flight finish
 * within TTHC_SHUTDOWN_GRACE_TIME, closes its connections and exits 0.
 */
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { type Config, ConfigError } from '../config/configuration.js';
import { openPayloadProtection, type PayloadProtection } from '../encryption/data-converter.js';
import { DecodeFailureMonitor } from '../encryption/decode-failures.js';
import { createLogger } from '../infra/logging.js';
import { connectNats } from '../infra/nats-connection.js';
import {
  configurationExitCode,
  connectWhenReachable,
  loadConfigOrExit,
  openKeyringOrExit,
} from '../infra/process-startup.js';
import { type RunningApi, startApiServer } from './api-process.js';
import { SecretTooShortError } from './auth.js';

const processName = 'tthc-api';

class ApiProcess {
  private nc?: NatsConnection;
  private protection?: PayloadProtection;
  private connection?: Connection;
  private api?: RunningApi;
  private stopping = false;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const { config, logger } = this;
    const keyring = await openKeyringOrExit(config, processName, logger);
    this.nc = await connectNats({
      servers: config.TTHC_NATS_URL,
      name: `${processName} ${hostname()} ${process.pid}`,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
    });
    const decodeFailures = new DecodeFailureMonitor((details) =>
      logger.error(details, 'a payload cannot be decrypted'),
    );
    this.protection = await openPayloadProtection({
      nc: this.nc,
      keyring,
      dataKeyBucket: config.TTHC_DATA_KEY_BUCKET,
      replicas: config.TTHC_STREAM_REPLICAS,
      onDecodeFailure: decodeFailures.onDecodeFailure,
    });
    this.connection = await connectWhenReachable(
      config.TTHC_TEMPORAL_ADDRESS,
      (address) => Connection.connect({ address }),
      logger,
      () => this.stopping,
    );
    if (!this.connection) return;
    this.api = await startApiServer({
      temporal: new Client({
        connection: this.connection,
        namespace: config.TTHC_TEMPORAL_NAMESPACE,
        dataConverter: this.protection.dataConverter,
      }),
      nc: this.nc,
      protection: this.protection,
      logger,
      host: config.TTHC_API_HOST,
      settings: { port: config.TTHC_API_PORT },
    });
    logger.info(
      { url: this.api.url, temporal: config.TTHC_TEMPORAL_ADDRESS, nats: config.TTHC_NATS_URL },
      'API ready',
    );
  }

  /** Stops accepting, lets requests in flight finish (up to the grace time), closes everything. */
  async stop(reason: string, exitCode = 0): Promise<never> {
    this.stopping = true;
    const { logger } = this;
    logger.info({ reason }, 'shutting down: finishing requests in flight');
    setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, this.config.TTHC_SHUTDOWN_GRACE_TIME).unref();
    await this.api?.close().catch((error) => logger.warn({ error: String(error) }, 'API close'));
    this.protection?.close();
    await this.nc?.drain().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    logger.info({ exitCode }, 'stopped');
    process.exit(exitCode);
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(processName);
  const logger = createLogger({ name: processName, level: config.TTHC_LOG_LEVEL });
  const api = new ApiProcess(config, logger);
  process.once('SIGTERM', () => void api.stop('SIGTERM'));
  process.once('SIGINT', () => void api.stop('SIGINT'));
  try {
    await api.start();
  } catch (error) {
    const misconfigured = error instanceof ConfigError || error instanceof SecretTooShortError;
    if (!misconfigured) logger.error({ error: String(error) }, 'API start failed');
    process.stderr.write(`${processName}: ${(error as Error).message}\n`);
    await api.stop(
      misconfigured ? 'configuration' : 'start failed',
      misconfigured ? configurationExitCode : 1,
    );
  }
}

await main();
