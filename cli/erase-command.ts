/**
 * `tthc erase --dossier <code> [--reason <reason>] [--reference <ref>] [--json]`: erases a closed
 * dossier's personal data on a data subject's request (POST /v1/dossiers/{code}/erasure,
 * administrators only): the documents only it used, its digitized-registry records and its data
 * key. Refused (exit 5) while the dossier is open. Connection flags, exit codes and one-line errors
 * as `tthc dossier …` (cli/http.ts); every name printed comes from domain/.
 */
import type { Command } from 'commander';
import { dossierCodeSchema } from '../domain/dossier-code.js';
import { erasureReasonNames, requestedErasureReasons } from '../domain/personal-data-access.js';
import { formatZodError } from '../domain/validation.js';
import {
  type ErasureResult,
  erasureReferenceSchema,
  erasureResultSchema,
} from '../retention/erasure-schemas.js';
import {
  type ConnectionOptions,
  connectionOf,
  run,
  withConnection,
} from './dossier/dossier-command-support.js';
import { dayAndTime } from './dossier/dossier-formatting.js';
import { ApiError, apiExitCodes, apiRequest, exitCodesHelp } from './http.js';
import { print, UsageError } from './output.js';

interface EraseOptions extends ConnectionOptions {
  dossier: string;
  reason: string;
  reference?: string;
}

const reasonsHelp = requestedErasureReasons
  .map((reason) => `  ${reason}  ${erasureReasonNames[reason]}`)
  .join('\n');

export function registerEraseCommand(program: Command): void {
  withConnection(
    program
      .command('erase')
      .description(
        'erase the personal data of a closed dossier on a request (Law 91/2025/QH15): its documents, registry records and data key; logged (administrators)',
      )
      .requiredOption('--dossier <code>', 'the dossier code, e.g. 000.01.41.H99-260423-0007')
      .option('--reason <reason>', 'why (see below)', 'data-subject-request')
      .option(
        '--reference <ref>',
        'a reference to the request, e.g. its document number (letters, digits, . _ -)',
      )
      .addHelpText('after', `\nReasons:\n${reasonsHelp}\n\n${exitCodesHelp}`),
  ).action(
    run(async (options: EraseOptions) => {
      const body = {
        reason: checkReason(options.reason),
        reference: options.reference === undefined ? undefined : checkReference(options.reference),
      };
      const dossierCode = checkDossierCode(options.dossier);
      const { body: answer } = await apiRequest<unknown>(
        connectionOf(options),
        'POST',
        `/v1/dossiers/${encodeURIComponent(dossierCode)}/erasure`,
        { body },
      );
      const result = checkResult(answer);
      print(options, result, () => describeErasure(result));
    }),
  );
}

function checkDossierCode(text: string): string {
  const result = dossierCodeSchema.safeParse(text);
  if (!result.success) throw new UsageError(`--dossier "${text}" ${result.error.issues[0]?.message}`);
  return result.data;
}

function checkReason(text: string): (typeof requestedErasureReasons)[number] {
  const reason = requestedErasureReasons.find((known) => known === text);
  if (!reason)
    throw new UsageError(`--reason "${text}" must be one of ${requestedErasureReasons.join(', ')}`);
  return reason;
}

function checkReference(text: string): string {
  const result = erasureReferenceSchema.safeParse(text);
  if (!result.success) throw new UsageError(`--reference "${text}" ${result.error.issues[0]?.message}`);
  return result.data;
}

function checkResult(body: unknown): ErasureResult {
  const result = erasureResultSchema.safeParse(body);
  if (result.success) return result.data;
  throw new ApiError(
    `the API answered the erasure with something other than its result: ${formatZodError(result.error).slice(0, 3).join('; ')}`,
    apiExitCodes.failure,
  );
}

/** One line confirming what was erased, or that it had been erased before. */
export function describeErasure(result: ErasureResult): string {
  const when = dayAndTime(result.erasedAt);
  if (result.alreadyErased) {
    return `Dữ liệu cá nhân của hồ sơ ${result.dossierCode} đã được xóa trước đó (lúc ${when}); không có gì thay đổi.`;
  }
  const parts = [
    `${result.documents.destroyed.length} tài liệu bị hủy`,
    result.dataKeyDestroyed ? 'khóa dữ liệu của hồ sơ đã bị hủy' : 'hồ sơ không có khóa dữ liệu',
    `${result.digitizedRecordsRemoved} bản ghi số hóa được gỡ`,
  ];
  return `Đã xóa dữ liệu cá nhân của hồ sơ ${result.dossierCode} lúc ${when}: ${parts.join(', ')} (lý do: ${result.reasonName}).`;
}
