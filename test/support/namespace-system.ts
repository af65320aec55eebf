/**
 * A namespace of its own on the shared dev server (which has visibility, unlike the time-skipping
 * server), with dossier workers: for tests that search. Workers of other test files, on other
 * namespaces, never touch these dossiers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client, type Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { Worker } from '@temporalio/worker';
import { DossierClient } from '../../client/dossier-client.js';
import { FileDocumentStore } from '../../infra/document-store.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { registerSearchAttributes } from '../../infra/temporal.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { workflowBundle } from './dossier-env.js';
import { testLogger } from './test-logging.js';
import { connectTemporal, testPayloadProtection } from './test-servers.js';

export interface NamespaceSystem {
  namespace: string;
  client: Client;
  dossiers: DossierClient;
  documents: FileDocumentStore;
  stop(): Promise<void>;
}

/** A new namespace on the shared dev server, named `<prefix>-<now>`, with the dossier search attributes. */
export async function registerTestNamespace(connection: Connection, prefix: string): Promise<string> {
  const namespace = `${prefix}-${Date.now()}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  // A new namespace takes a moment to accept search attributes.
  for (let attempt = 0; ; attempt++) {
    try {
      await registerSearchAttributes(connection, namespace);
      return namespace;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

export async function startNamespaceSystem(
  nc: NatsConnection,
  prefix: string,
  options: { calendarAmendmentBucket?: string } = {},
): Promise<NamespaceSystem> {
  const protection = await testPayloadProtection(nc);
  const temporal = await connectTemporal(protection);
  const namespace = await registerTestNamespace(temporal.client.connection as Connection, prefix);
  const dataDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const workers: Worker[] = await createDossierWorkers({
    connection: temporal.nativeConnection,
    namespace,
    nc,
    protection: protection,
    dataDir,
    workflowBundle: await workflowBundle(),
    logger: testLogger('namespace-worker'),
    calendarAmendmentBucket: options.calendarAmendmentBucket,
  });
  const runs = Promise.allSettled(workers.map((w) => w.run()));
  const client = new Client({
    connection: temporal.client.connection,
    namespace,
    dataConverter: protection.dataConverter,
  });
  return {
    namespace,
    client,
    dossiers: new DossierClient(client, await DossierCodeAllocator.open(nc)),
    documents: new FileDocumentStore(join(dataDir, 'documents'), protection.keyring),
    async stop() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await runs;
      await temporal.close();
      protection.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
