/** `tthc calendar …`: answers "is this a working day?" and "when is it due?" at the counter. */
import type { Command } from 'commander';
import { z } from 'zod';
import { DAY_NAMES } from '../domain/calendar.js';
import { describeDuration } from '../domain/duration.js';
import {
  formatInstant,
  formatVietnameseDate,
  parseCivilDate,
  parseInstant,
  toCivilDate,
  weekday,
} from '../domain/time.js';
import { loadCalendar } from '../rules/calendar-loader.js';
import { getProcedure } from '../rules/catalogue-loader.js';
import { dueDateAnswer } from '../rules/due-date.js';
import { registerCalendarAmendCommand } from './calendar-amend-command.js';
import { print, UsageError } from './output.js';

const dateArgument = z.string().refine(
  (text) => {
    try {
      parseCivilDate(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a real date in the form YYYY-MM-DD' },
);
// Digits only: Number() would read '' as 0, '0x3' as 3 and '1e1' as 10.
const countArgument = z
  .string()
  .regex(/^[+-]?\d+(\.\d+)?$/, 'must be a number written in decimal digits')
  .pipe(
    z.coerce
      .number<string>()
      .int('must be a whole number of working days')
      .min(0, 'must not be negative')
      .max(3650, 'must be at most 3650'),
  );
const instantArgument = z.string().refine(
  (text) => {
    try {
      parseInstant(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an ISO 8601 instant with its offset, e.g. 2026-04-23T10:00:00+07:00' },
);

function parseArgument<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${name} "${value}" ${result.error.issues[0]?.message}`);
  return result.data;
}

interface CommonOptions {
  json?: boolean;
  jurisdiction: string;
}

function describeDay(date: string): string {
  return `${DAY_NAMES[weekday(date)]}, ${formatVietnameseDate(date)}`;
}

export function registerCalendarCommands(program: Command): void {
  const calendar = program.command('calendar').description('working-day calendar (lịch ngày làm việc)');
  const common = (command: Command) =>
    command
      .option('--jurisdiction <id>', 'calendar jurisdiction', 'VN')
      .option('--json', 'print JSON instead of a line of text');

  common(calendar.command('is-working-day <date>').description('is the date a working day?')).action(
    (dateText: string, options: CommonOptions) => {
      const date = parseArgument(dateArgument, dateText, 'date');
      const cal = loadCalendar(options.jurisdiction);
      const working = cal.isWorkingDay(date);
      const reason = cal.dayOffReason(date);
      const coverage = cal.coverage(Number(date.slice(0, 4)));
      print(
        options,
        {
          date,
          workingDay: working,
          reason: reason ?? null,
          jurisdiction: cal.jurisdiction,
          calendarVersion: cal.version,
          confirmed: coverage.confirmed,
        },
        () =>
          working ? `${describeDay(date)}: ngày làm việc` : `${describeDay(date)}: ngày nghỉ (${reason})`,
      );
    },
  );

  common(
    calendar
      .command('add <date> <n>')
      .description('the n-th working day after the date (the first day is not counted)'),
  ).action((dateText: string, countText: string, options: CommonOptions) => {
    const date = parseArgument(dateArgument, dateText, 'date');
    const n = parseArgument(countArgument, countText, 'n');
    const cal = loadCalendar(options.jurisdiction);
    const result = cal.addWorkingDays(date, n);
    print(
      options,
      { date, workingDays: n, result, jurisdiction: cal.jurisdiction, calendarVersion: cal.version },
      () => `${formatVietnameseDate(date)} + ${n} ngày làm việc = ${describeDay(result)}`,
    );
  });

  common(
    calendar
      .command('due')
      .description('the appointment date (ngày hẹn trả kết quả) of a procedure received at an instant')
      .requiredOption('--procedure <code>', 'procedure code, e.g. 1.001612')
      .requiredOption(
        '--received <instant>',
        'when the complete dossier was received, e.g. 2026-04-23T10:00:00+07:00',
      ),
  ).action((options: CommonOptions & { procedure: string; received: string }) => {
    const receivedAt = parseInstant(parseArgument(instantArgument, options.received, '--received'));
    const procedure = getProcedure(options.procedure, toCivilDate(receivedAt));
    const cal = loadCalendar(options.jurisdiction);
    const data = dueDateAnswer(procedure, receivedAt, cal);
    print(
      options,
      data,
      () =>
        `Ngày hẹn trả kết quả: ${describeDay(data.dueDate)} — ${procedure.code} ${procedure.name} ` +
        `(${describeDuration(procedure.duration)}; tiếp nhận lúc ${formatClockAndDate(receivedAt)})`,
    );
  });

  registerCalendarAmendCommand(calendar);
}

function formatClockAndDate(instant: number): string {
  return `${formatInstant(instant).slice(11, 16)} ${formatVietnameseDate(toCivilDate(instant))}`;
}
