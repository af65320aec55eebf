/**
 * `tthc audit --dossier <code> [--json]`: every read of a dossier's personal data by an official
 * (GET /v1/audit/access, administrators only), one line per access: when (Vietnam time), who, in
 * which role, at which unit, and how. Connection flags, exit codes and one-line errors as
 * `tthc dossier …` (cli/http.ts); every name printed comes from domain/.
 */
import type { Command } from 'commander';
import { type AccessEntry, type AccessLogPage, accessLogPageSchema } from '../audit/access-entry.js';
import { roleNames } from '../domain/actor.js';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { formNames } from '../domain/forms/form-labels.js';
import { accessRouteName, erasureReasonNames } from '../domain/personal-data-access.js';
import { formatZodError } from '../domain/validation.js';
import {
  type ConnectionOptions,
  connectionOf,
  run,
  withConnection,
} from './dossier/dossier-command-support.js';
import { dayAndTime, table } from './dossier/dossier-formatting.js';
import { ApiError, apiExitCodes, apiRequest, exitCodesHelp } from './http.js';
import { print, UsageError } from './output.js';

interface AuditOptions extends ConnectionOptions {
  dossier: string;
}

export function registerAuditCommand(program: Command): void {
  withConnection(
    program
      .command('audit')
      .description(
        'the personal-data access log of a dossier: who read it, in which role and unit, when and how (administrators)',
      )
      .requiredOption('--dossier <code>', 'the dossier code, e.g. 000.01.41.H99-260423-0007')
      .addHelpText('after', `\n${exitCodesHelp}`),
  ).action(
    run(async (options: AuditOptions) => {
      const dossierCode = checkDossierCode(options.dossier);
      const connection = connectionOf(options);
      const { body } = await apiRequest<unknown>(connection, 'GET', '/v1/audit/access', {
        query: { dossier: dossierCode },
      });
      const page = checkPage(body);
      print(options, page, () => describeAccessLog(page));
    }),
  );
}

function checkDossierCode(text: string): string {
  const result = dossierCodeSchema.safeParse(text);
  if (!result.success) throw new UsageError(`--dossier "${text}" ${result.error.issues[0]?.message}`);
  return result.data;
}

function checkPage(body: unknown): AccessLogPage {
  const result = accessLogPageSchema.safeParse(body);
  if (result.success) return result.data;
  throw new ApiError(
    `the API answered GET /v1/audit/access with something other than an access log: ${formatZodError(result.error).slice(0, 3).join('; ')}`,
    apiExitCodes.failure,
  );
}

/** A heading, then one line per access in the order recorded. */
export function describeAccessLog(page: AccessLogPage): string {
  if (page.entries.length === 0) {
    return `Hồ sơ ${page.dossierCode}: chưa có lượt truy cập dữ liệu cá nhân nào được ghi nhận.`;
  }
  const rows = page.entries.map((entry) => [
    dayAndTime(entry.at),
    `${entry.official.name} (${entry.official.id})`,
    roleNames[entry.official.role],
    unitText(entry.official.unit, page.unitNames),
    routeText(entry),
  ]);
  const heading = `Nhật ký truy cập dữ liệu cá nhân của hồ sơ ${page.dossierCode}: ${page.entries.length} lượt`;
  return `${heading}\n${table(['Thời gian', 'Cán bộ', 'Vai trò', 'Đơn vị', 'Truy cập'], rows)}`;
}

function unitText(unit: string, names: Readonly<Record<string, string>>): string {
  const name = names[unit];
  return name ? `${name} (${unit})` : unit;
}

function routeText(entry: AccessEntry): string {
  const route = accessRouteName(entry.route);
  if (!entry.detail) return route;
  if (entry.route === 'erasure') return `${route}: ${erasureText(entry.detail)}`;
  const form =
    entry.route === 'form' ? (formNames as Readonly<Record<string, string>>)[entry.detail] : undefined;
  return `${route}: ${form ?? entry.detail}`;
}

/** `<reason>[:<reference>]` as the reason's name and the reference. */
function erasureText(detail: string): string {
  const [reason = '', ...rest] = detail.split(':');
  const name = (erasureReasonNames as Readonly<Record<string, string>>)[reason] ?? reason;
  return rest.length > 0 ? `${name} (${rest.join(':')})` : name;
}
