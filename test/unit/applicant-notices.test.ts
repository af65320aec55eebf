/**
 * What the applicant is told (issue #17 item 4; ND 224/2026 Art 15): a Vietnamese text per step that
 * fits an SMS, to the channel chosen at intake; the fees still owed; a notice to the agency goes to
 * no applicant.
 */
import { describe, expect, it } from 'vitest';
import {
  acceptedNotice,
  apologyNotice,
  apologyRequiredNotice,
  contactOf,
  feesOwed,
  paymentDueNotice,
  refusalNotice,
  resultReadyNotice,
  supplementNotice,
} from '../../domain/dossier/applicant-notices.js';
import type { DossierState } from '../../domain/dossier/dossier-state.js';
import { SMS_MAX_LENGTH } from '../../notifications/sms-gateway.js';

const state = {
  code: '000.01.41.H99-260423-0007',
  application: {
    channel: 'counter',
    applicant: { type: 'citizen', fullName: 'Trần Thị Bình', idNumber: '079085012345', phone: '0912345678' },
    notificationChannel: 'sms',
  },
  procedure: {
    name: 'Đăng ký thành lập hộ kinh doanh',
    fees: [
      { name: 'Lệ phí đăng ký hộ kinh doanh', amountVnd: 100_000, onlineAmountVnd: 50_000 },
      { name: 'Phí cung cấp thông tin', amountVnd: 20_000 },
    ],
  },
  supplements: [
    {
      phase: 'processing',
      requestedAt: 0,
      reason: 'Hồ sơ chưa đủ căn cứ',
      items: [
        { name: 'Bản sao hợp đồng thuê', reason: 'Thiếu căn cứ địa điểm', form: 'electronic' },
        { name: 'Bản sao căn cước', reason: 'Bị mờ', form: 'paper' },
      ],
    },
  ],
  payments: [],
} as unknown as DossierState;

describe('what the applicant is told', () => {
  it('goes where the applicant asked, and nowhere when they asked for none', () => {
    expect(contactOf(state.application)).toEqual({ channel: 'sms', phone: '0912345678' });
    expect(contactOf({ ...state.application, notificationChannel: 'email' })).toBeUndefined();
    expect(
      contactOf({
        notificationChannel: 'email',
        applicant: { ...state.application.applicant, email: 'binh@example.vn' } as never,
      }),
    ).toEqual({ channel: 'email', email: 'binh@example.vn' });
    expect(contactOf({ ...state.application, notificationChannel: 'none' })).toBeUndefined();
    expect(contactOf({ ...state.application, notificationChannel: undefined })).toBeUndefined();
    expect(apologyRequiredNotice(state.code).forApplicant).toBe(false);
  });

  it('says each step in Vietnamese, with the dates, items, reasons and amounts', () => {
    expect(
      acceptedNotice(state, '2026-04-28', 'Trung tâm phục vụ hành chính công phường Cẩm Thành').text,
    ).toBe(
      'Trung tâm phục vụ hành chính công phường Cẩm Thành đã tiếp nhận hồ sơ 000.01.41.H99-260423-0007 (Đăng ký thành lập hộ kinh doanh). Ngày hẹn trả kết quả: 28/04/2026.',
    );
    expect(supplementNotice(state).text).toBe(
      'Hồ sơ 000.01.41.H99-260423-0007 cần bổ sung, hoàn thiện: 1) Bản sao hợp đồng thuê: Thiếu căn cứ địa điểm; 2) Bản sao căn cước: Bị mờ. Lý do: Hồ sơ chưa đủ căn cứ. Vui lòng bổ sung trong thời hạn quy định.',
    );
    expect(refusalNotice(state, 'processing', 'Ngành nghề bị cấm').text).toBe(
      'Hồ sơ 000.01.41.H99-260423-0007 bị từ chối giải quyết. Lý do: Ngành nghề bị cấm.',
    );
    expect(apologyNotice(state, '2026-05-04', 'cần xác minh').subject).toBe(
      'Hồ sơ 000.01.41.H99-260423-0007: xin lỗi và hẹn lại ngày trả kết quả',
    );
    expect(resultReadyNotice(state, 'Trung tâm Cẩm Thành').text).toContain(
      'Mời ông/bà đến Trung tâm Cẩm Thành nhận kết quả, mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả.',
    );
    for (const notice of [supplementNotice(state), acceptedNotice(state, '2026-04-28', 'Trung tâm')])
      expect(notice.text.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
  });

  it('asks for the fees still owed, the online amounts for an online dossier, none when paid', () => {
    expect(feesOwed(state)).toBe(120_000);
    expect(paymentDueNotice(state)?.text).toContain('120.000 đồng');
    const online = { ...state, application: { ...state.application, channel: 'online' } } as DossierState;
    expect(feesOwed(online)).toBe(70_000);
    const paid = { ...state, payments: [{ amountVnd: 120_000, channel: 'cash', at: 0 }] } as DossierState;
    expect(paymentDueNotice(paid)).toBeUndefined();
  });
});
