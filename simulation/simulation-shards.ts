/**
 * The time-skipping Temporal servers of a simulation, with their workers and clients. The communes
 * are spread over several servers because the test server slows down with every workflow task it
 * has ever handled (it keeps a list of every time-skipping lock and unlock and searches it from the
 * start on each timer; BENCHMARKS.md): k servers each see 1/k of the tasks.
 */
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { DossierClient } from '../client/dossier-client.js';
import { FeedbackClient } from '../client/feedback-client.js';
import { readSetting } from '../config/configuration.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { openPayloadProtection, type PayloadProtection } from '../encryption/data-converter.js';
import { KeyringFile } from '../encryption/encryption-keyring.js';
import type { LiveKeyring } from '../encryption/live-keyring.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { registerSearchAttributes } from '../infra/temporal.js';
import { binaryPath } from '../infra/tools.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { createDossierWorkers } from '../workers/dossier-workers.js';
import { bundleWorkflowsQuietly } from '../workers/workflow-bundler.js';
import { type Commune, communesOf } from './simulated-province.js';
import type { SimulationConfig } from './simulation-options.js';

/** One time-skipping server with its workers and clients. */
export interface Shard {
  env: TestWorkflowEnvironment;
  dossiers: DossierClient;
  feedback: FeedbackClient;
}

export interface ShardResources {
  config: SimulationConfig;
  nc: NatsConnection;
  dataDir: string;
  logger: Logger;
  /** Registers how to stop what was started; called in the order things start. */
  defer: (cleanup: () => Promise<unknown>) => void;
}

type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowsQuietly>>;

/** Workflows the workers of all servers keep cached, together. */
const cachedWorkflows = 2_000;

/**
 * Starts `config.servers` servers, each with the dossier workers on one shared workflow bundle; the
 * keyring is the one their payloads and documents are encrypted with.
 */
export async function startShards(
  resources: ShardResources,
): Promise<{ shards: Shard[]; keyring: LiveKeyring }> {
  const workflowBundle = await bundleWorkflowsQuietly({ level: 'error' });
  const codes = await DossierCodeAllocator.open(resources.nc);
  // The simulation's own keyring, in its temporary data directory: its payloads are encrypted as in production.
  const keyring = new KeyringFile(join(resources.dataDir, 'keyring.json'));
  await keyring.loadOrCreate();
  const protection = await openPayloadProtection({ nc: resources.nc, keyring });
  resources.defer(async () => protection.close());
  const organisation = loadOrganisation(resources.config.organisation);
  const shards: Shard[] = [];
  for (let i = 0; i < resources.config.servers; i++) {
    const units = unitsServedBy(i, resources.config.servers, organisation);
    shards.push(await startShard(resources, units, workflowBundle, codes, protection));
  }
  return { shards, keyring: protection.keyring };
}

/**
 * The unit queues server `index` needs workers for: its own communes' units (ShardRouting sends
 * their dossiers to it) and every unit outside the communes. A worker per unit of the whole
 * province on every server only added idle pollers.
 */
function unitsServedBy(index: number, servers: number, organisation: OrganisationRegistry): string[] {
  const communes = communesOf(organisation);
  const inCommunes = new Set(communes.flatMap(unitCodesOf));
  const own = communes.filter((_, i) => serverOfCommune(i, servers) === index).flatMap(unitCodesOf);
  const outside = organisation.units.map((unit) => unit.code).filter((code) => !inCommunes.has(code));
  return [...own, ...outside];
}

/** Communes go round robin over the servers. */
function serverOfCommune(communeIndex: number, servers: number): number {
  return communeIndex % servers;
}

function unitCodesOf(commune: Commune): string[] {
  return [commune.committee, commune.oneStop, commune.police].flatMap((unit) => (unit ? [unit.code] : []));
}

async function startShard(
  { config, nc, dataDir, logger, defer }: ShardResources,
  units: string[],
  workflowBundle: WorkflowBundle,
  codes: DossierCodeAllocator,
  protection: PayloadProtection,
): Promise<Shard> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: binaryPath('temporal-test-server') } },
    client: { dataConverter: protection.dataConverter },
  });
  defer(() => env.teardown());
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const workers = await createDossierWorkers({
    connection: env.nativeConnection,
    nc,
    protection: protection,
    dataDir,
    organisation: config.organisation,
    units,
    workflowBundle,
    logger,
    maxCachedWorkflows: Math.ceil(cachedWorkflows / config.servers),
    tuning: { workflowThreadPoolSize: readSetting('TTHC_WORKFLOW_THREADS') },
  });
  const runs = workers.map((worker) => worker.run());
  defer(() => stopWorkers(workers, runs));
  const clock = () => env.currentTimeMs();
  return {
    env,
    dossiers: new DossierClient(env.client, codes, undefined, clock),
    feedback: await FeedbackClient.open(env.client, nc, { clock }),
  };
}

async function stopWorkers(workers: Worker[], runs: Promise<void>[]): Promise<void> {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(runs);
}

/** The server of each commune's units (round robin over the communes), and of each dossier and feedback received. */
export class ShardRouting {
  private readonly shardOfUnit = new Map<string, Shard>();
  private readonly shardOfDossier = new Map<string, Shard>();
  private readonly shardOfFeedback = new Map<string, Shard>();

  constructor(
    private readonly shards: readonly Shard[],
    communes: readonly Commune[],
  ) {
    communes.forEach((commune, i) => {
      const shard = shards[serverOfCommune(i, shards.length)] as Shard;
      for (const code of unitCodesOf(commune)) this.shardOfUnit.set(code, shard);
    });
  }

  shardOf(unitCode: string): Shard {
    return this.shardOfUnit.get(unitCode) ?? (this.shards[0] as Shard);
  }

  /** Remembers the server that received a dossier: its later actions go there. */
  received(code: string, shard: Shard): void {
    this.shardOfDossier.set(code, shard);
  }

  dossierClient(code: string): DossierClient {
    const shard = this.shardOfDossier.get(code);
    if (!shard) throw new Error(`dossier ${code} was not received in this simulation`);
    return shard.dossiers;
  }

  /** Remembers the server that received a feedback. */
  feedbackReceived(id: string, shard: Shard): void {
    this.shardOfFeedback.set(id, shard);
  }

  feedbackClient(id: string): FeedbackClient {
    const shard = this.shardOfFeedback.get(id);
    if (!shard) throw new Error(`feedback ${id} was not received in this simulation`);
    return shard.feedback;
  }

  /** Every dossier code received, sorted. */
  dossierCodes(): string[] {
    return [...this.shardOfDossier.keys()].sort();
  }

  /** Every feedback id received, sorted. */
  feedbackIds(): string[] {
    return [...this.shardOfFeedback.keys()].sort();
  }
}
