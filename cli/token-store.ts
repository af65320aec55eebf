/**
 * The access token `tthc login` stores: `TTHC_TOKEN_FILE`, default `~/.config/tthc/token.json`,
 * mode 0600 in a 0700 folder. The commands over the HTTP API send it when neither `--token` nor
 * `TTHC_TOKEN` is given, and only while it has not expired.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

const storedSchema = z.object({
  api: z.string(),
  issuer: z.string(),
  accessToken: z.string().min(1),
  expiresAt: z.string(),
  official: z.object({ id: z.string(), name: z.string(), unit: z.string(), role: z.string() }),
});
export type StoredToken = z.output<typeof storedSchema>;

export function tokenFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.TTHC_TOKEN_FILE?.trim() || join(homedir(), '.config', 'tthc', 'token.json');
}

export function writeStoredToken(token: StoredToken, file = tokenFile()): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(token, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The stored token if there is one and it has not expired; else undefined. */
export function readStoredToken(file = tokenFile(), now = Date.now()): StoredToken | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = storedSchema.safeParse(JSON.parse(text));
    if (!parsed.success || Date.parse(parsed.data.expiresAt) <= now) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}

export function removeStoredToken(file = tokenFile()): boolean {
  try {
    readFileSync(file);
  } catch {
    return false;
  }
  rmSync(file, { force: true });
  return true;
}
