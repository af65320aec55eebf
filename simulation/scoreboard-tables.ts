/** Text tables for a simulation report. */
import type { SimulationReport, UnitSummary } from './simulation-report.js';

const key = ['2.1', '3.3', '3.6', '4.2', '5.2', '5.4'];

function rate(summary: UnitSummary, id: string): string {
  const value = summary.indicators[id]?.rate;
  return (value === null || value === undefined ? '—' : `${value.toFixed(1)}%`).padStart(7);
}

export function formatScoreboardSummary(report: SimulationReport): string {
  const lines = [
    `Mô phỏng ${report.config.days} ngày từ ${report.config.start}, ${report.config.arrivalsPerDay} hồ sơ/ngày làm việc, seed ${report.config.seed} — ${(report.elapsedMs / 1000).toFixed(0)} s`,
    Object.entries(report.totals)
      .map(([name, value]) => `${name}=${value}`)
      .join(' '),
    '',
    `Bộ chỉ số 766, kỳ ${report.period}`,
    `${'hạng'.padEnd(5)}${'điểm'.padStart(7)}  ${key.map((k) => k.padStart(7)).join('')}  đơn vị`,
  ];
  const byUnit = new Map(report.units.map((u) => [u.unit, u]));
  for (const entry of report.ranking) {
    const unit = byUnit.get(entry.unit);
    if (!unit) continue;
    lines.push(
      `${String(entry.rank).padEnd(5)}${unit.total.toFixed(2).padStart(7)}  ${key.map((k) => rate(unit, k)).join('')}  ${unit.name} (${unit.rating})`,
    );
  }
  const p = report.province;
  lines.push(
    '',
    `Toàn tỉnh: ${p.total.toFixed(2)} / 100 (${p.notComputablePoints} điểm không tính được) — ${p.rating}   ${key.map((k) => `${k} ${rate(p, k).trim()}`).join('  ')}`,
  );
  return lines.join('\n');
}
