/** What the simulated dossiers and feedback act on: the scheduler, the calendar, the servers, the applicants, the counts. */
import type { WorkingCalendar } from '../domain/calendar.js';
import { addWorkingHours } from '../domain/deadline.js';
import type { CallsInFlight } from './calls-in-flight.js';
import type { Scheduler } from './scheduler.js';
import type { SimulatedPopulation } from './simulated-population.js';
import type { ShardRouting } from './simulation-shards.js';
import type { SimulationTotals } from './simulation-totals.js';

export interface SimulationStage {
  scheduler: Scheduler;
  calendar: WorkingCalendar;
  shards: ShardRouting;
  calls: CallsInFlight;
  totals: SimulationTotals;
  population: SimulatedPopulation;
}

/** The instant a number of office hours after `from`, on the working-day calendar. */
export function officeHoursAfter(stage: SimulationStage, from: number, officeHours: number): number {
  return addWorkingHours(from, officeHours, stage.calendar);
}
