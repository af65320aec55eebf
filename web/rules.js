/**
 * What the console knows of the rules, to guide officials before they send anything: the same
 * input rules as the API (domain/application.ts), the roles and units of each action
 * (api/authorization.ts actionRules), and when each action is possible (domain/dossier.ts
 * checkAction). The API and the workflow check everything again; the console only avoids offering
 * what would be refused. Pure: no DOM, so Node tests import it and compare with the server's rules.
 */

/** Số định danh cá nhân (Căn cước): 12 digits. */
export const PERSONAL_ID = /^\d{12}$/;
/** Mã số thuế: 10 digits, or 13 written 0123456789-001 or plain. */
export const TAX_CODE = /^\d{10}(-?\d{3})?$/;
/** 0 or +84 followed by 9–10 digits. */
export const PHONE = /^(0|\+84)\d{9,10}$/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const DOSSIER_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;
export const LOOKUP_SECRET = /^[A-Z2-7]{10}$/;

/** The error message to show under a field, or '' when the value is fine. */
export function checkPersonalId(value) {
  const v = value.trim();
  if (!v) return 'Nhập số định danh cá nhân (12 chữ số trên thẻ Căn cước).';
  if (/\D/.test(v)) return 'Số định danh cá nhân chỉ gồm chữ số.';
  if (!PERSONAL_ID.test(v)) return `Số định danh cá nhân phải có đúng 12 chữ số (đang có ${v.length}).`;
  return '';
}

export function checkTaxCode(value) {
  const v = value.trim();
  if (!v) return 'Nhập mã số thuế.';
  if (!TAX_CODE.test(v)) return 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết dạng 0123456789-001.';
  return '';
}

export function checkPhone(value, required = false) {
  const v = value.trim();
  if (!v) return required ? 'Nhập số điện thoại.' : '';
  if (!PHONE.test(v)) return 'Số điện thoại bắt đầu bằng 0 hoặc +84, sau đó 9–10 chữ số.';
  return '';
}

export function checkEmail(value) {
  const v = value.trim();
  if (!v) return '';
  return EMAIL.test(v) ? '' : 'Địa chỉ thư điện tử không đúng định dạng.';
}

export function checkRequiredText(value, what) {
  return value.trim() ? '' : `Nhập ${what}.`;
}

// ---------------------------------------------------------------------------------------------
// Names

export const statusNames = {
  CHO_TIEP_NHAN: 'Chờ tiếp nhận',
  MOI_TIEP_NHAN: 'Mới tiếp nhận',
  DANG_XU_LY: 'Đang xử lý',
  YEU_CAU_BO_SUNG: 'Yêu cầu bổ sung hồ sơ',
  DA_XU_LY_XONG: 'Đã xử lý xong',
  DA_TRA_KET_QUA: 'Đã trả kết quả',
  DUNG_XU_LY: 'Dừng xử lý',
  TU_CHOI: 'Từ chối',
  CONG_DAN_RUT: 'Công dân yêu cầu rút hồ sơ',
  KHONG_BO_SUNG: 'Không hoàn thành bổ sung',
};

export const roleNames = {
  'counter-officer': 'Cán bộ một cửa',
  specialist: 'Chuyên viên',
  leader: 'Lãnh đạo',
  supervisor: 'Cán bộ giám sát',
  administrator: 'Quản trị hệ thống',
  applicant: 'Người nộp hồ sơ',
};

export const stepNames = {
  intake: 'Tiếp nhận',
  assign: 'Chờ phân công',
  appraise: 'Thẩm định',
  approve: 'Chờ phê duyệt',
  return: 'Trả kết quả',
  done: 'Hoàn thành',
};

export const channelNames = { counter: 'Trực tiếp', online: 'Trực tuyến', postal: 'Bưu chính công ích' };

/** History actions (the workflow's names) in Vietnamese. */
export const historyNames = {
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
};

/** Statutory forms: API kind → number and name (TT 01/2018; TT 03/2025 numbering in the form itself). */
export const formNames = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)',
  'supplementation-request': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)',
  apology: 'Văn bản xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)',
  'stop-notice': 'Thông báo dừng giải quyết hồ sơ (Mẫu 05, TT 03/2025)',
  'control-sheet': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
};

// ---------------------------------------------------------------------------------------------
// Actions

/** Who may take each action, and at which unit of the dossier (mirrors api/authorization.ts). */
export const actionRules = {
  'provide-intake-supplement': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'refuse-intake': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'request-supplementation': { roles: ['specialist', 'leader'], unit: 'competent-agency' },
  'provide-supplementation': { roles: ['counter-officer'], unit: 'receiving-unit' },
  assign: { roles: ['leader'], unit: 'competent-agency' },
  appraise: { roles: ['specialist'], unit: 'competent-agency' },
  'start-inter-agency': { roles: ['specialist', 'leader'], unit: 'competent-agency' },
  'complete-inter-agency': { roles: ['specialist', 'leader'], unit: 'participating-agency' },
  approve: { roles: ['leader'], unit: 'competent-agency' },
  refuse: { roles: ['leader'], unit: 'competent-agency' },
  apologize: { roles: ['leader'], unit: 'competent-agency' },
  stop: { roles: ['leader'], unit: 'competent-agency' },
  withdraw: { roles: ['counter-officer'], unit: 'receiving-unit' },
  'return-result': { roles: ['counter-officer'], unit: 'receiving-unit' },
  'record-payment': { roles: ['counter-officer'], unit: 'receiving-unit' },
  evaluate: { roles: ['counter-officer'], unit: 'receiving-unit' },
};

export const actionNames = {
  'provide-intake-supplement': 'Nhận bổ sung khi tiếp nhận',
  'refuse-intake': 'Từ chối tiếp nhận',
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
};

const processing = ['MOI_TIEP_NHAN', 'DANG_XU_LY'];
const open = ['MOI_TIEP_NHAN', 'DANG_XU_LY', 'YEU_CAU_BO_SUNG'];
const closed = ['DUNG_XU_LY', 'CONG_DAN_RUT', 'KHONG_BO_SUNG', 'DA_TRA_KET_QUA'];

/** Whether the dossier's state allows the action now, for this official (role and unit already fit). */
const stateAllows = {
  'provide-intake-supplement': (s) => s.status === 'YEU_CAU_BO_SUNG' && s.step === 'intake',
  'refuse-intake': (s) => ['CHO_TIEP_NHAN', 'YEU_CAU_BO_SUNG'].includes(s.status) && s.step === 'intake',
  'request-supplementation': (s) =>
    s.step !== 'intake' &&
    processing.includes(s.status) &&
    !s.supplements.some((r) => r.phase === 'processing'),
  'provide-supplementation': (s) => s.status === 'YEU_CAU_BO_SUNG' && s.step !== 'intake',
  assign: (s) => processing.includes(s.status) && (s.step === 'assign' || s.step === 'appraise'),
  appraise: (s, me) =>
    processing.includes(s.status) &&
    s.step === 'appraise' &&
    (!s.holder?.official || s.holder.official.id === me.id) &&
    !s.interAgency.some((t) => !t.completedAt),
  'start-inter-agency': (s) =>
    processing.includes(s.status) && (s.step === 'appraise' || s.step === 'assign'),
  'complete-inter-agency': (s, me) => s.interAgency.some((t) => t.agency === me.unit && !t.completedAt),
  approve: (s) => s.status === 'DANG_XU_LY' && s.appraisal?.recommendation === 'approve',
  refuse: (s) => s.status === 'DANG_XU_LY' && Boolean(s.appraisal),
  apologize: (s) => processing.includes(s.status) && !s.apology && Boolean(s.deadline),
  stop: (s) => open.includes(s.status) && s.step !== 'intake',
  withdraw: (s) => open.includes(s.status) && s.step !== 'intake',
  'return-result': (s) => ['DA_XU_LY_XONG', 'TU_CHOI'].includes(s.status) && Boolean(s.result),
  'record-payment': (s) => s.step !== 'intake' && !closed.includes(s.status),
  evaluate: (s) => s.status === 'DA_TRA_KET_QUA' && !s.evaluation,
};

function unitFits(rule, state, official) {
  const app = state.application;
  if (rule.unit === 'receiving-unit') return app.receivingUnit === official.unit;
  if (rule.unit === 'competent-agency') return app.competentAgency === official.unit;
  return state.interAgency.some((t) => t.agency === official.unit);
}

/** The actions this official may take on the dossier now, in the order they usually come. */
export function availableActions(view, official) {
  if (!view || !official || view.ended) return [];
  const state = view.state;
  return Object.keys(actionRules).filter((action) => {
    const rule = actionRules[action];
    return (
      rule.roles.includes(official.role) &&
      unitFits(rule, state, official) &&
      stateAllows[action](state, official)
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Deadlines in the worklist

/**
 * How close a dossier is to its appointment: 'overdue', 'today', 'tomorrow', 'later', 'none' or
 * 'closed'. `today` is the civil date in Vietnam; `dueDate` the appointment's civil date.
 */
export function dueClass({ dueDate, overdue, closed: isClosed, dueAt }, today, now) {
  if (isClosed) return 'closed';
  if (!dueDate) return 'none';
  if (overdue || dueDate < today || (dueAt && Date.parse(dueAt) < now)) return 'overdue';
  if (dueDate === today) return 'today';
  const tomorrow = new Date(`${today}T00:00:00Z`);
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  if (dueDate === tomorrow.toISOString().slice(0, 10)) return 'tomorrow';
  return 'later';
}

export const dueTexts = {
  overdue: 'Quá hạn',
  today: 'Đến hạn hôm nay',
  tomorrow: 'Đến hạn ngày mai',
  later: 'Trong hạn',
  none: 'Chưa có hạn',
  closed: 'Đã kết thúc',
};

/** Dossiers with the earliest appointment first; those without one last. */
export function byDueDate(a, b) {
  const x = a.dueAt ? Date.parse(a.dueAt) : Number.POSITIVE_INFINITY;
  const y = b.dueAt ? Date.parse(b.dueAt) : Number.POSITIVE_INFINITY;
  return x - y || String(a.code).localeCompare(String(b.code));
}

// ---------------------------------------------------------------------------------------------
// Periods of the Decision 766 scoreboard

/** Periods a supervisor picks from: this and the previous months, quarters, halves, 9 months, year. */
export function periodChoices(today) {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const pad = (n) => String(n).padStart(2, '0');
  const out = [];
  for (let back = 0; back < 3; back++) {
    let m = month - back;
    let y = year;
    if (m <= 0) {
      m += 12;
      y -= 1;
    }
    out.push({ value: `${y}-${pad(m)}`, label: `Tháng ${m}/${y}` });
  }
  const quarter = Math.ceil(month / 3);
  for (let q = quarter; q >= 1; q--)
    out.push({ value: `${year}-Q${q}`, label: `Quý ${['I', 'II', 'III', 'IV'][q - 1]}/${year}` });
  out.push({ value: `${year}-H1`, label: `6 tháng đầu năm ${year}` });
  if (month > 6) out.push({ value: `${year}-H2`, label: `6 tháng cuối năm ${year}` });
  if (month > 9) out.push({ value: `${year}-9M`, label: `9 tháng năm ${year}` });
  out.push({ value: `${year}`, label: `Năm ${year}` });
  out.push({ value: `${year - 1}`, label: `Năm ${year - 1}` });
  return out;
}

/** Indicators with a list of dossiers behind them (GET /v1/indicators/dossiers). */
export const drillDownIndicators = ['1.4', '2.1', '3.3', '3.TT', '3.6', '4.1', '4.2', '4.3', '4.4', '4.5b'];
