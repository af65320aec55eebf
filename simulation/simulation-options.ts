/** Options of `npm run simulate`, validated with zod. Defaults follow DOMAIN.md's national figures. */
import { z } from 'zod';
import { civilDateSchema } from '../domain/validation.js';

const share = z.number().min(0).max(1);

export const simulationConfigSchema = z.strictObject({
  organisation: z.string().min(1).default('simulation'),
  days: z.number().int().min(1, 'must be at least 1').max(366, 'must be at most 366').default(30),
  arrivalsPerDay: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(5_000, 'must be at most 5000')
    .default(300),
  seed: z.number().int().default(1),
  /** First simulated day (a working day is not required); the clock can only move forward. */
  start: civilDateSchema.default('2027-03-01'),
  /** Report period; defaults to the month of `start`. */
  period: z.string().optional(),
  /** Submission channels: about three quarters online nationally (DOMAIN.md, issue 7). */
  channelMix: z
    .strictObject({ online: share, counter: share, postal: share })
    .default({ online: 0.75, counter: 0.2, postal: 0.05 }),
  incompleteShare: share.default(0.05),
  supplementDuringProcessingShare: share.default(0.04),
  /** Of the applicants asked to supplement, those who come back late. */
  lateSupplementShare: share.default(0.3),
  /** Dossiers that run over: the agency apologises and reschedules (most of them). */
  slowShare: share.default(0.06),
  apologyShareOfSlow: share.default(0.8),
  refusalShare: share.default(0.02),
  withdrawalShare: share.default(0.01),
  evaluationShare: share.default(0.6),
  dislikeShare: share.default(0.05),
  onlinePaymentShare: share.default(0.7),
  feedbackPerDay: z.number().int().min(0).max(500).default(3),
  /**
   * Calendar days a returned dossier waits for its evaluation before its workflow ends (the
   * engine's default is 30). Simulated applicants evaluate when the result is returned or never,
   * so a short window changes no count, score or ranking (checked on 30 days); it lets finished
   * dossiers leave the worker's cache and the server's timers (BENCHMARKS.md).
   */
  evaluationWindowDays: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(90, 'must be at most 90')
    .default(2),
  /**
   * Time-skipping servers the communes are spread over. The test server slows down with every
   * workflow task it has handled, so several smaller servers beat one (BENCHMARKS.md).
   */
  servers: z.number().int().min(1, 'must be at least 1').max(16, 'must be at most 16').default(4),
  /** Actions in flight at once. */
  concurrency: z.number().int().min(1).max(512).default(48),
  /**
   * Actions fall on slots of this many minutes (rounded up): a longer slot lets more actions run
   * at once between two clock skips; 60 measured 25 % faster than 15 (BENCHMARKS.md).
   */
  slotMinutes: z.number().int().min(1, 'must be at least 1').max(240, 'must be at most 240').default(60),
});

export type SimulationConfig = z.output<typeof simulationConfigSchema>;
export type SimulationConfigInput = z.input<typeof simulationConfigSchema>;
