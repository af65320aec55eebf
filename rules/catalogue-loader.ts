/**
 * Loads the procedure catalogue from data/procedures/catalogue.json (DOMAIN.md §7).
 * Not for workflow code (it reads files): load here, pass the Procedure in.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type Catalogue,
  catalogueSchema,
  findProcedureVersion,
  type Procedure,
} from '../domain/catalogue.js';
import { type CivilDate, toCivilDate } from '../domain/time.js';
import { parseOrThrow } from '../domain/validation.js';

export const CATALOGUE_FILE = new URL('../data/procedures/catalogue.json', import.meta.url);

const cache = new Map<string, Catalogue>();

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Catalogue file ${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Catalogue file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and validates the catalogue (cached per file); the error names the file and every failing field. */
export function loadCatalogue(file: URL = CATALOGUE_FILE): Catalogue {
  const cached = cache.get(file.href);
  if (cached) return cached;
  const path = fileURLToPath(file);
  const catalogue = parseOrThrow(catalogueSchema, readJson(path), `procedure catalogue file ${path}`);
  cache.set(file.href, catalogue);
  return catalogue;
}

/** The version of a procedure in force on `at` (default: today in Vietnam). */
export function getProcedure(
  code: string,
  at: CivilDate = toCivilDate(Date.now()),
  file: URL = CATALOGUE_FILE,
): Procedure {
  return findProcedureVersion(loadCatalogue(file).procedures, code, at);
}

/** Forgets cached catalogues (tests, or after the file changed). */
export function clearCatalogueCache(): void {
  cache.clear();
}
