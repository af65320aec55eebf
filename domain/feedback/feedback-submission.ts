/** The feedback as submitted (ND 20 Art 6–7): channels, ids, the submitter's key and contact details. */
import type { Applicant } from '../application.js';

/** Art 6–7: written (directly, by post, electronically), by the published hotline, or by opinion form. */
export const feedbackChannels = ['direct', 'postal', 'online', 'phone', 'opinion-form'] as const;
export type FeedbackChannel = (typeof feedbackChannels)[number];

/** How the feedback reached the unit, as officials read it. */
export const feedbackChannelNames: Record<FeedbackChannel, string> = {
  direct: 'Trực tiếp tại cơ quan',
  postal: 'Qua dịch vụ bưu chính',
  online: 'Trực tuyến',
  phone: 'Qua điện thoại (đường dây nóng)',
  'opinion-form': 'Phiếu lấy ý kiến',
};

/** `PAKN-<receiving unit>-YYMMDD-XXXX`: the workflow id of a feedback. */
export const FEEDBACK_ID = /^PAKN-\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;

export function feedbackIdFor(code: string): string {
  return `PAKN-${code}`;
}

/** The submitter's key: số định danh cá nhân, or the organisation's tax code. */
export function submitterId(feedback: { submitter: Applicant }): string {
  const { submitter } = feedback;
  return submitter.type === 'citizen' ? submitter.idNumber : submitter.taxCode;
}

/**
 * ND 20 Art 7: the feedback must give a name, an address and a phone number. What is missing is a
 * ground for not accepting it (the officer decides; the schema does not refuse such feedback).
 */
export function missingContactDetails(feedback: { submitter: Applicant }): string[] {
  const missing: string[] = [];
  if (!feedback.submitter.address) missing.push('địa chỉ');
  if (!feedback.submitter.phone) missing.push('số điện thoại');
  return missing;
}
