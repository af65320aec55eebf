import { z } from 'zod';

/**
 * The statutory processing time of a procedure (thời hạn giải quyết), as published in its
 * Quyết định công bố. DOMAIN.md §1.4.
 * - working-days: N ngày làm việc, counted from the day after receipt (Civil Code Art 147).
 * - working-hours: N giờ làm việc, counted within the calendar's office hours.
 * - same-day: trong ngày; received after the cut-off (15:00) → next working day
 *   (Luật Hộ tịch Art 5(3), ND 23/2015 Art 7).
 */
export const statutoryDurationSchema = z.discriminatedUnion('unit', [
  z.object({
    unit: z.literal('working-days'),
    value: z.number().int('must be a whole number of working days').positive('must be at least 1'),
  }),
  z.object({
    unit: z.literal('working-hours'),
    value: z.number().int('must be a whole number of working hours').positive('must be at least 1'),
  }),
  z.object({
    unit: z.literal('same-day'),
    cutoff: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a clock time HH:MM')
      .default('15:00'),
  }),
]);
