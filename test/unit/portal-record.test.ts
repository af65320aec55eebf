/**
 * The record and progress steps the portal gets (DOMAIN.md §2.3, §2.5): built from an event's facts
 * and the dossier's identity, with dates as yyyyMMddHHmmss in Vietnam time and statuses from the
 * versioned mapping; every record passes the portal's own checks (portal-api.ts).
 */
import { describe, expect, it } from 'vitest';
import { statusNames } from '../../domain/dossier/dossier-status.js';
import type { DossierEvent } from '../../events/dossier-event-schema.js';
import { eventTypes } from '../../events/dossier-event-schema.js';
import { maskContacts } from '../../infra/logging.js';
import { portalProgressSchema, portalRecordSchema } from '../../portal/portal-api.js';
import {
  type DossierIdentity,
  portalDateTime,
  portalProgress,
  portalRecord,
} from '../../portal/portal-record.js';
import { portalReferences } from '../../portal/portal-sync-service.js';
import { loadCatalogue } from '../../rules/catalogue-loader.js';
import { loadOrganisation } from '../../rules/organisation-loader.js';
import { loadPortalMapping } from '../../rules/portal-mapping-loader.js';

const refs = portalReferences({
  catalogue: loadCatalogue().procedures,
  organisation: loadOrganisation('demo'),
  mapping: loadPortalMapping(),
  publicUrl: 'https://motcua.example.gov.vn',
});

const identity: DossierIdentity = {
  applicantName: 'Trần Thị Bình',
  applicantType: 'citizen',
  phone: '0912345678',
  email: 'binh@example.vn',
  supplements: [{ reason: 'Hồ sơ chưa đầy đủ', items: [{ name: 'Bản sao căn cước' }], by: 'mot-cua-1' }],
  onlinePayment: 'local-portal',
};

const facts: DossierEvent['facts'] = {
  procedureCode: '1.001612',
  ruleVersion: loadCatalogue().procedures.find((p) => p.code === '1.001612')?.ruleVersion.version ?? '',
  channel: 2,
  serviceLevel: 'toan-trinh',
  status: 'DA_TRA_KET_QUA',
  receivingUnit: '000.01.41.H99',
  competentAgency: '000.00.41.H99',
  submittedAt: '2026-04-23T09:15:00+07:00',
  acceptedAt: '2026-04-23T10:00:00+07:00',
  dueDate: '2026-04-28',
  rescheduledDueDate: '2026-05-04',
  supplementations: [
    { phase: 'intake', requestedAt: '2026-04-23T09:20:00+07:00', providedAt: '2026-04-23T09:50:00+07:00' },
  ],
  decidedAt: '2026-04-30T16:00:00+07:00',
  returnedAt: '2026-05-01T08:05:07+07:00',
  components: [
    {
      kind: 'giay-de-nghi-dang-ky-ho-kinh-doanh',
      form: 'electronic',
      digitized: true,
      reused: false,
      fromDataStore: true,
    },
    {
      kind: 'giay-to-phap-ly-ca-nhan',
      form: 'electronic',
      digitized: true,
      reused: true,
      fromDataStore: false,
    },
  ],
  paperResultRequired: true,
  eResultLink: '/v1/documents/sha256:abc123?dossier=000.01.41.H99-260423-0007',
  vneidAuthenticated: true,
  fees: [{ name: 'Lệ phí đăng ký hộ kinh doanh', amountVnd: 100_000 }],
  paidOnline: true,
  overdueWithoutApology: false,
  apologyIssued: true,
};

const event: DossierEvent = {
  id: '000.01.41.H99-260423-0007:9',
  dossierCode: '000.01.41.H99-260423-0007',
  seq: 9,
  type: 'result-returned',
  occurredAt: '2026-05-01T08:05:07+07:00',
  actor: { id: 'mot-cua-1', unit: '000.01.41.H99', role: 'counter-officer' },
  data: {},
  facts,
};

describe('the record the portal gets', () => {
  it('has every field the portal reads, in its formats, and passes its checks', () => {
    const record = portalRecord(event, identity, refs);
    expect(portalRecordSchema.safeParse(record).error?.issues).toBeUndefined();
    expect(record).toMatchObject({
      MaHoSo: '000.01.41.H99-260423-0007',
      PhienBan: 9,
      MaTTHC: '1.001612',
      ChuHoSo: 'Trần Thị Bình',
      LoaiDoiTuong: '1',
      NgayNopHoSo: '20260423091500',
      NgayTiepNhan: '20260423100000',
      // The rescheduled appointment, to its last second (Decision 766 compares NgayKetThucXuLy to it).
      NgayHenTra: '20260504235959',
      NgayKetThucXuLy: '20260430160000',
      NgayTra: '20260501080507',
      TrangThaiHoSo: '10',
      KenhThucHien: '2',
      MaDonViXuLy: '000.00.41.H99',
      DanhSachPhiLePhi: [{ TenPhiLePhi: 'Lệ phí đăng ký hộ kinh doanh', Gia: 100_000 }],
      DuocThanhToanTrucTuyen: '2',
      HoSoCoThanhPhanSoHoa: '1',
      MaKetQua: 'sha256:abc123',
      DuongDanTepTinKetQua:
        'https://motcua.example.gov.vn/v1/documents/sha256:abc123?dossier=000.01.41.H99-260423-0007',
      TaiKhoanDuocXacThucVoiVNeID: '1',
    });
    expect(record.DonViXuLy).toContain('Cẩm Thành');
    expect(record.TenTTHC).toBe(refs.procedure('1.001612', facts.ruleVersion).name);
    expect(record.TaiLieuNop).toEqual([
      expect.objectContaining({
        MaThanhPhanHoSo: 'giay-de-nghi-dang-ky-ho-kinh-doanh',
        DuocSoHoa: '1',
        DuocTaiSuDung: '0',
        DuocLayTuKhoDMQG: '1',
      }),
      expect.objectContaining({
        MaThanhPhanHoSo: 'giay-to-phap-ly-ca-nhan',
        DuocTaiSuDung: '1',
        DuocLayTuKhoDMQG: '0',
      }),
    ]);
    expect(record.TaiLieuNop[0]?.TenTepDinhKem).not.toBe('giay-de-nghi-dang-ky-ho-kinh-doanh');
    expect(record.DanhSachHoSoBoSung).toEqual([
      {
        HoSoBoSungId: '000.01.41.H99-260423-0007-BS1',
        NguoiYeuCauBoSung: 'mot-cua-1',
        NoiDungBoSung: 'Hồ sơ chưa đầy đủ: Bản sao căn cước',
        NgayBoSung: '20260423092000',
        NgayTiepNhanBoSung: '20260423095000',
        TrangThaiBoSung: '1',
      },
    ]);
  });

  it('a dossier just received has no acceptance or appointment, and passes', () => {
    const received: DossierEvent = {
      ...event,
      seq: 1,
      type: 'received',
      facts: {
        ...facts,
        status: 'CHO_TIEP_NHAN',
        acceptedAt: undefined,
        dueDate: undefined,
        rescheduledDueDate: undefined,
        supplementations: [],
        decidedAt: undefined,
        returnedAt: undefined,
        eResultLink: undefined,
        paidOnline: false,
      },
    };
    const record = portalRecord(received, { ...identity, phone: undefined, email: undefined }, refs);
    expect(portalRecordSchema.safeParse(record).error?.issues).toBeUndefined();
    expect(record).toMatchObject({ TrangThaiHoSo: '1', DuocThanhToanTrucTuyen: '0' });
    for (const field of ['NgayTiepNhan', 'NgayHenTra', 'NgayTra', 'MaKetQua', 'SoDienThoai', 'Email'])
      expect(record).not.toHaveProperty(field);
  });

  it('the portal refuses a record that breaks its rules, naming the field', () => {
    const record = portalRecord(event, identity, refs);
    const broken = { ...record, NgayTra: '2026-05-01', LoaiDoiTuong: 1, MaTTHC: 'LOCAL.XNTTHN' };
    const issues = portalRecordSchema
      .safeParse(broken)
      .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'NgayTra: sai định dạng yyyyMMddHHmmss',
        expect.stringMatching(/^LoaiDoiTuong: /),
        'MaTTHC: không có trong Cơ sở dữ liệu quốc gia về TTHC',
      ]),
    );
    const withoutReturn = { ...record, NgayTra: undefined };
    expect(portalRecordSchema.safeParse(withoutReturn).error?.issues[0]?.message).toBe(
      'bắt buộc khi hồ sơ đã trả kết quả',
    );
  });

  it('a progress step says who, when, what and which status', () => {
    const step = portalProgress(event, refs);
    expect(portalProgressSchema.safeParse(step).success).toBe(true);
    expect(step).toEqual({
      MaHoSo: '000.01.41.H99-260423-0007',
      PhienBan: 9,
      NguoiXuLy: 'mot-cua-1',
      ChucDanh: 'Cán bộ một cửa',
      ThoiDiemXuLy: '20260501080507',
      PhongBanXuLy: refs.unitName('000.01.41.H99'),
      NoiDungXuLy: 'Trả kết quả',
      TrangThai: '10',
      NgayKetThucTheoQuyDinh: '20260504235959',
    });
    expect(portalProgress({ ...event, actor: undefined }, refs).NguoiXuLy).toBe('Hệ thống');
  });
});

describe('portal dates, the mapping, what the portal says back', () => {
  it('dates are yyyyMMddHHmmss in Vietnam time, whatever the machine’s zone', () => {
    expect(portalDateTime(Date.parse('2026-12-31T17:30:45Z'))).toBe('20270101003045');
  });

  it('the versioned mapping names every status and every event type sent', () => {
    const mapping = loadPortalMapping();
    for (const status of Object.keys(statusNames)) expect(mapping.statusCode(status)).toMatch(/^\d+$/);
    for (const type of eventTypes) {
      if (mapping.isSynced(type)) expect(mapping.progressText(type)).not.toBe(type);
    }
    expect(mapping.isSynced('portal-synced')).toBe(false);
    expect(mapping.isSynced('notification-failed')).toBe(false);
  });

  it('contacts or ID numbers a portal quotes back are masked before they are kept or logged', () => {
    expect(maskContacts('Email binh@example.vn sai; SĐT 0912345678; CCCD 079085012345 trùng')).toBe(
      'Email […] sai; SĐT […]; CCCD […] trùng',
    );
  });
});
