/**
 * A simulated dossier's life on the real workflows, as its plan says: received (perhaps
 * incomplete), paid, withdrawn or assigned, supplemented, run over and apologised for, appraised,
 * decided, returned and evaluated. Each step queues the next on the scheduler, office hours later.
 */
import { IllegalActionError } from '../client/client-errors.js';
import type { Actor } from '../domain/actor.js';
import type { ActionName } from '../domain/dossier/dossier-actions.js';
import { addCalendarDays, atCivilTime, formatInstant } from '../domain/time.js';
import type { DossierPlan } from './arrival-plan.js';
import { counterOfficer, leader, specialist } from './simulated-officials.js';
import { applicantActor, evaluationOf } from './simulated-population.js';
import { officeHoursAfter, type SimulationStage } from './simulation-stage.js';

export class DossierJourney {
  constructor(
    private readonly stage: SimulationStage,
    private readonly evaluationWindowDays: number,
  ) {}

  /** The applicant hands the dossier in at the commune's one-stop centre. */
  async arrive(plan: DossierPlan, now: number): Promise<void> {
    const application = await this.stage.population.application(plan, plan.incomplete);
    const counter = counterOfficer(plan.commune.oneStop.code);
    const shard = this.stage.shards.shardOf(plan.commune.oneStop.code);
    const outcome = await this.stage.calls.call(`receive ${application.requestId}`, () =>
      shard.dossiers.receive({
        application,
        intake: { officer: counter },
        options: { evaluationWindowDays: this.evaluationWindowDays },
      }),
    );
    this.stage.shards.received(outcome.code, shard);
    this.count('received');
    if (outcome.outcome === 'accepted') return this.accepted(outcome.code, plan, now);
    if (outcome.outcome !== 'supplement') return;
    this.count('incompleteAtIntake');
    this.stage.scheduler.at(this.after(now, plan.hours.intakeSupplement), async (later) => {
      const result = await this.act(outcome.code, 'provide-intake-supplement', counter, {
        documents: await this.stage.population.documentsFor(plan, false),
      });
      if (result?.status === 'MOI_TIEP_NHAN') this.accepted(outcome.code, plan, later);
    });
  }

  private accepted(code: string, plan: DossierPlan, now: number): void {
    this.count('accepted');
    this.stage.scheduler.at(this.after(now, plan.hours.start), async (later) => {
      await this.portalAcknowledges(code, later);
      const counter = counterOfficer(plan.commune.oneStop.code);
      if (plan.paysOnline) await this.pay(code, plan, counter, 'dvcqg');
      if (plan.withdraws) {
        if (await this.act(code, 'withdraw', counter, { reason: 'Người nộp rút hồ sơ' }))
          this.count('withdrawn');
        return;
      }
      if (plan.procedure.steps.includes('assign')) {
        const assignee = specialist(plan.agency.code);
        await this.act(code, 'assign', leader(plan.agency.code), {
          specialist: { id: assignee.id, name: assignee.name },
        });
      }
      this.stage.scheduler.at(this.after(later, plan.hours.appraise), (then) =>
        this.appraise(code, plan, then),
      );
    });
  }

  private async appraise(code: string, plan: DossierPlan, now: number): Promise<void> {
    if (plan.supplementsDuringProcessing && (await this.requestSupplementation(code, plan, now))) return;
    const due = plan.slow
      ? (await this.stage.calls.call(`query ${code}`, () => this.stage.shards.dossierClient(code).get(code)))
          .deadlines.decree?.dueDate
      : undefined;
    if (!due) return this.decide(code, plan, now);
    this.runOver(code, plan, now, due);
  }

  /** Asks for a supplement; the applicant brings it (late, for some) and the dossier goes on to a decision. */
  private async requestSupplementation(code: string, plan: DossierPlan, now: number): Promise<boolean> {
    const requested = await this.act(code, 'request-supplementation', specialist(plan.agency.code), {
      items: [{ name: 'Bản sao giấy tờ chứng minh', reason: 'Thông tin chưa khớp' }],
      reason: 'Cần bổ sung để thẩm định',
    });
    if (!requested) return false;
    this.count('supplementedDuringProcessing');
    const back = plan.supplementsLate ? plan.hours.supplementLate : plan.hours.supplementBack;
    this.stage.scheduler.at(this.after(now, back), async (later) => {
      await this.act(code, 'provide-supplementation', counterOfficer(plan.commune.oneStop.code), {
        documents: await this.stage.population.supplementDocuments(),
      });
      this.stage.scheduler.at(this.after(later, plan.hours.afterSupplement), (then) =>
        this.decide(code, plan, then),
      );
    });
    return true;
  }

  /** A slow dossier is decided two working days after its due date; most are apologised for the day before. */
  private runOver(code: string, plan: DossierPlan, now: number, due: string): void {
    this.count('slow');
    const { scheduler, calendar } = this.stage;
    if (plan.apologizes) {
      scheduler.at(Math.max(atCivilTime(this.previousWorkingDay(due), '09:00'), now), async () => {
        const apology = {
          reason: 'Cần xác minh thêm thông tin',
          newDueDate: calendar.addWorkingDays(due, 3),
        };
        if (await this.act(code, 'apologize', leader(plan.agency.code), apology)) this.count('apologies');
      });
    }
    scheduler.at(atCivilTime(calendar.addWorkingDays(due, 2), '10:00'), (then) =>
      this.decide(code, plan, then),
    );
  }

  private async decide(code: string, plan: DossierPlan, now: number): Promise<void> {
    const appraised = await this.act(code, 'appraise', specialist(plan.agency.code), {
      recommendation: plan.refused ? 'refuse' : 'approve',
      note: plan.refused ? 'Không đủ điều kiện' : 'Đủ điều kiện',
    });
    if (!appraised) return;
    const decider = leader(plan.agency.code);
    const decided = plan.refused
      ? await this.act(code, 'refuse', decider, { reason: 'Không đủ điều kiện theo quy định' })
      : await this.act(code, 'approve', decider, { note: `Phê duyệt ${plan.procedure.name}` });
    if (!decided) return;
    this.count(plan.refused ? 'refused' : 'approved');
    this.stage.scheduler.at(this.after(now, plan.hours.return), () => this.returnResult(code, plan));
  }

  private async returnResult(code: string, plan: DossierPlan): Promise<void> {
    const counter = counterOfficer(plan.commune.oneStop.code);
    if (plan.paysAtReturn && !plan.paysOnline) await this.pay(code, plan, counter, 'cash');
    const channel = plan.channel === 'online' ? 'online' : 'counter';
    if (!(await this.act(code, 'return-result', counter, { channel }))) return;
    this.count('returned');
    if (!plan.evaluates) return;
    if (await this.act(code, 'evaluate', applicantActor(plan.citizen), evaluationOf(plan.liked)))
      this.count('evaluated');
  }

  private pay(code: string, plan: DossierPlan, counter: Actor, channel: 'dvcqg' | 'cash') {
    return this.act(code, 'record-payment', counter, {
      amountVnd: plan.procedure.fees[0]?.amountVnd ?? 0,
      channel,
    });
  }

  /**
   * The national portal acknowledges the received dossier, as the portal sync service would report
   * it (no portal runs in a simulation): the indicators that count only synced dossiers (1.4, 3.3,
   * 3.5, 3.6, 4.1; DOMAIN.md §2.3) then see it, as they would in a province.
   */
  private async portalAcknowledges(code: string, now: number): Promise<void> {
    await this.stage.calls.call(`portal sync ${code}`, () =>
      this.stage.shards
        .dossierClient(code)
        .recordPortalSync(code, { seq: 1, acknowledgedAt: formatInstant(now) }),
    );
    this.count('portalSynced');
  }

  /** Runs an action; a rule rejection (e.g. the dossier moved on) is counted, not fatal. */
  private async act(code: string, name: ActionName, actor: Actor, payload: unknown) {
    try {
      return await this.stage.calls.call(`${name} ${code}`, () =>
        this.stage.shards.dossierClient(code).act(code, { name, actor, payload }),
      );
    } catch (error) {
      if (error instanceof IllegalActionError) {
        this.count(`rejected:${error.code}`);
        return undefined;
      }
      throw error;
    }
  }

  private count(what: string): void {
    this.stage.totals.count(what);
  }

  private after(from: number, officeHours: number): number {
    return officeHoursAfter(this.stage, from, officeHours);
  }

  private previousWorkingDay(date: string): string {
    let day = addCalendarDays(date, -1);
    while (!this.stage.calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
    return day;
  }
}
