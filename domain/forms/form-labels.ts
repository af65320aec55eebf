/** The Vietnamese labels of every field and column of the statutory forms, and the forms' names, as printed. */
import type { BuiltFormKind, LabelKey } from './form-data.js';

const applicantLabels = { applicantName: 'Tiếp nhận hồ sơ của', applicantAddress: 'Địa chỉ' } as const;
const addresseeLabels = { applicantName: 'Kính gửi', applicantAddress: 'Địa chỉ' } as const;
const procedureLabels = {
  procedureCode: 'Mã thủ tục hành chính',
  procedureName: 'Nội dung yêu cầu giải quyết',
} as const;
const signerLabels = { signerTitle: 'Chức vụ người ký', signerName: 'Người ký' } as const;

/** Vietnamese labels of every field and line column, per form kind, for renderers. */
export const labels: { readonly [K in BuiltFormKind]: Readonly<Record<LabelKey<K>, string>> } = {
  receipt: {
    dossierCode: 'Mã hồ sơ',
    ...applicantLabels,
    ...procedureLabels,
    documentCount: 'Số thành phần hồ sơ',
    statutoryDuration: 'Thời gian giải quyết hồ sơ theo quy định',
    receivedAt: 'Thời gian nhận hồ sơ',
    appointmentDate: 'Ngày hẹn trả kết quả',
    appointmentTime: 'Giờ hẹn trả kết quả',
    returnPlace: 'Đăng ký nhận kết quả tại',
    officerName: 'Người tiếp nhận hồ sơ',
    no: 'STT',
    name: 'Tên giấy tờ',
    form: 'Hình thức',
    copies: 'Số lượng',
    digitized: 'Đã số hóa',
    reused: 'Tái sử dụng dữ liệu đã số hóa',
  },
  'supplementation-request': {
    dossierCode: 'Mã hồ sơ',
    phase: 'Giai đoạn',
    ...applicantLabels,
    ...procedureLabels,
    itemCount: 'Số nội dung cần bổ sung, hoàn thiện',
    respondBy: 'Hạn bổ sung, hoàn thiện hồ sơ',
    officerName: 'Người hướng dẫn',
    no: 'STT',
    name: 'Nội dung cần bổ sung, hoàn thiện',
    reason: 'Lý do',
    form: 'Hình thức nộp',
  },
  refusal: {
    dossierCode: 'Mã hồ sơ',
    stage: 'Giai đoạn',
    ...applicantLabels,
    ...procedureLabels,
    reason: 'Lý do từ chối',
    officerName: 'Người lập phiếu',
  },
  apology: {
    dossierCode: 'Mã hồ sơ',
    receivingUnit: 'Bộ phận tiếp nhận và trả kết quả',
    ...addresseeLabels,
    ...procedureLabels,
    receivedAt: 'Thời gian nhận hồ sơ',
    originalAppointmentDate: 'Ngày hẹn trả kết quả',
    reason: 'Lý do',
    newAppointmentDate: 'Ngày hẹn trả kết quả lại',
    ...signerLabels,
  },
  'stop-notice': {
    dossierCode: 'Mã hồ sơ',
    ...addresseeLabels,
    ...procedureLabels,
    reason: 'Lý do dừng giải quyết',
    ...signerLabels,
  },
  'control-sheet': {
    dossierCode: 'Mã hồ sơ',
    procedureCode: 'Mã thủ tục hành chính',
    procedureName: 'Tên thủ tục hành chính',
    receivedAt: 'Thời gian nhận hồ sơ',
    appointmentDate: 'Ngày hẹn trả kết quả',
    no: 'STT',
    fromUnit: 'Bên giao',
    fromPerson: 'Người giao',
    toUnit: 'Bên nhận',
    toPerson: 'Người nhận',
    handedOverAt: 'Thời gian giao, nhận hồ sơ',
    dueAt: 'Hạn xử lý',
    result: 'Kết quả bàn giao (trước hạn/đúng hạn/quá hạn)',
    resultComputed: 'Kết quả do hệ thống tính',
    note: 'Ghi chú',
  },
};

/** Each form's number and name as officials call it (TT 01/2018; TT 03/2025 numbering in the form itself). */
export const formNames: Readonly<Record<BuiltFormKind, string>> = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)',
  'supplementation-request': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)',
  apology: 'Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
  'stop-notice': 'Thông báo dừng giải quyết hồ sơ (Mẫu 05, TT 03/2025)',
  'control-sheet': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
};
