/**
 * A province's month on the real workflows, on the time-skipping server: dossiers arrive over
 * working hours by procedure and channel mix, officials act with delays, some applicants
 * supplement late, some dossiers run over and get apologies, payments, evaluations and feedback.
 * Ends with the Decision 766 scoreboard of every unit and their ranking.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import { IndicatorAggregator } from '../aggregators/indicator-aggregator.js';
import { IndicatorReadModel, type UnitScoreboard } from '../aggregators/read-model.js';
import { IllegalActionError } from '../client/client-errors.js';
import { DossierClient } from '../client/dossier-client.js';
import { FeedbackClient } from '../client/feedback-client.js';
import { readSetting } from '../config/configuration.js';
import type { Actor } from '../domain/actor.js';
import type { DossierApplicationInput } from '../domain/application.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Procedure } from '../domain/catalogue.js';
import { addWorkingHours } from '../domain/deadline.js';
import type { ActionName } from '../domain/dossier/dossier-actions.js';
import type { OrganisationRegistry, Unit } from '../domain/organisation.js';
import { addCalendarDays, atCivilTime, toCivilDate } from '../domain/time.js';
import { periodOf } from '../indicators/periods.js';
import { rank } from '../indicators/scoring.js';
import { FileDocumentStore } from '../infra/document-store.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { startNatsServer } from '../infra/server-launchers.js';
import { registerSearchAttributes } from '../infra/temporal.js';
import { binaryPath } from '../infra/tools.js';
import { loadCalendar } from '../rules/calendar-loader.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { createDossierWorkers, workflowsPath } from '../workers/dossier-workers.js';
import { Random } from './random.js';
import { ClocksInStep, Scheduler, type SimulatedClock } from './scheduler.js';
import {
  type SimulationConfig,
  type SimulationConfigInput,
  simulationConfigSchema,
} from './simulation-options.js';

export interface SimulationReport {
  config: SimulationConfig;
  period: string;
  elapsedMs: number;
  totals: Record<string, number>;
  province: UnitSummary;
  units: UnitSummary[];
  ranking: Array<{ rank: number; unit: string; name: string; total: number }>;
}

export interface UnitSummary {
  unit: string;
  name: string;
  total: number;
  rating: string;
  indicators: Record<string, { numerator: number; denominator: number; rate: number | null; points: number }>;
}

interface DossierPlan {
  arriveAt: number;
  commune: Commune;
  procedure: Procedure;
  channel: 'online' | 'counter' | 'postal';
  agency: Unit;
  citizen: { type: 'citizen'; fullName: string; idNumber: string };
  incomplete: boolean;
  paysOnline: boolean;
  paysAtReturn: boolean;
  withdraws: boolean;
  supplementsDuringProcessing: boolean;
  supplementsLate: boolean;
  slow: boolean;
  apologizes: boolean;
  refused: boolean;
  evaluates: boolean;
  liked: boolean;
  /** Office hours between steps. */
  hours: Record<
    | 'intakeSupplement'
    | 'start'
    | 'appraise'
    | 'supplementBack'
    | 'supplementLate'
    | 'afterSupplement'
    | 'return',
    number
  >;
}

interface FeedbackPlan {
  submitAt: number;
  unit: string;
  citizen: { type: 'citizen'; fullName: string; idNumber: string };
  acceptHours: number;
  answerHours: number;
}

interface Commune {
  committee: Unit;
  oneStop: Unit;
  police?: Unit;
}

const hour = 3_600_000;
/** A slot whose actions run longer than this (real time) is reported with the calls it waits for. */
const stallReportMs = 60_000;

export async function runSimulation(
  input: SimulationConfigInput,
  logger: Logger,
  onProgress: (line: string) => void = () => undefined,
  /** Aborting stops the run: servers and workers are stopped and the promise rejects. */
  signal?: AbortSignal,
): Promise<SimulationReport> {
  const config = simulationConfigSchema.parse(input);
  const started = Date.now();
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const dataDir = await mkdtemp(join(tmpdir(), 'tthc-simulation-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const nats = await startNatsServer();
    cleanups.push(() => nats.stop());
    const nc = await connect({ servers: nats.url, name: 'tthc-simulation' });
    cleanups.push(() => nc.drain());
    const servers = config.servers;
    onProgress(`starting ${servers} time-skipping Temporal server${servers === 1 ? '' : 's'} and workers …`);
    const workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: quiet });
    const codes = await DossierCodeAllocator.open(nc);
    const shards: Shard[] = [];
    for (let i = 0; i < servers; i++) {
      const env = await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: binaryPath('temporal-test-server') } },
      });
      cleanups.push(() => env.teardown());
      await registerSearchAttributes(env.connection, env.namespace ?? 'default');
      const workers = await createDossierWorkers({
        connection: env.nativeConnection,
        nc,
        dataDir,
        organisation: config.organisation,
        workflowBundle,
        logger,
        maxCachedWorkflows: Math.ceil(cachedWorkflows / servers),
        tuning: { workflowThreadPoolSize: readSetting('TTHC_WORKFLOW_THREADS') },
      });
      const runs = workers.map((worker) => worker.run());
      cleanups.push(() => stopWorkers(workers, runs));
      const clock = () => env.currentTimeMs();
      shards.push({
        env,
        dossiers: new DossierClient(env.client, codes, undefined, clock),
        feedback: await FeedbackClient.open(env.client, nc),
      });
    }

    const world = World.create(config, shards, nc, dataDir, onProgress);
    signal?.addEventListener('abort', () => world.stop(), { once: true });
    await Promise.race([world.run(), rejectOnAbort(signal)]);
    onProgress('computing the indicators …');
    const report = await world.report(logger);
    return { ...report, elapsedMs: Date.now() - started };
  } finally {
    for (const cleanup of cleanups.reverse())
      await withinMs(cleanupLimitMs, cleanup()).catch(() => undefined);
  }
}

/** Workflows the workers of all servers keep cached, together. */
const cachedWorkflows = 2_000;

/**
 * One time-skipping server with its workers and clients. The communes are spread over several
 * servers because the test server slows down with every workflow task it has ever handled (it
 * keeps a list of every time-skipping lock and unlock and searches it from the start on each timer;
 * BENCHMARKS.md): k servers each see 1/k of the tasks.
 */
interface Shard {
  env: TestWorkflowEnvironment;
  dossiers: DossierClient;
  feedback: FeedbackClient;
}

/** A cleanup step may not hold the exit (a stuck call keeps a worker from shutting down). */
const cleanupLimitMs = 15_000;

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

async function stopWorkers(workers: Worker[], runs: Promise<void>[]): Promise<void> {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.allSettled(runs);
}

/** The simulated province: its units, officials, applicants and the scheduler that drives them. */
class World {
  private readonly random: Random;
  private readonly calendar: WorkingCalendar = loadCalendar('VN');
  private readonly organisation: OrganisationRegistry;
  private readonly communes: Commune[];
  private readonly procedures: Procedure[];
  private readonly totals: Record<string, number> = {};
  /** Client calls in flight, for the stall report: label → real start time. */
  private readonly inFlight = new Map<number, { label: string; since: number }>();
  private callIds = 0;
  /** The server of each commune's units (round robin), and of each dossier received. */
  private readonly shardOfUnit = new Map<string, Shard>();
  private readonly shardOfDossier = new Map<string, Shard>();

  private constructor(
    private readonly config: SimulationConfig,
    private readonly shards: Shard[],
    private readonly clock: SimulatedClock,
    private readonly nc: NatsConnection,
    private readonly documents: FileDocumentStore,
    private readonly scheduler: Scheduler,
    private readonly onProgress: (line: string) => void,
  ) {
    this.random = new Random(config.seed);
    this.organisation = loadOrganisation(config.organisation);
    this.communes = communesOf(this.organisation);
    this.procedures = communeProcedures();
    this.communes.forEach((commune, i) => {
      const shard = shards[i % shards.length] as Shard;
      for (const unit of [commune.committee, commune.oneStop, commune.police])
        if (unit) this.shardOfUnit.set(unit.code, shard);
    });
  }

  static create(
    config: SimulationConfig,
    shards: Shard[],
    nc: NatsConnection,
    dataDir: string,
    onProgress: (line: string) => void,
  ): World {
    const clock = new ClocksInStep(shards.map((shard) => shard.env));
    const documents = new FileDocumentStore(join(dataDir, 'documents'));
    const errors: string[] = [];
    let world: World | undefined;
    const scheduler = new Scheduler(clock, {
      concurrency: config.concurrency,
      resolutionMs: config.slotMinutes * 60_000,
      onError: (error) => {
        if (errors.length < 5) errors.push(String(error));
      },
      stallAfterMs: stallReportMs,
      onStall: (instant, elapsedMs) => world?.reportStall(instant, elapsedMs),
    });
    world = new World(config, shards, clock, nc, documents, scheduler, onProgress);
    return world;
  }

  /** Starts no further action (calls in flight go on until the servers stop). */
  stop(): void {
    this.scheduler.stop();
  }

  /** Names the calls a slot is still waiting for, so that a stuck dossier can be looked at. */
  reportStall(instant: number, elapsedMs: number): void {
    const oldest = [...this.inFlight.values()].sort((a, b) => a.since - b.since).slice(0, 5);
    this.onProgress(
      `slot ${new Date(instant).toISOString()} has run ${Math.round(elapsedMs / 1000)} s; waiting for ${this.inFlight.size} call(s): ${oldest.map((c) => c.label).join(', ')}\n`,
    );
  }

  /** Runs a client call, registered as in flight while it runs. */
  private async call<T>(label: string, fn: () => Promise<T>): Promise<T> {
    const id = this.callIds++;
    this.inFlight.set(id, { label, since: Date.now() });
    try {
      return await fn();
    } finally {
      this.inFlight.delete(id);
    }
  }

  private count(what: string, by = 1): void {
    this.totals[what] = (this.totals[what] ?? 0) + by;
  }

  async run(): Promise<void> {
    const startAt = atCivilTime(this.config.start, '07:00');
    if (startAt <= (await this.clock.currentTimeMs())) {
      throw new Error(
        `--start ${this.config.start} is not in the future of the simulation clock; pick a later date`,
      );
    }
    // Every random decision is drawn here, in a fixed order, so the same seed gives the same result.
    for (let day = 0; day < this.config.days; day++) {
      const date = addCalendarDays(this.config.start, day);
      if (!this.calendar.isWorkingDay(date)) continue;
      for (let i = 0; i < this.config.arrivalsPerDay; i++) {
        const plan = this.planDossier(atCivilTime(date, '07:30') + this.random.between(0, 9.5 * hour));
        this.scheduler.at(plan.arriveAt, (now) => this.arrive(plan, now));
      }
      for (let i = 0; i < this.config.feedbackPerDay; i++) {
        const plan = this.planFeedback(atCivilTime(date, '09:00') + this.random.between(0, 6 * hour));
        this.scheduler.at(plan.submitAt, () => this.submitFeedback(plan));
      }
    }
    const end = atCivilTime(addCalendarDays(this.config.start, this.config.days), '00:00');
    let lastDay = '';
    await this.scheduler.run(end, (instant) => {
      const date = toCivilDate(instant);
      if (date === lastDay) return;
      lastDay = date;
      const day =
        Math.round((atCivilTime(date, '00:00') - atCivilTime(this.config.start, '00:00')) / 86_400_000) + 1;
      this.onProgress(
        `day ${day}/${this.config.days} (${date}): ${this.totals.received ?? 0} dossiers received, ${this.totals.returned ?? 0} returned`,
      );
    });
    this.count('actionErrors', this.scheduler.failed);
  }

  private planDossier(arriveAt: number): DossierPlan {
    const r = this.random;
    const commune = r.pick(this.communes);
    const procedure = r.pick(this.procedures);
    const channel = r.weighted([
      ['online', this.config.channelMix.online],
      ['counter', this.config.channelMix.counter],
      ['postal', this.config.channelMix.postal],
    ] as const);
    const byPolice =
      procedure.competentAuthority.toLowerCase().includes('công an') && commune.police !== undefined;
    const feeBearing = procedure.fees.some((fee) => fee.amountVnd > 0);
    return {
      arriveAt,
      commune,
      procedure,
      channel,
      agency: byPolice && commune.police ? commune.police : commune.committee,
      citizen: this.citizen(),
      incomplete: r.chance(this.config.incompleteShare),
      paysOnline: feeBearing && channel === 'online' && r.chance(this.config.onlinePaymentShare),
      paysAtReturn: feeBearing,
      withdraws: r.chance(this.config.withdrawalShare),
      supplementsDuringProcessing: r.chance(this.config.supplementDuringProcessingShare),
      supplementsLate: r.chance(this.config.lateSupplementShare),
      slow: r.chance(this.config.slowShare),
      apologizes: r.chance(this.config.apologyShareOfSlow),
      refused: r.chance(this.config.refusalShare),
      evaluates: r.chance(this.config.evaluationShare),
      liked: !r.chance(this.config.dislikeShare),
      hours: {
        intakeSupplement: r.between(1, 30),
        start: r.between(0.2, 4),
        appraise: r.between(1, 12),
        supplementBack: r.between(4, 30),
        supplementLate: r.between(60, 120),
        afterSupplement: r.between(2, 16),
        return: r.between(0.5, 10),
      },
    };
  }

  private planFeedback(submitAt: number): FeedbackPlan {
    const r = this.random;
    return {
      submitAt,
      unit: r.pick(this.communes).committee.code,
      citizen: this.citizen(),
      acceptHours: r.between(2, 40),
      answerHours: r.between(8, 120),
    };
  }

  // ------------------------------------------------------------------------------------------
  // A dossier's life

  private async arrive(plan: DossierPlan, now: number): Promise<void> {
    const application = await this.application(plan, plan.incomplete);
    const counter = this.official('counter-officer', plan.commune.oneStop.code);
    const shard = this.shardOf(plan.commune.oneStop.code);
    const outcome = await this.call(`receive ${application.requestId}`, () =>
      shard.dossiers.receive({
        application,
        intake: { officer: counter },
        options: { evaluationWindowDays: this.config.evaluationWindowDays },
      }),
    );
    this.shardOfDossier.set(outcome.code, shard);
    this.count('received');
    if (outcome.outcome === 'accepted') return this.accepted(outcome.code, plan, now);
    if (outcome.outcome !== 'supplement') return;
    this.count('incompleteAtIntake');
    this.scheduler.at(this.after(now, plan.hours.intakeSupplement), async (later) => {
      const result = await this.act(outcome.code, 'provide-intake-supplement', counter, {
        documents: await this.documentsFor(plan, false),
      });
      if (result?.status === 'MOI_TIEP_NHAN') this.accepted(outcome.code, plan, later);
    });
  }

  private accepted(code: string, plan: DossierPlan, now: number): void {
    this.count('accepted');
    this.scheduler.at(this.after(now, plan.hours.start), async (later) => {
      const counter = this.official('counter-officer', plan.commune.oneStop.code);
      if (plan.paysOnline) {
        await this.act(code, 'record-payment', counter, {
          amountVnd: plan.procedure.fees[0]?.amountVnd ?? 0,
          channel: 'dvcqg',
        });
      }
      if (plan.withdraws) {
        if (await this.act(code, 'withdraw', counter, { reason: 'Người nộp rút hồ sơ' }))
          this.count('withdrawn');
        return;
      }
      if (plan.procedure.steps.includes('assign')) {
        const specialist = this.specialist(plan);
        await this.act(code, 'assign', this.leader(plan), {
          specialist: { id: specialist.id, name: specialist.name },
        });
      }
      this.scheduler.at(this.after(later, plan.hours.appraise), (then) => this.appraise(code, plan, then));
    });
  }

  private async appraise(code: string, plan: DossierPlan, now: number): Promise<void> {
    if (plan.supplementsDuringProcessing) {
      const requested = await this.act(code, 'request-supplementation', this.specialist(plan), {
        items: [{ name: 'Bản sao giấy tờ chứng minh', reason: 'Thông tin chưa khớp' }],
        reason: 'Cần bổ sung để thẩm định',
      });
      if (requested) {
        this.count('supplementedDuringProcessing');
        const back = plan.supplementsLate ? plan.hours.supplementLate : plan.hours.supplementBack;
        this.scheduler.at(this.after(now, back), async (later) => {
          await this.act(
            code,
            'provide-supplementation',
            this.official('counter-officer', plan.commune.oneStop.code),
            {
              documents: [
                { kind: 'ban-sao-bo-sung', form: 'electronic', fileRef: await this.scan('ban-sao-bo-sung') },
              ],
            },
          );
          this.scheduler.at(this.after(later, plan.hours.afterSupplement), (then) =>
            this.decide(code, plan, then),
          );
        });
        return;
      }
    }
    const due = plan.slow
      ? (await this.call(`query ${code}`, () => this.dossierClient(code).get(code))).deadlines.decree?.dueDate
      : undefined;
    if (!due) return this.decide(code, plan, now);
    this.count('slow');
    if (plan.apologizes) {
      this.scheduler.at(Math.max(atCivilTime(this.previousWorkingDay(due), '09:00'), now), async () => {
        const apology = {
          reason: 'Cần xác minh thêm thông tin',
          newDueDate: this.calendar.addWorkingDays(due, 3),
        };
        if (await this.act(code, 'apologize', this.leader(plan), apology)) this.count('apologies');
      });
    }
    this.scheduler.at(atCivilTime(this.calendar.addWorkingDays(due, 2), '10:00'), (then) =>
      this.decide(code, plan, then),
    );
  }

  private async decide(code: string, plan: DossierPlan, now: number): Promise<void> {
    const appraised = await this.act(code, 'appraise', this.specialist(plan), {
      recommendation: plan.refused ? 'refuse' : 'approve',
      note: plan.refused ? 'Không đủ điều kiện' : 'Đủ điều kiện',
    });
    if (!appraised) return;
    const decided = plan.refused
      ? await this.act(code, 'refuse', this.leader(plan), { reason: 'Không đủ điều kiện theo quy định' })
      : await this.act(code, 'approve', this.leader(plan), { note: `Phê duyệt ${plan.procedure.name}` });
    if (!decided) return;
    this.count(plan.refused ? 'refused' : 'approved');
    this.scheduler.at(this.after(now, plan.hours.return), () => this.returnResult(code, plan));
  }

  private async returnResult(code: string, plan: DossierPlan): Promise<void> {
    const counter = this.official('counter-officer', plan.commune.oneStop.code);
    if (plan.paysAtReturn && !plan.paysOnline) {
      await this.act(code, 'record-payment', counter, {
        amountVnd: plan.procedure.fees[0]?.amountVnd ?? 0,
        channel: 'cash',
      });
    }
    const channel = plan.channel === 'online' ? 'online' : 'counter';
    if (!(await this.act(code, 'return-result', counter, { channel }))) return;
    this.count('returned');
    if (!plan.evaluates) return;
    const score = plan.liked ? 2 : 0;
    const applicant: Actor = {
      id: plan.citizen.idNumber,
      name: plan.citizen.fullName,
      unit: 'applicant',
      role: 'applicant',
    };
    const evaluation = { scores: { '1': score, '3': 2, '7': score }, liked: plan.liked };
    if (await this.act(code, 'evaluate', applicant, evaluation)) this.count('evaluated');
  }

  // ------------------------------------------------------------------------------------------
  // Feedback

  private async submitFeedback(plan: FeedbackPlan): Promise<void> {
    const { feedback } = this.shardOf(plan.unit);
    const receipt = await this.call(`feedback ${plan.unit}`, () =>
      feedback.submit({
        feedback: {
          requestId: `sim-pakn-${this.config.seed}-${plan.submitAt}-${plan.unit}`,
          submitter: plan.citizen,
          channel: 'online',
          receivingUnit: plan.unit,
          content: 'Đề nghị công khai rõ hơn thành phần hồ sơ trên cổng dịch vụ công.',
        },
      }),
    );
    this.count('feedback');
    const staff = (role: 'counter-officer' | 'leader') => this.official(role, plan.unit);
    this.scheduler.at(this.after(plan.submitAt, plan.acceptHours), async (later) => {
      await this.call(`accept ${receipt.id}`, () =>
        feedback.act(receipt.id, {
          name: 'accept',
          actor: staff('counter-officer'),
          payload: { topic: 'hanh-vi' },
        }),
      );
      this.scheduler.at(this.after(later, plan.answerHours), async () => {
        const answer = { content: 'Đã tiếp thu và chấn chỉnh.', measure: 'giai-trinh' };
        await this.call(`answer ${receipt.id}`, () =>
          feedback.act(receipt.id, { name: 'answer', actor: staff('leader'), payload: answer }),
        );
        this.count('feedbackAnswered');
      });
    });
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  private shardOf(unitCode: string): Shard {
    return this.shardOfUnit.get(unitCode) ?? (this.shards[0] as Shard);
  }

  private dossierClient(code: string): DossierClient {
    const shard = this.shardOfDossier.get(code);
    if (!shard) throw new Error(`dossier ${code} was not received in this simulation`);
    return shard.dossiers;
  }

  /** Runs an action; a rule rejection (e.g. the dossier moved on) is counted, not fatal. */
  private async act(code: string, name: ActionName, actor: Actor, payload: unknown) {
    try {
      return await this.call(`${name} ${code}`, () =>
        this.dossierClient(code).act(code, { name, actor, payload }),
      );
    } catch (error) {
      if (error instanceof IllegalActionError) {
        this.count(`rejected:${error.code}`);
        return undefined;
      }
      throw error;
    }
  }

  /** The instant a number of office hours after `from`, on the working-day calendar. */
  private after(from: number, officeHours: number): number {
    return addWorkingHours(from, officeHours, this.calendar);
  }

  private leader(plan: DossierPlan): Actor {
    return this.official('leader', plan.agency.code);
  }

  private specialist(plan: DossierPlan): Actor {
    return this.official('specialist', plan.agency.code, `cv-${plan.agency.code}`);
  }

  private previousWorkingDay(date: string): string {
    let day = addCalendarDays(date, -1);
    while (!this.calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
    return day;
  }

  private official(role: Actor['role'], unit: string, id = `${role}@${unit}`): Actor {
    return { id, name: id, unit, role };
  }

  private citizen() {
    const id = String(51_000_000_000 + this.random.int(0, 999_999_999)).padStart(12, '0');
    return { type: 'citizen' as const, fullName: 'Công dân mô phỏng', idNumber: id };
  }

  private async application(plan: DossierPlan, incomplete: boolean): Promise<DossierApplicationInput> {
    return {
      requestId: `sim-${this.config.seed}-${plan.arriveAt}-${plan.citizen.idNumber}`,
      procedureCode: plan.procedure.code,
      applicant: plan.citizen,
      channel: plan.channel,
      vneidAuthenticated: plan.channel === 'online',
      receivingUnit: plan.commune.oneStop.code,
      competentAgency: plan.agency.code,
      documents: await this.documentsFor(plan, incomplete),
    };
  }

  private async documentsFor(plan: DossierPlan, incomplete: boolean) {
    const required = plan.procedure.requiredDocuments.filter((d) => d.required);
    const present = incomplete ? required.slice(1) : required;
    const form = plan.channel === 'online' ? ('electronic' as const) : ('paper' as const);
    return Promise.all(present.map(async (d) => ({ kind: d.kind, form, fileRef: await this.scan(d.kind) })));
  }

  /** Scans are content-addressed: one file per document kind is enough for the simulation. */
  private async scan(kind: string): Promise<string> {
    return (
      await this.documents.put(new TextEncoder().encode(`mẫu ${kind}`), {
        mediaType: 'application/pdf',
        name: `${kind}.pdf`,
      })
    ).ref;
  }

  // ------------------------------------------------------------------------------------------

  async report(logger: Logger): Promise<Omit<SimulationReport, 'elapsedMs'>> {
    const aggregator = await IndicatorAggregator.create({
      nc: this.nc,
      bucket: 'tthc_indicators_1',
      consumerName: 'indicators_tthc_indicators_1',
      logger,
    });
    await aggregator.drain();
    const readModel = new IndicatorReadModel(this.nc, this.organisation, loadCatalogue().procedures);
    const period =
      this.config.period ?? periodOf('month', this.config.start) ?? this.config.start.slice(0, 7);
    const province = this.organisation.units.find(
      (u) => u.parent === undefined && u.kind === 'people-committee',
    );
    if (!province)
      throw new Error(`organisation ${this.config.organisation} has no province people's committee`);
    const units = await Promise.all(this.communes.map((c) => readModel.scoreboard(c.committee.code, period)));
    const ranking = rank(units.map((u) => ({ unit: u.unit, total: u.scoreboard.total })));
    return {
      config: this.config,
      period,
      totals: Object.fromEntries(Object.entries(this.totals).sort()),
      province: summary(await readModel.scoreboard(province.code, period)),
      units: units.map(summary),
      ranking: ranking.map((r) => ({ rank: r.rank, unit: r.unit.code, name: r.unit.name, total: r.total })),
    };
  }
}

function summary(board: UnitScoreboard): UnitSummary {
  return {
    unit: board.unit.code,
    name: board.unit.name,
    total: board.scoreboard.total,
    rating: board.scoreboard.rating,
    indicators: Object.fromEntries(
      board.scoreboard.indicators.map((i) => [
        i.id,
        { numerator: i.numerator, denominator: i.denominator, rate: i.rate, points: i.points },
      ]),
    ),
  };
}

function communesOf(organisation: OrganisationRegistry): Commune[] {
  const committees = organisation.units.filter((u) => u.tier === 'cap-xa' && u.kind === 'people-committee');
  return committees.map((committee) => {
    const oneStop =
      organisation.children(committee.code).find((u) => u.kind === 'one-stop-centre') ?? committee;
    const suffix = committee.code.split('.')[2];
    const police = organisation.units.find((u) => u.kind === 'police' && u.code.split('.')[1] === suffix);
    return { committee, oneStop, police };
  });
}

/** The commune-level procedures of the catalogue, in their current version. */
function communeProcedures(): Procedure[] {
  const latest = new Map<string, Procedure>();
  for (const procedure of loadCatalogue().procedures) {
    if (procedure.level !== 'cap-xa' || procedure.interAgency?.length) continue;
    const known = latest.get(procedure.code);
    if (!known || known.ruleVersion.effectiveFrom < procedure.ruleVersion.effectiveFrom)
      latest.set(procedure.code, procedure);
  }
  return [...latest.values()];
}

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};
