/**
 * `tthc dossier …`: the dossier operations of the HTTP API for people at a terminal. Every command
 * calls the API (so the official's token decides what they may do, exactly as over HTTP):
 *   tthc dossier receive  --file application.json | --procedure … --applicant-name … …
 *   tthc dossier show     <code>
 *   tthc dossier act      <code> <action> [--payload '{…}' | --payload-file f.json] [--reason …] [--note …]
 *   tthc dossier list     [--unit …] [--agency …] [--procedure …] [--status …] [--overdue] … [--all]
 *   tthc dossier form     <code> <form>
 * A table or a few lines for people by default, JSON with --json; one-line `tthc: …` errors with
 * the API's reason; exit codes in cli/http.ts (`apiExitCodes`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { actionRules } from '../api/authorization.js';
import { type ActionName, actionNames } from '../domain/dossier/dossier-actions.js';
import { statusNames } from '../domain/dossier/dossier-status.js';
import { labels } from '../domain/forms/form-labels.js';
import {
  formatVietnameseDate,
  isCivilDate,
  minutesOfDay,
  parseInstant,
  toCivilDate,
  weekday,
} from '../domain/time.js';
import {
  type ApiConnection,
  ApiError,
  apiExitCodes,
  apiRequest,
  checkApiUrl,
  DEFAULT_API_URL,
  describeFailure,
  exitCodesHelp,
} from './http.js';
import { print, UsageError } from './output.js';

// ---------------------------------------------------------------------------------------------
// Connection and error handling

interface ConnectionOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

function withConnection(command: Command): Command {
  return command
    .option('--api <url>', `API base URL (default: TTHC_API_URL or ${DEFAULT_API_URL})`)
    .option('--token <jwt>', 'the official’s token (default: TTHC_TOKEN; get one with `tthc token issue`)')
    .option('--json', 'print JSON for scripts instead of text for people');
}

function connectionOf(options: ConnectionOptions): ApiConnection {
  const api =
    options.api !== undefined
      ? checkApiUrl(options.api)
      : checkApiUrl(process.env.TTHC_API_URL || DEFAULT_API_URL, 'TTHC_API_URL');
  const token = options.token ?? process.env.TTHC_TOKEN;
  return { api, token: token?.trim() || undefined };
}

/**
 * Runs a command; an ApiError ends the process with its own exit code and one `tthc:` line.
 * Other errors go to main.ts (usage errors exit 2, the rest 1).
 */
function run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      process.stderr.write(`tthc: ${error.message}\n`);
      process.exit(error.exitCode);
    }
  };
}

/** A 400 on query parameters, with the API's parameter names replaced by the flags that set them. */
function renameIssues(error: unknown, connection: ApiConnection, names: Record<string, string>): unknown {
  if (!(error instanceof ApiError) || error.status !== 400 || !error.body?.issues) return error;
  const issues = error.body.issues.map((issue) => {
    const match = /^([A-Za-z]+)(.*)$/s.exec(issue);
    const flag = match?.[1] ? names[match[1]] : undefined;
    return flag ? `${flag}${match?.[2]}` : issue;
  });
  const body = { ...error.body, issues };
  return new ApiError(describeFailure(400, body, connection), error.exitCode, 400, body);
}

function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} "${path}" cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  return parseJson(text, `${flag} "${path}"`);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// ---------------------------------------------------------------------------------------------
// Formatting

const weekdayNames = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

function longDate(date: string): string {
  return isCivilDate(date) ? `${weekdayNames[weekday(date)]}, ${formatVietnameseDate(date)}` : date;
}

/** 'HH:mm dd/MM/yyyy' in Vietnam time. */
function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  try {
    const instant = parseInstant(iso);
    const minutes = minutesOfDay(instant);
    const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    return `${hhmm} ${formatVietnameseDate(toCivilDate(instant))}`;
  } catch {
    return iso;
  }
}

/** The last day of an appointment instant: 00:00 Vietnam time belongs to the day before. */
function dueDay(iso: string | undefined): string {
  if (!iso) return '—';
  try {
    const instant = parseInstant(iso);
    const minutes = minutesOfDay(instant);
    if (minutes === 0) return formatVietnameseDate(toCivilDate(instant - 1));
    return dateTime(iso);
  } catch {
    return iso;
  }
}

/** ', trước HH:mm' when an appointment instant is not the end of its day. */
function timeOf(iso: string): string {
  try {
    const minutes = minutesOfDay(parseInstant(iso));
    if (minutes === 0) return '';
    return `, trước ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  } catch {
    return '';
  }
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function fieldLines(pairs: Array<[string, string | undefined]>): string {
  const present = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 1;
  return present.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join('\n');
}

const formNames: Record<string, string> = {
  receipt: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  'supplementation-request': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  refusal: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  apology: 'Phiếu xin lỗi và hẹn lại ngày trả kết quả',
  'stop-notice': 'Thông báo dừng giải quyết hồ sơ',
  'control-sheet': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
};
const formKinds = Object.keys(formNames);

function describeForms(forms: readonly string[]): string {
  return forms.length === 0
    ? 'không có'
    : forms.map((kind) => `${formNames[kind] ?? kind} (${kind})`).join('; ');
}

const stepNames: Record<string, string> = {
  intake: 'tiếp nhận',
  assign: 'phân công',
  appraise: 'thẩm định',
  approve: 'phê duyệt',
  return: 'trả kết quả',
  done: 'đã kết thúc',
};

const roleNames: Record<string, string> = {
  'counter-officer': 'cán bộ một cửa',
  specialist: 'chuyên viên',
  leader: 'lãnh đạo',
  applicant: 'người nộp hồ sơ',
  supervisor: 'cán bộ giám sát',
  administrator: 'quản trị',
};

function statusLabel(status: string | undefined, name?: string): string {
  if (!status) return '—';
  return `${name ?? statusNames[status as keyof typeof statusNames] ?? status} (${status})`;
}

// ---------------------------------------------------------------------------------------------
// receive

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

interface ReceiveResult {
  code: string;
  existing: boolean;
  outcome: 'accepted' | 'supplement' | 'refused';
  status: string;
  statusName: string;
  appointmentDate?: string;
  forms: string[];
  missing?: Array<{ name: string; reason: string; form?: string }>;
  lookupSecret: string;
  links: { self: string; lookup: string };
}

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

function receiveBody(options: ReceiveOptions, connection: ApiConnection): Record<string, unknown> {
  let application: Record<string, unknown> = {};
  let intake: Record<string, unknown> | undefined;
  if (options.file) {
    const content = readJsonFile(options.file, '--file');
    if (!isObject(content)) {
      throw new UsageError(
        `--file "${options.file}" must hold a JSON object: an application or { application, intake }`,
      );
    }
    if (isObject(content.application)) {
      application = { ...content.application };
      if (content.intake !== undefined) intake = content.intake as Record<string, unknown>;
    } else {
      application = { ...content };
    }
  } else {
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
    const base = isObject(application.applicant) ? application.applicant : {};
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
    application.applicant = applicant;
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

// ---------------------------------------------------------------------------------------------
// show

interface HistoryEntry {
  at: string;
  action: string;
  status: string;
  actor?: { id: string; name: string; unit: string; role: string };
  note?: string;
}

interface DossierView {
  state: {
    code: string;
    status: string;
    step?: string;
    holder?: { unit: string; official?: { id: string; name: string } };
    procedure: { code: string; name: string };
    application: { receivingUnit: string; competentAgency: string; channel?: string };
    apology?: {
      at: string;
      reason: string;
      previousDueDate: string;
      newDueDate: string;
      by: string;
      late: boolean;
    };
    apologyRequiredSince?: string | number;
    overdueSince?: string | number;
    result?: { kind: string; signedBy: string; link: string };
    endReason?: string;
    history: HistoryEntry[];
  };
  statusName: string;
  deadlines: {
    decree?: { dueDate: string; dueAt: string; paused: boolean };
    decision766?: { dueDate: string; onTimeSoFar: boolean; pausedMs: number; lateReason?: string };
    paused: boolean;
    pauses: Array<{ from: string; to?: string }>;
    rescheduled: boolean;
  };
  forms: Record<string, unknown>;
  ended: boolean;
}

function instantText(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? dateTime(new Date(value).toISOString()) : dateTime(value);
}

function describeDossier(view: DossierView): string {
  const { state, deadlines } = view;
  const holder = state.holder
    ? `${state.holder.unit}${state.holder.official ? ` — ${state.holder.official.name} (${state.holder.official.id})` : ''}`
    : undefined;
  const decree = deadlines.decree
    ? `${longDate(deadlines.decree.dueDate)}${timeOf(deadlines.decree.dueAt)}${deadlines.decree.paused ? ' (đang tạm dừng)' : ''}`
    : deadlines.paused
      ? 'đang tạm dừng chờ bổ sung'
      : undefined;
  const d766 = deadlines.decision766
    ? `${formatVietnameseDate(deadlines.decision766.dueDate)} — ${
        deadlines.decision766.onTimeSoFar
          ? 'đúng hạn đến nay'
          : `trễ hạn (${deadlines.decision766.lateReason ?? 'quá hạn'})`
      }`
    : undefined;
  const pauses =
    deadlines.pauses.length === 0
      ? 'không'
      : deadlines.pauses
          .map((p) => `${dateTime(p.from)} → ${p.to ? dateTime(p.to) : 'đang tạm dừng'}`)
          .join('; ');
  const apology = state.apology
    ? `${state.apology.reason}; hẹn lại ${formatVietnameseDate(state.apology.newDueDate)} (trước đó ${formatVietnameseDate(state.apology.previousDueDate)}), ${dateTime(state.apology.at)}`
    : state.apologyRequiredSince !== undefined
      ? `cần xin lỗi và hẹn lại (từ ${instantText(state.apologyRequiredSince)})`
      : 'không';
  const header = fieldLines([
    ['Hồ sơ', state.code],
    ['Thủ tục', `${state.procedure.code} ${state.procedure.name}`],
    ['Tiếp nhận tại', state.application.receivingUnit],
    ['Cơ quan giải quyết', state.application.competentAgency],
    ['Trạng thái', `${statusLabel(state.status, view.statusName)}${view.ended ? ', đã kết thúc' : ''}`],
    ['Bước', state.step ? `${stepNames[state.step] ?? state.step} (${state.step})` : undefined],
    ['Đang giữ', holder],
    ['Hạn trả (NĐ 61)', decree],
    ['Hạn theo QĐ 766', d766],
    ['Tạm dừng', pauses],
    ['Xin lỗi, hẹn lại', apology],
    ['Quá hạn từ', instantText(state.overdueSince)],
    [
      'Kết quả',
      state.result
        ? `${state.result.kind}, ký bởi ${state.result.signedBy}: ${state.result.link}`
        : undefined,
    ],
    ['Lý do kết thúc', state.endReason],
    ['Phiếu', describeForms(Object.keys(view.forms))],
  ]);
  const history = table(
    ['Thời gian', 'Thao tác', 'Người thực hiện', 'Trạng thái'],
    state.history.map((h) => [
      dateTime(h.at),
      h.action,
      h.actor ? `${h.actor.name} (${roleNames[h.actor.role] ?? h.actor.role}, ${h.actor.unit})` : 'hệ thống',
      statusNames[h.status as keyof typeof statusNames] ?? h.status,
    ]),
  );
  return `${header}\n\nLịch sử:\n${history.replace(/^/gm, '  ')}`;
}

// ---------------------------------------------------------------------------------------------
// act

const payloadExamples: Record<ActionName, string> = {
  'provide-intake-supplement': `--payload '{"documents":[{"kind":"giay-to-phap-ly-ca-nhan","form":"paper"}]}'`,
  'refuse-intake': `--reason "…"`,
  'request-supplementation': `--payload '{"items":[{"name":"…","reason":"…"}]}' --reason "…"`,
  'provide-supplementation': `--payload '{"documents":[{"kind":"…","form":"paper"}]}'`,
  assign: `--payload '{"specialist":{"id":"chuyen-vien-1","name":"Phạm Thị Lan"}}'`,
  appraise: `--payload '{"recommendation":"approve"}' --note "Đủ điều kiện"`,
  'start-inter-agency': `--payload '{"participants":[{"agency":"000.00.11.H99","task":"…","workingDays":3}]}'`,
  'complete-inter-agency': `--payload '{"opinion":"…"}' (agency: the token’s unit)`,
  approve: `[--note "…"] [--payload '{"alsoPaperResult":true}']`,
  refuse: `--reason "…"`,
  apologize: `--payload '{"newDueDate":"2026-05-06"}' --reason "…"`,
  stop: `--reason "…"`,
  withdraw: `[--reason "…"]`,
  'return-result': `--payload '{"channel":"counter"}'`,
  'record-payment': `--payload '{"amountVnd":100000,"channel":"cash"}'`,
  evaluate: `--payload '{"scores":{"1":2,"3":2,"7":2},"liked":true}'`,
};

const unitWords = {
  'receiving-unit': 'receiving unit',
  'competent-agency': 'competent agency',
  'participating-agency': 'participating agency',
} as const;

function actionsHelp(): string {
  const width = Math.max(...actionNames.map((name) => name.length));
  const whoWidth = Math.max(
    ...actionNames.map(
      (name) => `${actionRules[name].roles.join('/')} of the ${unitWords[actionRules[name].unit]}`.length,
    ),
  );
  const rows = actionNames.map((name) => {
    const rule = actionRules[name];
    const who = `${rule.roles.join('/')} of the ${unitWords[rule.unit]}`;
    return `  ${name.padEnd(width)}  ${who.padEnd(whoWidth)}  ${payloadExamples[name]}`;
  });
  return `Actions (who may take them, and the payload: see the API's /docs for every field):\n${rows.join('\n')}`;
}

interface ActOptions extends ConnectionOptions {
  payload?: string;
  payloadFile?: string;
  reason?: string;
  note?: string;
}

interface ActionResult {
  code: string;
  action: string;
  status: string;
  statusName: string;
  dueDate?: string;
  forms: string[];
  stillMissing?: Array<{ name: string; reason: string }>;
}

function actionPayload(options: ActOptions): Record<string, unknown> {
  if (options.payload !== undefined && options.payloadFile !== undefined) {
    throw new UsageError('give either --payload or --payload-file, not both');
  }
  let payload: unknown = {};
  if (options.payload !== undefined) payload = parseJson(options.payload, '--payload');
  if (options.payloadFile !== undefined) payload = readJsonFile(options.payloadFile, '--payload-file');
  if (!isObject(payload)) throw new UsageError('the payload must be a JSON object, e.g. {"note":"…"}');
  if (options.reason !== undefined) payload.reason = options.reason;
  if (options.note !== undefined) payload.note = options.note;
  return payload;
}

// ---------------------------------------------------------------------------------------------
// list

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

interface SearchItem {
  code: string;
  receivingUnit?: string;
  competentAgency?: string;
  procedure?: string;
  status?: string;
  statusName?: string;
  dueAt?: string;
  overdue: boolean;
  closed: boolean;
}

interface SearchPage {
  items: SearchItem[];
  nextPageToken?: string;
}

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

// ---------------------------------------------------------------------------------------------
// form

interface FormData {
  kind: string;
  number?: string;
  title?: string;
  legalBasis?: string;
  issuedDate?: string;
  issuingUnit?: { code: string; name: string };
  fields: Record<string, unknown>;
  lines?: Array<Record<string, unknown>>;
}

/** A form value as printed: dates, coded values, units, yes/no. */
function formValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'Có' : 'Không';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(formValue).join(', ');
  if (isObject(value)) {
    if (typeof value.text === 'string') return value.text;
    if (typeof value.date === 'string' && typeof value.time === 'string')
      return `${value.time} ${value.date}`;
    if (typeof value.date === 'string') return value.date;
    if (typeof value.name === 'string' && typeof value.code === 'string')
      return `${value.name} (${value.code})`;
    if (typeof value.name === 'string') return value.name;
  }
  return JSON.stringify(value);
}

function describeForm(form: FormData): string {
  const kindLabels = (labels as Record<string, Record<string, string> | undefined>)[form.kind] ?? {};
  const label = (key: string) => kindLabels[key] ?? key;
  const heading = [form.number, form.title].filter(Boolean).join(' — ');
  const lines = [heading || form.kind];
  const meta = fieldLines([
    ['Căn cứ', form.legalBasis],
    ['Đơn vị lập', form.issuingUnit ? formValue(form.issuingUnit) : undefined],
    ['Ngày lập', form.issuedDate],
  ]);
  if (meta) lines.push(meta);
  lines.push('');
  lines.push(
    fieldLines(
      Object.entries(form.fields).map(([key, value]) => [label(key), formValue(value)] as [string, string]),
    ),
  );
  if (form.lines?.length) {
    const keys = [...new Set(form.lines.flatMap((line) => Object.keys(line)))];
    lines.push(
      '',
      table(
        keys.map(label),
        form.lines.map((line) => keys.map((key) => formValue(line[key]))),
      ),
    );
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Commands

export function registerDossierCommands(program: Command): void {
  const dossier = program
    .command('dossier')
    .description('dossiers through the HTTP API: receive, show, act, list, forms (hồ sơ)')
    .addHelpText(
      'after',
      `
Every command calls the API at --api (TTHC_API_URL, default ${DEFAULT_API_URL}) with the official's
token --token (TTHC_TOKEN; from \`tthc token issue\`): the API decides what the official may do.

${exitCodesHelp}`,
    );

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
      const body = receiveBody(options, connection);
      let received: ReceiveResult;
      try {
        ({ body: received } = await apiRequest<ReceiveResult>(connection, 'POST', '/v1/dossiers', { body }));
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
      print(options, received, () => describeReceived(received, connection.api));
    }),
  );

  withConnection(
    dossier
      .command('show <code>')
      .description('status, step, holder, deadlines, pauses, apology and history of a dossier')
      .addHelpText('after', `\n${exitCodesHelp}`),
  ).action(
    run(async (code: string, options: ConnectionOptions) => {
      const connection = connectionOf(options);
      const { body: view } = await apiRequest<DossierView>(
        connection,
        'GET',
        `/v1/dossiers/${encodeURIComponent(code)}`,
      );
      print(options, view, () => describeDossier(view));
    }),
  );

  withConnection(
    dossier
      .command('act <code> <action>')
      .description('take an action on a dossier (as the token’s official)')
      .option('--payload <json>', 'the action’s payload as a JSON object')
      .option('--payload-file <file.json>', 'the payload from a file; - reads stdin')
      .option('--reason <text>', 'sets payload.reason')
      .option('--note <text>', 'sets payload.note')
      .addHelpText('after', () => `\n${actionsHelp()}\n\n${exitCodesHelp}`),
  ).action(
    run(async (code: string, action: string, options: ActOptions) => {
      if (!(actionNames as readonly string[]).includes(action)) {
        throw new UsageError(`action "${action}" must be one of ${actionNames.join(', ')}`);
      }
      const payload = actionPayload(options);
      const connection = connectionOf(options);
      const { body: result } = await apiRequest<ActionResult>(
        connection,
        'POST',
        `/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`,
        { body: payload },
      );
      print(options, result, () => {
        const lines = [
          `${result.action}: hồ sơ ${result.code} — ${statusLabel(result.status, result.statusName)}`,
          fieldLines([
            ['Ngày hẹn trả kết quả', result.dueDate ? longDate(result.dueDate) : undefined],
            ['Phiếu', describeForms(result.forms)],
          ]),
        ];
        if (result.stillMissing?.length) {
          lines.push(`Còn thiếu (${result.stillMissing.length}):`);
          for (const item of result.stillMissing) lines.push(`  - ${item.name}: ${item.reason}`);
        }
        return lines.join('\n');
      });
    }),
  );

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
      const query = {
        receivingUnit: options.unit,
        competentAgency: options.agency,
        procedure: options.procedure,
        status: options.status,
        overdue: options.overdue === undefined ? undefined : String(options.overdue),
        dueBefore: options.dueBefore,
        dueAfter: options.dueAfter,
        pageSize: options.pageSize,
      };
      const fetchPage = async (pageToken: string | undefined) => {
        try {
          return (
            await apiRequest<SearchPage>(connection, 'GET', '/v1/dossiers', {
              query: { ...query, pageToken },
            })
          ).body;
        } catch (error) {
          throw renameIssues(error, connection, listFlags);
        }
      };
      let page = await fetchPage(options.pageToken);
      if (options.all) {
        const items = [...page.items];
        let pages = 1;
        const progress = () =>
          process.stderr.write(`\r[tthc] listing dossiers: page ${pages}, ${items.length} dossiers`);
        progress();
        while (page.nextPageToken) {
          page = await fetchPage(page.nextPageToken);
          items.push(...page.items);
          pages += 1;
          progress();
        }
        process.stderr.write('\n');
        page = { items };
      }
      print(options, page, () => describePage(page, Boolean(options.all)));
    }),
  );

  withConnection(
    dossier
      .command('form <code> <form>')
      .description(`a statutory form of the dossier: ${formKinds.join(', ')}`)
      .addHelpText(
        'after',
        `\nThe control sheet is built on demand; the others exist once issued.\n\n${exitCodesHelp}`,
      ),
  ).action(
    run(async (code: string, form: string, options: ConnectionOptions) => {
      if (!formKinds.includes(form))
        throw new UsageError(`form "${form}" must be one of ${formKinds.join(', ')}`);
      const connection = connectionOf(options);
      const { body: data } = await apiRequest<FormData>(
        connection,
        'GET',
        `/v1/dossiers/${encodeURIComponent(code)}/forms/${form}`,
      );
      print(options, data, () => describeForm(data));
    }),
  );
}
