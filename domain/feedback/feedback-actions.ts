/** What officials and submitters do to a feedback: each action's payload, validated with zod at the boundary. */
import { z } from 'zod';
import type { Actor } from '../actor.js';
import { lazyRecord } from '../lazy.js';
import { unitCodeSchema } from '../unit-code.js';
import { textSchema } from '../validation.js';
import { topics } from './feedback-classification.js';

/** The six criteria of ND 20 Art 14(c). */
export const criterionNames = {
  'can-thiet': 'Sự cần thiết',
  'hop-ly-hop-phap': 'Tính hợp lý, hợp pháp',
  'don-gian': 'Tính đơn giản',
  'kha-thi': 'Tính khả thi',
  'thong-nhat': 'Tính thống nhất với quy định khác',
  'tuong-thich-dieu-uoc': 'Tính tương thích với điều ước quốc tế',
} as const;
export type Criterion = keyof typeof criterionNames;
const criteria = Object.keys(criterionNames) as [Criterion, ...Criterion[]];

/** What the answer decides (ND 20 Art 15), or how a conduct complaint ended. */
export const measureNames = {
  'sua-doi': 'Sửa đổi quy định',
  'bo-sung': 'Bổ sung quy định',
  'bai-bo': 'Bãi bỏ quy định',
  'huy-bo': 'Hủy bỏ quy định',
  'kien-nghi': 'Kiến nghị cơ quan có thẩm quyền sửa đổi, bổ sung, bãi bỏ, hủy bỏ',
  'ban-hanh-moi': 'Ban hành quy định mới',
  'giai-trinh': 'Giải thích, giữ nguyên quy định',
  'tiep-tuc-thu-thap': 'Chưa đủ căn cứ, tiếp tục thu thập thông tin',
  'xu-ly-vi-pham': 'Xử lý cán bộ, công chức vi phạm',
  'khong-vi-pham': 'Không có vi phạm',
} as const;
export type Measure = keyof typeof measureNames;
const measures = Object.keys(measureNames) as [Measure, ...Measure[]];

/** ND 20 Art 14(b): whether there is enough basis to assess the regulation. */
export const assessmentBasisNames = {
  'du-can-cu': 'Đủ căn cứ để đánh giá',
  'chua-du-can-cu': 'Chưa đủ căn cứ, tiếp tục thu thập thông tin',
} as const;

const assessmentSchema = z
  .strictObject({
    /** Art 14(b): enough basis to assess, or not enough (keep collecting information). */
    basis: z.enum(['du-can-cu', 'chua-du-can-cu'], 'must be "du-can-cu" or "chua-du-can-cu"'),
    criteria: z
      .partialRecord(z.enum(criteria), z.strictObject({ met: z.boolean(), note: textSchema.optional() }))
      .default({}),
    note: textSchema,
  })
  .superRefine((value, ctx) => {
    if (value.basis !== 'du-can-cu') return;
    const missing = criteria.filter((c) => value.criteria[c] === undefined);
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: `an assessment with enough basis covers all six criteria of ND 20 Art 14(c); missing ${missing.join(', ')}`,
      });
    }
  });

export const feedbackActionSchemas = lazyRecord({
  /** Classify as within the unit's competence (quy định) or as conduct the unit itself handles. */
  accept: () =>
    z.strictObject({
      topic: z.enum(topics, 'must be "quy-dinh" or "hanh-vi"'),
      note: textSchema.optional(),
    }),
  /** Not accepted (does not meet ND 20 Art 7, or is a complaint/denunciation). */
  reject: () => z.strictObject({ reason: textSchema }),
  /** Conduct to the competent agency, or a regulation outside the unit's competence. */
  forward: () =>
    z.strictObject({
      topic: z.enum(topics, 'must be "quy-dinh" or "hanh-vi"'),
      to: unitCodeSchema,
      reason: textSchema,
    }),
  /** The leader of the unit holding it names the specialist who handles it. */
  assign: () => z.strictObject({ specialist: z.strictObject({ id: textSchema, name: textSchema }) }),
  'request-supplement': () =>
    z.strictObject({
      question: textSchema,
      items: z.array(textSchema).optional(),
    }),
  'provide-supplement': () => z.strictObject({ content: textSchema }),
  assess: () => assessmentSchema,
  answer: () =>
    z.strictObject({
      content: textSchema,
      measure: z.enum(measures, `must be one of ${measures.join(', ')}`).optional(),
    }),
  publish: () => z.strictObject({ link: textSchema.optional() }),
  /** The submitter's own verdict on the answer. */
  rate: () => z.strictObject({ satisfied: z.boolean(), comment: z.string().max(2000).optional() }),
  /** A like or dislike of the published answer (DVCQG), one per person; a new one replaces the old. */
  react: () => z.strictObject({ like: z.boolean() }),
});

/** The Vietnamese title of each action, as officials and submitters read it on its button. */
export const feedbackActionTitles = {
  accept: 'Tiếp nhận, phân loại',
  reject: 'Không tiếp nhận',
  forward: 'Chuyển cơ quan có thẩm quyền',
  assign: 'Phân công xử lý',
  'request-supplement': 'Yêu cầu bổ sung thông tin',
  'provide-supplement': 'Bổ sung thông tin',
  assess: 'Đánh giá quy định theo 6 tiêu chí',
  answer: 'Trả lời phản ánh, kiến nghị',
  publish: 'Công khai kết quả',
  rate: 'Đánh giá mức độ hài lòng',
  react: 'Thích / không thích kết quả',
} as const;

export type FeedbackActionName = keyof typeof feedbackActionSchemas;
export const feedbackActionNames = Object.keys(feedbackActionSchemas) as FeedbackActionName[];
export type FeedbackActionPayload<A extends FeedbackActionName> = z.output<(typeof feedbackActionSchemas)[A]>;
export type FeedbackActionInput<A extends FeedbackActionName> = z.input<(typeof feedbackActionSchemas)[A]>;

export type FeedbackAction = {
  [A in FeedbackActionName]: { name: A; actor: Actor; payload: FeedbackActionPayload<A> };
}[FeedbackActionName];
