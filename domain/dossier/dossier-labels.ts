/**
 * What officials read for a dossier's steps, actions, history entries and channels, in Vietnamese.
 * The one source of these names: the console gets them from the server, the CLI imports them.
 */
import type { DossierApplication } from '../application.js';
import type { ActionName } from './dossier-actions.js';
import type { DossierState, DossierStep, Payment } from './dossier-state.js';

export const stepNames: Readonly<Record<DossierStep, string>> = {
  intake: 'Tiếp nhận',
  assign: 'Chờ phân công',
  appraise: 'Thẩm định',
  approve: 'Chờ phê duyệt',
  return: 'Trả kết quả',
  done: 'Hoàn thành',
};

/** The button or command an official picks. */
export const actionTitles: Readonly<Record<ActionName, string>> = {
  'provide-intake-supplement': 'Nhận bổ sung khi tiếp nhận',
  'refuse-intake': 'Từ chối tiếp nhận',
  'accept-intake': 'Tiếp nhận hồ sơ trực tuyến',
  'request-intake-supplement': 'Yêu cầu bổ sung hồ sơ trực tuyến',
  'request-supplementation': 'Yêu cầu bổ sung hồ sơ',
  'provide-supplementation': 'Nhận hồ sơ bổ sung',
  assign: 'Phân công',
  appraise: 'Thẩm định',
  'start-inter-agency': 'Gửi lấy ý kiến liên thông',
  'complete-inter-agency': 'Cho ý kiến liên thông',
  approve: 'Phê duyệt',
  refuse: 'Từ chối giải quyết',
  apologize: 'Xin lỗi và hẹn lại ngày trả',
  stop: 'Dừng giải quyết',
  withdraw: 'Rút hồ sơ',
  'return-result': 'Trả kết quả',
  'record-payment': 'Ghi nhận thanh toán',
  evaluate: 'Ghi đánh giá của người dân',
  'correct-data': 'Sửa dữ liệu sai của hồ sơ',
};

/** The entries of a dossier's history (the workflow's action names and its own flags). */
export const historyNames: Readonly<Record<string, string>> = {
  accept: 'Tiếp nhận hồ sơ',
  'request-intake-supplement': 'Yêu cầu bổ sung khi tiếp nhận (Mẫu 02)',
  'refuse-intake': 'Từ chối tiếp nhận (Mẫu 03)',
  'provide-intake-supplement': 'Nhận bổ sung khi tiếp nhận',
  'close-no-supplement': 'Kết thúc vì không bổ sung đúng hạn',
  'request-supplementation': 'Yêu cầu bổ sung, hoàn thiện (Mẫu 02)',
  'provide-supplementation': 'Nhận hồ sơ bổ sung',
  assign: 'Phân công chuyên viên',
  appraise: 'Thẩm định',
  'start-inter-agency': 'Gửi lấy ý kiến liên thông',
  'complete-inter-agency': 'Cho ý kiến liên thông',
  approve: 'Phê duyệt',
  refuse: 'Từ chối giải quyết (Mẫu 03)',
  apologize: 'Xin lỗi và hẹn lại ngày trả (Mẫu 04)',
  stop: 'Dừng giải quyết (Mẫu 05)',
  withdraw: 'Công dân rút hồ sơ',
  'return-result': 'Trả kết quả',
  'record-payment': 'Ghi nhận thanh toán phí, lệ phí',
  evaluate: 'Đánh giá mức độ hài lòng',
  'apology-required': 'Cảnh báo: sắp quá hạn, cần xin lỗi và hẹn lại',
  overdue: 'Cảnh báo: quá hạn',
  'overdue-without-apology': 'Cảnh báo: quá hạn, chưa có văn bản xin lỗi',
  'portal-synced': 'Đã đồng bộ lên Cổng Dịch vụ công quốc gia',
  'notification-failed': 'Không gửi được thông báo cho người nộp hồ sơ',
  'deadline-recomputed': 'Tính lại hạn giải quyết theo lịch làm việc sửa đổi',
  'correct-data': 'Quản trị hệ thống sửa dữ liệu sai của hồ sơ',
};

/** How the dossier was lodged (766 KenhThucHien). */
export const channelNames: Readonly<Record<DossierApplication['channel'], string>> = {
  counter: 'Trực tiếp',
  online: 'Trực tuyến',
  postal: 'Bưu chính công ích',
};

/** How the result is handed back (the return-result action), as the counter picks it. */
export const returnChannelNames: Readonly<Record<NonNullable<DossierState['returnChannel']>, string>> = {
  counter: 'Trực tiếp tại Bộ phận Một cửa',
  postal: 'Qua bưu chính công ích',
  online: 'Trực tuyến',
};

/** How a fee was paid (the record-payment action); the online ones count for indicator 4.5. */
export const paymentChannelNames: Readonly<Record<Payment['channel'], string>> = {
  cash: 'Tiền mặt',
  transfer: 'Chuyển khoản',
  dvcqg: 'Trực tuyến qua Cổng DVC quốc gia',
  'local-portal': 'Trực tuyến qua cổng thanh toán của tỉnh',
  postal: 'Qua bưu chính',
};
