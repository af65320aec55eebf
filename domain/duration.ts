import type { z } from 'zod';
import type { statutoryDurationSchema } from './duration-schema.js';

/** A procedure's statutory processing time (schema and rules: duration-schema.ts; workflow code imports only this file). */
export type StatutoryDuration = z.infer<typeof statutoryDurationSchema>;

export function describeDuration(duration: StatutoryDuration): string {
  switch (duration.unit) {
    case 'working-days':
      return `${duration.value} ngày làm việc`;
    case 'working-hours':
      return `${duration.value} giờ làm việc`;
    case 'same-day':
      return `trong ngày (sau ${duration.cutoff} trả vào ngày làm việc tiếp theo)`;
  }
}
