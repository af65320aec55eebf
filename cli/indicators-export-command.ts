/**
 * `tthc indicators export --unit <code> --period <id> --export FILE`: the scoreboards of the unit
 * and of every unit under it, with every dossier and feedback behind them, as JSON lines that
 * anyone can recount (aggregators/scoreboard-export.ts; docs/indicators.md). Which dossiers and
 * feedback: the indicator store's records of the subtree with a fact dated in the period. Their
 * views come from the HTTP API, so the token's authorization applies; the scoreboards come from
 * the read model, as `tthc indicators` prints them.
 */
import type { Command } from 'commander';
import type { IndicatorReadModel } from '../aggregators/read-model.js';
import { writeExport } from '../aggregators/scoreboard-export.js';
import type { DossierView } from '../contract/dossier-contract.js';
import type { FeedbackView } from '../contract/feedback-contract.js';
import { JsonLinesFile } from '../infra/json-lines-file.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { connectionOf, run } from './dossier/dossier-command-support.js';
import { type ApiConnection, ApiError, apiRequest, DEFAULT_API_URL } from './http.js';
import {
  checkPeriod,
  checkUnit,
  type IndicatorConnectionOptions,
  readModel,
  requireOption,
  withNats,
} from './indicator-command-support.js';
import { print } from './output.js';

interface ExportOptions extends IndicatorConnectionOptions {
  unit?: string;
  period?: string;
  export: string;
  api?: string;
  token?: string;
}

export function registerIndicatorExportCommand(indicators: Command): void {
  indicators
    .command('export')
    .description(
      'write the scoreboards of --unit and every unit under it for --period, with every dossier and feedback behind them (views from the API), as JSON lines to recount',
    )
    .requiredOption(
      '--export <file>',
      'the JSON-lines file to write (with the --unit and --period of `indicators`)',
    )
    .option('--api <url>', `API base URL (default: TTHC_API_URL or ${DEFAULT_API_URL})`)
    .option('--token <jwt>', 'a supervisor’s or administrator’s token (default: TTHC_TOKEN)')
    .action(
      run(async (options: Partial<ExportOptions>, command: Command) => {
        const all = { ...command.optsWithGlobals<ExportOptions>(), ...options };
        const unit = checkUnit(requireOption(all.unit, '--unit'), all.organisation);
        const period = checkPeriod(requireOption(all.period, '--period'));
        const connection = connectionOf(all);
        const file = await JsonLinesFile.create(all.export, '--export');
        const progress = progressLine();
        try {
          const counts = await withNats(all.nats, async (nc) => {
            const model = readModel(nc, all);
            const records = await model.recordsTouching(unit, period);
            return writeExport(
              file,
              {
                dossierCodes: records.dossiers,
                dossierView: (code) => read<DossierView>(connection, 'dossier', `/v1/dossiers/${code}`),
                feedbackIds: records.feedback,
                feedbackView: (id) => read<FeedbackView>(connection, 'feedback', `/v1/feedback/${id}`),
                scoreboards: () => subtreeScoreboards(model, all.organisation, unit, period),
              },
              progress.show,
            );
          });
          progress.end();
          print(
            all,
            { file: all.export, ...counts },
            () =>
              `Đã xuất ${counts.dossiers} hồ sơ, ${counts.feedback} phản ánh, kiến nghị và ${counts.scoreboards} bảng điểm vào ${all.export}`,
          );
        } finally {
          progress.end();
          await file.close();
        }
      }),
    );
}

/** One view from the API; a failure names what could not be read. */
async function read<T>(connection: ApiConnection, what: string, path: string): Promise<T> {
  try {
    return (await apiRequest<T>(connection, 'GET', encodeURI(path))).body;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const id = path.slice(path.lastIndexOf('/') + 1);
    throw new ApiError(`${what} ${id}: ${error.message}`, error.exitCode, error.status, error.body);
  }
}

function subtreeScoreboards(model: IndicatorReadModel, organisation: string, unit: string, period: string) {
  const units = [
    unit,
    ...loadOrganisation(organisation)
      .descendants(unit)
      .map((u) => u.code),
  ];
  return Promise.all(units.map((code) => model.scoreboard(code, period)));
}

/** A progress line on stderr, rewritten in place and ended (once) before anything else is printed. */
function progressLine() {
  let shown = false;
  return {
    show(line: string) {
      shown = true;
      process.stderr.write(`\r\x1b[K[tthc] ${line}`);
    },
    end() {
      if (shown) process.stderr.write('\n');
      shown = false;
    },
  };
}
