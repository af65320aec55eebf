/** "When is it due?": the appointment of a procedure received at an instant, as the CLI and the API answer it. */
import type { WorkingCalendar } from '../domain/calendar.js';
import type { Procedure } from '../domain/catalogue.js';
import { computeAppointment, receiptDate } from '../domain/deadline.js';
import { formatInstant, type Instant } from '../domain/time.js';

export function dueDateAnswer(procedure: Procedure, receivedAt: Instant, calendar: WorkingCalendar) {
  const appointment = computeAppointment(receivedAt, procedure.duration, calendar);
  return {
    procedure: { code: procedure.code, name: procedure.name, ruleVersion: procedure.ruleVersion.version },
    duration: procedure.duration,
    receivedAt: formatInstant(receivedAt),
    countedFrom: receiptDate(receivedAt, calendar),
    dueDate: appointment.dueDate,
    dueAt: formatInstant(appointment.dueAt),
    jurisdiction: calendar.jurisdiction,
    calendarVersion: calendar.version,
    calendarConfirmed: calendar.coverage(Number(appointment.dueDate.slice(0, 4))).confirmed,
  };
}
