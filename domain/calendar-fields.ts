/**
 * The fields calendar data and calendar amendments share (domain/calendar.ts,
 * domain/calendar-amendment.ts), with the same messages. Functions, so that a schema is built only
 * when its module's schema is: workflow code imports these modules, and each workflow evaluates
 * its own copy of them.
 */
import { z } from 'zod';
import { isCivilDate } from './time.js';

export function makeCivilDateField() {
  return z
    .string({ error: 'must be a date written YYYY-MM-DD' })
    .refine(isCivilDate, { error: 'must be a real date written YYYY-MM-DD' });
}

export function makeTextField() {
  return z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' });
}

export function makeJurisdictionIdField() {
  return z
    .string({ error: 'must be a jurisdiction id such as VN or VN-HN' })
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,10})*$/, {
      error: 'must be a jurisdiction id such as VN or VN-HN (capital letters, digits and hyphens)',
    });
}
