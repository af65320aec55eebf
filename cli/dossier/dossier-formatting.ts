/** How `tthc dossier …` prints for people: dates in Vietnam time, tables, labelled lines, names. */
import { DAY_NAMES } from '../../domain/calendar.js';
import { type DossierStatus, statusNames } from '../../domain/dossier/dossier-status.js';
import { formNames } from '../../domain/forms/form-labels.js';
import {
  formatVietnameseDate,
  type Instant,
  isCivilDate,
  minutesOfDay,
  parseInstant,
  toCivilDate,
  weekday,
} from '../../domain/time.js';

/** 'Thứ Năm, 23/04/2026'; anything but a date as it is. */
export function longDate(date: string): string {
  return isCivilDate(date) ? `${DAY_NAMES[weekday(date)]}, ${formatVietnameseDate(date)}` : date;
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** 'HH:mm dd/MM/yyyy' in Vietnam time. */
export function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  try {
    const instant = parseInstant(iso);
    return `${clock(minutesOfDay(instant))} ${formatVietnameseDate(toCivilDate(instant))}`;
  } catch {
    return iso;
  }
}

/** 'dd/MM/yyyy HH:mm' in Vietnam time: the day first, for lists read by date. */
export function dayAndTime(iso: string): string {
  try {
    const instant = parseInstant(iso);
    return `${formatVietnameseDate(toCivilDate(instant))} ${clock(minutesOfDay(instant))}`;
  } catch {
    return iso;
  }
}

/** An instant in milliseconds as `dateTime` prints it. */
export function instantText(instant: Instant | undefined): string | undefined {
  return instant === undefined ? undefined : dateTime(new Date(instant).toISOString());
}

/** The last day of an appointment instant: 00:00 Vietnam time belongs to the day before. */
export function dueDay(iso: string | undefined): string {
  if (!iso) return '—';
  try {
    const instant = parseInstant(iso);
    if (minutesOfDay(instant) === 0) return formatVietnameseDate(toCivilDate(instant - 1));
    return dateTime(iso);
  } catch {
    return iso;
  }
}

/** ', trước HH:mm' when an appointment instant is not the end of its day. */
export function timeOf(iso: string): string {
  try {
    const minutes = minutesOfDay(parseInstant(iso));
    return minutes === 0 ? '' : `, trước ${clock(minutes)}`;
  } catch {
    return '';
  }
}

/** Columns padded to their widest cell, two spaces apart. */
export function table(headers: string[], rows: string[][]): string {
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

/** 'Label: value' lines with the values aligned; pairs without a value are left out. */
export function fieldLines(pairs: Array<[string, string | undefined]>): string {
  const present = pairs.filter((pair): pair is [string, string] => pair[1] !== undefined);
  const width = Math.max(...present.map(([label]) => label.length)) + 1;
  return present.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join('\n');
}

/** 'Name (kind); …' of issued forms, or 'không'. */
export function describeForms(forms: readonly string[]): string {
  return forms.length === 0
    ? 'không'
    : forms.map((kind) => `${formNames[kind as keyof typeof formNames] ?? kind} (${kind})`).join('; ');
}

/** 'Name (STATUS)', with the API's name for it when given. */
export function statusLabel(status: string | undefined, name?: string): string {
  if (!status) return '—';
  return `${name ?? statusNames[status as DossierStatus] ?? status} (${status})`;
}
