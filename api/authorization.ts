/**
 * Who may do what through the API (pure; no I/O). The dossier workflow enforces the same agency
 * and role rules again; the API denies earlier, with a 403 and a message in Vietnamese and
 * English, so that a request the official could never make does not reach Temporal.
 *
 * - counter officer (cán bộ một cửa): receives at their own unit (for any competent agency of the
 *   same province), refuses at intake, takes supplements, records payment, withdraws on the
 *   applicant's behalf, hands back the result, records the applicant's evaluation at the counter;
 *   reads the dossiers received at their unit.
 * - specialist and leader (chuyên viên, lãnh đạo): act only on dossiers whose competent agency is
 *   their unit; only a leader assigns, approves, refuses, signs an apology and stops; only a
 *   specialist appraises. Staff of a participating agency give the liên thông opinion.
 * - supervisor (cán bộ giám sát): read-only over their unit's subtree (dossiers, search,
 *   indicators, documents).
 * - administrator (quản trị): reads everything (dossiers, catalogue, calendars, organisation,
 *   indicators) and, alone, the personal-data access log; takes one action on any dossier, the
 *   audited correction of a data error (correct-data), and no other.
 */
import type { ActionName } from '../domain/dossier/dossier-actions.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import type { Official, OfficialRole } from './auth.js';

export type Decision = { allowed: true } | { allowed: false; vi: string; en: string };

const allow: Decision = { allowed: true };
function deny(vi: string, en: string): Decision {
  return { allowed: false, vi, en };
}

/** Which unit of the dossier the official must belong to for an action. */
export type ActionUnit = 'receiving-unit' | 'competent-agency' | 'participating-agency' | 'any';

export interface ActionRule {
  roles: readonly OfficialRole[];
  unit: ActionUnit;
}

/** The API's action table; mirrors the workflow's checks (domain/dossier/dossier-checks.ts checkAction). */
export const actionRules: Record<ActionName, ActionRule> = {
  'provide-intake-supplement': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'refuse-intake': { roles: ['counter-officer'], unit: 'receiving-unit' },
  // The online inbox: dossiers submitted by signed-in citizens wait for the receiving counter.
  'accept-intake': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'request-intake-supplement': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'request-supplementation': { roles: ['specialist', 'leader'], unit: 'competent-agency' },
  'provide-supplementation': { roles: ['counter-officer'], unit: 'receiving-unit' },
  assign: { roles: ['leader'], unit: 'competent-agency' },
  appraise: { roles: ['specialist'], unit: 'competent-agency' },
  'start-inter-agency': { roles: ['specialist', 'leader'], unit: 'competent-agency' },
  'complete-inter-agency': { roles: ['specialist', 'leader'], unit: 'participating-agency' },
  approve: { roles: ['leader'], unit: 'competent-agency' },
  refuse: { roles: ['leader'], unit: 'competent-agency' },
  apologize: { roles: ['leader'], unit: 'competent-agency' },
  stop: { roles: ['leader'], unit: 'competent-agency' },
  withdraw: { roles: ['counter-officer'], unit: 'receiving-unit' },
  'return-result': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'record-payment': { roles: ['counter-officer'], unit: 'receiving-unit' },
  // The applicant's evaluation, entered at the counter on their behalf (citizens also evaluate
  // themselves with the lookup secret).
  evaluate: { roles: ['counter-officer'], unit: 'receiving-unit' },
  // The repair of a dossier held up by a data error: administrators only, on any dossier.
  'correct-data': { roles: ['administrator'], unit: 'any' },
};

const roleNames: Record<OfficialRole, { vi: string; en: string }> = {
  'counter-officer': { vi: 'cán bộ một cửa', en: 'counter officer' },
  specialist: { vi: 'chuyên viên', en: 'specialist' },
  leader: { vi: 'lãnh đạo', en: 'leader' },
  supervisor: { vi: 'cán bộ giám sát', en: 'supervisor' },
  administrator: { vi: 'quản trị hệ thống', en: 'administrator' },
};

const unitNames: Record<ActionUnit, { vi: string; en: string }> = {
  'receiving-unit': { vi: 'đơn vị tiếp nhận hồ sơ', en: 'the receiving unit' },
  'competent-agency': { vi: 'cơ quan có thẩm quyền giải quyết', en: 'the competent agency' },
  'participating-agency': { vi: 'cơ quan phối hợp liên thông', en: 'a participating agency' },
  any: { vi: 'bất kỳ đơn vị nào', en: 'any unit' },
};

/** The units of a dossier that decide who may see and act on it. */
export interface DossierScope {
  code: string;
  receivingUnit: string;
  competentAgency: string;
  /** Agencies asked for a liên thông opinion. */
  participatingAgencies: readonly string[];
}

/** Whether the role may ever take the action, before the dossier is looked at. */
export function roleMayAct(official: Official, action: ActionName): Decision {
  const rule = actionRules[action];
  if (rule.roles.includes(official.role)) return allow;
  const who = rule.roles.map((r) => roleNames[r]);
  return deny(
    `Vai trò ${roleNames[official.role].vi} không được thực hiện thao tác "${action}"; thao tác này dành cho ${who.map((w) => w.vi).join(' hoặc ')}`,
    `the ${roleNames[official.role].en} role may not perform "${action}"; it is for the ${who.map((w) => w.en).join(' or ')}`,
  );
}

/**
 * Whether the official may take the action on the dossier. For complete-inter-agency, `agency`
 * is the participating agency the opinion is given for.
 */
export function mayAct(
  official: Official,
  action: ActionName,
  dossier: DossierScope,
  options: { agency?: string } = {},
): Decision {
  const byRole = roleMayAct(official, action);
  if (!byRole.allowed) return byRole;
  const rule = actionRules[action];
  if (rule.unit === 'any') return allow;
  const units = unitsFor(rule.unit, dossier, options.agency);
  if (units.includes(official.unit)) return allow;
  const where = unitNames[rule.unit];
  return deny(
    `Hồ sơ ${dossier.code}: thao tác "${action}" do ${roleNames[official.role].vi} của ${where.vi} (${units.join(', ') || 'không có'}) thực hiện, không phải của ${official.unit}`,
    `dossier ${dossier.code}: "${action}" is done by ${where.en} (${units.join(', ') || 'none'}), not by ${official.unit}`,
  );
}

function unitsFor(
  unit: Exclude<ActionUnit, 'any'>,
  dossier: DossierScope,
  agency: string | undefined,
): string[] {
  switch (unit) {
    case 'receiving-unit':
      return [dossier.receivingUnit];
    case 'competent-agency':
      return [dossier.competentAgency];
    case 'participating-agency':
      return agency === undefined
        ? [...dossier.participatingAgencies]
        : dossier.participatingAgencies.filter((a) => a === agency);
  }
}

/** Whether the role ever receives dossiers (counter officers only), before the body is looked at. */
export function roleMayReceive(official: Official): Decision {
  if (official.role === 'counter-officer') return allow;
  return deny(
    `Chỉ cán bộ một cửa được tiếp nhận hồ sơ; người gửi yêu cầu là ${roleNames[official.role].vi}`,
    `only counter officers receive dossiers; the caller is a ${roleNames[official.role].en}`,
  );
}

/** Receiving a dossier: a counter officer at their own unit, for a competent agency of the same province. */
export function mayReceive(
  official: Official,
  application: { receivingUnit: string; competentAgency: string },
  organisation: OrganisationRegistry,
): Decision {
  const byRole = roleMayReceive(official);
  if (!byRole.allowed) return byRole;
  if (application.receivingUnit !== official.unit) {
    return deny(
      `Cán bộ của ${official.unit} chỉ tiếp nhận hồ sơ tại đơn vị mình, không tại ${application.receivingUnit}`,
      `an officer of ${official.unit} receives only at their own unit, not at ${application.receivingUnit}`,
    );
  }
  const province = safeProvince(organisation, official.unit);
  const agencyProvince = safeProvince(organisation, application.competentAgency);
  if (province === undefined || agencyProvince === undefined || province !== agencyProvince) {
    return deny(
      `Bộ phận một cửa ${official.unit} chỉ tiếp nhận hồ sơ cho cơ quan có thẩm quyền trong cùng tỉnh; ${application.competentAgency} thuộc tỉnh khác`,
      `the one-stop shop ${official.unit} receives only for competent agencies of its own province; ${application.competentAgency} is not in it`,
    );
  }
  return allow;
}

/** Reading a dossier (its state, forms and search results). */
export function mayReadDossier(
  official: Official,
  dossier: DossierScope,
  organisation: OrganisationRegistry,
): Decision {
  switch (official.role) {
    case 'administrator':
      return allow;
    case 'supervisor':
      if (
        within(organisation, dossier.receivingUnit, official.unit) ||
        within(organisation, dossier.competentAgency, official.unit)
      ) {
        return allow;
      }
      return deny(
        `Hồ sơ ${dossier.code} không thuộc phạm vi giám sát của ${official.unit}`,
        `dossier ${dossier.code} is outside the supervised subtree of ${official.unit}`,
      );
    case 'counter-officer':
      if (dossier.receivingUnit === official.unit) return allow;
      return deny(
        `Hồ sơ ${dossier.code} được tiếp nhận tại ${dossier.receivingUnit}, không phải ${official.unit}`,
        `dossier ${dossier.code} was received at ${dossier.receivingUnit}, not at ${official.unit}`,
      );
    case 'specialist':
    case 'leader':
      if (dossier.competentAgency === official.unit || dossier.participatingAgencies.includes(official.unit))
        return allow;
      return deny(
        `Hồ sơ ${dossier.code} thuộc thẩm quyền của ${dossier.competentAgency}, không phải ${official.unit}`,
        `dossier ${dossier.code} belongs to the competent agency ${dossier.competentAgency}, not to ${official.unit}`,
      );
  }
}

/** Stored documents of a dossier (scans, signed results): staff of its units, supervisors of the subtree. */
export function mayReadDocument(
  official: Official,
  dossier: DossierScope,
  organisation: OrganisationRegistry,
): Decision {
  if (
    (official.role === 'counter-officer' || official.role === 'specialist' || official.role === 'leader') &&
    (official.unit === dossier.receivingUnit ||
      official.unit === dossier.competentAgency ||
      dossier.participatingAgencies.includes(official.unit))
  ) {
    return allow;
  }
  if (official.role === 'counter-officer' || official.role === 'specialist' || official.role === 'leader') {
    return deny(
      `Tài liệu của hồ sơ ${dossier.code} chỉ dành cho cán bộ của ${dossier.receivingUnit} hoặc ${dossier.competentAgency}`,
      `the documents of dossier ${dossier.code} are for staff of ${dossier.receivingUnit} or ${dossier.competentAgency} only`,
    );
  }
  return mayReadDossier(official, dossier, organisation);
}

/**
 * The part of all dossiers an official may search: everything (administrator), the subtree of
 * their unit (supervisor), the dossiers received at their unit (counter officer), or those their
 * unit decides (specialist, leader).
 */
export type SearchScope =
  | { kind: 'all' }
  | { kind: 'subtree'; units: string[] }
  | { kind: 'receiving-unit'; unit: string }
  | { kind: 'competent-agency'; unit: string };

export function searchScope(official: Official, organisation: OrganisationRegistry): SearchScope {
  switch (official.role) {
    case 'administrator':
      return { kind: 'all' };
    case 'supervisor':
      return {
        kind: 'subtree',
        units: organisation.has(official.unit)
          ? [official.unit, ...organisation.descendants(official.unit).map((u) => u.code)]
          : [official.unit],
      };
    case 'counter-officer':
      return { kind: 'receiving-unit', unit: official.unit };
    case 'specialist':
    case 'leader':
      return { kind: 'competent-agency', unit: official.unit };
  }
}

/** Whether explicit unit filters of a search stay inside the official's scope. */
export function maySearch(
  official: Official,
  filter: { receivingUnit?: string; competentAgency?: string },
  organisation: OrganisationRegistry,
): Decision {
  const scope = searchScope(official, organisation);
  const outside = (unit: string | undefined, inScope: (u: string) => boolean) =>
    unit !== undefined && !inScope(unit);
  let bad: string | undefined;
  switch (scope.kind) {
    case 'all':
      return allow;
    case 'subtree':
      if (outside(filter.receivingUnit, (u) => scope.units.includes(u))) bad = filter.receivingUnit;
      else if (outside(filter.competentAgency, (u) => scope.units.includes(u))) bad = filter.competentAgency;
      break;
    case 'receiving-unit':
      if (outside(filter.receivingUnit, (u) => u === scope.unit)) bad = filter.receivingUnit;
      break;
    case 'competent-agency':
      if (outside(filter.competentAgency, (u) => u === scope.unit)) bad = filter.competentAgency;
      break;
  }
  if (bad === undefined) return allow;
  return deny(
    `Không được tra cứu hồ sơ của ${bad}: ngoài phạm vi của ${official.unit}`,
    `may not search the dossiers of ${bad}: outside the scope of ${official.unit}`,
  );
}

/** Decision 766 indicators of a unit (with its subtree): supervisors and leaders of it or above, administrators. */
export function mayReadIndicators(
  official: Official,
  unit: string,
  organisation: OrganisationRegistry,
): Decision {
  if (official.role === 'administrator') return allow;
  if (
    (official.role === 'supervisor' || official.role === 'leader') &&
    within(organisation, unit, official.unit)
  )
    return allow;
  return deny(
    `Chỉ số của ${unit} dành cho cán bộ giám sát, lãnh đạo của đơn vị đó hoặc cấp trên, và quản trị hệ thống`,
    `the indicators of ${unit} are for supervisors and leaders of that unit or above, and administrators`,
  );
}

/** Giving units their yearly targets: administrators, and supervisors of the issuing unit itself. */
export function mayGiveTargets(official: Official, issuedBy: string): Decision {
  if (official.role === 'administrator') return allow;
  if (official.role === 'supervisor' && official.unit === issuedBy) return allow;
  return deny(
    `Chỉ quản trị hệ thống và cán bộ giám sát của ${issuedBy} được giao chỉ tiêu`,
    `only administrators and supervisors of ${issuedBy} may give its targets`,
  );
}

/** Uploading a component: the counter officers who receive dossiers (citizens, online, later). */
export function mayUpload(official: Official): Decision {
  if (official.role === 'counter-officer') return allow;
  return deny(
    'Chỉ cán bộ một cửa được tải lên thành phần hồ sơ',
    'only counter officers may upload dossier components',
  );
}

/** The codec endpoint returns plaintext: administrators, and supervisors (for their subtree). */
export function mayUseCodec(official: Official): Decision {
  if (official.role === 'administrator' || official.role === 'supervisor') return allow;
  return deny(
    'Chỉ quản trị hệ thống và cán bộ giám sát được xem dữ liệu đã giải mã',
    'only administrators and supervisors may decode payloads',
  );
}

/**
 * Decoding the payloads of dossiers and feedback (their codes name the receiving unit): every one
 * must lie in a supervisor's subtree; administrators decode all.
 */
export function mayDecodePayloads(
  official: Official,
  subjects: readonly string[],
  organisation: OrganisationRegistry,
): Decision {
  const role = mayUseCodec(official);
  if (!role.allowed || official.role === 'administrator') return role;
  const outside = subjects.find((subject) => !within(organisation, receivingUnitOf(subject), official.unit));
  if (outside === undefined) return allow;
  return deny(
    `Dữ liệu của ${outside} không thuộc phạm vi giám sát của ${official.unit}`,
    `the data of ${outside} is outside the supervised subtree of ${official.unit}`,
  );
}

/** The receiving unit written in a dossier code (`<unit>-YYMMDD-XXXX`) or a feedback id (`PAKN-<unit>-…`). */
function receivingUnitOf(subject: string): string {
  const code = subject.startsWith('PAKN-') ? subject.slice('PAKN-'.length) : subject;
  return code.split('-', 1)[0] as string;
}

/** The personal-data access log of a dossier (who read it, when, how): administrators only. */
export function mayReadAccessLog(official: Official): Decision {
  if (official.role === 'administrator') return allow;
  return deny(
    `Nhật ký truy cập dữ liệu cá nhân chỉ dành cho quản trị hệ thống; người gửi yêu cầu là ${roleNames[official.role].vi}`,
    `the personal-data access log is for administrators only; the caller is a ${roleNames[official.role].en}`,
  );
}

/** The role-assignment table and the security log: administrators only. */
export function mayManageRoles(official: Official): Decision {
  if (official.role === 'administrator') return allow;
  return deny(
    `Chỉ quản trị hệ thống được xem và gán vai trò, xem nhật ký đăng nhập; người gửi yêu cầu là ${roleNames[official.role].vi}`,
    `only administrators may read and change role assignments or read the security log; the caller is a ${roleNames[official.role].en}`,
  );
}

/** Erasing a closed dossier's personal data on a request (Law 91/2025/QH15): administrators only. */
export function mayErase(official: Official): Decision {
  if (official.role === 'administrator') return allow;
  return deny(
    `Chỉ quản trị hệ thống được xóa dữ liệu cá nhân của hồ sơ; người gửi yêu cầu là ${roleNames[official.role].vi}`,
    `only administrators may erase a dossier's personal data; the caller is a ${roleNames[official.role].en}`,
  );
}

function within(organisation: OrganisationRegistry, code: string, ancestor: string): boolean {
  return organisation.has(code) && organisation.has(ancestor) && organisation.isWithin(code, ancestor);
}

function safeProvince(organisation: OrganisationRegistry, code: string): string | undefined {
  return organisation.has(code) ? organisation.provinceOf(code).code : undefined;
}

/** A 403 with the reason in Vietnamese and English. */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
  constructor(readonly decision: { vi: string; en: string }) {
    super(`Không có quyền: ${decision.vi} (Forbidden: ${decision.en})`);
  }
}

/** Throws ForbiddenError unless allowed. */
export function enforce(decision: Decision): void {
  if (!decision.allowed) throw new ForbiddenError(decision);
}

// ---------------------------------------------------------------------------------------------
// Feedback and petitions (phản ánh, kiến nghị): officials of the unit holding the feedback act on
// it; the submitter supplements and rates with the lookup secret (api/routes/feedback-routes.ts).

export type OfficialFeedbackAction =
  | 'accept'
  | 'reject'
  | 'forward'
  | 'assign'
  | 'request-supplement'
  | 'assess'
  | 'answer'
  | 'publish';

/** Mirrors domain/feedback/feedback-checks.ts checkAction: intake by any staff, assessment by specialists and leaders, assignment and answers by leaders. */
export const feedbackActionRoles: Record<OfficialFeedbackAction, readonly OfficialRole[]> = {
  accept: ['counter-officer', 'specialist', 'leader'],
  reject: ['counter-officer', 'specialist', 'leader'],
  forward: ['counter-officer', 'specialist', 'leader'],
  assign: ['leader'],
  'request-supplement': ['counter-officer', 'specialist', 'leader'],
  assess: ['specialist', 'leader'],
  answer: ['leader'],
  publish: ['specialist', 'leader'],
};

/** The units of a feedback: where it was received, who holds it, every unit it went through. */
export interface FeedbackScope {
  id: string;
  receivingUnit: string;
  handlingUnit: string;
  units: readonly string[];
}

export function roleMayActOnFeedback(official: Official, action: OfficialFeedbackAction): Decision {
  const allowed = feedbackActionRoles[action];
  if (allowed.includes(official.role)) return allow;
  return deny(
    `Vai trò ${roleNames[official.role].vi} không được thực hiện "${action}" với phản ánh, kiến nghị; thao tác này dành cho ${allowed.map((r) => roleNames[r].vi).join(' hoặc ')}`,
    `the ${roleNames[official.role].en} role may not "${action}" a feedback; it is for the ${allowed.map((r) => roleNames[r].en).join(' or ')}`,
  );
}

export function mayActOnFeedback(
  official: Official,
  action: OfficialFeedbackAction,
  feedback: FeedbackScope,
): Decision {
  const byRole = roleMayActOnFeedback(official, action);
  if (!byRole.allowed) return byRole;
  if (official.unit === feedback.handlingUnit) return allow;
  return deny(
    `Phản ánh, kiến nghị ${feedback.id} đang do ${feedback.handlingUnit} xử lý, không phải ${official.unit}`,
    `feedback ${feedback.id} is handled by ${feedback.handlingUnit}, not by ${official.unit}`,
  );
}

/** Registering a feedback received directly, by post or by phone: staff of the receiving unit. */
export function mayRegisterFeedback(official: Official, receivingUnit: string): Decision {
  if (official.role === 'supervisor' || official.role === 'administrator') {
    return deny(
      `Vai trò ${roleNames[official.role].vi} không tiếp nhận phản ánh, kiến nghị`,
      `the ${roleNames[official.role].en} role does not register feedback`,
    );
  }
  if (official.unit === receivingUnit) return allow;
  return deny(
    `Cán bộ của ${official.unit} chỉ tiếp nhận phản ánh, kiến nghị gửi tới đơn vị mình, không tới ${receivingUnit}`,
    `an official of ${official.unit} registers feedback only for their own unit, not for ${receivingUnit}`,
  );
}

export function mayReadFeedback(
  official: Official,
  feedback: FeedbackScope,
  organisation: OrganisationRegistry,
): Decision {
  if (official.role === 'administrator') return allow;
  if (official.role === 'supervisor') {
    if (feedback.units.some((unit) => within(organisation, unit, official.unit))) return allow;
  } else if (feedback.units.includes(official.unit)) {
    return allow;
  }
  return deny(
    `Phản ánh, kiến nghị ${feedback.id} không qua đơn vị ${official.unit}`,
    `feedback ${feedback.id} did not go through ${official.unit}`,
  );
}

/**
 * The feedback an official may list: everything (administrator), what was received at or is held
 * by a unit of their subtree (supervisor), or by their own unit (counter officers, specialists,
 * leaders). Visibility knows the receiving and the handling unit, not the units a feedback passed
 * through on the way: those read it by its id (mayReadFeedback).
 */
export type FeedbackListScope = { kind: 'all' } | { kind: 'units'; units: string[] };

export function feedbackListScope(official: Official, organisation: OrganisationRegistry): FeedbackListScope {
  const scope = searchScope(official, organisation);
  if (scope.kind === 'all') return scope;
  if (scope.kind === 'subtree') return { kind: 'units', units: scope.units };
  return { kind: 'units', units: [official.unit] };
}

/** Whether the unit filters of a feedback list stay inside the official's scope. */
export function mayListFeedback(
  official: Official,
  filter: { receivingUnit?: string; handlingUnit?: string },
  organisation: OrganisationRegistry,
): Decision {
  const scope = feedbackListScope(official, organisation);
  if (scope.kind === 'all') return allow;
  const bad = [filter.receivingUnit, filter.handlingUnit].find(
    (unit) => unit !== undefined && !scope.units.includes(unit),
  );
  if (bad === undefined) return allow;
  return deny(
    `Không được xem phản ánh, kiến nghị của ${bad}: ngoài phạm vi của ${official.unit}`,
    `may not list the feedback of ${bad}: outside the scope of ${official.unit}`,
  );
}

/**
 * The liên thông steps an official may list: those asked of their own agency (specialists,
 * leaders), of their subtree (supervisors), all (administrators). Counter officers give no opinion.
 */
export function interAgencyListScope(
  official: Official,
  organisation: OrganisationRegistry,
): { allowed: false; decision: Decision } | { allowed: true; agencies?: string[] } {
  switch (official.role) {
    case 'administrator':
      return { allowed: true };
    case 'supervisor': {
      const scope = searchScope(official, organisation);
      return { allowed: true, agencies: scope.kind === 'subtree' ? scope.units : [official.unit] };
    }
    case 'specialist':
    case 'leader':
      return { allowed: true, agencies: [official.unit] };
    case 'counter-officer':
      return {
        allowed: false,
        decision: deny(
          'Cán bộ một cửa không cho ý kiến liên thông',
          'counter officers give no liên thông opinion',
        ),
      };
  }
}
