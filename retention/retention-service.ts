/**
 * Retention and erasure in a running system (`npm start`, and the worker process with
 * TTHC_RETENTION_SWEEP=true): the consumer that keeps the retention index from the dossier events,
 * and the sweep that erases the dossiers due. Stopped cleanly: the sweep in progress finishes, the
 * consumer stops taking events (what it has not acknowledged is redelivered at the next start).
 */
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { AccessLog } from '../audit/access-log.js';
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { PayloadProtection } from '../encryption/data-converter.js';
import { DigitizedRegistry } from '../infra/digitized-registry.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { DossierEraser } from './dossier-erasure.js';
import { RetentionConsumer } from './retention-consumer.js';
import { RetentionIndex } from './retention-index.js';
import { type RunningSweep, retentionSweepOfficial, startRetentionSweep } from './retention-sweep.js';

export const DEFAULT_SWEEP_INTERVAL_MS = 3_600_000;

export interface RetentionServiceOptions {
  nc: NatsConnection;
  /** A client with the data converter, on the dossiers' namespace. */
  temporal: Client;
  protection: Pick<PayloadProtection, 'dataKeys' | 'keyring'>;
  /** TTHC_DATA_DIR: the documents are under `documents/`. */
  dataDir: string;
  organisation: OrganisationRegistry;
  catalogue: readonly Procedure[];
  logger: Logger;
  /** The access log, if the process has opened it. */
  accessLog?: AccessLog;
  intervalMs?: number;
  /** "Now" of the sweep (default Date.now): a test server's clock in tests. */
  clock?: () => number | Promise<number>;
  /** NATS KV bucket of the index (default tthc_retention). */
  bucket?: string;
  replicas?: number;
}

export interface RetentionService {
  index: RetentionIndex;
  consumer: RetentionConsumer;
  sweep: RunningSweep;
  eraser: DossierEraser;
  stop(): Promise<void>;
}

export async function startRetentionService(options: RetentionServiceOptions): Promise<RetentionService> {
  const { nc, logger } = options;
  const index = await RetentionIndex.open(nc, { bucket: options.bucket, replicas: options.replicas });
  const eraser = new DossierEraser({
    temporal: options.temporal,
    dataKeys: options.protection.dataKeys,
    documents: new FileDocumentStore(join(options.dataDir, 'documents'), options.protection.keyring),
    digitized: await DigitizedRegistry.open(nc),
    accessLog: options.accessLog ?? (await AccessLog.open(nc)),
    pseudonymSecret: () => options.protection.keyring.pseudonymSecret,
    logger,
  });
  const consumer = await RetentionConsumer.start({ nc, index, catalogue: options.catalogue, logger });
  const sweep = startRetentionSweep({
    index,
    eraser,
    official: retentionSweepOfficial(options.organisation),
    logger,
    intervalMs: options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
    clock: options.clock,
  });
  logger.info({ intervalMs: options.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS }, 'retention sweep running');
  return {
    index,
    consumer,
    sweep,
    eraser,
    stop: async () => {
      await sweep.stop();
      await consumer.stop();
    },
  };
}
