/** The result of a simulation: what happened, and the Decision 766 scoreboard of the province, every commune and their ranking. */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { IndicatorAggregator } from '../aggregators/indicator-aggregator.js';
import { IndicatorReadModel, type UnitScoreboard } from '../aggregators/read-model.js';
import type { OrganisationRegistry } from '../domain/organisation.js';
import { periodOf } from '../indicators/periods.js';
import { rank } from '../indicators/scoring.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { type Commune, provinceCommitteeOf } from './simulated-province.js';
import type { SimulationConfig } from './simulation-options.js';
import type { ShardRouting } from './simulation-shards.js';
import type { SimulationTotals } from './simulation-totals.js';

export interface SimulationReport {
  config: SimulationConfig;
  period: string;
  elapsedMs: number;
  totals: Record<string, number>;
  province: UnitSummary;
  units: UnitSummary[];
  ranking: Array<{ rank: number; unit: string; name: string; total: number }>;
}

export interface UnitSummary {
  unit: string;
  name: string;
  total: number;
  /** Points of the indicators the system cannot compute, beside the total. */
  notComputablePoints: number;
  rating: string;
  indicators: Record<string, { numerator: number; denominator: number; rate: number | null; points: number }>;
}

export interface SimulatedOutcome {
  config: SimulationConfig;
  organisation: OrganisationRegistry;
  communes: readonly Commune[];
  totals: SimulationTotals;
  /** Where each dossier and feedback of the run lives. */
  routing: ShardRouting;
}

/** The report, and the scoreboards it was made from: the province's first, then the communes'. */
export interface BuiltReport {
  report: Omit<SimulationReport, 'elapsedMs'>;
  scoreboards: UnitScoreboard[];
}

/** Lets the indicator aggregator read every event, then reads the scoreboards of the report period. */
export async function buildSimulationReport(
  nc: NatsConnection,
  logger: Logger,
  { config, organisation, communes, totals }: SimulatedOutcome,
): Promise<BuiltReport> {
  const aggregator = await IndicatorAggregator.create({
    nc,
    bucket: 'tthc_indicators_1',
    consumerName: 'indicators_tthc_indicators_1',
    logger,
  });
  await aggregator.drain();
  const readModel = new IndicatorReadModel(nc, organisation, loadCatalogue().procedures);
  const period = config.period ?? periodOf('month', config.start) ?? config.start.slice(0, 7);
  const province = provinceCommitteeOf(organisation, config.organisation);
  const units = await Promise.all(communes.map((c) => readModel.scoreboard(c.committee.code, period)));
  const ranking = rank(units.map((u) => ({ unit: u.unit, total: u.scoreboard.total })));
  const provinceBoard = await readModel.scoreboard(province.code, period);
  const report = {
    config,
    period,
    totals: totals.sorted(),
    province: summary(provinceBoard),
    units: units.map(summary),
    ranking: ranking.map((r) => ({ rank: r.rank, unit: r.unit.code, name: r.unit.name, total: r.total })),
  };
  return { report, scoreboards: [provinceBoard, ...units] };
}

function summary(board: UnitScoreboard): UnitSummary {
  return {
    unit: board.unit.code,
    name: board.unit.name,
    total: board.scoreboard.total,
    notComputablePoints: board.scoreboard.notComputablePoints,
    rating: board.scoreboard.rating,
    indicators: Object.fromEntries(
      board.scoreboard.indicators.map((i) => [
        i.id,
        { numerator: i.numerator, denominator: i.denominator, rate: i.rate, points: i.points },
      ]),
    ),
  };
}
