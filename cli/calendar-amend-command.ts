/**
 * `tthc calendar amend --file F [--dry-run] [--json]`: publishes a calendar amendment (a day off
 * added, a working day swapped) and sends it to the open dossiers, which recount their deadlines;
 * `--dry-run` lists the dossiers whose due date it would move, and changes nothing. Talks to
 * Temporal and NATS directly, as an administrator's tool on the servers. The Temporal client is
 * loaded only when the command runs, so the other `tthc calendar` commands start as fast as before.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Command } from 'commander';
import type { RolloutReport } from '../client/calendar-amendment-rollout.js';
import { keyringSettings } from '../config/configuration.js';
import type { CalendarAmendment } from '../domain/calendar-amendment.js';
import { formatVietnameseDate } from '../domain/time.js';
import { ValidationError } from '../domain/validation.js';
import {
  CalendarAmendmentStore,
  DEFAULT_CALENDAR_AMENDMENT_BUCKET,
} from '../infra/calendar-amendment-store.js';
import { DossierCodeAllocator } from '../infra/dossier-codes.js';
import { loadOrganisation } from '../rules/organisation-loader.js';
import { withNats } from './indicator-command-support.js';
import { print, UsageError } from './output.js';

interface AmendOptions {
  file: string;
  dryRun?: boolean;
  json?: boolean;
  temporal: string;
  namespace: string;
  nats: string;
  organisation: string;
  amendmentBucket: string;
}

export function registerCalendarAmendCommand(calendar: Command): void {
  calendar
    .command('amend')
    .description(
      'publish a calendar amendment (days off, swapped working days) and recount the deadlines of the open dossiers it touches',
    )
    .requiredOption('--file <path>', 'the amendment, a JSON file (see README: calendar amendments)')
    .option('--dry-run', 'list the dossiers whose due date it moves, and change nothing')
    .option('--json', 'print JSON instead of lines of text')
    .option(
      '--temporal <host:port>',
      'Temporal frontend',
      process.env.TTHC_TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    )
    .option('--namespace <name>', 'Temporal namespace', process.env.TTHC_TEMPORAL_NAMESPACE ?? 'default')
    .option('--nats <url>', 'NATS server', process.env.TTHC_NATS_URL ?? 'nats://127.0.0.1:4222')
    .option('--organisation <name>', 'organisation registry', process.env.TTHC_ORGANISATION ?? 'demo')
    .option(
      '--amendment-bucket <name>',
      'NATS KV bucket of the published amendments',
      DEFAULT_CALENDAR_AMENDMENT_BUCKET,
    )
    .action(async (options: AmendOptions) => {
      const { rollOutAmendment, validateAmendment } = await import('../client/calendar-amendment-rollout.js');
      const { DossierClient } = await import('../client/dossier-client.js');
      const amendment = readAmendment(options.file, validateAmendment);
      const report = await withNats(options.nats, async (nc) => {
        const { keyringSource, openPayloadProtection } = await import('../encryption/data-converter.js');
        const protection = await openPayloadProtection({ nc, keyring: keyringSource(keyringSettings()) });
        const temporal = await connectTemporal(options, protection.dataConverter);
        try {
          return await rollOutAmendment(
            amendment,
            {
              temporal,
              dossiers: new DossierClient(temporal, await DossierCodeAllocator.open(nc)),
              organisation: loadOrganisation(options.organisation),
              store: options.dryRun
                ? undefined
                : await CalendarAmendmentStore.open(nc, options.amendmentBucket),
            },
            { dryRun: Boolean(options.dryRun) },
          );
        } finally {
          await temporal.connection.close();
          protection.close();
        }
      });
      print(options, report, () => describeReport(report, amendment));
    });
}

function readAmendment(
  file: string,
  validate: (raw: unknown, what: string) => CalendarAmendment,
): CalendarAmendment {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  try {
    return validate(raw, `calendar amendment ${file}`);
  } catch (error) {
    if (error instanceof ValidationError) throw new UsageError(error.message);
    throw error;
  }
}

async function connectTemporal(options: AmendOptions, dataConverter: DataConverter): Promise<Client> {
  const { Client, Connection } = await import('@temporalio/client');
  try {
    const connection = await Connection.connect({ address: options.temporal, connectTimeout: 5_000 });
    return new Client({ connection, namespace: options.namespace, dataConverter });
  } catch {
    throw new Error(
      `cannot reach Temporal at ${options.temporal}; is the system running (npm start)? Set --temporal or TTHC_TEMPORAL_ADDRESS`,
    );
  }
}

function describeReport(report: RolloutReport, amendment: CalendarAmendment): string {
  const date = (d?: string) => (d ? formatVietnameseDate(d) : '—');
  const head = report.dryRun
    ? `Chạy thử: ${amendment.id} (${amendment.source.number}) sẽ dời hạn của ${report.moved.length}/${report.openDossiers} hồ sơ đang mở; chưa thay đổi gì.`
    : `${amendment.id} (${amendment.source.number}): ${publicationWords[report.publication]}; đã dời hạn của ${report.moved.length}/${report.openDossiers} hồ sơ đang mở.`;
  const rows = report.moved.map(
    (o) =>
      `  ${o.code}  hẹn trả ${date(o.previousDueDate)} → ${date(o.dueDate)}` +
      (o.previous766DueDate !== o.previousDueDate || o.due766Date !== o.dueDate
        ? `  (766: ${date(o.previous766DueDate)} → ${date(o.due766Date)})`
        : ''),
  );
  const tail = [
    `  không đổi hạn: ${report.unchanged}; không áp dụng (đã có, đã giải quyết, lịch khác): ${report.skipped}`,
    ...report.failed.map((f) => `  không gửi được tới ${f.code}: ${f.error}`),
  ];
  return [head, ...rows, ...tail].join('\n');
}

const publicationWords: Record<RolloutReport['publication'], string> = {
  published: 'đã công bố',
  'already-published': 'đã được công bố trước đó',
  'not-published': 'chưa công bố',
};
