/**
 * A running dossier system for workflow tests: workers on a Temporal server (time-skipping or the
 * shared dev server), the shared nats-server, a temporary data directory, and a DossierClient.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { DossierClient } from '../../client/dossier-client.js';
import type { PayloadProtection } from '../../encryption/data-converter.js';
import { ErasedDataError } from '../../encryption/data-keys.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { openDetails } from '../../events/event-details.js';
import {
  type NotificationContent,
  type NotificationMessage,
  openNotification,
} from '../../events/notification-message.js';
import { eventStreamName, notificationStreamName } from '../../events/stream.js';
import { FileDocumentStore } from '../../infra/document-store.js';
import { DossierCodeAllocator } from '../../infra/dossier-codes.js';
import { startNatsServer } from '../../infra/server-launchers.js';
import { createDossierWorkers } from '../../workers/dossier-workers.js';
import { bundleWorkflowsQuietly } from '../../workers/workflow-bundler.js';
import { testLogger } from './test-logging.js';
import { connectTemporal, createTimeSkippingEnv, testPayloadProtection } from './test-servers.js';

let bundle: Promise<{ code: string }> | undefined;

/** The workflow bundle, built once per test process; webpack prints only its errors. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowsQuietly({ level: 'error' });
  return bundle;
}

export interface DossierTestSystem {
  client: DossierClient;
  codes: DossierCodeAllocator;
  temporal: Client;
  nc: NatsConnection;
  /** Where the system's NATS and Temporal listen (for processes a test starts against them). */
  natsUrl: string;
  temporalAddress: string;
  /** The payload encryption every client and worker of the system uses. */
  protection: PayloadProtection;
  documents: FileDocumentStore;
  dataDir: string;
  env?: TestWorkflowEnvironment;
  /** Stops the workers and restarts them (same data directory), as after a crash or deploy. */
  restartWorkers(): Promise<void>;
  /** Events published for a dossier, in order, as they are on the stream (details sealed). */
  publishedEvents(code: string): Promise<DossierEvent[]>;
  /** Events published for a dossier, in order, with their details opened. */
  events(code: string): Promise<DossierEvent[]>;
  /** Notifications put in the outbox for the applicant's SMS / e-mail gateway, in order, opened. */
  notifications(code: string): Promise<Array<NotificationMessage & NotificationContent>>;
  teardown(): Promise<void>;
}

export async function startDossierSystem(options: {
  timeSkipping: boolean;
  /** A bucket of its own for calendar amendments, so that those a test publishes reach no other test. */
  calendarAmendmentBucket?: string;
  /** Another procedure catalogue for the workers' rules (the client still checks codes against the default one). */
  catalogueFile?: URL;
  /**
   * A nats-server of the system's own instead of the run's shared one: its streams, data keys and
   * buckets hold this system's dossiers only (a test that erases everything due, say).
   */
  privateNats?: boolean;
}): Promise<DossierTestSystem> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-test-data-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const natsUrl = options.privateNats ? await privateNats(cleanups) : inject('natsUrl');
    const nc = await connect({ servers: natsUrl, name: 'tthc-test' });
    cleanups.push(() => nc.drain());
    const protection = await testPayloadProtection(nc);
    cleanups.push(async () => protection.close());
    let temporal: Client;
    let connection: NativeConnection;
    let env: TestWorkflowEnvironment | undefined;
    let temporalAddress = inject('temporalAddress');
    if (options.timeSkipping) {
      env = await createTimeSkippingEnv(protection);
      cleanups.push(() => (env as TestWorkflowEnvironment).teardown());
      temporal = env.client;
      connection = env.nativeConnection;
      temporalAddress = env.address;
    } else {
      const shared = await connectTemporal(protection);
      cleanups.push(() => shared.close());
      temporal = shared.client;
      connection = shared.nativeConnection;
    }
    const logger = testLogger('test-worker');
    let running: { workers: Worker[]; done: Promise<unknown> } | undefined;
    const startWorkers = async () => {
      const workers = await createDossierWorkers({
        connection,
        nc,
        protection: protection,
        dataDir,
        workflowBundle: await workflowBundle(),
        logger,
        calendarAmendmentBucket: options.calendarAmendmentBucket,
        catalogueFile: options.catalogueFile,
      });
      running = { workers, done: Promise.allSettled(workers.map((w) => w.run())) };
    };
    const stopWorkers = async () => {
      if (!running) return;
      for (const worker of running.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.done;
      running = undefined;
    };
    await startWorkers();
    cleanups.push(stopWorkers);
    const codes = await DossierCodeAllocator.open(nc);
    return {
      client: new DossierClient(temporal, codes, undefined, undefined, protection.dataKeys),
      codes,
      temporal,
      nc,
      natsUrl,
      temporalAddress,
      protection,
      documents: new FileDocumentStore(join(dataDir, 'documents'), protection.keyring),
      dataDir,
      env,
      async restartWorkers() {
        await stopWorkers();
        await startWorkers();
      },
      publishedEvents: (code) => readStream<DossierEvent>(nc, eventStreamName, (e) => e.dossierCode === code),
      // Details travel sealed (events/event-details.ts); the tests read them opened.
      events: async (code) =>
        Promise.all(
          (await readStream<DossierEvent>(nc, eventStreamName, (e) => e.dossierCode === code)).map(
            async (e) => ({
              ...e,
              data: await openDetails(e, code, protection.dataKeys).catch((error: unknown) => {
                // An erased dossier's details stay sealed for good; its facts are all there is.
                if (error instanceof ErasedDataError) return e.data;
                throw error;
              }),
            }),
          ),
        ),
      // The contents travel sealed (events/notification-message.ts); the tests read them opened.
      notifications: async (code) =>
        Promise.all(
          (
            await readStream<NotificationMessage>(nc, notificationStreamName, (n) => n.dossierCode === code)
          ).map(async (message) => ({
            ...message,
            ...(await openNotification(message, protection.dataKeys)),
          })),
        ),
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
}

/** A nats-server (JetStream) for one system, stopped with it; its URL. */
async function privateNats(cleanups: Array<() => Promise<unknown>>): Promise<string> {
  const server = await startNatsServer();
  cleanups.push(() => server.stop());
  return server.url;
}

/** Every message of a stream that matches, read with an ordered consumer from the start. */
async function readStream<T>(
  nc: NatsConnection,
  stream: string,
  matches: (message: T) => boolean,
): Promise<T[]> {
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
  const found: T[] = [];
  const messages = await consumer.fetch({ max_messages: 100_000, expires: 2_000 });
  for await (const message of messages) {
    const value = message.json<T>();
    if (matches(value)) found.push(value);
    if (message.info.pending === 0) break;
  }
  await consumer.delete().catch(() => undefined);
  return found;
}
