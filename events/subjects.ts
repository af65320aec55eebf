/**
 * Every NATS subject of the system, built and parsed here and nowhere else:
 *   tthc.dossier.<competent agency>.<receiving unit>.<event type>   dossier events (TTHC_EVENTS)
 *   tthc.feedback.<handling unit>.<event type>                      feedback events (TTHC_EVENTS)
 *   tthc.notify.<dossier code>                                      the applicant-notification outbox
 *   tthc.dead.<consumer>                                            dead letters of a consumer
 *   tthc.dead.<consumer>.<dossier code>                             a consumer's dead letters of one dossier (portal sync)
 *   tthc.portal.resend                                              ask the portal-sync service to send dead letters again
 *   tthc.remind.<unit>.<kind>                                       reminders to a unit's officials (TTHC_REMINDERS)
 *   tthc.access.<dossier code>                                      reads of a dossier's personal data (TTHC_ACCESS_LOG)
 * Unit codes and dossier codes are written with their dots as `_` (a subject token has no dots).
 * No schemas here, so any layer may import it.
 */

export const dossierSubjectRoot = 'tthc.dossier';
export const feedbackSubjectRoot = 'tthc.feedback';
export const notificationSubjectRoot = 'tthc.notify';
export const deadLetterSubjectRoot = 'tthc.dead';

/** The filter pattern of every subject under a root (`>`: one or more further tokens). */
export function everySubjectUnder(root: string): string {
  return `${root}.>`;
}

export const dossierEventsFilter = everySubjectUnder(dossierSubjectRoot);
export const feedbackEventsFilter = everySubjectUnder(feedbackSubjectRoot);
export const notificationsFilter = everySubjectUnder(notificationSubjectRoot);
export const deadLettersFilter = everySubjectUnder(deadLetterSubjectRoot);

/** Subject tokens may not contain dots; unit codes do ('000.00.15.H57' → '000_00_15_H57'). */
export function subjectToken(unitCode: string): string {
  return unitCode.replaceAll('.', '_');
}

/** The unit code a subject token was written from ('000_00_15_H57' → '000.00.15.H57'). */
export function unitCodeOfToken(token: string): string {
  return token.replaceAll('_', '.');
}

/** What a dossier event's subject says: consumers filter by unit and type. */
export interface DossierSubjectParts {
  type: string;
  competentAgency: string;
  receivingUnit: string;
}

/** `tthc.dossier.<competent agency>.<receiving unit>.<event type>`. */
export function dossierEventSubject(event: {
  type: string;
  facts: { competentAgency: string; receivingUnit: string };
}): string {
  const { competentAgency, receivingUnit } = event.facts;
  return `${dossierSubjectRoot}.${subjectToken(competentAgency)}.${subjectToken(receivingUnit)}.${event.type}`;
}

/** The parts of a dossier event's subject; `undefined` for any other subject. */
export function parseDossierSubject(subject: string): DossierSubjectParts | undefined {
  const parts = subject.split('.');
  if (parts.length !== 5 || `${parts[0]}.${parts[1]}` !== dossierSubjectRoot) return undefined;
  const [, , agency, unit, type] = parts as [string, string, string, string, string];
  return { type, competentAgency: unitCodeOfToken(agency), receivingUnit: unitCodeOfToken(unit) };
}

/** `tthc.feedback.<handling unit>.<event type>`: a forwarded feedback's events move to its new unit. */
export function feedbackEventSubject(event: { type: string; facts: { handlingUnit: string } }): string {
  return `${feedbackSubjectRoot}.${subjectToken(event.facts.handlingUnit)}.${event.type}`;
}

/** The handling unit and type of a feedback event's subject; `undefined` for any other subject. */
export function parseFeedbackSubject(subject: string): { type: string; handlingUnit: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || `${parts[0]}.${parts[1]}` !== feedbackSubjectRoot) return undefined;
  const [, , unit, type] = parts as [string, string, string, string];
  return { type, handlingUnit: unitCodeOfToken(unit) };
}

/** `tthc.notify.<dossier code>`: the outbox the SMS / e-mail / portal gateway reads. */
export function notificationSubject(dossierCode: string): string {
  return `${notificationSubjectRoot}.${subjectToken(dossierCode)}`;
}

/** `tthc.dead.<consumer>`: where a consumer puts the messages it gave up on. */
export function deadLetterSubject(consumerName: string): string {
  return `${deadLetterSubjectRoot}.${consumerName}`;
}

/** `tthc.dead.<consumer>.<dossier code>`: a consumer's dead letters of one dossier, resent together. */
export function dossierDeadLetterSubject(consumerName: string, dossierCode: string): string {
  return `${deadLetterSubject(consumerName)}.${subjectToken(dossierCode)}`;
}

/** The dossier code of a `dossierDeadLetterSubject`; `undefined` for any other subject. */
export function parseDossierDeadLetterSubject(subject: string): string | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || `${parts[0]}.${parts[1]}` !== deadLetterSubjectRoot) return undefined;
  return unitCodeOfToken(parts[3] as string);
}

/** Request–reply subject of the running portal-sync service: send a dossier's dead letters again. */
export const portalResendSubject = 'tthc.portal.resend';

/** Whether a (well-formed) subject lies under a root, i.e. matches `everySubjectUnder(root)`. */
export function isSubjectUnder(root: string, subject: string): boolean {
  return subject.startsWith(`${root}.`);
}

export const reminderSubjectRoot = 'tthc.remind';
export const remindersFilter = everySubjectUnder(reminderSubjectRoot);

/** `tthc.remind.<unit>.<kind>`: a reminder to the officials of a unit, e.g. of a publication deadline. */
export function reminderSubject(unitCode: string, kind: string): string {
  return `${reminderSubjectRoot}.${subjectToken(unitCode)}.${kind}`;
}

/** The security log (audit/security-log.ts): sign-ins, failed sign-ins, role changes; `tthc.security.<kind>`. */
export const securityLogSubjectRoot = 'tthc.security';
export const securityLogFilter = everySubjectUnder(securityLogSubjectRoot);

export function securityLogSubject(kind: string): string {
  return `${securityLogSubjectRoot}.${subjectToken(kind)}`;
}

export const accessLogSubjectRoot = 'tthc.access';
export const accessLogFilter = everySubjectUnder(accessLogSubjectRoot);

/** `tthc.access.<dossier code>`: an official's read of the dossier's personal data (the access log). */
export function accessLogSubject(dossierCode: string): string {
  return `${accessLogSubjectRoot}.${subjectToken(dossierCode)}`;
}

/** The dossier code of an access-log subject; `undefined` for any other subject. */
export function parseAccessLogSubject(subject: string): string | undefined {
  const parts = subject.split('.');
  if (parts.length !== 3 || `${parts[0]}.${parts[1]}` !== accessLogSubjectRoot) return undefined;
  return unitCodeOfToken(parts[2] as string);
}

/** Payment notifications from the gateway, confirmed or refused (events/payment-events.ts). */
export const paymentSubjectRoot = 'tthc.payment';
export const paymentsFilter = everySubjectUnder(paymentSubjectRoot);

/** `tthc.payment.<receiving unit token>.<outcome>`; the unit is `unknown` when the order is not found. */
export function paymentSubject(unitCode: string | undefined, outcome: string): string {
  return `${paymentSubjectRoot}.${unitCode ? subjectToken(unitCode) : 'unknown'}.${outcome}`;
}
