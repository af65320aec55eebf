/** `tthc token issue` / `tthc token verify` as a child process: tokens the API accepts, clear refusals. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSecret, verifyToken } from '../../api/auth.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const secret = generateSecret();

function tthc(args: string[], env: Record<string, string> = { TTHC_TOKEN_SECRET: secret }) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.TTHC_DEBUG;
  if (!('TTHC_TOKEN_SECRET' in env)) delete childEnv.TTHC_TOKEN_SECRET;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/tthc.mjs', 'token', ...args],
      { cwd: PROJECT_ROOT, env: childEnv, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const official = ['--id', 'can-bo-01', '--name', 'Nguyễn Thị Thu', '--unit', '000.01.41.H99'];

describe('tthc token', () => {
  it('issues a token the API verifies, and verifies it back', async () => {
    const [plain, json] = await Promise.all([
      tthc(['issue', ...official, '--role', 'counter-officer']),
      tthc(['issue', ...official, '--role', 'supervisor', '--ttl', '30m', '--json']),
    ]);
    expect(plain.code).toBe(0);
    const token = plain.stdout.trim();
    expect(await verifyToken(secret, token)).toEqual({
      id: 'can-bo-01',
      name: 'Nguyễn Thị Thu',
      unit: '000.01.41.H99',
      role: 'counter-officer',
    });
    const issued = JSON.parse(json.stdout) as {
      token: string;
      expiresAt: string;
      official: { role: string };
    };
    expect(issued.official.role).toBe('supervisor');
    const lifetime = Date.parse(issued.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(25 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
    const verified = await tthc(['verify', token]);
    expect(verified.stdout.trim()).toBe('Nguyễn Thị Thu (can-bo-01), counter-officer tại 000.01.41.H99');
  });

  it('refuses unknown units and roles, long lifetimes and short secrets, in one line', async () => {
    const results = await Promise.all([
      tthc(['issue', ...official.slice(0, 4), '--unit', '000.01.41.H11', '--role', 'leader']),
      tthc(['issue', ...official, '--role', 'applicant']),
      tthc(['issue', ...official, '--role', 'leader', '--ttl', '40d']),
      tthc(['issue', ...official, '--role', 'leader'], { TTHC_TOKEN_SECRET: 'too-short' }),
      tthc(['issue', ...official, '--role', 'leader'], {}),
      tthc(['verify', 'abc.def.ghi']),
    ]);
    const messages = [
      /--unit "000\.01\.41\.H11" is not a unit of the organisation "demo"/,
      /--role "applicant" must be one of counter-officer, specialist, leader, supervisor, administrator/,
      /--ttl "40d" is longer than 30 days/,
      /TTHC_TOKEN_SECRET must be set to a secret of at least 32 characters \(got 9\)/,
      /TTHC_TOKEN_SECRET must be set/,
      /malformed token/,
    ];
    results.forEach((result, i) => {
      expect(result.code, result.stderr).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(messages[i] as RegExp);
    });
    expect(results.slice(0, 3).map((r) => r.code)).toEqual([2, 2, 2]);
  });
});
