/**
 * Reads the yearly targets an organisation starts from (data/targets/<organisation>-<year>.json,
 * domain/unit-targets.ts). Errors name the file and every failing field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type YearTargets, yearTargetsSchema } from '../domain/unit-targets.js';
import { parseOrThrow } from '../domain/validation.js';

export const TARGET_DIRECTORY = new URL('../data/targets/', import.meta.url);

/** Every targets file of the organisation, in year order. */
export function loadOrganisationTargets(
  organisation: string,
  directory: URL = TARGET_DIRECTORY,
): YearTargets[] {
  const dir = fileURLToPath(directory);
  const files = readdirSync(dir)
    .filter((name) => name.startsWith(`${organisation}-`) && /-\d{4}\.json$/.test(name))
    .sort();
  return files.map((name) => {
    const file = `${dir}${name}`;
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`Targets file ${file} cannot be read as JSON: ${(error as Error).message}`);
    }
    return parseOrThrow(yearTargetsSchema, json, `targets file ${file}`);
  });
}
