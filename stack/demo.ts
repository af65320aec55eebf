/**
 * Demo credentials for the local stack: a persisted server secret, the demo officials' accounts at
 * the embedded identity provider (their passwords kept in `<data>/oidc/demo-passwords.json`, 0600,
 * and printed at start), and one access token per role issued by that provider.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddedProvider, ProviderAccount } from '../identity/embedded-provider.js';

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

/**
 * Demo citizens (stand-ins for VNeID level-2 accounts) for the online public services: made-up
 * 12-digit personal identification numbers, no real person's.
 */
export const demoCitizens = [
  { sub: 'cong-dan-an', name: 'Nguyễn Văn An', citizenId: '044090001234' },
  { sub: 'cong-dan-binh', name: 'Trần Thị Bình', citizenId: '044185005678' },
] as const;

/** The demo officials' (and citizens') passwords: created on the first start (random), then kept (mode 0600). */
export async function demoPasswords(dataDir: string): Promise<Record<string, string>> {
  const dir = join(dataDir, 'oidc');
  const file = join(dir, 'demo-passwords.json');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let passwords: Record<string, string> = {};
  try {
    passwords = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
  } catch {
    // First start, or an unreadable file: new passwords.
  }
  let changed = false;
  for (const { sub } of [...demoOfficials, ...demoCitizens]) {
    if (typeof passwords[sub] !== 'string' || (passwords[sub] as string).length < 8) {
      passwords[sub] = randomBytes(9).toString('base64url');
      changed = true;
    }
  }
  if (changed) {
    await writeFile(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return passwords;
}

/** The demo officials and citizens as accounts of the embedded provider. */
export function demoAccounts(passwords: Record<string, string>): ProviderAccount[] {
  const passwordOf = (sub: string): string => {
    const password = passwords[sub];
    if (!password) throw new Error(`no password for the demo account ${sub}`);
    return password;
  };
  return [
    ...demoOfficials.map((official) => ({
      id: official.sub,
      password: passwordOf(official.sub),
      name: official.name,
      unit: official.unit,
      role: official.role,
    })),
    ...demoCitizens.map((citizen) => ({
      id: citizen.sub,
      password: passwordOf(citizen.sub),
      name: citizen.name,
      citizenId: citizen.citizenId,
    })),
  ];
}

/**
 * An access token per demo official (valid 8 hours), issued by the embedded provider, written to
 * `<data>/demo-tokens.json` (mode 0600) for scripts: `TTHC_TOKEN=$(node -p …)`.
 */
export async function writeDemoTokens(
  dataDir: string,
  provider: EmbeddedProvider,
): Promise<{ file: string; tokens: Record<string, string> }> {
  const tokens: Record<string, string> = {};
  for (const official of demoOfficials) {
    tokens[official.role] = await provider.issueAccessToken(official.sub, { ttlSeconds: 8 * 3600 });
  }
  const file = join(dataDir, 'demo-tokens.json');
  await writeFile(file, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  return { file, tokens };
}
