/**
 * Debian's Chromium for the browser tests, driven by playwright-core (no browser is downloaded;
 * `npm test` apt-installs `chromium`). The flags keep it off the network it cannot reach.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { projectRoot } from '../../infra/tools.js';

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=vi',
];

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Installs Debian's chromium with apt-get if it is missing (fast when it is there). */
export function ensureChromium(): void {
  const install = spawnSync(process.execPath, [join(projectRoot, 'scripts/install-browser.mjs'), '--quiet'], {
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`browser not available: ${install.stderr.trim()}`);
}

export function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
}
