/**
 * Yearly targets a province gives its units (giao chỉ tiêu): shares of online dossiers, online
 * payment, on-time processing and digitization, in per cent. Versioned data: a document per
 * province and year, with the decision that set it.
 */
import { z } from 'zod';
import { unitCodeSchema } from './organisation.js';
import { civilDateSchema, textSchema } from './validation.js';

/** What a unit is given a target for, with the name officials read. */
export const targetMeasureNames = {
  online: 'Tỷ lệ hồ sơ nộp trực tuyến',
  onlinePayment: 'Tỷ lệ hồ sơ thanh toán trực tuyến',
  onTime: 'Tỷ lệ hồ sơ giải quyết đúng hạn',
  digitization: 'Tỷ lệ hồ sơ được số hóa',
} as const;

export type TargetMeasure = keyof typeof targetMeasureNames;
export const targetMeasures = Object.keys(targetMeasureNames) as TargetMeasure[];

export const targetLabels = {
  title: 'Chỉ tiêu năm',
  actual: 'Thực hiện',
  target: 'Chỉ tiêu',
  forecast: 'Dự báo cuối năm',
  behind: 'Có nguy cơ không đạt',
  noTargets: 'Chưa giao chỉ tiêu cho năm này',
} as const;

const percent = z
  .number('must be a percentage')
  .min(0, 'must be from 0 to 100')
  .max(100, 'must be from 0 to 100');

export const unitTargetSchema = z.strictObject({
  unit: unitCodeSchema,
  online: percent.optional(),
  onlinePayment: percent.optional(),
  onTime: percent.optional(),
  digitization: percent.optional(),
});

export const yearTargetsSchema = z
  .strictObject({
    /** The province (or the unit that gives the targets). */
    issuedBy: unitCodeSchema,
    year: z
      .number()
      .int('must be a year')
      .min(2020, 'must be 2020 or later')
      .max(2100, 'must be 2100 at the latest'),
    decision: z.strictObject({ number: textSchema, date: civilDateSchema }),
    /** Where the targets come from, when it is not the decision alone. */
    note: textSchema.optional(),
    targets: z.array(unitTargetSchema).min(1, 'must give at least one unit a target'),
  })
  .superRefine((document, ctx) => {
    const units = document.targets.map((t) => t.unit);
    const repeated = units.find((unit, i) => units.indexOf(unit) !== i);
    if (repeated)
      ctx.addIssue({ code: 'custom', path: ['targets'], message: `gives unit ${repeated} two targets` });
  });

export type UnitTarget = z.output<typeof unitTargetSchema>;
export type YearTargets = z.output<typeof yearTargetsSchema>;
