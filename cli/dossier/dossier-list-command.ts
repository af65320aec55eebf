/** `tthc dossier list`: search the dossiers within the official's scope (GET /v1/dossiers). */
import type { Command } from 'commander';
import type { z } from 'zod';
import type { searchResponseSchema } from '../../api/routes/dossier-routes.js';
import { statusNames } from '../../domain/dossier/dossier-status.js';
import { type ApiConnection, apiRequest, exitCodesHelp } from '../http.js';
import { print } from '../output.js';
import {
  type ConnectionOptions,
  connectionOf,
  renameIssues,
  run,
  withConnection,
} from './dossier-command-support.js';
import { dueDay, table } from './dossier-formatting.js';

interface ListOptions extends ConnectionOptions {
  unit?: string;
  agency?: string;
  procedure?: string;
  status?: string;
  overdue?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  pageSize?: string;
  pageToken?: string;
  all?: boolean;
}

type SearchPage = z.output<typeof searchResponseSchema>;
type SearchQuery = Record<string, string | undefined>;

/** The flag that sets each query parameter, to name it in the API's issues. */
const listFlags: Record<string, string> = {
  receivingUnit: '--unit',
  competentAgency: '--agency',
  procedure: '--procedure',
  status: '--status',
  overdue: '--overdue',
  dueBefore: '--due-before',
  dueAfter: '--due-after',
  pageSize: '--page-size',
  pageToken: '--page-token',
};

function searchQuery(options: ListOptions): SearchQuery {
  return {
    receivingUnit: options.unit,
    competentAgency: options.agency,
    procedure: options.procedure,
    status: options.status,
    overdue: options.overdue === undefined ? undefined : String(options.overdue),
    dueBefore: options.dueBefore,
    dueAfter: options.dueAfter,
    pageSize: options.pageSize,
  };
}

async function fetchPage(
  connection: ApiConnection,
  query: SearchQuery,
  pageToken: string | undefined,
): Promise<SearchPage> {
  try {
    return (
      await apiRequest<SearchPage>(connection, 'GET', '/v1/dossiers', { query: { ...query, pageToken } })
    ).body;
  } catch (error) {
    throw renameIssues(error, connection, listFlags);
  }
}

/** Every page after `first`, into one, with the progress on stderr. */
async function fetchEveryPage(
  connection: ApiConnection,
  query: SearchQuery,
  first: SearchPage,
): Promise<SearchPage> {
  const items = [...first.items];
  let page = first;
  let pages = 1;
  const progress = () =>
    process.stderr.write(`\r[tthc] listing dossiers: page ${pages}, ${items.length} dossiers`);
  progress();
  while (page.nextPageToken) {
    page = await fetchPage(connection, query, page.nextPageToken);
    items.push(...page.items);
    pages += 1;
    progress();
  }
  process.stderr.write('\n');
  return { items };
}

function describePage(page: SearchPage, all: boolean): string {
  if (page.items.length === 0) return 'Không có hồ sơ nào (no dossiers).';
  const rows = page.items.map((item) => [
    item.code,
    item.statusName ?? item.status ?? '—',
    dueDay(item.dueAt),
    item.overdue ? 'có' : 'không',
  ]);
  const lines = [
    table(['Mã hồ sơ', 'Trạng thái', 'Hạn trả', 'Quá hạn'], rows),
    `(${page.items.length} hồ sơ)`,
  ];
  if (page.nextPageToken && !all) lines.push(`Trang tiếp (next page): --page-token ${page.nextPageToken}`);
  return lines.join('\n');
}

export function registerListCommand(dossier: Command): void {
  withConnection(
    dossier
      .command('list')
      .description(
        'search dossiers within the official’s scope, newest first (code, status, due date, overdue)',
      )
      .option('--unit <code>', 'received at this unit')
      .option('--agency <code>', 'decided by this competent agency')
      .option('--procedure <code>', 'of this procedure')
      .option('--status <status>', `one of ${Object.keys(statusNames).join(', ')}`)
      .option('--overdue', 'only overdue dossiers')
      .option('--no-overdue', 'only dossiers not overdue')
      .option('--due-before <date>', 'appointment before this date (00:00 Vietnam time) or instant')
      .option('--due-after <date>', 'appointment at or after this date or instant')
      .option('--page-size <n>', 'dossiers per page, 1–100 (default 20)')
      .option('--page-token <token>', 'the next page of an earlier listing (printed under its table)')
      .option('--all', 'every page (progress on stderr)')
      .addHelpText(
        'after',
        `\nNeeds a Temporal server with visibility (not the time-skipping test server).\n\n${exitCodesHelp}`,
      ),
  ).action(
    run(async (options: ListOptions) => {
      const connection = connectionOf(options);
      const query = searchQuery(options);
      const first = await fetchPage(connection, query, options.pageToken);
      const page = options.all ? await fetchEveryPage(connection, query, first) : first;
      print(options, page, () => describePage(page, Boolean(options.all)));
    }),
  );
}
