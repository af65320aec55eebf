/** The statuses of a feedback: the names the national PAKN system and Decision 766 use. */

export const feedbackStatusNames = {
  CHO_TIEP_NHAN: 'Chờ tiếp nhận',
  KHONG_TIEP_NHAN: 'Không tiếp nhận',
  CHUYEN_XU_LY: 'Chuyển xử lý',
  DANG_XU_LY: 'Đang xử lý',
  CHO_CONG_KHAI: 'Chờ công khai',
  DA_CONG_KHAI: 'Đã công khai',
} as const;

export type FeedbackStatus = keyof typeof feedbackStatusNames;

/** Not yet classified by the unit holding it: received, or transferred to it. */
export const unclassifiedStatuses: readonly FeedbackStatus[] = ['CHO_TIEP_NHAN', 'CHUYEN_XU_LY'];
/** Answered: the result exists (indicator 5.2 "processed"). */
export const answeredStatuses: readonly FeedbackStatus[] = ['CHO_CONG_KHAI', 'DA_CONG_KHAI'];
