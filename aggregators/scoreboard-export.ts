/**
 * The export of scoreboards with everything they were computed from, so that anyone can recount
 * them (`npm run simulate -- --export FILE`, `tthc indicators export`; docs/indicators.md). JSON
 * lines, dossiers first, then feedback, then scoreboards, each group in code order:
 *   { "kind": "dossier", "code", "view" }         the dossier view as GET /v1/dossiers/{code}
 *                                                 shows it, without the official's `actions`
 *   { "kind": "feedback", "id", "view" }          the feedback view (GET /v1/feedback/{id})
 *   { "kind": "scoreboard", "unit", "period", "scoreboard" }   a UnitScoreboard (read-model.ts)
 */
import type { DossierView } from '../contract/dossier-contract.js';
import type { FeedbackView } from '../contract/feedback-contract.js';
import type { JsonLinesFile } from '../infra/json-lines-file.js';
import type { UnitScoreboard } from './read-model.js';

export type ExportLine =
  | { kind: 'dossier'; code: string; view: DossierView }
  | { kind: 'feedback'; id: string; view: FeedbackView }
  | { kind: 'scoreboard'; unit: string; period: string; scoreboard: UnitScoreboard };

/** Where an export reads from: the dossiers and feedback to include, how to read each, the scoreboards. */
export interface ExportSource {
  dossierCodes: readonly string[];
  dossierView(code: string): Promise<DossierView>;
  feedbackIds: readonly string[];
  feedbackView(id: string): Promise<FeedbackView>;
  scoreboards(): Promise<readonly UnitScoreboard[]>;
}

export interface ExportCounts {
  dossiers: number;
  feedback: number;
  scoreboards: number;
}

/** Views read at once: enough to hide the round trips, few enough not to crowd the servers. */
const readsAtOnce = 16;

/** Writes the whole export; `onProgress` hears how far the dossiers and feedback are. */
export async function writeExport(
  file: JsonLinesFile,
  source: ExportSource,
  onProgress: (line: string) => void = () => undefined,
): Promise<ExportCounts> {
  await writeInChunks(file, source.dossierCodes, 'dossiers', onProgress, async (code) => ({
    kind: 'dossier',
    code,
    view: withoutActions(await source.dossierView(code)),
  }));
  await writeInChunks(file, source.feedbackIds, 'feedback', onProgress, async (id) => ({
    kind: 'feedback',
    id,
    view: await source.feedbackView(id),
  }));
  const boards = [...(await source.scoreboards())].sort((a, b) => a.unit.code.localeCompare(b.unit.code));
  await file.write(
    boards.map(
      (board): ExportLine => ({
        kind: 'scoreboard',
        unit: board.unit.code,
        period: board.period,
        scoreboard: board,
      }),
    ),
  );
  return {
    dossiers: source.dossierCodes.length,
    feedback: source.feedbackIds.length,
    scoreboards: boards.length,
  };
}

async function writeInChunks(
  file: JsonLinesFile,
  keys: readonly string[],
  what: string,
  onProgress: (line: string) => void,
  lineOf: (key: string) => Promise<ExportLine>,
): Promise<void> {
  for (let i = 0; i < keys.length; i += readsAtOnce) {
    await file.write(await Promise.all(keys.slice(i, i + readsAtOnce).map(lineOf)));
    onProgress(`exporting ${what}: ${Math.min(i + readsAtOnce, keys.length)}/${keys.length}`);
  }
}

/** The API adds the actions the signed-in official may take; they are no part of the dossier. */
function withoutActions(view: DossierView & { actions?: unknown }): DossierView {
  const { actions: _actions, ...rest } = view;
  return rest;
}
