/**
 * The HTTP API as a process of its own (a deployment's API container, the reliability drill):
 *   node --import tsx api/api-main.ts
 * Settings from the environment (config/configuration.ts): the connections, TTHC_TOKEN_SECRET,
 * TTHC_API_PORT and TTHC_API_HOST, the keyring. It reconnects to NATS for ever (a cluster's nodes
 * in TTHC_NATS_URL), answers 503 while Temporal or NATS are unreachable, and on SIGTERM stops
 * listening, closes its connections and exits 0. A bad setting stops it with one line, exit 2.
 */
import { hostname } from 'node:os';
import { connect } from '@nats-io/transport-node';
import { Client, Connection } from '@temporalio/client';
import { AccessLog } from '../audit/access-log.js';
import { ConfigError, loadConfig } from '../config/configuration.js';
import { keyringSource, openPayloadProtection } from '../encryption/data-converter.js';
import { KeyringError } from '../encryption/encryption-keyring.js';
import { LiveKeyring } from '../encryption/live-keyring.js';
import { createLogger } from '../infra/logging.js';
import { loadApiSettings, startApiServer } from './api-process.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  let settings: ReturnType<typeof loadApiSettings>;
  try {
    config = loadConfig();
    settings = loadApiSettings();
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof Error)) throw error;
    process.stderr.write(`tthc-api: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ name: 'tthc-api', level: config.TTHC_LOG_LEVEL });
  let keyring: LiveKeyring;
  try {
    keyring = await LiveKeyring.open(keyringSource(config), {
      onRefreshError: (error) => logger.warn({ error: error.message }, 'keyring refresh failed'),
    });
  } catch (error) {
    if (!(error instanceof KeyringError)) throw error;
    process.stderr.write(`tthc-api: ${error.message}\n`);
    process.exit(2);
  }
  const nc = await connect({
    servers: config.TTHC_NATS_URL,
    name: `tthc-api ${hostname()} ${process.pid}`,
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
  });
  const connection = await Connection.connect({ address: config.TTHC_TEMPORAL_ADDRESS });
  const protection = await openPayloadProtection({
    nc,
    keyring,
    dataKeyBucket: config.TTHC_DATA_KEY_BUCKET,
    replicas: config.TTHC_STREAM_REPLICAS,
  });
  const accessLog = await AccessLog.open(nc, { replicas: config.TTHC_STREAM_REPLICAS });
  const api = await startApiServer({
    temporal: new Client({
      connection,
      namespace: config.TTHC_TEMPORAL_NAMESPACE,
      dataConverter: protection.dataConverter,
    }),
    nc,
    protection,
    accessLog,
    logger,
    settings,
    host: config.TTHC_API_HOST,
  });
  logger.info({ url: api.url }, 'API listening');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'API stopping');
    await api.close().catch(() => undefined);
    protection.close();
    await nc.drain().catch(() => undefined);
    await connection.close().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

try {
  await main();
} catch (error) {
  process.stderr.write(`tthc-api: ${(error as Error).message}\n`);
  process.exit(1);
}
