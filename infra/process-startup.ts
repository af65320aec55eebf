/**
 * The start of a long-running process of a deployment (`npm run worker`, `npm run api`): its
 * settings and its keyring are read before anything connects, and a wrong one stops the process
 * with one line naming the setting (exit 2), which an orchestrator shows as it is.
 */
import type { Logger } from 'pino';
import { type Config, ConfigError, loadConfig } from '../config/configuration.js';
import { keyringSource } from '../encryption/data-converter.js';
import { KeyringError } from '../encryption/encryption-keyring.js';
import { LiveKeyring } from '../encryption/live-keyring.js';

/** Exit code of a process stopped by its configuration (sysexits' EX_USAGE is not used by Node). */
export const configurationExitCode = 2;

export function exitWithConfigurationError(processName: string, message: string): never {
  process.stderr.write(`${processName}: ${message}\n`);
  process.exit(configurationExitCode);
}

/** The configuration, or exit 2 with the first line of what is wrong. */
export function loadConfigOrExit(processName: string, env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWithConfigurationError(processName, error.message);
  }
}

/** The keyring, before anything starts: a missing or unreadable one stops the process with one line. */
export async function openKeyringOrExit(
  config: Config,
  processName: string,
  logger: Logger,
): Promise<LiveKeyring> {
  try {
    return await LiveKeyring.open(keyringSource(config), {
      onRefreshError: (error) => logger.warn({ error: error.message }, 'keyring refresh failed'),
    });
  } catch (error) {
    if (!(error instanceof KeyringError)) throw error;
    exitWithConfigurationError(processName, error.message);
  }
}

/**
 * Connects to Temporal, retrying while it is not up yet (a container started before the server);
 * undefined if the process began stopping meanwhile.
 */
export async function connectWhenReachable<C>(
  address: string,
  connect: (address: string) => Promise<C>,
  logger: Logger,
  stopping: () => boolean,
): Promise<C | undefined> {
  for (let attempt = 1; !stopping(); attempt++) {
    try {
      return await connect(address);
    } catch (error) {
      logger.warn({ address, attempt, error: String(error) }, 'cannot reach Temporal yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * attempt, 5_000)));
    }
  }
  return undefined;
}
