/** Checked, printed values shared by the form builders: dates and times in Vietnam time, units, texts. */
import {
  type CivilDate,
  formatInstant,
  formatVietnameseDate,
  type Instant,
  minutesOfDay,
  parseClock,
  toCivilDate,
} from '../time.js';
import type {
  ApplicantRef,
  BuiltFormKind,
  Coded,
  FormBase,
  PrintedDate,
  PrintedDateTime,
  ProcedureRef,
  SignerRef,
  UnitRef,
} from './form-data.js';
import type { CommonInput } from './form-inputs.js';
import { FormError, type FormSet, type FormSetId, formSetById, formSetFor, formSpec } from './form-sets.js';

/** Formats a civil date for a form: { iso: 'YYYY-MM-DD', date: 'dd/MM/yyyy' }. */
export function printDate(date: CivilDate): PrintedDate {
  return { iso: date, date: formatVietnameseDate(date) };
}

/** Formats an instant for a form in Vietnam time: { iso, date: 'dd/MM/yyyy', time: 'HH:mm' }. */
export function printDateTime(instant: Instant): PrintedDateTime {
  const minutes = minutesOfDay(instant);
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return { iso: formatInstant(instant), date: formatVietnameseDate(toCivilDate(instant)), time };
}

export function resolveSet(pinned: FormSetId | undefined, anchor: Instant): FormSet {
  return pinned !== undefined ? formSetById(pinned) : formSetFor(toCivilDate(anchor));
}

export function base<K extends BuiltFormKind>(
  kind: K,
  set: FormSet,
  input: CommonInput,
  issuingUnit: UnitRef,
  issuedAt: Instant,
): FormBase<K> {
  const spec = formSpec(set, kind);
  checkInstant('issuedAt', issuedAt);
  return {
    kind,
    formSet: set.id,
    legalBasis: set.legalBasis,
    number: spec.number,
    title: spec.title,
    paper: spec.paper,
    ...optional('documentNumber', optionalText('documentNumber', input.documentNumber)),
    issuedAt: formatInstant(issuedAt),
    issuedDate: formatVietnameseDate(toCivilDate(issuedAt)),
    issuingUnit: checkUnit('issuingUnit', issuingUnit),
  };
}

export function applicantFields(applicant: ApplicantRef): {
  applicantName: string;
  applicantAddress?: string;
} {
  return {
    applicantName: checkText('applicant.displayName', applicant.displayName),
    ...optional('applicantAddress', optionalText('applicant.address', applicant.address)),
  };
}

export function procedureFields(procedure: ProcedureRef): { procedureCode: string; procedureName: string } {
  return {
    procedureCode: checkText('procedure.code', procedure.code),
    procedureName: checkText('procedure.name', procedure.name),
  };
}

export function signerFields(signer: SignerRef): { signerTitle: string; signerName: string } {
  return {
    signerTitle: checkText('signer.title', signer.title),
    signerName: checkText('signer.name', signer.name),
  };
}

export function coded<C extends string>(code: C, texts: Record<C, string>): Coded<C> {
  const text = texts[code];
  if (text === undefined) throw new FormError(`"${code}" is not one of ${Object.keys(texts).join(', ')}`);
  return { code, text };
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps the output free of undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function checkText(path: string, value: string, why?: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) throw new FormError(`${path} must not be empty${why ? `: ${why}` : ''}`);
  return text;
}

export function optionalText(path: string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : checkText(path, value);
}

export function checkUnit(path: string, unit: UnitRef): UnitRef {
  return { code: checkText(`${path}.code`, unit.code), name: checkText(`${path}.name`, unit.name) };
}

export function checkInstant(path: string, value: Instant): Instant {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new FormError(`${path} must be an instant (epoch milliseconds)`);
  }
  return value;
}

export function checkClock(path: string, value: string): void {
  try {
    parseClock(value);
  } catch (error) {
    throw new FormError(`${path}: ${(error as Error).message}`);
  }
}
