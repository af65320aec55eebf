/** `tthc indicators …`: the Decision 766 scoreboard, ranking, drill-down, export and rebuild. */
import type { Command } from 'commander';
import { rebuildIndicators } from '../aggregators/rebuild.js';
import type { Scoreboard } from '../indicators/scoring.js';
import { createLogger, stderrDestination } from '../infra/logging.js';
import {
  checkPeriod,
  checkUnit,
  type IndicatorConnectionOptions,
  metaBucket,
  readModel,
  requireOption,
  withNats,
} from './indicator-command-support.js';
import { registerIndicatorExportCommand } from './indicators-export-command.js';
import { print, UsageError } from './output.js';
import { rebuildProgressBar } from './rebuild-progress.js';

export function registerIndicatorCommands(program: Command): void {
  const indicators = program
    .command('indicators')
    .description('Decision 766 service-quality index (Bộ chỉ số 766)')
    .option('--unit <code>', 'unit code; its whole subtree is included')
    .option('--period <id>', 'period: 2026-11, 2026-Q4, 2026-H2, 2026-9M, 2026 or 2026-11-27')
    .option('--nats <url>', 'NATS server', process.env.TTHC_NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--organisation <name>', 'organisation registry', process.env.TTHC_ORGANISATION ?? 'demo')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: IndicatorConnectionOptions & { unit?: string; period?: string }) => {
      if (!options.unit || !options.period)
        throw new UsageError('indicators needs --unit <code> and --period <id>');
      const unit = checkUnit(options.unit, options.organisation);
      const period = checkPeriod(options.period);
      const board = await withNats(options.nats, (nc) => readModel(nc, options).scoreboard(unit, period));
      print(options, board, () => {
        const tt01 =
          board.tt01.total === null
            ? 'chưa có đánh giá'
            : `${board.tt01.total} / ${board.tt01.max} — ${board.tt01.band}`;
        return `${formatScoreboard(board.unit, period, board.scoreboard)}\nĐánh giá theo TT 01/2018 (Điều 15): ${tt01}`;
      });
    });

  indicators
    .command('ranking')
    .description('rank the units directly under a parent unit')
    .requiredOption('--parent <code>', 'parent unit code (with the --period of `indicators`)')
    .action(async (options: { parent: string }, command: Command) => {
      const all = {
        ...command.optsWithGlobals<IndicatorConnectionOptions & { period?: string }>(),
        ...options,
      };
      const parent = checkUnit(options.parent, all.organisation);
      const period = checkPeriod(requireOption(all.period, '--period'));
      const ranking = await withNats(all.nats, (nc) => readModel(nc, all).ranking(parent, period));
      print(all, ranking, () =>
        ranking
          .map(
            (r) =>
              `${String(r.rank).padStart(3)}  ${r.total.toFixed(2).padStart(6)}  ${r.unit.code}  ${r.unit.name}`,
          )
          .join('\n'),
      );
    });

  indicators
    .command('dossiers')
    .description('the dossiers behind a number, e.g. the late dossiers of indicator 2.1')
    .requiredOption(
      '--indicator <id>',
      'indicator id, e.g. 2.1 (with the --unit and --period of `indicators`)',
    )
    .action(async (options: { indicator: string }, command: Command) => {
      const all = {
        ...command.optsWithGlobals<IndicatorConnectionOptions & { unit?: string; period?: string }>(),
        ...options,
      };
      const unit = checkUnit(requireOption(all.unit, '--unit'), all.organisation);
      const period = checkPeriod(requireOption(all.period, '--period'));
      const behind = await withNats(all.nats, (nc) =>
        readModel(nc, all).dossiersBehind(unit, period, options.indicator),
      );
      print(all, behind, () =>
        [
          `Đạt (${behind.numerator.length}):`,
          ...behind.numerator,
          `Không đạt (${behind.rest.length}):`,
          ...behind.rest,
        ].join('\n'),
      );
    });

  indicators
    .command('rebuild')
    .description(
      'rebuild every indicator from the start of the event stream into a new bucket and swap it in; an interrupted rebuild is resumed',
    )
    .option(
      '--partitions <n>',
      'partitions of the new bucket (1–64)',
      process.env.TTHC_INDICATOR_PARTITIONS ?? '1',
    )
    .option('--fresh', 'start a new bucket even if an interrupted rebuild could be resumed')
    .action(async (options: { partitions: string; fresh?: boolean }, command: Command) => {
      const all = command.optsWithGlobals<IndicatorConnectionOptions>();
      const partitions = Number(options.partitions);
      if (!Number.isInteger(partitions) || partitions < 1 || partitions > 64)
        throw new UsageError(`--partitions "${options.partitions}" must be a whole number from 1 to 64`);
      const logger = createLogger({ name: 'tthc-rebuild', level: 'warn', destination: stderrDestination() });
      const bar = rebuildProgressBar();
      const result = await withNats(all.nats, (nc) =>
        rebuildIndicators(nc, logger, (applied, total) => bar.update(applied, total), metaBucket(), {
          partitions,
          fresh: options.fresh,
          onResume: (bucket, position) =>
            process.stderr.write(
              `[tthc] resuming the interrupted rebuild into ${bucket} from event ${position.toLocaleString('en-US')}\n`,
            ),
        }),
      );
      bar.done();
      print(
        all,
        result,
        () =>
          `Rebuilt from ${result.events} events into ${result.bucket} (${result.partitions} partition${result.partitions === 1 ? '' : 's'}) in ${result.durationMs} ms${result.resumedFrom === undefined ? '' : `, resumed from event ${result.resumedFrom}`}; now active.`,
      );
    });

  registerIndicatorExportCommand(indicators);
}

export function formatScoreboard(
  unit: { code: string; name: string },
  period: string,
  board: Scoreboard,
): string {
  const rate = (indicator: Scoreboard['indicators'][number]) => {
    if (indicator.status === 'not-computable') return 'không tính được';
    return indicator.rate === null ? '   —  ' : `${indicator.rate.toFixed(2).padStart(6)}%`;
  };
  const lines = [`Bộ chỉ số 766 — ${unit.name} (${unit.code}), kỳ ${period}`, ''];
  for (const group of board.groups) {
    lines.push(`${group.id}. ${group.name}: ${group.points.toFixed(2)} / ${group.max}`);
    for (const indicator of board.indicators.filter((i) => i.group === group.id)) {
      const counts = `${indicator.numerator}/${indicator.denominator}`.padStart(9);
      lines.push(
        `   ${indicator.id.padEnd(5)} ${counts} ${rate(indicator)} ${indicator.points.toFixed(2).padStart(6)} / ${String(indicator.max).padEnd(2)}  ${indicator.name}`,
      );
      if (indicator.status === 'not-computable') lines.push(`         (${indicator.why})`);
    }
  }
  const uncounted =
    board.notComputablePoints > 0 ? ` (${board.notComputablePoints} điểm không tính được)` : '';
  lines.push('', `Tổng điểm: ${board.total.toFixed(2)} / 100${uncounted} — xếp loại ${board.rating}`);
  return lines.join('\n');
}
