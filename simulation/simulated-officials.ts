/** The simulated officials: one of each role per unit, named after the role and the unit's code. */
import type { Actor } from '../domain/actor.js';

function official(role: Actor['role'], unit: string, id = `${role}@${unit}`): Actor {
  return { id, name: id, unit, role };
}

/** Receives dossiers, records payments and returns results at a one-stop centre; accepts feedback. */
export function counterOfficer(unit: string): Actor {
  return official('counter-officer', unit);
}

/** Assigns, decides and apologises for the competent agency; answers feedback. */
export function leader(unit: string): Actor {
  return official('leader', unit);
}

/** Appraises the agency's dossiers and asks for supplements. */
export function specialist(unit: string): Actor {
  return official('specialist', unit, `cv-${unit}`);
}
