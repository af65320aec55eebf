/**
 * The statuses of a dossier: the names DVCQG and Decision 766 use (DOMAIN.md §1.1 item 10), plus
 * two engine states.
 */

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
} as const;

export type DossierStatus = keyof typeof statusNames;

/** Statuses after which nothing but the return of a result or an evaluation can happen. */
export const closedStatuses: ReadonlySet<DossierStatus> = new Set([
  'DUNG_XU_LY',
  'CONG_DAN_RUT',
  'KHONG_BO_SUNG',
  'DA_TRA_KET_QUA',
]);

/** Statuses in which the competent agency is processing the dossier. */
export const processingStatuses: readonly DossierStatus[] = ['MOI_TIEP_NHAN', 'DANG_XU_LY'];
