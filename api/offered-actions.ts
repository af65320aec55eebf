/**
 * The actions a signed-in official may take on a dossier now, as the dossier view carries them
 * (GET /v1/dossiers/{code}): for every action, the checks the act route and the workflow would
 * make, in their order — the API's authorization (role and unit), the dossier not having ended,
 * then the domain's own checks (`actionAvailability`) with the actor the act route would send and
 * the dossier's working-day calendar. Clients offer what is allowed and keep no copy of the rules.
 */
import type { DossierView } from '../contract/dossier-contract.js';
import type { WorkingCalendar } from '../domain/calendar.js';
import { type ActionName, actionNames } from '../domain/dossier/dossier-actions.js';
import { type ActionAvailability, actionAvailability } from '../domain/dossier/dossier-checks.js';
import { actionTitles } from '../domain/dossier/dossier-labels.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { Instant } from '../domain/time.js';
import { loadAgencyCalendar } from '../rules/calendar-loader.js';
import type { Official } from './auth.js';
import { mayAct } from './authorization.js';
import { actorForAction, scopeOf } from './context.js';

export interface OfferedAction {
  name: ActionName;
  /** The button's Vietnamese title (displayNames.actions). */
  title: string;
  allowed: boolean;
  /** Why not: FORBIDDEN (the API's authorization) or the rules' rejection code. */
  code?: string;
  /** Why not, in Vietnamese. */
  reason?: string;
}

export type OfferedView = Pick<DossierView, 'state' | 'statusName' | 'ended'>;

/** Why an action cannot be taken on a dossier that has ended (the act route's 409 says the same). */
export function endedDossierReason(view: OfferedView, action: ActionName): string {
  return `Hồ sơ ${view.state.code} đã kết thúc ("${view.statusName}"); không thực hiện được "${action}"`;
}

/** Every action of the state machine, in its order, with whether this official may take it now. */
export function offeredActions(
  view: OfferedView,
  official: Official,
  organisation: OrganisationRegistry,
  now: Instant,
  /** The agency's calendar with the published amendments (the API's); the calendar files by default. */
  calendarOf: (agency: string) => WorkingCalendar = (agency) => loadAgencyCalendar(organisation, agency),
): OfferedAction[] {
  const { state } = view;
  const calendar = calendarOf(state.application.competentAgency);
  const availability = new Map<string, ActionAvailability[]>();
  const domainCheck = (action: ActionName): ActionAvailability => {
    const actor = actorForAction(action, state.code, official);
    let checks = availability.get(actor.id);
    if (!checks) {
      checks = actionAvailability(state, actor, now, calendar);
      availability.set(actor.id, checks);
    }
    return checks.find((check) => check.name === action) as ActionAvailability;
  };

  return actionNames.map((name): OfferedAction => {
    const title = actionTitles[name];
    // A liên thông opinion is given for the official's own agency, as the act route defaults it.
    const decision = mayAct(official, name, scopeOf(view), { agency: official.unit });
    if (!decision.allowed) return { name, title, allowed: false, code: 'FORBIDDEN', reason: decision.vi };
    if (view.ended) {
      return { name, title, allowed: false, code: 'ILLEGAL_STATE', reason: endedDossierReason(view, name) };
    }
    const checked = domainCheck(name);
    if (checked.allowed) return { name, title, allowed: true };
    return { name, title, allowed: false, code: checked.code, reason: checked.reason };
  });
}
