/**
 * A province's month on the real workflows, on the time-skipping server: dossiers arrive over
 * working hours by procedure and channel mix, officials act with delays, some applicants
 * supplement late, some dossiers run over and get apologies, payments, evaluations and feedback.
 * Ends with the Decision 766 scoreboard of every unit and their ranking.
 *
 * This module starts and stops what a run needs (a data directory, NATS, the servers) and plays
 * the plan (arrival-plan.ts) on the servers (simulation-shards.ts) through the journeys of the
 * dossiers and feedback (dossier-journey.ts, feedback-journey.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { addCalendarDays, atCivilTime, toCivilDate } from '../domain/time.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { JsonLinesFile } from '../infra/json-lines-file.js';
import { connectNats } from '../infra/nats-connection.js';
import { startNatsServer } from '../infra/server-launchers.js';
import { loadCalendar } from '../rules/calendar-loader.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { type PlannedDay, planArrivals } from './arrival-plan.js';
import { CallsInFlight } from './calls-in-flight.js';
import { DossierJourney } from './dossier-journey.js';
import { submitFeedback } from './feedback-journey.js';
import { ClocksInStep, Scheduler, type SimulatedClock } from './scheduler.js';
import { SimulatedPopulation } from './simulated-population.js';
import { communeProcedures, communesOf } from './simulated-province.js';
import { exportSimulation } from './simulation-export.js';
import {
  type SimulationConfig,
  type SimulationConfigInput,
  simulationConfigSchema,
} from './simulation-options.js';
import { buildSimulationReport, type SimulatedOutcome, type SimulationReport } from './simulation-report.js';
import { type Shard, ShardRouting, startShards } from './simulation-shards.js';
import type { SimulationStage } from './simulation-stage.js';
import { SimulationTotals } from './simulation-totals.js';

/** A slot whose actions run longer than this (real time) is reported with the calls it waits for. */
const stallReportMs = 60_000;
/** A cleanup step may not hold the exit (a stuck call keeps a worker from shutting down). */
const cleanupLimitMs = 15_000;

type Progress = (line: string) => void;

export interface SimulationRun {
  logger: Logger;
  onProgress?: Progress;
  /** Aborting stops the run: servers and workers are stopped and the promise rejects. */
  signal?: AbortSignal;
  /** Writes every dossier, feedback and scoreboard of the run to this file (scoreboard-export.ts). */
  exportTo?: string;
}

export async function runSimulation(
  input: SimulationConfigInput,
  { logger, onProgress = () => undefined, signal, exportTo }: SimulationRun,
): Promise<SimulationReport> {
  const config = simulationConfigSchema.parse(input);
  const started = Date.now();
  const cleanups: Array<() => Promise<unknown>> = [];
  const defer = (cleanup: () => Promise<unknown>) => cleanups.push(cleanup);
  try {
    // A path that cannot be written fails before anything starts.
    const exportFile = exportTo === undefined ? undefined : await JsonLinesFile.create(exportTo, '--export');
    if (exportFile) defer(() => exportFile.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-simulation-'));
    defer(() => rm(dataDir, { recursive: true, force: true }));
    const nats = await startNatsServer();
    defer(() => nats.stop());
    const nc = await connectNats({ servers: nats.url, name: 'tthc-simulation' });
    defer(() => nc.drain());
    const servers = config.servers;
    onProgress(`starting ${servers} time-skipping Temporal server${servers === 1 ? '' : 's'} and workers …`);
    const { shards, keyring } = await startShards({ config, nc, dataDir, logger, defer });
    const documents = new FileDocumentStore(join(dataDir, 'documents'), keyring);
    const outcome = await simulateOn(shards, config, documents, onProgress, signal);
    onProgress('computing the indicators …');
    const { report, scoreboards } = await buildSimulationReport(nc, logger, outcome);
    if (exportFile) await exportSimulation(exportFile, outcome.routing, scoreboards, onProgress);
    return { ...report, elapsedMs: Date.now() - started };
  } finally {
    for (const cleanup of cleanups.reverse())
      await withinMs(cleanupLimitMs, cleanup()).catch(() => undefined);
  }
}

/** Plays the plan on the servers until the last simulated day ends, or until `signal` aborts. */
async function simulateOn(
  shards: Shard[],
  config: SimulationConfig,
  documents: FileDocumentStore,
  onProgress: Progress,
  signal: AbortSignal | undefined,
): Promise<SimulatedOutcome> {
  const organisation = loadOrganisation(config.organisation);
  const communes = communesOf(organisation);
  const clock = new ClocksInStep(shards.map((shard) => shard.env));
  const calls = new CallsInFlight();
  const stage: SimulationStage = {
    scheduler: new Scheduler(clock, {
      concurrency: config.concurrency,
      resolutionMs: config.slotMinutes * 60_000,
      // A failed action is counted (actionErrors); the run goes on.
      onError: () => undefined,
      stallAfterMs: stallReportMs,
      onStall: (instant, elapsedMs) => onProgress(calls.stallReport(instant, elapsedMs)),
    }),
    calendar: loadCalendar('VN'),
    shards: new ShardRouting(shards, communes),
    calls,
    totals: new SimulationTotals(),
    population: new SimulatedPopulation(config.seed, documents),
  };
  signal?.addEventListener('abort', () => stage.scheduler.stop(), { once: true });
  const play = async () => {
    await ensureStartIsAhead(config, clock);
    const procedures = communeProcedures(loadCatalogue().procedures);
    const days = planArrivals(config, { calendar: stage.calendar, communes, procedures });
    schedule(stage, days, new DossierJourney(stage, config.evaluationWindowDays));
    await stage.scheduler.run(endOf(config), dailyProgress(config, stage.totals, onProgress));
    stage.totals.count('actionErrors', stage.scheduler.failed);
  };
  await Promise.race([play(), rejectOnAbort(signal)]);
  return { config, organisation, communes, totals: stage.totals, routing: stage.shards };
}

async function ensureStartIsAhead(config: SimulationConfig, clock: SimulatedClock): Promise<void> {
  if (atCivilTime(config.start, '07:00') <= (await clock.currentTimeMs())) {
    throw new Error(
      `--start ${config.start} is not in the future of the simulation clock; pick a later date`,
    );
  }
}

/** Queues every arrival, day by day, dossiers before feedback: the order actions of one slot run in. */
function schedule(stage: SimulationStage, days: PlannedDay[], journey: DossierJourney): void {
  for (const day of days) {
    for (const plan of day.dossiers) stage.scheduler.at(plan.arriveAt, (now) => journey.arrive(plan, now));
    for (const plan of day.feedback) stage.scheduler.at(plan.submitAt, () => submitFeedback(stage, plan));
  }
}

/** Midnight after the last simulated day. */
function endOf(config: SimulationConfig): number {
  return atCivilTime(addCalendarDays(config.start, config.days), '00:00');
}

/** Reports each simulated day once, when its first slot has run. */
function dailyProgress(config: SimulationConfig, totals: SimulationTotals, onProgress: Progress) {
  let lastDay = '';
  return (instant: number) => {
    const date = toCivilDate(instant);
    if (date === lastDay) return;
    lastDay = date;
    const day =
      Math.round((atCivilTime(date, '00:00') - atCivilTime(config.start, '00:00')) / 86_400_000) + 1;
    onProgress(
      `day ${day}/${config.days} (${date}): ${totals.of('received')} dossiers received, ${totals.of('returned')} returned`,
    );
  };
}

function withinMs<T>(ms: number, work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

function rejectOnAbort(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const abort = () => reject(new Error('interrupted; servers and workers stopped'));
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}
