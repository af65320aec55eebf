/**
 * What every `tthc dossier …` sub-command shares: the connection flags, the way an API failure
 * ends the process, and reading the JSON a flag names.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { type ApiConnection, ApiError, checkApiUrl, DEFAULT_API_URL, describeFailure } from '../http.js';
import { UsageError } from '../output.js';
import { readStoredToken } from '../token-store.js';

export interface ConnectionOptions {
  api?: string;
  token?: string;
  json?: boolean;
}

export function withConnection(command: Command): Command {
  return command
    .option('--api <url>', `API base URL (default: TTHC_API_URL or ${DEFAULT_API_URL})`)
    .option(
      '--token <jwt>',
      'the official’s access token (default: TTHC_TOKEN, else the one `tthc login` stored)',
    )
    .option('--json', 'print JSON for scripts instead of text for people');
}

export function connectionOf(options: ConnectionOptions): ApiConnection {
  const api =
    options.api !== undefined
      ? checkApiUrl(options.api)
      : checkApiUrl(process.env.TTHC_API_URL || DEFAULT_API_URL, 'TTHC_API_URL');
  const token = options.token ?? process.env.TTHC_TOKEN ?? readStoredToken()?.accessToken;
  return { api, token: token?.trim() || undefined };
}

/**
 * Runs a command; an ApiError ends the process with its own exit code and one `tthc:` line.
 * Other errors go to cli/tthc-cli.ts (usage errors exit 2, the rest 1).
 */
export function run<A extends unknown[]>(
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      process.stderr.write(`tthc: ${error.message}\n`);
      process.exit(error.exitCode);
    }
  };
}

/** A 400 on query parameters, with the API's parameter names replaced by the flags that set them. */
export function renameIssues(
  error: unknown,
  connection: ApiConnection,
  names: Record<string, string>,
): unknown {
  if (!(error instanceof ApiError) || error.status !== 400 || !error.body?.issues) return error;
  const issues = error.body.issues.map((issue) => {
    const match = /^([A-Za-z]+)(.*)$/s.exec(issue);
    const flag = match?.[1] ? names[match[1]] : undefined;
    return flag ? `${flag}${match?.[2]}` : issue;
  });
  const body = { ...error.body, issues };
  return new ApiError(describeFailure(400, body, connection), error.exitCode, 400, body);
}

/** The JSON of a file (- is stdin) named by `flag`. */
export function readJsonFile(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} "${path}" cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  return parseJson(text, `${flag} "${path}"`);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} is not valid JSON (${(error as Error).message})`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A repeatable flag's values, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
