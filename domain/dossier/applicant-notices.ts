/**
 * What the applicant is told, and when (ND 224/2026 Art 15: status notification in real time; ND 61
 * Art 20: notice of an early return): the dossier received with its appointment, a supplementation
 * request with every item, a refusal with its reason, an apology with the new date, fees to pay,
 * the result ready and how to collect it, the result returned early, an appointment moved by a
 * calendar amendment. Short Vietnamese texts that fit an SMS and serve as an e-mail's body. Pure:
 * the workflow builds them from its state; the notifier delivers them to the applicant's channel.
 */
import type { DossierApplication } from '../application.js';
import { type CivilDate, formatVietnameseDate } from '../time.js';
import { type DossierState, paidOnline } from './dossier-state.js';

export const noticeKinds = [
  'accepted',
  'supplement-requested',
  'refused',
  'apology',
  'payment-due',
  'result-ready',
  'early-return',
  'deadline-changed',
  'apology-required',
] as const;
export type NoticeKind = (typeof noticeKinds)[number];

export type NotificationContact = { channel: 'sms'; phone: string } | { channel: 'email'; email: string };

export interface Notice {
  kind: NoticeKind;
  /** An e-mail's subject. */
  subject: string;
  text: string;
  /** False for a notice to the agency (it goes to no applicant). */
  forApplicant: boolean;
}

/** Where the applicant asked to be told (validated at intake: the channel has its contact). */
export function contactOf(
  application: Pick<DossierApplication, 'notificationChannel' | 'applicant'>,
): NotificationContact | undefined {
  const { notificationChannel, applicant } = application;
  if (notificationChannel === 'sms' && applicant.phone) return { channel: 'sms', phone: applicant.phone };
  if (notificationChannel === 'email' && applicant.email) return { channel: 'email', email: applicant.email };
  return undefined;
}

const date = (day: CivilDate | undefined) => (day ? formatVietnameseDate(day) : 'sẽ được thông báo sau');
const vnd = (amount: number) => `${String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.')} đồng`;

function notice(kind: NoticeKind, code: string, title: string, text: string, forApplicant = true): Notice {
  return { kind, subject: `Hồ sơ ${code}: ${title}`, text, forApplicant };
}

export function acceptedNotice(
  state: DossierState,
  dueDate: CivilDate | undefined,
  unitName: string,
): Notice {
  return notice(
    'accepted',
    state.code,
    'đã tiếp nhận',
    `${unitName} đã tiếp nhận hồ sơ ${state.code} (${state.procedure.name}). Ngày hẹn trả kết quả: ${date(dueDate)}.`,
  );
}

/** The newest supplementation request, every item with its reason. */
export function supplementNotice(state: DossierState): Notice {
  const request = state.supplements.at(-1);
  const items = (request?.items ?? []).map((item, i) => `${i + 1}) ${item.name}: ${item.reason}`).join('; ');
  const reason = request?.reason ? ` Lý do: ${request.reason}.` : '';
  return notice(
    'supplement-requested',
    state.code,
    'cần bổ sung, hoàn thiện',
    `Hồ sơ ${state.code} cần bổ sung, hoàn thiện: ${items}.${reason} Vui lòng bổ sung trong thời hạn quy định.`,
  );
}

export function refusalNotice(state: DossierState, stage: 'intake' | 'processing', reason: string): Notice {
  const what = stage === 'intake' ? 'không được tiếp nhận' : 'bị từ chối giải quyết';
  return notice('refused', state.code, what, `Hồ sơ ${state.code} ${what}. Lý do: ${reason}.`);
}

export function apologyNotice(state: DossierState, newDueDate: CivilDate, reason: string): Notice {
  return notice(
    'apology',
    state.code,
    'xin lỗi và hẹn lại ngày trả kết quả',
    `Cơ quan giải quyết xin lỗi vì hồ sơ ${state.code} chưa có kết quả đúng hẹn (${reason}). Ngày hẹn trả kết quả mới: ${date(newDueDate)}.`,
  );
}

/** What the dossier still owes in fees (the online amounts for an online dossier), less what was paid. */
export function feesOwed(state: DossierState): number {
  const online = state.application.channel === 'online';
  const due = state.procedure.fees.reduce(
    (sum, fee) => sum + (online && fee.onlineAmountVnd !== undefined ? fee.onlineAmountVnd : fee.amountVnd),
    0,
  );
  return Math.max(0, due - state.payments.reduce((sum, payment) => sum + payment.amountVnd, 0));
}

/** Fees to pay before the result is handed over; none when nothing is owed. */
export function paymentDueNotice(state: DossierState): Notice | undefined {
  const owed = feesOwed(state);
  if (owed === 0) return undefined;
  const how =
    state.application.channel === 'online'
      ? 'trực tuyến trên Cổng Dịch vụ công'
      : 'khi nhận kết quả hoặc trực tuyến trên Cổng Dịch vụ công';
  return notice(
    'payment-due',
    state.code,
    'nộp phí, lệ phí',
    `Hồ sơ ${state.code} cần nộp phí, lệ phí ${vnd(owed)} (${state.procedure.fees.map((f) => f.name).join('; ')}), ${how}.`,
  );
}

/** The result is ready, and how the applicant collects it (by the channel the dossier came in). */
export function resultReadyNotice(state: DossierState, receivingUnitName: string): Notice {
  const how = {
    online: 'Kết quả điện tử được trả trực tuyến; ông/bà tải về trên Cổng Dịch vụ công.',
    postal: 'Kết quả được gửi đến ông/bà qua dịch vụ bưu chính công ích.',
    counter: `Mời ông/bà đến ${receivingUnitName} nhận kết quả, mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả.`,
  }[state.application.channel];
  const paid = state.payments.some(paidOnline) || feesOwed(state) === 0;
  return notice(
    'result-ready',
    state.code,
    'đã có kết quả',
    `Hồ sơ ${state.code} (${state.procedure.name}) đã có kết quả. ${how}${paid ? '' : ' Ông/bà nộp phí, lệ phí trước khi nhận kết quả.'}`,
  );
}

export function earlyReturnNotice(state: DossierState, dueDate: CivilDate | undefined): Notice {
  return notice(
    'early-return',
    state.code,
    'đã trả kết quả trước hạn',
    `Hồ sơ ${state.code} đã được trả kết quả trước ngày hẹn ${date(dueDate)}.`,
  );
}

/** A calendar amendment moved the appointment (dossier-calendar-change.ts writes the text). */
export function deadlineChangedNotice(code: string, text: string): Notice {
  return notice('deadline-changed', code, 'ngày hẹn trả kết quả thay đổi', text);
}

/** To the agency, not the applicant: the apology letter is due. */
export function apologyRequiredNotice(code: string): Notice {
  return notice(
    'apology-required',
    code,
    'sắp quá hạn',
    `Hồ sơ ${code} sắp quá hạn: cơ quan giải quyết phải gửi phiếu xin lỗi`,
    false,
  );
}
