/**
 * The Decision 766 scoreboard of one (unit, period) (DOMAIN.md §2.2–§2.4): rates from the dossier
 * counters, catalogue statistics and feedback counters; points by the threshold rule; group and
 * total scores out of 100; the rating label; the competition ranking of units.
 *
 * - rate = numerator ÷ denominator × 100, rounded to 2 decimals; a 0 denominator gives rate null
 *   and 0 points, status 'no-data' (the doc: "show 0 or N/A"). For 1.4 the doc falls back to the
 *   previous year's totals, which this pure core does not have.
 * - an indicator whose input the system has no source for (publication records, the certified-copy
 *   service, catalogue data) is 'not-computable': 0 points, its maximum in `notComputablePoints`
 *   beside the total, never a measured 0 %.
 * - points = max if rate ≥ target, else rate × max ÷ target, computed on the rounded rate and
 *   rounded to 3 decimals; group points and the total are sums of those, rounded to 3 decimals.
 *   With no stated target the doc gives no conversion: `targetWhenUnstated` (100, UNCONFIRMED)
 *   makes it rate × max ÷ 100.
 * Every UNCONFIRMED rule is a field of `IndicatorConfig`, whose defaults are documented below.
 */
import { z } from 'zod';
import { type ContributionOptions, type DossierCounters, proceduresFlagged } from './dossier-counters.js';

// ---------------------------------------------------------------------------------------------
// Groups and indicators

export const groupIds = ['1', '2', '3a', '3b', '4', '5'] as const;
export type GroupId = (typeof groupIds)[number];

export interface GroupDefinition {
  id: GroupId;
  name: string;
  /** The DVCQG dashboard and API key (DOMAIN.md §2.2, third-party source). */
  key: string;
}

export const groupDefinitions: readonly GroupDefinition[] = [
  { id: '1', name: 'Công khai, minh bạch', key: 'transparency' },
  { id: '2', name: 'Tiến độ, kết quả giải quyết', key: 'dvc-progress-tree' },
  { id: '3a', name: 'Dịch vụ công trực tuyến', key: 'provide-online-tree' },
  { id: '3b', name: 'Thanh toán trực tuyến', key: 'formality-online-payment-tree' },
  { id: '4', name: 'Số hóa hồ sơ', key: 'dossier-digitized' },
  { id: '5', name: 'Mức độ hài lòng', key: 'handling-satisfaction' },
];

export const indicatorIds = [
  '1.1',
  '1.2',
  '1.3',
  '1.4',
  '2.1',
  '2.2',
  '3.1',
  '3.3',
  '3.TT',
  '3.5',
  '3.5b',
  '3.6',
  '4.1',
  '4.2',
  '4.CT',
  '4.3',
  '4.4',
  '4.5a',
  '4.5b',
  '5.1',
  '5.2',
  '5.3',
  '5.4',
] as const;
export type IndicatorId = (typeof indicatorIds)[number];

export interface IndicatorDefinition {
  id: IndicatorId;
  name: string;
  group: GroupId;
  source: 'dossiers' | 'catalogue' | 'feedback';
}

const indicator = (
  id: IndicatorId,
  group: GroupId,
  source: IndicatorDefinition['source'],
  name: string,
): IndicatorDefinition => ({ id, name, group, source });

/** Official names (DOMAIN.md §2.3). '3.TT' and '4.CT' have no number in the doc. */
export const indicatorDefinitions: readonly IndicatorDefinition[] = [
  indicator('1.1', '1', 'catalogue', 'Tỷ lệ TTHC công bố đúng hạn'),
  indicator('1.2', '1', 'catalogue', 'Tỷ lệ TTHC được cập nhật, công khai đúng hạn'),
  indicator('1.3', '1', 'catalogue', 'Tỷ lệ TTHC công khai đầy đủ các bộ phận tạo thành'),
  indicator('1.4', '1', 'dossiers', 'Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG'),
  indicator('2.1', '2', 'dossiers', 'Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn'),
  indicator('2.2', '2', 'dossiers', 'Thời gian giải quyết TTHC trung bình'),
  indicator('3.1', '3a', 'catalogue', 'Tỷ lệ TTHC cung cấp DVCTT'),
  indicator('3.3', '3a', 'dossiers', 'Tỷ lệ hồ sơ TTHC theo hình thức nộp trực tuyến'),
  indicator(
    '3.TT',
    '3a',
    'dossiers',
    'Tỷ lệ hồ sơ DVCTT toàn trình trên tổng hồ sơ của TTHC đủ điều kiện toàn trình',
  ),
  indicator(
    '3.5',
    '3b',
    'catalogue',
    'Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến trên Cổng DVCQG',
  ),
  indicator('3.5b', '3b', 'catalogue', 'Tỷ lệ TTHC có giao dịch thanh toán trực tuyến'),
  indicator('3.6', '3b', 'dossiers', 'Tỷ lệ hồ sơ thanh toán trực tuyến'),
  indicator('4.1', '4', 'dossiers', 'Tỷ lệ hồ sơ có cấp kết quả giải quyết điện tử'),
  indicator('4.2', '4', 'dossiers', 'Tỷ lệ hồ sơ TTHC thực hiện số hóa'),
  indicator('4.CT', '4', 'catalogue', 'Cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính'),
  indicator('4.3', '4', 'dossiers', 'Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa'),
  indicator('4.4', '4', 'dossiers', 'Tỷ lệ hồ sơ số hóa có kết nối, chia sẻ dữ liệu phục vụ tái sử dụng'),
  indicator('4.5a', '4', 'catalogue', 'Tỷ lệ TTHC kết nối, chia sẻ dữ liệu dân cư'),
  indicator('4.5b', '4', 'dossiers', 'Tỷ lệ hồ sơ sử dụng thông tin từ CSDLQG về dân cư'),
  indicator('5.1', '5', 'feedback', 'Tỷ lệ PAKN theo phân loại'),
  indicator('5.2', '5', 'feedback', 'Tỷ lệ PAKN xử lý đúng hạn'),
  indicator('5.3', '5', 'feedback', 'Tỷ lệ hài lòng trong xử lý PAKN'),
  indicator('5.4', '5', 'dossiers', 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC'),
];

// ---------------------------------------------------------------------------------------------
// Inputs other than the dossier counters

const count = z.number().int().min(0);

/**
 * Catalogue-level counts of TTHC (procedures) for a unit and period, filled from the catalogue.
 * Every field is optional: a missing count makes its indicator's denominator 0.
 */
export const catalogueStatsSchema = z.strictObject({
  /** 1.1: TTHC published (QĐCB) in the period … */
  published: count.optional(),
  /** … whose QĐCB date ≤ newest legal basis effective date − 20 (ministry) / 5 (province) working days; one late QĐCB makes the TTHC late. */
  publishedOnTime: count.optional(),
  /** 1.2: TTHC that had to be updated or published on CSDLQG in the period … */
  dueForDisclosure: count.optional(),
  /** … published ≤ QĐCB date + 10 (ministry) / 5 (province) working days. */
  disclosedOnTime: count.optional(),
  /**
   * 1.1 and 1.2: what the publication records hold for the unit: none at all, records of other
   * units only (no issuer in its subtree: a commune, a department), or an issuer's.
   */
  publicationRecords: z.enum(['none', 'not-an-issuer', 'issuer']).optional(),
  /** 1.3 (snapshot): TTHC published on CSDLQG … */
  disclosed: count.optional(),
  /** … with every part of ND 63/2010 Art 8(2): tên, trình tự, cách thức, thành phần hồ sơ, thời hạn, đối tượng, cơ quan thực hiện. */
  disclosedComplete: count.optional(),
  /** 3.1: TTHC under the unit's competence (province includes communes) … */
  underCompetence: count.optional(),
  /** … offering a partial or full online service (counted once, at the higher level) … */
  withOnlineService: count.optional(),
  /** … offering a một phần service (sub-rate over `underCompetence`). */
  withPartialOnlineService: count.optional(),
  /** 3.1 toàn trình sub-rate: TTHC eligible for toàn trình (flag on CSDLQG) … */
  eligibleForToanTrinh: count.optional(),
  /** … offering toàn trình. */
  withToanTrinhService: count.optional(),
  /** 3.5 / 3.5b: TTHC with fee information ≠ 0 in the CSDL TTHC (current value, distinct) … */
  withFees: count.optional(),
  /** 4.5a: TTHC whose applicants are individuals. */
  forIndividuals: count.optional(),
  /** 4.CT (UNCONFIRMED formula): the unit offers electronic certified copies from originals. */
  offersElectronicCertifiedCopy: z.boolean().optional(),
});
export type CatalogueStats = z.infer<typeof catalogueStatsSchema>;

/**
 * Feedback (PAKN) counters for a unit and period (DOMAIN.md §2.3 group 5, §5). Time limits on the
 * national PAKN system: `feedbackTimeLimits`.
 */
export const feedbackCountersSchema = z.strictObject({
  /** 5.2 denominator: feedback received or processed in the period. */
  receivedOrProcessed: count,
  /** 5.2: processed within its limit (reject ≤ 2, request supplementation ≤ 5, answer ≤ 15, publish ≤ 2 working days) … */
  processedOnTime: count,
  /** … or still in progress and within time: (period end or today) − start of "chờ tiếp nhận" ≤ 15 working days. */
  inProgressWithinTime: count,
  /** 5.3 denominator: feedback first received in the period, each counted once. */
  firstReceived: count,
  /** 5.3: of those, rated not satisfied (more dislikes than likes), followed by new feedback on the result, or overdue; each counted once. */
  notSatisfiedFollowedUpOrOverdue: count,
  /** 5.1 (monitoring): of those, classified "quy định, chính sách, thủ tục" or "hành vi CBCC". */
  classifiedRegulationOrConduct: count.default(0),
});
export type FeedbackCounters = z.input<typeof feedbackCountersSchema>;

/** Operational limits on the national PAKN system, in working days (DOMAIN.md §2.3 5.2, §5). */
export const feedbackTimeLimits = {
  rejectWorkingDays: 2,
  requestSupplementationWorkingDays: 5,
  processWorkingDays: 15,
  publishWorkingDays: 2,
} as const;

// ---------------------------------------------------------------------------------------------
// Configuration

const indicatorIdSchema = z.enum(indicatorIds);
const percent = z.number().gt(0).max(100);

const ratingBandSchema = z.strictObject({ label: z.string().min(1), min: z.number() });

export const indicatorConfigSchema = z.strictObject({
  /** Points per indicator. Groups: 18 / 20 / 12 / 10 / 22 / 18 = 100. */
  maxima: z.record(indicatorIdSchema, z.number().min(0)),
  /** Stated targets T (%): points = max if rate ≥ T, else rate × max ÷ T. */
  targets: z.partialRecord(indicatorIdSchema, percent),
  /** Target used where none is stated (UNCONFIRMED): 100 ⇒ rate × max ÷ 100. */
  targetWhenUnstated: percent,
  /** Rating bands, highest first; a total below every band gets the last label (UNCONFIRMED). */
  ratingBands: z
    .array(ratingBandSchema)
    .min(1)
    .refine(
      (bands) => bands.every((b, i) => (bands[i - 1]?.min ?? Number.POSITIVE_INFINITY) > b.min),
      'must be sorted by min, highest first',
    ),
  /** Totals within this distance share a rank (third-party collector). */
  rankTolerance: z.number().min(0),
  /** See `ContributionOptions` in dossier-counters.ts (UNCONFIRMED). */
  progressView: z.enum(['as-of-period-end', 'latest-facts']),
  processingTimeExcludesSupplementation: z.boolean(),
});
export type IndicatorConfig = z.infer<typeof indicatorConfigSchema>;

/**
 * Defaults from DOMAIN.md §2.3 (maxima per the operator's current configuration, reconciled by
 * the third-party transcription the doc cites). UNCONFIRMED defaults:
 * - 2.1 max 20 read as rate × 20 (no target);
 * - 3a: all 12 points on the toàn trình share '3.TT'; 3.1 and 3.3 carry 0 (monitoring);
 * - 3.5b formula and its target 80, 4.CT formula (offered → full points);
 * - `targetWhenUnstated` 100 (linear) for 1.1–1.4, 2.1, 3.TT, 3.6, 4.1, 4.4, 4.5a, 4.5b, 5.2, 5.3;
 * - rating bands Xuất sắc ≥ 90, Tốt 80–<90, Khá 70–<80, Trung bình 50–<70, Yếu < 50;
 * - `progressView` 'as-of-period-end'; `processingTimeExcludesSupplementation` true.
 */
export const defaultIndicatorConfig: IndicatorConfig = {
  maxima: {
    '1.1': 6,
    '1.2': 4,
    '1.3': 2,
    '1.4': 6,
    '2.1': 20,
    '2.2': 0,
    '3.1': 0,
    '3.3': 0,
    '3.TT': 12,
    '3.5': 2,
    '3.5b': 2,
    '3.6': 6,
    '4.1': 6,
    '4.2': 4,
    '4.CT': 2,
    '4.3': 2,
    '4.4': 4,
    '4.5a': 2,
    '4.5b': 2,
    '5.1': 0,
    '5.2': 6,
    '5.3': 6,
    '5.4': 6,
  },
  targets: { '3.1': 80, '3.3': 50, '3.5': 80, '3.5b': 80, '4.2': 80, '4.3': 80, '5.4': 90 },
  targetWhenUnstated: 100,
  ratingBands: [
    { label: 'Xuất sắc', min: 90 },
    { label: 'Tốt', min: 80 },
    { label: 'Khá', min: 70 },
    { label: 'Trung bình', min: 50 },
    { label: 'Yếu', min: 0 },
  ],
  rankTolerance: 0.001,
  progressView: 'as-of-period-end',
  processingTimeExcludesSupplementation: true,
};

export interface IndicatorConfigOverrides extends Partial<Omit<IndicatorConfig, 'maxima' | 'targets'>> {
  maxima?: Partial<IndicatorConfig['maxima']>;
  targets?: IndicatorConfig['targets'];
}

/** The default configuration with overrides (maxima and targets merged per indicator), validated. */
export function indicatorConfig(overrides: IndicatorConfigOverrides = {}): IndicatorConfig {
  return indicatorConfigSchema.parse({
    ...defaultIndicatorConfig,
    ...overrides,
    maxima: { ...defaultIndicatorConfig.maxima, ...overrides.maxima },
    targets: { ...defaultIndicatorConfig.targets, ...overrides.targets },
  });
}

export function contributionOptions(config: IndicatorConfig): ContributionOptions {
  return {
    progressView: config.progressView,
    processingTimeExcludesSupplementation: config.processingTimeExcludesSupplementation,
  };
}

// ---------------------------------------------------------------------------------------------
// Rates and points

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
};

/** numerator ÷ denominator × 100, rounded to 2 decimals; null for a 0 denominator. */
export function rateOf(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator * 10_000) / denominator) / 100 : null;
}

/** The threshold rule (DOMAIN.md §2.3): max if rate ≥ target, else rate × max ÷ target; 3 decimals. */
export function thresholdPoints(rate: number | null, max: number, target: number): number {
  if (rate === null) return 0;
  return rate >= target ? max : round((rate * max) / target, 3);
}

export function ratingLabel(total: number, config: IndicatorConfig = defaultIndicatorConfig): string {
  const bands = config.ratingBands;
  return (bands.find((band) => total >= band.min) ?? bands.at(-1))?.label ?? '';
}

export interface RatePart {
  name: string;
  numerator: number;
  denominator: number;
  rate: number | null;
}

/**
 * - measured: computed from the period's data;
 * - no-data: its denominator is 0 in the period (rate null, 0 points);
 * - not-computable: the system has no source for an input (0 points, counted in `notComputablePoints`).
 */
export type IndicatorStatus = 'measured' | 'no-data' | 'not-computable';

export interface IndicatorScore {
  id: IndicatorId;
  name: string;
  group: GroupId;
  numerator: number;
  denominator: number;
  /** 0..100, 2 decimals; null for a 0 denominator (and for 2.2, an average). */
  rate: number | null;
  /** The stated target; absent where the doc states none. */
  target?: number;
  points: number;
  max: number;
  status: IndicatorStatus;
  /** Why the indicator is not measured (Vietnamese), unless it is. */
  why?: string;
  /** Sub-rates shown with 3.1 (toàn trình, một phần) and 3.3 (direct, postal). */
  parts?: RatePart[];
  /** 2.2 only: average processing time of completed dossiers (elapsed, not working time). */
  average?: { hours: number; days: number };
}

export interface GroupScore {
  id: GroupId;
  name: string;
  points: number;
  max: number;
}

export interface Scoreboard {
  indicators: IndicatorScore[];
  groups: GroupScore[];
  /** Points scored, out of 100. */
  total: number;
  /** Points of the indicators the system cannot compute (shown beside the total). */
  notComputablePoints: number;
  rating: string;
}

interface RawIndicator {
  numerator: number;
  denominator: number;
  /** When the rate is not numerator ÷ denominator (3.3, 5.4, 2.2). */
  rate?: number | null;
  parts?: RatePart[];
  average?: IndicatorScore['average'];
  /** Why the system cannot compute it: an input has no source. */
  notComputable?: string;
}

const ratio = (numerator = 0, denominator = 0): RawIndicator => ({ numerator, denominator });

const part = (name: string, numerator = 0, denominator = 0): RatePart => ({
  name,
  numerator,
  denominator,
  rate: rateOf(numerator, denominator),
});

const HOUR_MS = 3_600_000;

/** 2.2: elapsed time, not working time: the facts carry no calendar (numerator in hours). */
function averageProcessingTime(c: DossierCounters): RawIndicator {
  const hours = c.processingMs / HOUR_MS;
  const average =
    c.completed > 0
      ? { hours: round(hours / c.completed, 2), days: round(hours / c.completed / 24, 2) }
      : undefined;
  return { numerator: round(hours, 2), denominator: c.completed, rate: null, average };
}

/** 3.3: online ÷ accepted × sync ratio (1.4 as a fraction). */
function onlineShare(c: DossierCounters): RawIndicator {
  return {
    ...ratio(c.acceptedOnline, c.accepted),
    rate: rateOf(c.acceptedOnline * c.synced, c.accepted * c.accepted),
    parts: [
      part('Tỷ lệ hồ sơ trực tiếp', c.acceptedCounter, c.accepted),
      part('Tỷ lệ hồ sơ qua bưu chính công ích', c.acceptedPostal, c.accepted),
    ],
  };
}

/** 5.4: 100% − (late rate + dislike rate), over the 2.1 dossiers; never below 0. */
function processingSatisfaction(c: DossierCounters): RawIndicator {
  const late = c.progressTotal - c.progressOnTime;
  const numerator = Math.max(0, c.progressTotal - late - c.progressDisliked);
  return { numerator, denominator: c.progressTotal };
}

/** Catalogue-level indicators with no source for an input, and why (DOMAIN.md §2.3; docs/indicators.md). */
const noSource = {
  publication: 'Chưa có dữ liệu quyết định công bố TTHC (ngày QĐCB, ngày hiệu lực văn bản quy định)',
  disclosure: 'Chưa có dữ liệu ngày công khai TTHC trên Cơ sở dữ liệu quốc gia',
  notAnIssuer: 'Đơn vị không ban hành quyết định công bố TTHC: chỉ số chỉ tính cho bộ, UBND cấp tỉnh',
  catalogue: 'Chưa có danh mục TTHC thuộc thẩm quyền của đơn vị',
  fees: 'Chưa có dữ liệu phí, lệ phí của TTHC trong danh mục',
  applicants: 'Chưa có dữ liệu đối tượng thực hiện của TTHC trong danh mục',
  certifiedCopy: 'Chưa ghi nhận đơn vị có cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính',
} as const;

/** A ratio, or not computable when the denominator has no source. */
function fromCatalogue(
  numerator: number | undefined,
  denominator: number | undefined,
  why: string,
): RawIndicator {
  return denominator === undefined ? { ...ratio(), notComputable: why } : ratio(numerator, denominator);
}

/** Distinct procedures (TTHC) marked by their dossiers: 3.5, 3.5b, 4.5a. */
type ProcedureTallies = ReturnType<typeof proceduresFlagged>;

function catalogueIndicators(
  s: CatalogueStats,
  procedures: ProcedureTallies,
): Partial<Record<IndicatorId, RawIndicator>> {
  const certifiedCopy = s.offersElectronicCertifiedCopy;
  const notAnIssuer = s.publicationRecords === 'not-an-issuer';
  return {
    '1.1': fromCatalogue(
      s.publishedOnTime,
      s.published,
      notAnIssuer ? noSource.notAnIssuer : noSource.publication,
    ),
    '1.2': fromCatalogue(
      s.disclosedOnTime,
      s.dueForDisclosure,
      notAnIssuer ? noSource.notAnIssuer : noSource.disclosure,
    ),
    '1.3': fromCatalogue(s.disclosedComplete, s.disclosed, noSource.disclosure),
    '3.1': {
      ...fromCatalogue(s.withOnlineService, s.underCompetence, noSource.catalogue),
      parts: [
        part('Tỷ lệ TTHC cung cấp DVCTT toàn trình', s.withToanTrinhService, s.eligibleForToanTrinh),
        part('Tỷ lệ TTHC cung cấp DVCTT một phần', s.withPartialOnlineService, s.underCompetence),
      ],
    },
    '3.5': fromCatalogue(procedures.syncedWithFee, s.withFees, noSource.fees),
    '3.5b': fromCatalogue(procedures.paidOnline, s.withFees, noSource.fees),
    '4.CT':
      certifiedCopy === undefined
        ? { ...ratio(), notComputable: noSource.certifiedCopy }
        : ratio(certifiedCopy ? 1 : 0, 1),
    '4.5a': fromCatalogue(procedures.syncedPopulationData, s.forIndividuals, noSource.applicants),
  };
}

function feedbackIndicators(f: FeedbackCounters | undefined): Partial<Record<IndicatorId, RawIndicator>> {
  if (!f) return {};
  const { receivedOrProcessed, processedOnTime, inProgressWithinTime, firstReceived } = f;
  return {
    '5.1': ratio(f.classifiedRegulationOrConduct ?? 0, firstReceived),
    '5.2': ratio(processedOnTime + inProgressWithinTime, receivedOrProcessed),
    '5.3': ratio(Math.max(0, firstReceived - f.notSatisfiedFollowedUpOrOverdue), firstReceived),
  };
}

function dossierIndicators(c: DossierCounters): Partial<Record<IndicatorId, RawIndicator>> {
  return {
    '1.4': ratio(c.synced, c.accepted),
    '2.1': ratio(c.progressOnTime, c.progressTotal),
    '2.2': averageProcessingTime(c),
    '3.3': onlineShare(c),
    '3.TT': ratio(c.toanTrinhOnline, c.toanTrinhBase),
    '3.6': ratio(c.paidOnline, c.feeBearing),
    '4.1': ratio(c.eResult, c.paperResultRequired),
    '4.2': ratio(c.digitized, c.accepted),
    '4.3': ratio(c.reusedData, c.accepted),
    '4.4': ratio(c.fromDataStore, c.accepted),
    '4.5b': ratio(c.populationData, c.accepted),
    '5.4': processingSatisfaction(c),
  };
}

function scoreIndicator(
  def: IndicatorDefinition,
  raw: RawIndicator,
  config: IndicatorConfig,
): IndicatorScore {
  const rate = raw.rate !== undefined ? raw.rate : rateOf(raw.numerator, raw.denominator);
  const target = config.targets[def.id];
  const max = config.maxima[def.id];
  const status: IndicatorStatus = raw.notComputable
    ? 'not-computable'
    : raw.denominator > 0
      ? 'measured'
      : 'no-data';
  return {
    id: def.id,
    name: def.name,
    group: def.group,
    numerator: raw.numerator,
    denominator: raw.denominator,
    rate,
    ...(target === undefined ? {} : { target }),
    points:
      max === 0 || status === 'not-computable'
        ? 0
        : thresholdPoints(rate, max, target ?? config.targetWhenUnstated),
    max,
    status,
    ...(raw.notComputable ? { why: raw.notComputable } : status === 'no-data' ? { why: noDataReason } : {}),
    ...(raw.parts ? { parts: raw.parts } : {}),
    ...(raw.average ? { average: raw.average } : {}),
  };
}

const noDataReason = 'Mẫu số bằng 0: không có dữ liệu trong kỳ';

function groupScore(group: GroupDefinition, indicators: readonly IndicatorScore[]): GroupScore {
  const members = indicators.filter((i) => i.group === group.id);
  return {
    id: group.id,
    name: group.name,
    points: round(
      members.reduce((sum, i) => sum + i.points, 0),
      3,
    ),
    max: round(
      members.reduce((sum, i) => sum + i.max, 0),
      3,
    ),
  };
}

/** The 766 scoreboard of one unit and period. */
export function scoreboard(
  /** The unit's counters; per-procedure marks (`procedureFlagKey`) may ride along. */
  counters: DossierCounters & Readonly<Record<string, number>>,
  catalogueStats: CatalogueStats = {},
  feedbackCounters?: FeedbackCounters,
  config: IndicatorConfig = defaultIndicatorConfig,
): Scoreboard {
  const raws = {
    ...catalogueIndicators(catalogueStats, proceduresFlagged(counters)),
    ...feedbackIndicators(feedbackCounters),
    ...dossierIndicators(counters),
  };
  const indicators = indicatorDefinitions.map((def) => scoreIndicator(def, raws[def.id] ?? ratio(), config));
  const groups = groupDefinitions.map((group) => groupScore(group, indicators));
  const total = round(
    groups.reduce((sum, g) => sum + g.points, 0),
    3,
  );
  const notComputablePoints = round(
    indicators.filter((i) => i.status === 'not-computable').reduce((sum, i) => sum + i.max, 0),
    3,
  );
  return { indicators, groups, total, notComputablePoints, rating: ratingLabel(total, config) };
}

// ---------------------------------------------------------------------------------------------
// Ranking

export interface RankedUnit<U> {
  unit: U;
  total: number;
  rank: number;
}

/**
 * Competition ranking ("1224"), highest total first: a total within `tolerance` of the total that
 * opened the current rank shares it. Equal totals keep their input order.
 */
export function rank<U>(
  units: ReadonlyArray<{ unit: U; total: number }>,
  tolerance = defaultIndicatorConfig.rankTolerance,
): RankedUnit<U>[] {
  const sorted = units
    .map((u, index) => ({ ...u, index }))
    .sort((a, b) => b.total - a.total || a.index - b.index);
  const ranked: RankedUnit<U>[] = [];
  let leader: RankedUnit<U> | undefined;
  sorted.forEach(({ unit, total }, position) => {
    const sharesRank = leader !== undefined && leader.total - total <= tolerance + 1e-9;
    const entry = { unit, total, rank: sharesRank && leader ? leader.rank : position + 1 };
    if (!sharesRank) leader = entry;
    ranked.push(entry);
  });
  return ranked;
}
