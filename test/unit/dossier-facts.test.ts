/** The Decision 766 facts a dossier's events carry (DOMAIN.md §2.5), built from its state. */
import { describe, expect, it } from 'vitest';
import { accept } from '../../domain/dossier/dossier-intake.js';
import { newDossier } from '../../domain/dossier/dossier-state.js';
import { dossierFacts } from '../../events/dossier-facts.js';
import { dossierContribution } from '../../indicators/dossier-counters.js';
import { loadCalendar } from '../../rules/calendar-loader.js';
import { getProcedure } from '../../rules/catalogue-loader.js';
import { vietnamInstant as at, citizenApplication } from '../support/fixtures.js';

const calendar = loadCalendar('VN');
const T0 = at('2026-04-23T10:00');

function factsOf(procedureCode: string, channel: 'counter' | 'online') {
  const procedure = getProcedure(procedureCode, '2026-04-23');
  const application = citizenApplication({ procedureCode, channel });
  const state = accept(
    newDossier('000.01.41.H99-260423-0001', application, procedure, T0),
    T0,
    calendar,
  ).state;
  return dossierFacts(state, calendar);
}

describe('dossier facts (DOMAIN.md §2.5)', () => {
  it('DanhSachPhiLePhi holds what this dossier owes: the online amount for an online dossier (§2.3 3.6)', () => {
    // 1.001612: 100 000 đ at the counter, free online.
    expect(factsOf('1.001612', 'counter').fees.map((f) => f.amountVnd)).toEqual([100_000]);
    const online = factsOf('1.001612', 'online');
    expect(online.fees.map((f) => f.amountVnd)).toEqual([0]);
    // A dossier whose every fee is 0 is outside 3.6's denominator.
    expect(dossierContribution(online, '2026-04')).toMatchObject({ accepted: 1, feeBearing: 0 });
    // 1.004222: the online amount is lower, not zero.
    expect(factsOf('1.004222', 'online').fees.map((f) => f.amountVnd)).toEqual([10_000]);
  });

  it('carries eligibility for toàn trình, and no sync until the portal acknowledges one', () => {
    const facts = factsOf('1.001612', 'online');
    expect(facts.eligibleForToanTrinh).toBe(getProcedure('1.001612', '2026-04-23').eligibleForToanTrinh);
    expect(facts.portalSyncedAt).toBeUndefined();
  });
});
