/**
 * A dossier as the national portal expects it (DOMAIN.md §2.3, §2.5), built from one event: the
 * record (DongBoHoSoMC) is the dossier's state as of that event, from the facts the event carries,
 * and a progress step (CapNhatTienDoHoSoMC) says who did what, when, and which status it left.
 * What the facts do not carry and the portal needs (the applicant, the supplementation requests'
 * contents) comes from the dossier itself (`DossierIdentity`, read from its workflow's view by the
 * sync service), never from NATS. Pure: no I/O, no clock.
 */
import { type Role, roleNames } from '../domain/actor.js';
import { endOfCivilDay } from '../domain/deadline.js';
import { type Instant, parseInstant, VIETNAM_OFFSET_MINUTES } from '../domain/time.js';
import type { DossierEvent } from '../events/dossier-event-schema.js';
import type { PortalMapping } from '../rules/portal-mapping-loader.js';
import type { PortalProgress, PortalRecord } from './portal-api.js';

/** What the portal needs of a dossier that its events do not carry (personal data among it). */
export interface DossierIdentity {
  applicantName: string;
  applicantType: 'citizen' | 'organisation';
  phone?: string;
  email?: string;
  /** The dossier's supplementation requests so far, oldest first. */
  supplements: ReadonlyArray<{ reason: string; items: ReadonlyArray<{ name: string }>; by?: string }>;
  /** How an online payment was made, if one was. */
  onlinePayment?: 'dvcqg' | 'local-portal';
}

/** Names and settings the record takes from the catalogue, the organisation and the configuration. */
export interface PortalReferences {
  mapping: PortalMapping;
  procedure(code: string, ruleVersion: string): { name: string; sector?: string };
  /** A component kind's name in the procedure (its kind when unknown). */
  documentName(procedureCode: string, ruleVersion: string, kind: string): string;
  unitName(code: string): string;
  /** Where the API is reachable from outside: result links are made absolute with it. */
  publicUrl: string;
}

const OFFSET_MS = VIETNAM_OFFSET_MINUTES * 60_000;

/** `yyyyMMddHHmmss` in Vietnam time. */
export function portalDateTime(instant: Instant): string {
  return new Date(instant + OFFSET_MS).toISOString().slice(0, 19).replace(/[-T:]/g, '');
}

const at = (iso: string | undefined) => (iso === undefined ? undefined : portalDateTime(parseInstant(iso)));
const flag = (value: boolean) => (value ? '1' : '0');

/** NgayHenTra: the appointment day (the rescheduled one after an apology), to its last second. */
function appointment(facts: DossierEvent['facts']): string | undefined {
  const date = facts.rescheduledDueDate ?? facts.dueDate;
  return date === undefined ? undefined : portalDateTime(endOfCivilDay(date) - 1_000);
}

/** The dossier's record as of `event`. */
export function portalRecord(
  event: DossierEvent,
  identity: DossierIdentity,
  refs: PortalReferences,
): PortalRecord {
  const { facts } = event;
  const procedure = refs.procedure(facts.procedureCode, facts.ruleVersion);
  const result = resultOf(facts.eResultLink, refs.publicUrl);
  return {
    MaHoSo: event.dossierCode,
    PhienBan: event.seq,
    MaTTHC: facts.procedureCode,
    TenTTHC: procedure.name,
    ...(procedure.sector ? { TenLinhVuc: procedure.sector } : {}),
    ChuHoSo: identity.applicantName,
    LoaiDoiTuong: identity.applicantType === 'citizen' ? '1' : '2',
    ...(identity.phone ? { SoDienThoai: identity.phone } : {}),
    ...(identity.email ? { Email: identity.email } : {}),
    NgayNopHoSo: at(facts.submittedAt) as string,
    ...defined({
      NgayTiepNhan: at(facts.acceptedAt),
      NgayHenTra: facts.acceptedAt ? appointment(facts) : undefined,
      NgayKetThucXuLy: at(facts.decidedAt ?? (facts.returnedAt ? undefined : facts.endedAt)),
      NgayTra: at(facts.returnedAt),
    }),
    TrangThaiHoSo: refs.mapping.statusCode(facts.status),
    KenhThucHien: String(facts.channel) as '1' | '2' | '3',
    DonViXuLy: refs.unitName(facts.competentAgency),
    MaDonViXuLy: facts.competentAgency,
    DanhSachPhiLePhi: facts.fees.map((fee) => ({ TenPhiLePhi: fee.name, Gia: fee.amountVnd })),
    DuocThanhToanTrucTuyen: facts.paidOnline ? (identity.onlinePayment === 'local-portal' ? '2' : '1') : '0',
    TaiLieuNop: facts.components.map((component) => ({
      MaThanhPhanHoSo: component.kind,
      TenTepDinhKem: refs.documentName(facts.procedureCode, facts.ruleVersion, component.kind),
      DuocSoHoa: flag(component.digitized),
      DuocTaiSuDung: flag(component.reused),
      DuocLayTuKhoDMQG: flag(component.fromDataStore),
    })),
    HoSoCoThanhPhanSoHoa: flag(facts.components.some((component) => component.reused)),
    DanhSachHoSoBoSung: facts.supplementations.map((request, i) => {
      const content = identity.supplements[i];
      const items = content?.items.map((item) => item.name).join('; ');
      return {
        HoSoBoSungId: `${event.dossierCode}-BS${i + 1}`,
        NguoiYeuCauBoSung:
          content?.by ?? (request.phase === 'intake' ? 'Bộ phận Một cửa' : 'Cơ quan giải quyết'),
        NoiDungBoSung: [content?.reason, items].filter(Boolean).join(': ') || 'Yêu cầu bổ sung hồ sơ',
        NgayBoSung: at(request.requestedAt) as string,
        ...defined({ NgayTiepNhanBoSung: at(request.providedAt) }),
        TrangThaiBoSung: flag(request.providedAt !== undefined),
      };
    }),
    ...(result ? { MaKetQua: result.code, DuongDanTepTinKetQua: result.url } : {}),
    TaiKhoanDuocXacThucVoiVNeID: flag(facts.vneidAuthenticated),
  };
}

/** The progress step `event` is. */
export function portalProgress(event: DossierEvent, refs: PortalReferences): PortalProgress {
  const { actor, facts } = event;
  const role = actor?.role as Role | undefined;
  return {
    MaHoSo: event.dossierCode,
    PhienBan: event.seq,
    NguoiXuLy: actor?.id ?? 'Hệ thống',
    ...(role && roleNames[role] ? { ChucDanh: roleNames[role] } : {}),
    ThoiDiemXuLy: at(event.occurredAt) as string,
    ...(actor ? { PhongBanXuLy: refs.unitName(actor.unit) } : {}),
    NoiDungXuLy: refs.mapping.progressText(event.type),
    TrangThai: refs.mapping.statusCode(facts.status),
    ...defined({ NgayKetThucTheoQuyDinh: facts.acceptedAt ? appointment(facts) : undefined }),
  };
}

/** The result document's reference (MaKetQua) and its absolute link, from the facts' link. */
function resultOf(link: string | undefined, publicUrl: string): { code: string; url: string } | undefined {
  if (!link) return undefined;
  const url = new URL(link, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`);
  const ref = /\/documents\/([^/?]+)/.exec(url.pathname)?.[1];
  return { code: decodeURIComponent(ref ?? link), url: url.href };
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}
