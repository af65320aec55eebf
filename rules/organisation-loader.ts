/**
 * Loads organisation registries from data/organisations/<name>.json.
 * Not for workflow code (it reads files): load here, pass the data or registry in.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegistry, type OrganisationRegistry } from '../domain/organisation.js';
import { ValidationError } from '../domain/validation.js';

export const ORGANISATION_DIRECTORY = new URL('../data/organisations/', import.meta.url);

const REGISTRY_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const cache = new Map<string, OrganisationRegistry>();

function registryFile(name: string, directory: URL): URL {
  if (!REGISTRY_NAME.test(name)) {
    throw new Error(
      `"${name}" is not an organisation registry name (lower-case letters, digits and hyphens)`,
    );
  }
  return new URL(`${name}.json`, directory);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Organisation file ${file} cannot be read: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`Organisation file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads, validates and indexes a registry (cached); the error names the file and every failing field. */
export function loadOrganisation(
  name = 'demo',
  directory: URL = ORGANISATION_DIRECTORY,
): OrganisationRegistry {
  const url = registryFile(name, directory);
  const cached = cache.get(url.href);
  if (cached) return cached;
  const path = fileURLToPath(url);
  let registry: OrganisationRegistry;
  try {
    registry = createRegistry(readJson(path));
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(`organisation file ${path}`, error.issues);
    throw error;
  }
  cache.set(url.href, registry);
  return registry;
}

/** Forgets cached registries (tests, or after a file changed). */
export function clearOrganisationCache(): void {
  cache.clear();
}
