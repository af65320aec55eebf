import { z } from 'zod';
import { type CivilDate, civilDate, isCivilDate, parseCivilDate } from './time.js';
import { UNIT_CODE, UNIT_CODE_RULE } from './unit-code.js';

/**
 * Dossier code (mã số hồ sơ), TT 01/2018/TT-VPCP Art 19 (DOMAIN.md §1.3):
 * `<agency code>-YYMMDD-XXXX`, e.g. '000.00.15.H57-260315-0007'.
 * - agency code: the receiving agency, V1V2V3.Z1Z2.Y1Y2.MX1X2 (TT 10/2016/TT-BTTTT);
 * - YYMMDD: the date received, read as 20YY;
 * - XXXX: the dossier's sequence number within that day, 0001–9999.
 */

export const MAX_DAILY_SEQUENCE = 9999;

/** The shape of a dossier code (a real date and sequence are checked by `parseDossierCode`); the console checks it too. */
export const DOSSIER_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$/;

export interface DossierCodeParts {
  agencyCode: string;
  date: CivilDate;
  sequence: number;
}

export class DossierCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DossierCodeError';
  }
}

export function formatDossierCode({ agencyCode, date, sequence }: DossierCodeParts): string {
  if (!UNIT_CODE.test(agencyCode))
    throw new DossierCodeError(`agency code "${agencyCode}" ${UNIT_CODE_RULE}`);
  if (!isCivilDate(date)) throw new DossierCodeError(`date "${date}" is not a real date YYYY-MM-DD`);
  const { year, month, day } = parseCivilDate(date);
  if (year < 2000 || year > 2099) {
    throw new DossierCodeError(`date ${date} cannot be written as YYMMDD: the year must be 2000–2099`);
  }
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_DAILY_SEQUENCE) {
    throw new DossierCodeError(
      `sequence ${sequence} is out of range: a day holds dossiers 1–${MAX_DAILY_SEQUENCE}`,
    );
  }
  return `${agencyCode}-${pad(year % 100, 2)}${pad(month, 2)}${pad(day, 2)}-${pad(sequence, 4)}`;
}

export function parseDossierCode(code: string): DossierCodeParts {
  const parts = code.split('-');
  if (parts.length !== 3) {
    throw new DossierCodeError(
      `dossier code "${code}" must have three parts joined by "-": agency code, YYMMDD, XXXX`,
    );
  }
  const [agencyCode, yymmdd, xxxx] = parts as [string, string, string];
  if (!UNIT_CODE.test(agencyCode)) {
    throw new DossierCodeError(`dossier code "${code}": agency code "${agencyCode}" ${UNIT_CODE_RULE}`);
  }
  return { agencyCode, date: parseDatePart(code, yymmdd), sequence: parseSequencePart(code, xxxx) };
}

export function isDossierCode(text: string): boolean {
  try {
    parseDossierCode(text);
    return true;
  } catch {
    return false;
  }
}

/** `<unit code>-YYMMDD-XXXX`, e.g. 000.01.41.H99-260423-0001 (TT 01/2018 Art 19). */
export const dossierCodeSchema = z
  .string()
  .regex(DOSSIER_CODE, 'must be a dossier code <unit code>-YYMMDD-XXXX, e.g. 000.01.41.H99-260423-0001')
  .refine(isDossierCode, 'must be a dossier code with a real date and a sequence 0001–9999')
  .describe('Dossier code (mã số hồ sơ)');

function parseDatePart(code: string, yymmdd: string): CivilDate {
  if (!/^\d{6}$/.test(yymmdd)) {
    throw new DossierCodeError(`dossier code "${code}": date part "${yymmdd}" must be 6 digits YYMMDD`);
  }
  const date = civilDate(
    2000 + Number(yymmdd.slice(0, 2)),
    Number(yymmdd.slice(2, 4)),
    Number(yymmdd.slice(4)),
  );
  if (!isCivilDate(date)) {
    throw new DossierCodeError(`dossier code "${code}": date part "${yymmdd}" is not a real date (${date})`);
  }
  return date;
}

function parseSequencePart(code: string, xxxx: string): number {
  if (!/^\d{4}$/.test(xxxx)) {
    throw new DossierCodeError(`dossier code "${code}": sequence part "${xxxx}" must be 4 digits XXXX`);
  }
  const sequence = Number(xxxx);
  if (sequence < 1) {
    throw new DossierCodeError(`dossier code "${code}": sequence part "${xxxx}" must be 0001–9999`);
  }
  return sequence;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
