/**
 * What a supervisor picks from on the Decision 766 dashboard: the periods, and the indicators with
 * a list of dossiers behind them. Pure: no DOM, so Node tests import it.
 */

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
