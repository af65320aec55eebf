/** Driving the console from the keyboard only, as the accessibility checks of the browser tests do. */
import type { Page } from 'playwright-core';

// The browser's document, inside page.evaluate (the project compiles without lib.dom).
declare const document: { activeElement: { matches(selector: string): boolean } | null };

/** Presses Tab until the focused element matches the selector (at most 80 presses). */
export async function tabTo(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => Boolean(document.activeElement?.matches(s)), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}
