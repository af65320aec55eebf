/**
 * `tthc publications …`: TTHC publication records (QĐCB, legal documents, CSDLQG disclosures)
 * behind indicators 1.1–1.3: import a file into the store, list what falls due (and remind the
 * officials), show what a unit's 1.1–1.3 are made of.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import type { PublicationDue } from '../domain/publication-deadlines.js';
import { publishedPartNames } from '../domain/published-parts.js';
import { type CivilDate, formatVietnameseDate, isCivilDate, toCivilDate } from '../domain/time.js';
import type { ProcedureJudgement, PublicationIndicators } from '../indicators/publication-indicators.js';
import { duePublications, sendPublicationReminders } from '../publications/publication-reminders.js';
import { type ImportReport, PublicationStore, publicationBucket } from '../publications/publication-store.js';
import { loadCatalogue } from '../rules/catalogue-loader.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { readPublicationFile } from '../rules/publication-loader.js';
import { checkPeriod, checkUnit, readModel, requireOption, withNats } from './indicator-command-support.js';
import { print, UsageError } from './output.js';

interface PublicationOptions {
  nats: string;
  organisation: string;
  bucket: string;
  json?: boolean;
}

const workingDaysOption = z
  .string()
  .regex(/^\d+$/, 'must be a whole number of working days')
  .pipe(z.coerce.number<string>().max(250, 'must be at most 250'));

function checkWorkingDays(text: string): number {
  const result = workingDaysOption.safeParse(text);
  if (!result.success) throw new UsageError(`--within "${text}" ${result.error.issues[0]?.message}`);
  return result.data;
}

function checkDate(text: string | undefined): CivilDate {
  if (text === undefined) return toCivilDate(Date.now());
  if (!isCivilDate(text)) throw new UsageError(`--on "${text}" must be a real date in the form YYYY-MM-DD`);
  return text;
}

const store = (nc: Parameters<Parameters<typeof withNats>[1]>[0], options: PublicationOptions) =>
  new PublicationStore(nc, options.organisation, options.bucket);

export function registerPublicationCommands(program: Command): void {
  const publications = program
    .command('publications')
    .description('TTHC publication records: QĐCB, legal documents, CSDLQG disclosures (indicators 1.1–1.3)')
    .option('--nats <url>', 'NATS server', process.env.TTHC_NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--organisation <name>', 'organisation registry', process.env.TTHC_ORGANISATION ?? 'demo')
    .option('--bucket <name>', 'the store (NATS KV bucket)', publicationBucket)
    .option('--json', 'print JSON instead of text');

  publications
    .command('import')
    .description(
      'validate a records file and merge it into the store (a record with a stored identity replaces it)',
    )
    .requiredOption('--file <path>', 'JSON file in the format of data/publications/<organisation>.json')
    .option('--dry-run', 'validate and report what would change, writing nothing')
    .action(async (options: { file: string; dryRun?: boolean }, command: Command) => {
      const all = command.optsWithGlobals<PublicationOptions & { file: string; dryRun?: boolean }>();
      const file = resolve(options.file);
      const records = readPublicationFile(file);
      const registry = loadOrganisation(all.organisation);
      const report = await withNats(all.nats, (nc) =>
        store(nc, all).importRecords(records, { dryRun: options.dryRun, registry, source: file }),
      );
      print(all, { file, ...report }, () => formatImport(file, report));
    });

  publications
    .command('due')
    .description(
      'procedures whose QĐCB or CSDLQG disclosure deadline comes within N working days, or has passed',
    )
    .option('--within <n>', 'working days ahead', '5')
    .option('--unit <code>', 'only the issuers in this unit’s subtree')
    .option('--on <date>', 'count from this day (default today)')
    .option('--notify', 'also send each item not reminded yet to its officials (stream TTHC_REMINDERS)')
    .action(
      async (options: { within: string; unit?: string; on?: string; notify?: boolean }, command: Command) => {
        const all = command.optsWithGlobals<PublicationOptions>();
        const registry = loadOrganisation(all.organisation);
        const query = {
          registry,
          today: checkDate(options.on),
          withinWorkingDays: checkWorkingDays(options.within),
          ...(options.unit ? { unit: checkUnit(options.unit, all.organisation) } : {}),
        };
        const result = await withNats(all.nats, async (nc) =>
          options.notify
            ? sendPublicationReminders(nc, store(nc, all), {
                ...query,
                catalogue: loadCatalogue().procedures,
              })
            : { due: await duePublications(store(nc, all), query) },
        );
        const issuerName = (code: string) => (registry.has(code) ? registry.get(code).name : code);
        print(all, result, () => formatDue(result, query.today, query.withinWorkingDays, issuerName));
      },
    );

  publications
    .command('show')
    .description(
      'what the 1.1–1.3 of a unit are made of: each procedure, its deadline and whether it was met',
    )
    .requiredOption('--unit <code>', 'unit code; the issuers in its subtree count')
    .requiredOption('--period <id>', 'period: 2026-11, 2026-Q4, 2026 …')
    .action(async (options: { unit: string; period: string }, command: Command) => {
      const all = command.optsWithGlobals<PublicationOptions>();
      const unit = checkUnit(requireOption(options.unit, '--unit'), all.organisation);
      const period = checkPeriod(options.period);
      const shown = await withNats(all.nats, (nc) =>
        readModel(nc, { ...all, publications: store(nc, all) }).publications(unit, period),
      );
      print(all, shown ?? null, () => formatShown(shown));
    });
}

function formatImport(file: string, report: ImportReport): string {
  const lines = [
    `${report.dryRun ? 'Kiểm tra (chưa ghi, --dry-run)' : 'Đã nhập'} ${file}: thêm ${report.added.length}, thay ${report.replaced.length}, không đổi ${report.unchanged}${report.kept ? `, giữ nguyên ${report.kept}` : ''}`,
  ];
  for (const change of report.added) lines.push(`  + ${change.kind} ${change.id}`);
  for (const change of report.replaced) lines.push(`  ~ ${change.kind} ${change.id}`);
  return lines.join('\n');
}

function formatDue(
  result: { due: readonly PublicationDue[]; sent?: unknown[]; alreadySent?: number },
  today: CivilDate,
  within: number,
  issuerName: (code: string) => string,
): string {
  const { due } = result;
  const lines = [
    `Hạn công bố, công khai TTHC trong ${within} ngày làm việc tới (tính từ ${formatVietnameseDate(today)}): ${due.length}`,
  ];
  for (const item of due) {
    const left = item.overdue ? 'QUÁ HẠN' : `còn ${item.workingDaysLeft} ngày`;
    const what =
      item.kind === 'publication' ? `ban hành QĐCB theo ${item.reference}` : `công khai QĐ ${item.reference}`;
    const officials = item.officials.map((o) => o.name).join(', ') || '(chưa có cán bộ phụ trách)';
    lines.push(
      `  ${left.padEnd(11)} ${formatVietnameseDate(item.deadline)}  ${item.procedure}  ${what} — ${issuerName(item.issuer)}; phụ trách: ${officials}`,
    );
  }
  if (result.sent)
    lines.push(`Đã gửi nhắc việc: ${result.sent.length}; đã nhắc trước đó: ${result.alreadySent ?? 0}`);
  return lines.join('\n');
}

const judged = (p: ProcedureJudgement) =>
  p.judgements.map((j) => `${j.decision} (hạn ${formatVietnameseDate(j.deadline)})`).join(', ');

function formatShown(shown: PublicationIndicators | undefined): string {
  if (!shown) return 'Không có đơn vị ban hành quyết định công bố TTHC trong phạm vi này.';
  const verdict = (onTime: boolean) => (onTime ? 'đúng hạn' : 'TRỄ HẠN');
  const lines = [`1.1 Công bố đúng hạn: ${shown.publishedOnTime}/${shown.published}`];
  for (const p of shown.behind['1.1']) lines.push(`  ${p.procedure}  ${verdict(p.onTime)}  ${judged(p)}`);
  lines.push(`1.2 Công khai đúng hạn: ${shown.disclosedOnTime}/${shown.dueForDisclosure}`);
  for (const p of shown.behind['1.2']) lines.push(`  ${p.procedure}  ${verdict(p.onTime)}  ${judged(p)}`);
  lines.push(`1.3 Công khai đầy đủ bộ phận: ${shown.disclosedComplete}/${shown.disclosed}`);
  for (const p of shown.behind['1.3'])
    lines.push(
      `  ${p.procedure}  ${p.missingParts.length === 0 ? 'đầy đủ' : `thiếu ${p.missingParts.map((part) => publishedPartNames[part]).join(', ')}`}`,
    );
  return lines.join('\n');
}
