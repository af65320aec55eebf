/** The simulation's plan, drawn without any server: which dossiers and feedback arrive when, and what each will do. */
import { describe, expect, it } from 'vitest';
import { atCivilTime, toCivilDate } from '../../domain/time.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { type ArrivalSetting, planArrivals } from '../../simulation/arrival-plan.js';
import { communeProcedures, communesOf } from '../../simulation/simulated-province.js';
import { type SimulationConfigInput, simulationConfigSchema } from '../../simulation/simulation-options.js';

const setting: ArrivalSetting = {
  calendar: loadCalendar('VN'),
  communes: communesOf(loadOrganisation('simulation')),
  procedures: communeProcedures(loadCatalogue().procedures),
};

/** 2027-03-01 is a Monday: seven days hold five working days. */
const plan = (options: SimulationConfigInput = {}) =>
  planArrivals(
    simulationConfigSchema.parse({ days: 7, arrivalsPerDay: 40, start: '2027-03-01', ...options }),
    setting,
  );

describe('simulation arrival plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(plan({ seed: 7 })).toEqual(plan({ seed: 7 }));
    expect(plan({ seed: 8 })).not.toEqual(plan({ seed: 7 }));
  });

  it('brings the configured arrivals on working days only, dossiers over office hours, feedback from 09:00 to 15:00', () => {
    const days = plan({ feedbackPerDay: 4 });
    expect(days.map((d) => d.date)).toEqual([
      '2027-03-01',
      '2027-03-02',
      '2027-03-03',
      '2027-03-04',
      '2027-03-05',
    ]);
    for (const day of days) {
      expect(day.dossiers).toHaveLength(40);
      expect(day.feedback).toHaveLength(4);
      for (const { arriveAt } of day.dossiers) {
        expect(toCivilDate(arriveAt)).toBe(day.date);
        expect(arriveAt).toBeGreaterThanOrEqual(atCivilTime(day.date, '07:30'));
        expect(arriveAt).toBeLessThanOrEqual(atCivilTime(day.date, '17:00'));
      }
      for (const { submitAt, unit } of day.feedback) {
        expect(submitAt).toBeGreaterThanOrEqual(atCivilTime(day.date, '09:00'));
        expect(submitAt).toBeLessThanOrEqual(atCivilTime(day.date, '15:00'));
        expect(setting.communes.map((c) => c.committee.code)).toContain(unit);
      }
    }
  });

  it('follows the configured shares at their extremes', () => {
    const dossiers = plan({
      channelMix: { online: 1, counter: 0, postal: 0 },
      incompleteShare: 1,
      withdrawalShare: 0,
      dislikeShare: 0,
      onlinePaymentShare: 1,
    }).flatMap((d) => d.dossiers);
    for (const dossier of dossiers) {
      const feeBearing = dossier.procedure.fees.some((fee) => fee.amountVnd > 0);
      expect(dossier).toMatchObject({ channel: 'online', incomplete: true, withdraws: false, liked: true });
      expect(dossier.paysOnline).toBe(feeBearing);
      expect(dossier.paysAtReturn).toBe(feeBearing);
    }
    const counter = plan({ channelMix: { online: 0, counter: 1, postal: 0 } }).flatMap((d) => d.dossiers);
    expect(counter.every((d) => d.channel === 'counter' && !d.paysOnline)).toBe(true);
  });

  it("sends police procedures to the commune's police and the others to its people's committee", () => {
    const dossiers = plan().flatMap((d) => d.dossiers);
    const byPolice = (authority: string) => authority.toLowerCase().includes('công an');
    expect(dossiers.some((d) => byPolice(d.procedure.competentAuthority))).toBe(true);
    for (const dossier of dossiers) {
      const expected = byPolice(dossier.procedure.competentAuthority)
        ? dossier.commune.police
        : dossier.commune.committee;
      expect(dossier.agency).toBe(expected);
    }
  });
});
