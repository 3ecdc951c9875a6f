// Shared helpers: the widget lives in a shadow root; Playwright's role locators pierce it.
import { expect } from '@playwright/test';

/** Collects console errors and page errors; tests assert it stays empty. */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

/** Opens the demo page with empty storage and waits for the widget. */
export async function openDemo(page, path = '/') {
  await page.goto(path);
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
  await page.reload();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  return widget;
}

export async function send(widget, text) {
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

export function lastAssistant(widget) {
  return widget.locator('article[data-role="assistant"]').last();
}
