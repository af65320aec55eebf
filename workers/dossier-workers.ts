/**
 * Assembles the workers of one process: the dossier queue (workflows and shared activities) and
 * the queues of the units this process serves (their activities: digitizing, signing).
 */
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createDossierActivities } from '../activities/dossier-activities.js';
import type { Config } from '../config/configuration.js';
import { dossierTaskQueue, unitTaskQueue } from '../contract/task-queues.js';
import type { PayloadProtection } from '../encryption/data-converter.js';
import { CalendarAmendmentWatch } from '../infra/calendar-amendment-store.js';
import { DigitizedRegistry } from '../infra/digitized-registry.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { UnitKeyring } from '../infra/signing.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { TemporalWorker } from './temporal-worker.js';

export const workflowsPath = new URL('../workflows/all-workflows.ts', import.meta.url).pathname;

export interface DossierWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  nc: NatsConnection;
  /**
   * The encryption of personal data (encryption/data-converter.ts): the data converter every client
   * and worker shares, and the keyring that wraps the documents' keys.
   */
  protection: Pick<PayloadProtection, 'dataConverter' | 'keyring' | 'dataKeys'>;
  /** Documents and signing keys live here (embedded defaults). */
  dataDir: string;
  organisation?: string;
  /** Units whose queues this process serves: all units of the organisation, or a list. */
  units?: 'all' | string[];
  /** Whether this process also runs dossier workflows and shared activities. */
  serveDossierQueue?: boolean;
  workflowBundle: WorkerOptions['workflowBundle'];
  logger: Logger;
  maxCachedWorkflows?: number;
  /** Concurrency and shutdown settings (config/configuration.ts); absent ones keep the defaults below. */
  tuning?: WorkerTuning;
  /** NATS KV bucket of the calendar amendments published at run time (default tthc_calendar_amendments). */
  calendarAmendmentBucket?: string;
  /** The procedure catalogue file the rules activity reads (default data/procedures/catalogue.json). */
  catalogueFile?: URL;
}

export interface WorkerTuning {
  /** Activities at once on the dossier queue (SDK default 100). */
  maxConcurrentActivityTaskExecutions?: number;
  /** Activities at once on each unit queue (default 20). */
  maxConcurrentUnitActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Threads running workflow code (SDK default 1 with a reused V8 context). */
  workflowThreadPoolSize?: number;
  /** Milliseconds an activation may run before its task fails; 0 (the default here) sets no bound (workers/temporal-worker.ts). */
  activationTimeout?: number;
  /** Milliseconds in-flight activities may take after shutdown() before they are cancelled. */
  shutdownGraceTime?: number;
  /** Milliseconds after shutdown() at which run() gives up waiting and throws. */
  shutdownForceTime?: number;
}

type TuningSettings = Pick<
  Config,
  | 'TTHC_MAX_CONCURRENT_ACTIVITIES'
  | 'TTHC_MAX_CONCURRENT_UNIT_ACTIVITIES'
  | 'TTHC_MAX_CONCURRENT_WORKFLOW_TASKS'
  | 'TTHC_WORKFLOW_THREADS'
  | 'TTHC_WORKFLOW_ACTIVATION_TIMEOUT'
  | 'TTHC_SHUTDOWN_GRACE_TIME'
>;

/**
 * The tuning the configuration sets. With `shutdownForceMarginMs`, run() gives up that long after
 * the grace time; without it, the SDK's default applies.
 */
export function workerTuningFrom(
  config: TuningSettings,
  options: { shutdownForceMarginMs?: number } = {},
): WorkerTuning {
  const margin = options.shutdownForceMarginMs;
  return {
    maxConcurrentActivityTaskExecutions: config.TTHC_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentUnitActivityTaskExecutions: config.TTHC_MAX_CONCURRENT_UNIT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.TTHC_MAX_CONCURRENT_WORKFLOW_TASKS,
    workflowThreadPoolSize: config.TTHC_WORKFLOW_THREADS,
    activationTimeout: config.TTHC_WORKFLOW_ACTIVATION_TIMEOUT,
    shutdownGraceTime: config.TTHC_SHUTDOWN_GRACE_TIME,
    shutdownForceTime: margin === undefined ? undefined : config.TTHC_SHUTDOWN_GRACE_TIME + margin,
  };
}

export async function createDossierWorkers(options: DossierWorkerOptions): Promise<Worker[]> {
  const organisation = options.organisation ?? 'demo';
  const activities = await createDossierActivities({
    nc: options.nc,
    store: new FileDocumentStore(join(options.dataDir, 'documents'), options.protection.keyring),
    keyring: new UnitKeyring(join(options.dataDir, 'keys')),
    digitized: await DigitizedRegistry.open(options.nc),
    pseudonymSecret: () => options.protection.keyring.pseudonymSecret,
    dataKeys: options.protection.dataKeys,
    logger: options.logger,
    organisation,
    amendments: options.serveDossierQueue === false ? undefined : await amendmentWatch(options),
    catalogue: options.catalogueFile,
  });
  const tuning = options.tuning ?? {};
  const common = {
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    dataConverter: options.protection.dataConverter,
    activities,
    ...definedOnly({
      shutdownGraceTime: tuning.shutdownGraceTime,
      shutdownForceTime: tuning.shutdownForceTime,
    }),
  };
  const units =
    options.units === undefined || options.units === 'all'
      ? loadOrganisation(organisation).units.map((unit) => unit.code)
      : options.units;
  const workers: Worker[] = [];
  if (options.serveDossierQueue ?? true) {
    workers.push(
      await TemporalWorker.create({
        ...common,
        taskQueue: dossierTaskQueue,
        workflowBundle: options.workflowBundle,
        maxCachedWorkflows: options.maxCachedWorkflows,
        activationTimeoutMs: tuning.activationTimeout ?? 0,
        ...definedOnly({
          maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
          maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions,
          workflowThreadPoolSize: tuning.workflowThreadPoolSize,
        }),
      }),
    );
  }
  for (const unit of units) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: unitTaskQueue(unit),
        maxConcurrentActivityTaskExecutions: tuning.maxConcurrentUnitActivityTaskExecutions ?? 20,
      }),
    );
  }
  return workers;
}

function definedOnly<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The amendments the dossier queue's rules activity adds to the calendar files; followed until NATS closes. */
function amendmentWatch(options: DossierWorkerOptions): Promise<CalendarAmendmentWatch> {
  return CalendarAmendmentWatch.start(options.nc, options.logger, options.calendarAmendmentBucket);
}
