/** Demo credentials for the local stack: a persisted token secret and one token per role. */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { issueToken } from '../api/auth.js';

/** The secret from the environment, else the one kept in the data directory (created on first start). */
export async function localTokenSecret(dataDir: string, configured?: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/** One official per role in the demo organisation. */
export const demoOfficials = [
  {
    role: 'counter-officer',
    sub: 'mot-cua-cam-thanh',
    name: 'Cán bộ một cửa Cẩm Thành',
    unit: '000.01.41.H99',
  },
  {
    role: 'specialist',
    sub: 'chuyen-vien-cam-thanh',
    name: 'Chuyên viên UBND Cẩm Thành',
    unit: '000.00.41.H99',
  },
  { role: 'leader', sub: 'lanh-dao-cam-thanh', name: 'Lãnh đạo UBND Cẩm Thành', unit: '000.00.41.H99' },
  { role: 'supervisor', sub: 'giam-sat-tinh', name: 'Cán bộ giám sát tỉnh', unit: '000.00.00.H99' },
  { role: 'administrator', sub: 'quan-tri', name: 'Quản trị hệ thống', unit: '000.00.00.H99' },
] as const;

/** Issues a token per demo official (valid 8 hours) and writes them to `<data>/demo-tokens.json`. */
export async function writeDemoTokens(
  dataDir: string,
  secret: string,
): Promise<{ file: string; tokens: Record<string, string> }> {
  const tokens: Record<string, string> = {};
  for (const official of demoOfficials) {
    const issued = await issueToken(
      secret,
      { sub: official.sub, name: official.name, unit: official.unit, role: official.role },
      '8h',
    );
    tokens[official.role] = issued.token;
  }
  const file = join(dataDir, 'demo-tokens.json');
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { file, tokens };
}
