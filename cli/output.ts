/** Output conventions for every `tthc` command: a human line by default, JSON with --json. */

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OutputOptions {
  json?: boolean;
}

export function print(options: OutputOptions, data: unknown, humanText: () => string): void {
  process.stdout.write(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${humanText()}\n`);
}

/** Exit codes scripts can rely on. */
export const exitCodes = { ok: 0, failure: 1, usage: 2 } as const;

/** Prints a one-line error (never a stack trace) and exits non-zero. */
export function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tthc: ${message.split('\n').join('; ')}\n`);
  if (process.env.TTHC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(
    error instanceof UsageError || error instanceof RangeError ? exitCodes.usage : exitCodes.failure,
  );
}
