/**
 * TT 01/2018/TT-VPCP Art 13–15 (DOMAIN.md §1.5): nine indicators scored 0, 1 or 2 points.
 * Indicators 1, 2, 3, 4, 6 and 7 are scored per dossier (the applicant's evaluation) and averaged
 * per unit, rounded to 1 decimal; 5, 6, 8 and 9 are scored per one-stop shop or agency. An
 * indicator with no data is excluded from the total. Agency total max 18 → Xuất sắc ≥ 15,
 * Tốt 12–<15, Khá 9–<12, Trung bình 6–<9, Yếu < 6. Officer (1, 2, 3, 4, 7; max 10): ≥ 5 → 100% of
 * tasks, 3.5–<5 → 70–<100%, < 3.5 → < 70%.
 */

export const tt01Indicators = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export type Tt01Indicator = (typeof tt01Indicators)[number];

/** Scored per dossier (TT 01/2018 Art 14). */
export const tt01DossierIndicators = ['1', '2', '3', '4', '6', '7'] as const;
export type Tt01DossierIndicator = (typeof tt01DossierIndicators)[number];

/** Scored per one-stop shop or agency (TT 01/2018 Art 14); 6 is scored both ways. */
export const tt01UnitIndicators = ['5', '6', '8', '9'] as const;
export type Tt01UnitIndicator = (typeof tt01UnitIndicators)[number];

/** The officer's indicators (TT 01/2018 Art 15), max 10. */
export const tt01OfficerIndicators = ['1', '2', '3', '4', '7'] as const;

export type Tt01Score = 0 | 1 | 2;

/** TT 01/2018 Art 13 indicator names (abridged to the criterion). */
export const tt01IndicatorNames: Record<Tt01Indicator, string> = {
  '1': 'Tổng thời gian giải quyết TTHC so với thời gian quy định',
  '2': 'Thời gian thực hiện tại cơ quan, đơn vị giải quyết, kể cả đơn vị phối hợp, so với thời gian quy định',
  '3': 'Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ',
  '4': 'Số cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ',
  '5': 'Thực hiện tiếp nhận, giải quyết TTHC tại Bộ phận Một cửa',
  '6': 'Công khai TTHC',
  '7': 'Thái độ của cán bộ, công chức, viên chức',
  '8': 'Tiếp nhận, xử lý phản ánh, kiến nghị',
  '9': 'Cung cấp dịch vụ công trực tuyến',
};

/** Per-dossier scores of one indicator, summed: the average is sum ÷ count. */
export interface Tt01Sum {
  sum: number;
  count: number;
}

export type Tt01Tally = Record<Tt01DossierIndicator, Tt01Sum>;

export function emptyTt01Tally(): Tt01Tally {
  return Object.fromEntries(tt01DossierIndicators.map((id) => [id, { sum: 0, count: 0 }])) as Tt01Tally;
}

function isScore(value: unknown): value is Tt01Score {
  return value === 0 || value === 1 || value === 2;
}

/** The valid per-dossier scores of one evaluation; other keys and values outside 0–2 are ignored. */
export function dossierScores(
  scores: Readonly<Record<string, number>>,
): Partial<Record<Tt01DossierIndicator, Tt01Score>> {
  const entries = tt01DossierIndicators.flatMap((id) =>
    isScore(scores[id]) ? [[id, scores[id]] as const] : [],
  );
  return Object.fromEntries(entries);
}

/** Sums the evaluations of many dossiers (each a map '1'…'7' → 0/1/2). */
export function tallyScores(evaluations: ReadonlyArray<Readonly<Record<string, number>>>): Tt01Tally {
  const tally = emptyTt01Tally();
  for (const evaluation of evaluations) {
    for (const [id, score] of Object.entries(dossierScores(evaluation)) as [
      Tt01DossierIndicator,
      Tt01Score,
    ][]) {
      tally[id] = { sum: tally[id].sum + score, count: tally[id].count + 1 };
    }
  }
  return tally;
}

/** Σ scores ÷ number of dossiers, rounded to 1 decimal (Art 15); null without data. */
export function averageScore({ sum, count }: Tt01Sum): number | null {
  return count === 0 ? null : Math.round((sum * 10) / count) / 10;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export interface Tt01IndicatorResult {
  id: Tt01Indicator;
  name: string;
  /** null: no data, excluded from the total. */
  score: number | null;
  source: 'dossiers' | 'unit' | 'none';
  /** Dossiers that scored this indicator (0 for unit-level scores). */
  dossiers: number;
}

export const agencyBands = [
  { label: 'Xuất sắc', min: 15 },
  { label: 'Tốt', min: 12 },
  { label: 'Khá', min: 9 },
  { label: 'Trung bình', min: 6 },
  { label: 'Yếu', min: Number.NEGATIVE_INFINITY },
] as const;
export type AgencyBand = (typeof agencyBands)[number]['label'];

export const officerBands = [
  { label: 'Hoàn thành 100% nhiệm vụ', completion: '100%', min: 5 },
  { label: 'Hoàn thành từ 70% đến dưới 100% nhiệm vụ', completion: '70–<100%', min: 3.5 },
  { label: 'Hoàn thành dưới 70% nhiệm vụ', completion: '<70%', min: Number.NEGATIVE_INFINITY },
] as const;
export type OfficerBand = (typeof officerBands)[number]['label'];

export function agencyBand(total: number): AgencyBand {
  return (agencyBands.find((band) => total >= band.min) ?? agencyBands[4]).label;
}

export function officerBand(total: number): (typeof officerBands)[number] {
  return officerBands.find((band) => total >= band.min) ?? officerBands[2];
}

function dossierResult(id: Tt01DossierIndicator, tally: Tt01Tally): Tt01IndicatorResult {
  const score = averageScore(tally[id]);
  return {
    id,
    name: tt01IndicatorNames[id],
    score,
    source: score === null ? 'none' : 'dossiers',
    dossiers: tally[id].count,
  };
}

/**
 * Indicator 6 is scored per dossier and per unit: the dossiers' average is used when there is
 * one, the unit-level score otherwise.
 */
function indicatorResult(
  id: Tt01Indicator,
  tally: Tt01Tally,
  unitScores: Partial<Record<Tt01UnitIndicator, Tt01Score>>,
): Tt01IndicatorResult {
  const fromDossiers = (tt01DossierIndicators as readonly string[]).includes(id)
    ? dossierResult(id as Tt01DossierIndicator, tally)
    : undefined;
  if (fromDossiers && fromDossiers.score !== null) return fromDossiers;
  const unitScore = unitScores[id as Tt01UnitIndicator];
  const name = tt01IndicatorNames[id];
  if (unitScore !== undefined) return { id, name, score: unitScore, source: 'unit', dossiers: 0 };
  return { id, name, score: null, source: 'none', dossiers: 0 };
}

function scoredTotal(results: readonly Tt01IndicatorResult[]): { total: number | null; max: number } {
  const scored = results.flatMap((r) => (r.score === null ? [] : [r.score]));
  return {
    total: scored.length === 0 ? null : round1(scored.reduce((a, b) => a + b, 0)),
    max: 2 * scored.length,
  };
}

export interface Tt01AgencyAssessment {
  indicators: Tt01IndicatorResult[];
  /** Σ indicator scores with data (max 18); null when no indicator has data. */
  total: number | null;
  /** 2 × the indicators with data: 18 when all nine are scored. */
  max: number;
  band: AgencyBand | null;
}

/** TT 01/2018 Art 15: the agency (or one-stop shop) score out of 18 and its band. */
export function agencyAssessment(
  tally: Tt01Tally,
  unitScores: Partial<Record<Tt01UnitIndicator, Tt01Score>> = {},
): Tt01AgencyAssessment {
  const indicators = tt01Indicators.map((id) => indicatorResult(id, tally, unitScores));
  const { total, max } = scoredTotal(indicators);
  return { indicators, total, max, band: total === null ? null : agencyBand(total) };
}

export interface Tt01OfficerAssessment {
  indicators: Tt01IndicatorResult[];
  /** Σ of indicators 1, 2, 3, 4, 7 with data (max 10); null without data. */
  total: number | null;
  max: number;
  band: OfficerBand | null;
  /** The share of tasks completed that the band stands for. */
  completion: (typeof officerBands)[number]['completion'] | null;
}

/** TT 01/2018 Art 15: an officer's score from the dossiers they handled. */
export function officerAssessment(tally: Tt01Tally): Tt01OfficerAssessment {
  const indicators = tt01OfficerIndicators.map((id) => dossierResult(id, tally));
  const { total, max } = scoredTotal(indicators);
  const band = total === null ? undefined : officerBand(total);
  return { indicators, total, max, band: band?.label ?? null, completion: band?.completion ?? null };
}
