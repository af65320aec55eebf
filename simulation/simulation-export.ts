/** `npm run simulate -- --export FILE`: every dossier and feedback of the run, read from its servers, and the scoreboards of the report. */
import type { UnitScoreboard } from '../aggregators/read-model.js';
import { type ExportCounts, writeExport } from '../aggregators/scoreboard-export.js';
import type { JsonLinesFile } from '../infra/json-lines-file.js';
import type { ShardRouting } from './simulation-shards.js';

export function exportSimulation(
  file: JsonLinesFile,
  routing: ShardRouting,
  scoreboards: readonly UnitScoreboard[],
  onProgress: (line: string) => void,
): Promise<ExportCounts> {
  return writeExport(
    file,
    {
      dossierCodes: routing.dossierCodes(),
      dossierView: (code) => routing.dossierClient(code).get(code),
      feedbackIds: routing.feedbackIds(),
      feedbackView: (id) => routing.feedbackClient(id).get(id),
      scoreboards: async () => scoreboards,
    },
    onProgress,
  );
}
