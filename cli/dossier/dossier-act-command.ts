/** `tthc dossier act`: an action on a dossier (POST /v1/dossiers/{code}/actions/{action}). */
import type { Command } from 'commander';
import type { z } from 'zod';
import { actionRules } from '../../api/authorization.js';
import type { actionResultSchema } from '../../api/schemas.js';
import { type ActionName, actionNames } from '../../domain/dossier/dossier-actions.js';
import { apiRequest, exitCodesHelp } from '../http.js';
import { print, UsageError } from '../output.js';
import {
  type ConnectionOptions,
  connectionOf,
  isObject,
  parseJson,
  readJsonFile,
  run,
  withConnection,
} from './dossier-command-support.js';
import { describeForms, fieldLines, longDate, statusLabel } from './dossier-formatting.js';

const payloadExamples: Record<ActionName, string> = {
  'provide-intake-supplement': `--payload '{"documents":[{"kind":"giay-to-phap-ly-ca-nhan","form":"paper"}]}'`,
  'refuse-intake': `--reason "…"`,
  'accept-intake': `[--note "…"]`,
  'request-intake-supplement': `--payload '{"items":[{"name":"…","reason":"…"}]}' --reason "…"`,
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
  'correct-data': `--payload '{"field":"competentAgency","value":"000.00.42.H99"}' --reason "…"`,
};

const unitWords = {
  'receiving-unit': 'receiving unit',
  'competent-agency': 'competent agency',
  'participating-agency': 'participating agency',
} as const;

function whoMayTake(action: ActionName): string {
  const rule = actionRules[action];
  if (rule.unit === 'any') return `${rule.roles.join('/')}, any dossier`;
  return `${rule.roles.join('/')} of the ${unitWords[rule.unit]}`;
}

function actionsHelp(): string {
  const width = Math.max(...actionNames.map((name) => name.length));
  const whoWidth = Math.max(...actionNames.map((name) => whoMayTake(name).length));
  const rows = actionNames.map(
    (name) => `  ${name.padEnd(width)}  ${whoMayTake(name).padEnd(whoWidth)}  ${payloadExamples[name]}`,
  );
  return `Actions (who may take them, and the payload: see the API's /docs for every field):\n${rows.join('\n')}`;
}

interface ActOptions extends ConnectionOptions {
  payload?: string;
  payloadFile?: string;
  reason?: string;
  note?: string;
}

type ActionResult = z.output<typeof actionResultSchema>;

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

function describeActionResult(result: ActionResult): string {
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
}

export function registerActCommand(dossier: Command): void {
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
      print(options, result, () => describeActionResult(result));
    }),
  );
}
