import { z } from 'zod';
import { isCivilDate, parseInstant } from './time.js';

/**
 * Validation helpers shared by the domain schemas.
 *
 * Every failing rule is reported as one line `<path>: <rule>`, e.g.
 * `applicant.idNumber: must be 12 digits (Căn cước công dân)` or
 * `documents[2].form: online dossiers take electronic documents only`.
 * Schemas carry their own messages; zod's generic messages (missing field, wrong type, unknown
 * option, unknown field) are rewritten here into the same style.
 */

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** `['documents', 2, 'kind']` → `documents[2].kind`; the empty path → `(input)`. */
export function formatPath(path: readonly PathKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(input)' : text;
}

/** One line per failing rule, in the order zod found them. */
export function formatZodError(error: { readonly issues: readonly Issue[] }): string[] {
  return error.issues.flatMap((issue) => formatIssue(issue, []));
}

function formatIssue(issue: Issue, prefix: readonly PathKey[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${formatPath([...path, key])}: is not a known field`);
  }
  if (issue.code === 'invalid_union' && !issue.discriminator && issue.errors.length > 0) {
    return formatClosestBranch(issue.errors, path);
  }
  return [`${formatPath(path)}: ${describeRule(issue)}`];
}

/** For a plain union, reports the branch that came closest to matching (fewest issues). */
function formatClosestBranch(branches: readonly Issue[][], path: readonly PathKey[]): string[] {
  const closest = branches.reduce((best, branch) => (branch.length < best.length ? branch : best));
  return closest.flatMap((issue) => formatIssue(issue, path));
}

const ZOD_DEFAULT_MESSAGE = /^(Invalid |Too (small|big)|Unrecognized key)/;

function describeRule(issue: Issue): string {
  if (!ZOD_DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return / received undefined$/.test(issue.message)
        ? 'is required'
        : `must be ${article(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${quote(issue.values[0])}`
        : `must be one of ${issue.values.map(quote).join(', ')}`;
    case 'invalid_union':
      return issue.discriminator && 'options' in issue && issue.options
        ? `must be one of ${issue.options.map(quote).join(', ')}`
        : 'does not match any allowed form';
    case 'too_small':
      return `must have at least ${String(issue.minimum)} ${sizeUnit(issue.origin)}`;
    case 'too_big':
      return `must have at most ${String(issue.maximum)} ${sizeUnit(issue.origin)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function sizeUnit(origin: string): string {
  if (origin === 'string') return 'characters';
  if (origin === 'array' || origin === 'set') return 'items';
  return '(value)';
}

/** Thrown when input fails a schema; `.issues` holds one line per failing rule. */
export class ValidationError extends Error {
  readonly issues: string[];

  constructor(what: string, issues: string[]) {
    super(`Invalid ${what}:\n${issues.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** Parses `input` with `schema` or throws a ValidationError naming `what` and every failing rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(what, formatZodError(result.error));
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Small shared field schemas.

/** A 'YYYY-MM-DD' civil date that exists in the calendar. */
export const civilDateSchema = z
  .string()
  .refine(isCivilDate, 'must be a real calendar date in the form YYYY-MM-DD');

/** An ISO 8601 instant with an explicit offset, e.g. '2026-04-23T10:00:00+07:00'. */
export const instantSchema = z.string().refine(isInstantText, {
  message: 'must be an ISO 8601 instant with an offset, e.g. 2026-04-23T10:00:00+07:00',
});

function isInstantText(text: string): boolean {
  try {
    parseInstant(text);
    return true;
  } catch {
    return false;
  }
}

/** Lower-case ASCII words joined by '-', e.g. 'giay-chung-sinh'. */
export const KEBAB_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export const kebabIdSchema = z
  .string()
  .regex(KEBAB_ID, 'must be a kebab-case id: lower-case letters and digits joined by "-"');

/** Required free text: at least one non-blank character. */
export const textSchema = z.string().trim().min(1, 'must not be empty');
