/** Classification (ND 20 Art 9(d)) and topic (indicator 5.1) of a feedback. */

/** Indicator 5.1 topic: "quy định, chính sách, thủ tục" or "hành vi CBCC". */
export const topicNames = {
  'quy-dinh': 'Quy định, chính sách, thủ tục hành chính',
  'hanh-vi': 'Hành vi của cơ quan, cán bộ, công chức',
} as const;
export type FeedbackTopic = keyof typeof topicNames;
export const topics = Object.keys(topicNames) as [FeedbackTopic, ...FeedbackTopic[]];

/** The four classes of ND 20 Art 9(d). */
export const classificationNames = {
  'khong-tiep-nhan': 'Không đủ điều kiện tiếp nhận (ND 20 Art 7)',
  'hanh-vi': 'Phản ánh về hành vi chậm trễ, gây phiền hà, không thực hiện hoặc thực hiện không đúng quy định',
  'thuoc-tham-quyen': 'Phản ánh, kiến nghị về quy định hành chính thuộc thẩm quyền',
  'ngoai-tham-quyen': 'Phản ánh, kiến nghị về quy định hành chính không thuộc thẩm quyền',
} as const;
export type FeedbackClassification = keyof typeof classificationNames;
