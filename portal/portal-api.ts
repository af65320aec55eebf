/**
 * The national portal's (Cổng DVCQG) integration API as tthc-flow speaks it, after the shapes a
 * Vietnamese one-stop system uses (VietOpenCPS `DVCQGIntegrationActionImpl`, reference/integrations.md):
 * a login that returns a session, then `service: "DongBoHoSoMC"` with `isUpdating` and `data: [...]`
 * for dossier records and `service: "CapNhatTienDoHoSoMC"` for progress, each with the session and
 * the sending unit (`madonvi`). Dates are `yyyyMMddHHmmss` in Vietnam time, codes are strings.
 *
 * The adapter (portal-client.ts) builds these messages; the emulator (portal-emulator.ts) checks them
 * with these schemas, strictly. `PhienBan` (the dossier event's seq) is tthc-flow's addition: the
 * record's version, which makes every send idempotent at the receiver and shows an older state.
 */
import { z } from 'zod';
import { PHONE } from '../domain/application.js';
import { DOSSIER_CODE } from '../domain/dossier-code.js';

/** `yyyyMMddHHmmss`, Vietnam time: a real date and time. */
export const portalDateTimeSchema = z
  .string()
  .regex(/^\d{14}$/, { error: 'sai định dạng yyyyMMddHHmmss', abort: true })
  .refine(isPortalDateTime, 'không phải ngày giờ hợp lệ');

function isPortalDateTime(text: string): boolean {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) =>
    Number(text.slice(at, at + (i === 0 ? 4 : 2))),
  ) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return (
    y >= 2000 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59
  );
}

const text = (max: number) =>
  z.string().trim().min(1, 'không được để trống').max(max, `không quá ${max} ký tự`);
const flag = z.enum(['0', '1'], 'phải là "0" hoặc "1"');

/**
 * The portal's dossier statuses (TrangThaiHoSo). No public list was found (reference/integrations.md);
 * these are the citizen-facing states provinces publish, numbered as tthc-flow's mapping file
 * (data/portal/dvcqg-mapping.json) assumes. The emulator refuses any other code.
 */
export const portalStatusCodes = {
  '1': 'Mới đăng ký',
  '2': 'Được tiếp nhận',
  '3': 'Không được tiếp nhận',
  '4': 'Đang xử lý',
  '5': 'Yêu cầu bổ sung giấy tờ',
  '6': 'Yêu cầu thực hiện nghĩa vụ tài chính',
  '7': 'Công dân yêu cầu rút hồ sơ',
  '8': 'Dừng xử lý',
  '9': 'Đã xử lý xong',
  '10': 'Đã trả kết quả',
} as const;
export type PortalStatusCode = keyof typeof portalStatusCodes;
const statusCode = z.enum(
  Object.keys(portalStatusCodes) as [PortalStatusCode, ...PortalStatusCode[]],
  'không phải mã trạng thái hồ sơ của Cổng (1–10)',
);

export const portalLoginRequestSchema = z.strictObject({
  username: text(100),
  password: text(200),
});

export const portalFeeSchema = z.strictObject({
  TenPhiLePhi: text(500),
  Gia: z.number('phải là số tiền').int('phải là số đồng nguyên').min(0, 'không được âm'),
});

export const portalDocumentSchema = z.strictObject({
  MaThanhPhanHoSo: text(200),
  TenTepDinhKem: text(1000),
  /** Digitized (scanned and signed) at intake. */
  DuocSoHoa: flag,
  /** Reuses an earlier digitized component (766 4.3). */
  DuocTaiSuDung: flag,
  /** Taken from the applicant's data store on the portal (766 4.4). */
  DuocLayTuKhoDMQG: flag,
});

export const portalSupplementSchema = z.strictObject({
  HoSoBoSungId: text(100),
  NguoiYeuCauBoSung: text(200),
  NoiDungBoSung: text(4000),
  NgayBoSung: portalDateTimeSchema,
  NgayTiepNhanBoSung: portalDateTimeSchema.optional(),
  /** 0: waiting for the applicant; 1: supplemented. */
  TrangThaiBoSung: flag,
});

export const portalRecordSchema = z
  .strictObject({
    MaHoSo: z.string().regex(DOSSIER_CODE, 'không phải mã hồ sơ theo TT 01/2018 (<mã đơn vị>-yyMMdd-xxxx)'),
    /** tthc-flow: the seq of the dossier event this record is the state of. */
    PhienBan: z.number('phải là số').int().positive('phải là số dương'),
    MaTTHC: z.string().regex(/^\d\.\d{6}$/, 'không có trong Cơ sở dữ liệu quốc gia về TTHC'),
    TenTTHC: text(1000),
    TenLinhVuc: text(500).optional(),
    ChuHoSo: text(300),
    /** 1: citizen; 2: organisation or business. */
    LoaiDoiTuong: z.enum(['1', '2'], 'phải là "1" (công dân) hoặc "2" (tổ chức, doanh nghiệp)'),
    SoDienThoai: z.string().regex(PHONE, 'không phải số điện thoại').optional(),
    Email: z.email('không phải địa chỉ thư điện tử').optional(),
    NgayNopHoSo: portalDateTimeSchema,
    NgayTiepNhan: portalDateTimeSchema.optional(),
    NgayHenTra: portalDateTimeSchema.optional(),
    NgayKetThucXuLy: portalDateTimeSchema.optional(),
    NgayTra: portalDateTimeSchema.optional(),
    TrangThaiHoSo: statusCode,
    /** 1: at the counter; 2: online; 3: by post. */
    KenhThucHien: z.enum(['1', '2', '3'], 'phải là "1", "2" hoặc "3"'),
    DonViXuLy: text(500),
    MaDonViXuLy: z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'không phải mã đơn vị'),
    DanhSachPhiLePhi: z.array(portalFeeSchema),
    /** 0: not paid online; 1: paid on the portal; 2: paid on the province's payment platform. */
    DuocThanhToanTrucTuyen: z.enum(['0', '1', '2'], 'phải là "0", "1" hoặc "2"'),
    TaiLieuNop: z.array(portalDocumentSchema),
    /** At least one component reuses digitized data (766 4.3, ministry and province syncs). */
    HoSoCoThanhPhanSoHoa: flag,
    DanhSachHoSoBoSung: z.array(portalSupplementSchema),
    MaKetQua: text(200).optional(),
    DuongDanTepTinKetQua: z.url('không phải đường dẫn').optional(),
    TaiKhoanDuocXacThucVoiVNeID: flag,
  })
  .superRefine((record, ctx) => {
    const require = (field: keyof typeof record, when: boolean, why: string) => {
      if (when && record[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `bắt buộc khi ${why}` });
    };
    const accepted = ['2', '4', '6', '9', '10'].includes(record.TrangThaiHoSo);
    require('NgayTiepNhan', accepted, `trạng thái ${record.TrangThaiHoSo}`);
    require('NgayHenTra', record.NgayTiepNhan !== undefined, 'hồ sơ đã được tiếp nhận');
    require('NgayTra', record.TrangThaiHoSo === '10', 'hồ sơ đã trả kết quả');
    require('NgayKetThucXuLy', record.TrangThaiHoSo === '9', 'hồ sơ đã xử lý xong');
    if ((record.MaKetQua === undefined) !== (record.DuongDanTepTinKetQua === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['DuongDanTepTinKetQua'],
        message: 'MaKetQua và DuongDanTepTinKetQua phải có cùng nhau',
      });
    }
    if (record.NgayTiepNhan && record.NgayHenTra && record.NgayHenTra < record.NgayTiepNhan) {
      ctx.addIssue({ code: 'custom', path: ['NgayHenTra'], message: 'trước NgayTiepNhan' });
    }
    if (record.NgayTiepNhan && record.NgayTiepNhan < record.NgayNopHoSo) {
      ctx.addIssue({ code: 'custom', path: ['NgayTiepNhan'], message: 'trước NgayNopHoSo' });
    }
  });

export const portalProgressSchema = z.strictObject({
  MaHoSo: z.string().regex(DOSSIER_CODE, 'không phải mã hồ sơ theo TT 01/2018 (<mã đơn vị>-yyMMdd-xxxx)'),
  /** tthc-flow: the seq of the dossier event this step is. */
  PhienBan: z.number('phải là số').int().positive('phải là số dương'),
  NguoiXuLy: text(200),
  ChucDanh: text(200).optional(),
  ThoiDiemXuLy: portalDateTimeSchema,
  PhongBanXuLy: text(500).optional(),
  NoiDungXuLy: text(4000),
  TrangThai: statusCode,
  NgayKetThucTheoQuyDinh: portalDateTimeSchema.optional(),
});

export type PortalRecord = z.output<typeof portalRecordSchema>;
export type PortalProgress = z.output<typeof portalProgressSchema>;

const sessionFields = {
  session: z.string().min(1, 'thiếu phiên làm việc (session)'),
  madonvi: z.string().regex(/^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/, 'không phải mã đơn vị'),
};

export const portalServiceRequestSchema = z.discriminatedUnion(
  'service',
  [
    z.strictObject({
      ...sessionFields,
      service: z.literal('DongBoHoSoMC'),
      isUpdating: z.enum(['True', 'False'], 'phải là "True" hoặc "False"'),
      data: z.array(z.unknown()).min(1, 'không có hồ sơ nào').max(500, 'không quá 500 hồ sơ mỗi lần'),
    }),
    z.strictObject({
      ...sessionFields,
      service: z.literal('CapNhatTienDoHoSoMC'),
      data: z.array(z.unknown()).min(1, 'không có tiến độ nào').max(2000, 'không quá 2000 tiến độ mỗi lần'),
    }),
  ],
  { error: 'service phải là DongBoHoSoMC hoặc CapNhatTienDoHoSoMC' },
);

/**
 * `error_code` of every answer: "00" success; the others name what was wrong. Per record in
 * `result`; the answer's own code is "00" when every record passed, else the first failing code.
 */
export const portalErrorCodes = {
  ok: '00',
  invalidData: '01',
  sessionExpired: '02',
  loginFailed: '03',
  alreadyExists: '04',
  notFound: '05',
  olderVersion: '06',
  systemError: '99',
} as const;

export const portalItemResultSchema = z.strictObject({
  MaHoSo: z.string(),
  PhienBan: z.number().optional(),
  error_code: z.string(),
  message: z.string(),
  /** The same version had already been received: nothing changed. */
  duplicate: z.boolean().optional(),
});

export const portalResponseSchema = z.object({
  error_code: z.string(),
  message: z.string(),
  result: z.array(portalItemResultSchema).optional(),
});

export const portalLoginResponseSchema = z.object({
  error_code: z.string(),
  message: z.string(),
  session: z.string().optional(),
  /** Seconds the session stays valid. */
  expires_in: z.number().optional(),
});

export type PortalItemResult = z.output<typeof portalItemResultSchema>;
export type PortalResponse = z.output<typeof portalResponseSchema>;
