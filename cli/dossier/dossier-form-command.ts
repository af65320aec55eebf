/** `tthc dossier form`: a statutory form of a dossier (GET /v1/dossiers/{code}/forms/{form}). */
import type { Command } from 'commander';
import type { BuiltFormKind, FormData } from '../../domain/forms/form-data.js';
import { formNames, labels } from '../../domain/forms/form-labels.js';
import { apiRequest, exitCodesHelp } from '../http.js';
import { print, UsageError } from '../output.js';
import {
  type ConnectionOptions,
  connectionOf,
  isObject,
  run,
  withConnection,
} from './dossier-command-support.js';
import { fieldLines, table } from './dossier-formatting.js';

const formKinds = Object.keys(formNames) as BuiltFormKind[];

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
  const kindLabels: Readonly<Record<string, string>> = labels[form.kind] ?? {};
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
  const rows = ('lines' in form ? form.lines : undefined) as
    | ReadonlyArray<Record<string, unknown>>
    | undefined;
  if (rows?.length) {
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    lines.push(
      '',
      table(
        keys.map(label),
        rows.map((row) => keys.map((key) => formValue(row[key]))),
      ),
    );
  }
  return lines.join('\n');
}

export function registerFormCommand(dossier: Command): void {
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
      if (!(formKinds as string[]).includes(form)) {
        throw new UsageError(`form "${form}" must be one of ${formKinds.join(', ')}`);
      }
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
