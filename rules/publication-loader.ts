/**
 * Reads TTHC publication records (domain/publication-records.ts) from a JSON file: the versioned
 * data of an organisation, data/publications/<organisation>.json, or a file to import. Errors name
 * the file and every failing field.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OrganisationRegistry } from '../domain/organisation.js';
import {
  duplicateIssues,
  type PublicationRecords,
  publicationRecordsSchema,
  type RecordIssue,
  referenceIssues,
} from '../domain/publication-records.js';
import { formatPath, formatZodError, ValidationError } from '../domain/validation.js';

export const PUBLICATION_DIRECTORY = new URL('../data/publications/', import.meta.url);

const ORGANISATION_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Publication records file ${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Publication records file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** `decisions[2].issuer: "…" is not an issuer of the records` for each issue. */
export function describeRecordIssues(issues: readonly RecordIssue[]): string[] {
  return issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

/**
 * A file's records, each checked against the schema and listed once; references to records
 * elsewhere (the store) are left to the import. Throws a ValidationError naming the file.
 */
export function readPublicationFile(file: string): PublicationRecords {
  const what = `publication records file ${file}`;
  const parsed = publicationRecordsSchema.safeParse(readJson(file));
  if (!parsed.success) throw new ValidationError(what, formatZodError(parsed.error));
  const duplicates = duplicateIssues(parsed.data);
  if (duplicates.length > 0) throw new ValidationError(what, describeRecordIssues(duplicates));
  return parsed.data;
}

/** The file of an organisation's records, or undefined if it has none. */
export function publicationFileOf(
  organisation: string,
  directory: URL = PUBLICATION_DIRECTORY,
): string | undefined {
  if (!ORGANISATION_NAME.test(organisation))
    throw new Error(
      `"${organisation}" is not an organisation registry name (lower-case letters, digits and hyphens)`,
    );
  const file = fileURLToPath(new URL(`${organisation}.json`, directory));
  return existsSync(file) ? file : undefined;
}

/**
 * An organisation's versioned records, self-contained: every reference resolves in the file and
 * every issuer is a unit of `registry`. Undefined when the organisation has no file.
 */
export function loadPublications(
  organisation: string,
  registry: OrganisationRegistry,
  directory: URL = PUBLICATION_DIRECTORY,
): PublicationRecords | undefined {
  const file = publicationFileOf(organisation, directory);
  if (!file) return undefined;
  const records = readPublicationFile(file);
  const issues = referenceIssues(records, records, registry);
  if (issues.length > 0)
    throw new ValidationError(`publication records file ${file}`, describeRecordIssues(issues));
  return records;
}
