/**
 * The plan of a simulation: which dossiers and feedback arrive when, and what happens to each
 * (who pays, supplements, runs over, is refused, evaluates; the office hours between steps).
 * Every random decision is drawn here, in a fixed order, so the same seed gives the same plan.
 */
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Procedure } from '../domain/catalogue.js';
import type { Unit } from '../domain/organisation.js';
import { addCalendarDays, atCivilTime, type CivilDate } from '../domain/time.js';
import { Random } from './random.js';
import { type ApplicantDossier, type ApplicantFeedback, drawCitizen } from './simulated-population.js';
import type { Commune } from './simulated-province.js';
import type { SimulationConfig } from './simulation-options.js';

export interface DossierPlan extends ApplicantDossier {
  commune: Commune;
  agency: Unit;
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

export interface FeedbackPlan extends ApplicantFeedback {
  acceptHours: number;
  answerHours: number;
}

/** The arrivals of one working day, dossiers and feedback each in the order they were drawn. */
export interface PlannedDay {
  date: CivilDate;
  dossiers: DossierPlan[];
  feedback: FeedbackPlan[];
}

/** Where the arrivals happen: the working days, the communes and the procedures they apply for. */
export interface ArrivalSetting {
  calendar: WorkingCalendar;
  communes: readonly Commune[];
  procedures: readonly Procedure[];
}

const hour = 3_600_000;

/** The arrivals of every working day of the simulated period. */
export function planArrivals(config: SimulationConfig, setting: ArrivalSetting): PlannedDay[] {
  const planner = new ArrivalPlanner(config, setting);
  const days: PlannedDay[] = [];
  for (let day = 0; day < config.days; day++) {
    const date = addCalendarDays(config.start, day);
    if (setting.calendar.isWorkingDay(date)) days.push(planner.day(date));
  }
  return days;
}

class ArrivalPlanner {
  private readonly random: Random;

  constructor(
    private readonly config: SimulationConfig,
    private readonly setting: ArrivalSetting,
  ) {
    this.random = new Random(config.seed);
  }

  /** Dossiers arrive over office hours (07:30–17:00), feedback between 09:00 and 15:00. */
  day(date: CivilDate): PlannedDay {
    const dossiers: DossierPlan[] = [];
    for (let i = 0; i < this.config.arrivalsPerDay; i++)
      dossiers.push(this.dossier(atCivilTime(date, '07:30') + this.random.between(0, 9.5 * hour)));
    const feedback: FeedbackPlan[] = [];
    for (let i = 0; i < this.config.feedbackPerDay; i++)
      feedback.push(this.feedback(atCivilTime(date, '09:00') + this.random.between(0, 6 * hour)));
    return { date, dossiers, feedback };
  }

  private dossier(arriveAt: number): DossierPlan {
    const r = this.random;
    const commune = r.pick(this.setting.communes);
    const procedure = r.pick(this.setting.procedures);
    const channel = r.weighted([
      ['online', this.config.channelMix.online],
      ['counter', this.config.channelMix.counter],
      ['postal', this.config.channelMix.postal],
    ] as const);
    const feeBearing = procedure.fees.some((fee) => fee.amountVnd > 0);
    return {
      arriveAt,
      commune,
      procedure,
      channel,
      agency: competentAgency(commune, procedure),
      citizen: drawCitizen(r),
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

  private feedback(submitAt: number): FeedbackPlan {
    const r = this.random;
    return {
      submitAt,
      unit: r.pick(this.setting.communes).committee.code,
      citizen: drawCitizen(r),
      acceptHours: r.between(2, 40),
      answerHours: r.between(8, 120),
    };
  }
}

/** The commune's police decide the procedures of a police authority; its people's committee the others. */
function competentAgency(commune: Commune, procedure: Procedure): Unit {
  const byPolice = procedure.competentAuthority.toLowerCase().includes('công an');
  return byPolice && commune.police ? commune.police : commune.committee;
}
