/**
 * Reads of a dossier's personal data by officials (Law 91/2025/QH15, Decree 356/2025: processing
 * of personal data is authorised, logged and limited to its purpose): the routes through which an
 * official reads it (and `erasure`, when it was erased), their names, the labels the citizen reads
 * next to the units that did, and the reasons for an erasure.
 * The access log itself (a JetStream stream) is audit/access-log.ts.
 */

/**
 * Every route through which an official reads a dossier's personal data. Extend the list (and
 * `accessRouteNames`) before any process records a new route; entries recorded by a newer version
 * with a route not listed here are still read back (audit/access-entry.ts).
 */
export const accessRoutes = ['dossier-view', 'form', 'document', 'codec-decode', 'erasure'] as const;
export type AccessRoute = (typeof accessRoutes)[number];

export const accessRouteNames: Readonly<Record<AccessRoute, string>> = {
  'dossier-view': 'Xem hồ sơ',
  form: 'Xem, in biểu mẫu',
  document: 'Tải tài liệu',
  'codec-decode': 'Giải mã dữ liệu',
  erasure: 'Xóa dữ liệu cá nhân',
};

/** What the citizen lookup shows above the units that read their data. */
export const personalDataAccessLabels = {
  heading: 'Các đơn vị đã truy cập dữ liệu cá nhân của bạn',
  none: 'Chưa có đơn vị nào truy cập dữ liệu cá nhân trong hồ sơ của bạn.',
  lastAccess: 'Lần gần nhất',
  firstAccess: 'Lần đầu',
  times: 'Số lần',
} as const;

/** A route's name; an unknown route (recorded by a newer version) as it is. */
export function accessRouteName(route: string): string {
  return (accessRouteNames as Readonly<Record<string, string>>)[route] ?? route;
}

/**
 * Why a dossier's personal data is erased: the retention period ran out (the automatic sweep), or
 * an administrator acts on a request (Law 91/2025/QH15: the data subject's request, consent
 * withdrawn, processing found unlawful, an order of a competent authority).
 */
export const erasureReasons = [
  'retention-expired',
  'data-subject-request',
  'consent-withdrawn',
  'unlawful-processing',
  'authority-order',
] as const;
export type ErasureReason = (typeof erasureReasons)[number];

/** The reasons an administrator may give; `retention-expired` is the sweep's own. */
export const requestedErasureReasons = erasureReasons.filter(
  (reason): reason is Exclude<ErasureReason, 'retention-expired'> => reason !== 'retention-expired',
);

export const erasureReasonNames: Readonly<Record<ErasureReason, string>> = {
  'retention-expired': 'Hết thời hạn lưu trữ dữ liệu cá nhân',
  'data-subject-request': 'Yêu cầu xóa dữ liệu của chủ thể dữ liệu',
  'consent-withdrawn': 'Chủ thể dữ liệu rút lại sự đồng ý',
  'unlawful-processing': 'Dữ liệu bị xử lý trái pháp luật',
  'authority-order': 'Yêu cầu của cơ quan nhà nước có thẩm quyền',
};
