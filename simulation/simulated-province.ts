/** The simulated province as the organisation registry and the catalogue describe it: its communes and their procedures. */
import type { Procedure } from '../domain/catalogue.js';
import type { OrganisationRegistry, Unit } from '../domain/organisation.js';

/** A commune's people's committee, the one-stop centre that receives its dossiers, and its police. */
export interface Commune {
  committee: Unit;
  oneStop: Unit;
  police?: Unit;
}

export function communesOf(organisation: OrganisationRegistry): Commune[] {
  const committees = organisation.units.filter((u) => u.tier === 'cap-xa' && u.kind === 'people-committee');
  return committees.map((committee) => {
    const oneStop =
      organisation.children(committee.code).find((u) => u.kind === 'one-stop-centre') ?? committee;
    const suffix = committee.code.split('.')[2];
    const police = organisation.units.find((u) => u.kind === 'police' && u.code.split('.')[1] === suffix);
    return { committee, oneStop, police };
  });
}

/** The commune-level procedures of the catalogue (without inter-agency ones), in their current version. */
export function communeProcedures(procedures: readonly Procedure[]): Procedure[] {
  const latest = new Map<string, Procedure>();
  for (const procedure of procedures) {
    if (procedure.level !== 'cap-xa' || procedure.interAgency?.length) continue;
    const known = latest.get(procedure.code);
    if (!known || known.ruleVersion.effectiveFrom < procedure.ruleVersion.effectiveFrom)
      latest.set(procedure.code, procedure);
  }
  return [...latest.values()];
}

/** The province's people's committee, whose scoreboard sums up the communes. */
export function provinceCommitteeOf(organisation: OrganisationRegistry, name: string): Unit {
  const province = organisation.units.find((u) => u.parent === undefined && u.kind === 'people-committee');
  if (!province) throw new Error(`organisation ${name} has no province people's committee`);
  return province;
}
