/** `tthc dossier receive`: receive a dossier at the counter (POST /v1/dossiers). */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { receiveResponseSchema } from '../../api/routes/dossier-routes.js';
import { type ApiConnection, ApiError, apiExitCodes, apiRequest, exitCodesHelp } from '../http.js';
import { print, UsageError } from '../output.js';
import {
  type ConnectionOptions,
  collect,
  connectionOf,
  isObject,
  readJsonFile,
  run,
  withConnection,
} from './dossier-command-support.js';
import { describeForms, fieldLines, longDate, statusLabel } from './dossier-formatting.js';

interface ReceiveOptions extends ConnectionOptions {
  file?: string;
  procedure?: string;
  applicantName?: string;
  idNumber?: string;
  taxCode?: string;
  phone?: string;
  address?: string;
  channel?: string;
  receivingUnit?: string;
  competentAgency?: string;
  document: string[];
  requestId?: string;
  receiptRequested?: boolean;
  refuseReason?: string;
}

type ReceiveResult = z.output<typeof receiveResponseSchema>;

/** `kind:form[:fileRef]`, e.g. giay-to-phap-ly-ca-nhan:paper:sha256:… (the file reference may hold colons). */
export function parseDocument(spec: string): Record<string, string> {
  const [kind, form, ...rest] = spec.split(':');
  if (!kind || !form || (form !== 'paper' && form !== 'electronic') || (rest.length > 0 && !rest.join(':'))) {
    throw new UsageError(
      `--document "${spec}" must be kind:form[:fileRef] with form paper or electronic, e.g. giay-to-phap-ly-ca-nhan:paper`,
    );
  }
  return rest.length > 0 ? { kind, form, fileRef: rest.join(':') } : { kind, form };
}

/** The unit named in a token, read without verifying it (the API verifies); undefined if unreadable. */
function unitOfToken(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { unit?: unknown };
    return typeof claims.unit === 'string' ? claims.unit : undefined;
  } catch {
    return undefined;
  }
}

interface FileContent {
  application: Record<string, unknown>;
  intake?: Record<string, unknown>;
}

/** --file: an application, or { application, intake }. */
function readApplicationFile(file: string): FileContent {
  const content = readJsonFile(file, '--file');
  if (!isObject(content)) {
    throw new UsageError(
      `--file "${file}" must hold a JSON object: an application or { application, intake }`,
    );
  }
  if (!isObject(content.application)) return { application: { ...content } };
  return content.intake === undefined
    ? { application: { ...content.application } }
    : { application: { ...content.application }, intake: content.intake as Record<string, unknown> };
}

/** Without --file, the flags must name the procedure, the applicant and the competent agency. */
function requireApplicationFlags(options: ReceiveOptions): void {
  const missing = [
    ['--procedure', options.procedure],
    ['--applicant-name', options.applicantName],
    ['--id-number (or --tax-code)', options.idNumber ?? options.taxCode],
    ['--competent-agency', options.competentAgency],
  ].filter(([, value]) => value === undefined);
  if (missing.length > 0) {
    throw new UsageError(
      `receive needs --file <application.json> or ${missing.map(([flag]) => flag).join(', ')}`,
    );
  }
}

/** The applicant with the flags laid over the file's: an organisation with --tax-code. */
function applicantOf(options: ReceiveOptions, fromFile: unknown): Record<string, unknown> {
  const base = isObject(fromFile) ? fromFile : {};
  const organisation =
    options.taxCode !== undefined || (options.idNumber === undefined && base.type === 'organisation');
  const applicant: Record<string, unknown> = organisation
    ? { ...base, type: 'organisation' }
    : { ...base, type: 'citizen' };
  const put = (key: string, value: unknown) => {
    if (value !== undefined) applicant[key] = value;
  };
  put(organisation ? 'name' : 'fullName', options.applicantName);
  put(organisation ? 'taxCode' : 'idNumber', organisation ? options.taxCode : options.idNumber);
  put('phone', options.phone);
  put('address', options.address);
  return applicant;
}

function receiveBody(options: ReceiveOptions, connection: ApiConnection): Record<string, unknown> {
  let application: Record<string, unknown> = {};
  let intake: Record<string, unknown> | undefined;
  if (options.file) ({ application, intake } = readApplicationFile(options.file));
  else requireApplicationFlags(options);

  const set = (key: string, value: unknown) => {
    if (value !== undefined) application[key] = value;
  };
  set('requestId', options.requestId ?? application.requestId ?? randomUUID());
  set('procedureCode', options.procedure);
  set('channel', options.channel ?? application.channel ?? 'counter');
  set('receivingUnit', options.receivingUnit ?? application.receivingUnit ?? unitOfToken(connection.token));
  set('competentAgency', options.competentAgency);
  if (options.document.length > 0 || application.documents === undefined) {
    application.documents = options.document.map(parseDocument);
  }
  const applicantFlags = [
    options.applicantName,
    options.idNumber,
    options.taxCode,
    options.phone,
    options.address,
  ];
  if (applicantFlags.some((value) => value !== undefined)) {
    application.applicant = applicantOf(options, application.applicant);
  }
  if (options.refuseReason !== undefined || options.receiptRequested) {
    intake = { ...(intake ?? {}) };
    if (options.refuseReason !== undefined) intake.refuseReason = options.refuseReason;
    if (options.receiptRequested) intake.receiptRequested = true;
  }
  return intake === undefined ? { application } : { application, intake };
}

function describeReceived(r: ReceiveResult, api: string): string {
  const headline = {
    accepted: `Đã tiếp nhận hồ sơ ${r.code}`,
    supplement: `Hồ sơ ${r.code} chưa đủ: yêu cầu bổ sung, hoàn thiện`,
    refused: `Từ chối tiếp nhận hồ sơ ${r.code}`,
  }[r.outcome];
  const lines = [
    r.existing ? `${headline} (đã tiếp nhận trước đó với cùng requestId; không tạo hồ sơ mới)` : headline,
    fieldLines([
      ['Trạng thái', statusLabel(r.status, r.statusName)],
      ['Ngày hẹn trả kết quả', r.appointmentDate ? longDate(r.appointmentDate) : undefined],
      [
        'Mã tra cứu',
        `${r.lookupSecret} (in trên giấy tiếp nhận; tra cứu: ${api.replace(/\/+$/, '')}${r.links.lookup})`,
      ],
      ['Phiếu đã lập', describeForms(r.forms)],
    ]),
  ];
  if (r.missing?.length) {
    lines.push(`Cần bổ sung (${r.missing.length}):`);
    for (const item of r.missing) lines.push(`  - ${item.name}: ${item.reason}`);
  }
  return lines.join('\n');
}

/** POST /v1/dossiers; a failure that may hide a received dossier names the request id to retry with. */
async function receive(connection: ApiConnection, body: Record<string, unknown>): Promise<ReceiveResult> {
  try {
    return (await apiRequest<ReceiveResult>(connection, 'POST', '/v1/dossiers', { body })).body;
  } catch (error) {
    // It may have been received all the same: the same request id never makes a second dossier.
    if (error instanceof ApiError && error.exitCode === apiExitCodes.failure) {
      const requestId = (body.application as { requestId?: unknown }).requestId;
      throw new ApiError(
        `${error.message}; retry with --request-id ${requestId}`,
        error.exitCode,
        error.status,
        error.body,
      );
    }
    throw error;
  }
}

export function registerReceiveCommand(dossier: Command): void {
  withConnection(
    dossier
      .command('receive')
      .description(
        'receive a dossier at the counter; prints the code, status, appointment date, lookup secret and forms',
      )
      .option(
        '--file <application.json>',
        'the application (or { application, intake }) as JSON; - reads stdin',
      )
      .option('--procedure <code>', 'procedure code, e.g. 1.001612')
      .option('--applicant-name <name>', 'the applicant’s full name (an organisation’s name with --tax-code)')
      .option('--id-number <digits>', 'the citizen’s 12-digit personal id number (CCCD)')
      .option('--tax-code <code>', 'an organisation applicant’s tax code (mã số thuế)')
      .option('--phone <number>', 'the applicant’s phone number')
      .option('--address <text>', 'the applicant’s address')
      .option('--channel <channel>', 'counter, online or postal (default: counter)')
      .option('--receiving-unit <code>', 'the one-stop unit receiving it (default: the token’s unit)')
      .option('--competent-agency <code>', 'the agency that decides, e.g. 000.00.41.H99')
      .option(
        '--document <kind:form[:fileRef]>',
        'a component, e.g. giay-to-phap-ly-ca-nhan:paper (repeatable)',
        collect,
        [],
      )
      .option(
        '--request-id <id>',
        'idempotency key: the same id never creates a second dossier (default: a random uuid)',
      )
      .option('--receipt-requested', 'same-day procedures: the applicant asks for a receipt')
      .option('--refuse-reason <text>', 'refuse at intake for this reason (Mẫu 03)')
      .addHelpText('after', `\nFlags override the same fields of --file.\n\n${exitCodesHelp}`),
  ).action(
    run(async (options: ReceiveOptions) => {
      const connection = connectionOf(options);
      const received = await receive(connection, receiveBody(options, connection));
      print(options, received, () => describeReceived(received, connection.api));
    }),
  );
}
