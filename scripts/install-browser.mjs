#!/usr/bin/env node
/**
 * Installs the browser the console's end-to-end tests drive: Debian's `chromium` package, with
 * apt-get, when /usr/bin/chromium is missing. Nothing is downloaded from anywhere but the machine's
 * apt sources (never `playwright install`). Idempotent: a quick check and exit 0 when installed.
 *
 *   node scripts/install-browser.mjs            install if missing
 *   node scripts/install-browser.mjs --check    exit 0 if installed, 1 if not (installs nothing)
 *
 * CHROMIUM_PATH overrides the executable looked for (and skips the installation if it exists).
 * Exit codes: 0 installed (or already there), 1 could not install (not root, no apt-get, apt failed).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium executable the tests use: CHROMIUM_PATH or Debian's /usr/bin/chromium. */
export function chromiumPath(env = process.env) {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure Chromium is installed. Returns `{ ok, path, message }`; never throws. `log` receives
 * progress lines (apt's own output goes to stderr when `verbose`).
 */
export function ensureChromium({ env = process.env, log = () => {}, verbose = false } = {}) {
  const path = chromiumPath(env);
  if (executable(path)) return { ok: true, path, message: `${path} is installed` };
  if (env.CHROMIUM_PATH) {
    return { ok: false, path, message: `CHROMIUM_PATH=${path} is not an executable file` };
  }
  if (process.platform !== 'linux' || !hasCommand('apt-get')) {
    return {
      ok: false,
      path,
      message:
        `${path} is missing and apt-get is not available on this machine: install Chromium ` +
        'yourself and set CHROMIUM_PATH to its executable',
    };
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return {
      ok: false,
      path,
      message: `${path} is missing; installing it needs root: run  sudo apt-get update && sudo apt-get install -y chromium`,
    };
  }
  const stdio = verbose ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'ignore', 'pipe'];
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'],
  ]) {
    log(`install-browser: apt-get ${args.join(' ')}`);
    const run = spawnSync('apt-get', args, { stdio, env: aptEnv, encoding: 'utf8' });
    if (run.status !== 0) {
      const tail = (run.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
      return {
        ok: false,
        path,
        message: `apt-get ${args.join(' ')} failed (exit ${run.status ?? run.signal})${tail ? `: ${tail}` : ''}`,
      };
    }
  }
  if (!executable(path)) {
    return { ok: false, path, message: `apt-get installed chromium but ${path} is still missing` };
  }
  return { ok: true, path, message: `installed ${path} (Debian package chromium)` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.includes('--check')) {
    const path = chromiumPath();
    const ok = executable(path);
    console.log(ok ? `install-browser: ${path} is installed` : `install-browser: ${path} is missing`);
    process.exit(ok ? 0 : 1);
  }
  const quiet = process.argv.includes('--quiet');
  const result = ensureChromium({
    log: (line) => {
      if (!quiet) console.log(line);
    },
    verbose: !quiet,
  });
  if (result.ok) {
    if (!quiet) console.log(`install-browser: ${result.message}`);
    process.exit(0);
  }
  console.error(`install-browser: ${result.message}`);
  process.exit(1);
}
