/**
 * The automated accessibility check of the console's screens: axe-core (from npm) evaluated in the
 * page through the DevTools protocol (Playwright's evaluate), so the console's strict
 * Content-Security-Policy stays as it is. WCAG 2.x A and AA rules and axe's best practices; a
 * screen passes with no serious or critical violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  /** The selectors of the failing elements (at most five). */
  targets: string[];
}

interface AxeResult {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: Array<{ target: unknown[] }>;
  }>;
}

/** Every screen checked in this test file, with what axe found of lesser impact (for the report). */
export const axeLog: Array<{ screen: string; serious: number; lesser: string[] }> = [];

/** The serious and critical violations on the page as it is now (dialogs included). */
export async function axeViolations(page: Page, screen: string): Promise<AxeFinding[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(axeSource);
  const result = (await page.evaluate(
    `window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } })`,
  )) as AxeResult;
  const findings = result.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(' ')),
  }));
  const serious = findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
  axeLog.push({
    screen,
    serious: serious.length,
    lesser: findings.filter((f) => !serious.includes(f)).map((f) => `${f.rule} (${f.impact})`),
  });
  return serious;
}

/** No serious or critical violation on the page as it is now; `screen` names it in the failure. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await axeViolations(page, screen), screen).toEqual([]);
}
