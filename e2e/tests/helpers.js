// Shared helpers: the widget lives in a shadow root; Playwright's role locators pierce it.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect } from '@playwright/test';
import { API_PORT, STATIC_PORT } from '../playwright.config.js';

/** The local API (tinychat-server) and the second origin that serves dist/ alone. */
export const API = `http://127.0.0.1:${API_PORT}`;
export const STATIC = `http://127.0.0.1:${STATIC_PORT}`;
/** Pages the suite writes for itself, inside dist/ (never shipped: scripts/compress.mjs skips them). */
const PAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'e2e-pages');

/** Writes `dist/e2e-pages/NAME.html` (`body`, then the loader) and opens it from the static origin. */
export async function openHostPage(page, name, body, { lang = 'en', title = 'Host' } = {}) {
  await fs.mkdir(PAGES, { recursive: true });
  await fs.writeFile(path.join(PAGES, `${name}.html`), `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<title>${title}</title><link rel="icon" href="data:,"></head><body>${body}
<script type="module" src="../tinychat-embed.js"></script></body></html>`);
  await page.goto(`${STATIC}/e2e-pages/${name}.html`);
}

// Chromium logs this (as a console error) for every response with an error status. The fault
// tests ask for such responses on purpose, so these lines, and only these, are expected.
const FAILED_STATUS = /^console: Failed to load resource: the server responded with a status of [45]\d\d\b/;

/**
 * `test` with two automatic guards:
 * - every console error and uncaught page error fails the test, except `FAILED_STATUS` lines and
 *   what the test allows with `consoleErrors.allow(/regex/)` (matched against
 *   `console: <text>` or `pageerror: <message>`);
 * - any JavaScript dialog (alert, confirm, prompt) fails the test (the HTML/XSS reply must never
 *   run `alert(1)`). The dialog is dismissed so the page does not hang.
 */
export const test = base.extend({
  consoleErrors: [async ({ page }, use) => {
    const seen = [];
    const allowed = [FAILED_STATUS];
    page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') seen.push(`console: ${m.text()}`); });
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    await use({ allow: (re) => allowed.push(re), seen });
    expect(dialogs, 'no JavaScript dialog may open').toEqual([]);
    const unexpected = seen.filter((line) => !allowed.some((re) => re.test(line)));
    expect(unexpected, 'no console error or page error').toEqual([]);
  }, { auto: true }],
});
export { expect };

/** Collects console errors and page errors (kept for older specs; `test` above does this). */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  return errors;
}

/** The widget's root `section` (named by its title). */
export function widgetOf(page) {
  return page.getByRole('region', { name: 'TinyChat' });
}

/**
 * Opens the demo page and waits for the widget. Every test runs in a fresh browser context, so
 * storage starts empty; `clear: true` also empties it explicitly (one more load).
 */
export async function openDemo(page, path = '/', { clear = false } = {}) {
  await page.goto(path);
  if (clear) {
    await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
    await page.reload();
  }
  const widget = widgetOf(page);
  await expect(widget).toBeVisible();
  await expect(composer(widget)).toBeEditable();
  return widget;
}

export function composer(widget) {
  return widget.getByRole('textbox', { name: 'Message' });
}

export async function send(widget, text) {
  const box = composer(widget);
  await box.fill(text);
  await box.press('Enter');
}

export function messages(widget) {
  return widget.getByRole('log', { name: 'Conversation' }).locator('article');
}

export function lastAssistant(widget) {
  return widget.locator('article[data-role="assistant"]').last();
}

export function lastUser(widget) {
  return widget.locator('article[data-role="user"]').last();
}

/** The rendered text of a reply (its Markdown body, without author, notes and buttons). */
export function replyBody(article) {
  return article.locator('.tc-md');
}

/** Sends `text` and waits until the reply reaches `state` (default `done`); returns the reply. */
export async function sendAndWait(widget, text, state = 'done', timeout) {
  await send(widget, text);
  const reply = lastAssistant(widget);
  await expect(reply).toHaveAttribute('data-state', state, timeout ? { timeout } : undefined);
  await expect(widget).toHaveAttribute('aria-busy', 'false');
  return reply;
}

/** The server's default reply to `prompt` (directives removed), first line. */
export function youSaid(prompt) {
  return `You said: "${prompt}"`;
}

/** The whole default reply (as tinychat-server writes it). */
export function defaultReply(prompt, model = 'mistral-small-latest', count = 1) {
  const plural = count === 1 ? '' : 's';
  return `You said: "${prompt}"\n\nThis is a canned reply from tinychat-server (${model}, `
    + `${count} message${plural} in this conversation). `
    + 'Ask for "markdown", "html" or "long 20" to see scripted replies.';
}

/**
 * The first `n` pieces the server streams for `text` (a port of `reply::split_pieces`: a run of
 * whitespace then a run of other characters, cut every 6 characters), joined. The mid-stream
 * faults (`drop`, `malformed`, `stream-error`, `stall`) fire after 3 pieces.
 */
export function firstPieces(text, n = 3) {
  const pieces = [];
  let current = '';
  let chars = 0;
  let inWord = false;
  for (const c of text) {
    const space = /\s/u.test(c);
    if (chars === 6 || (space && inWord)) {
      pieces.push(current);
      current = '';
      chars = 0;
      inWord = false;
    }
    current += c;
    chars += 1;
    inWord ||= !space;
  }
  if (current) pieces.push(current);
  return pieces.slice(0, n).join('');
}

/** The `long N` reply's first `n` pieces, as text. */
export function longText(n) {
  return Array.from({ length: n }, (_, i) => `tok${i} `).join('');
}

/** Reads the clipboard through the page (permissions are granted in the config). */
export async function readClipboard(page) {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Opens the Export menu, clicks `item`, and returns `{ name, text }` of the downloaded file. */
export async function exportAs(page, widget, item) {
  await widget.getByRole('button', { name: 'Export' }).click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    widget.getByRole('menuitem', { name: item }).click(),
  ]);
  const path = await download.path();
  const text = await fs.readFile(path, 'utf8');
  return { name: download.suggestedFilename(), text };
}

/** Opens Settings and returns the dialog. */
export async function openSettings(widget) {
  await widget.getByRole('button', { name: 'Settings' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** The texts of every message article in order, as `role: text` (author label excluded). */
export async function transcript(widget) {
  return messages(widget).evaluateAll((articles) => articles.map((a) => {
    const body = a.querySelector('.tc-md, .tc-msg__text');
    return `${a.dataset.role}/${a.dataset.state}: ${body ? body.textContent : ''}`;
  }));
}

/** Holds every request matching `pattern` until `release()`; `requests()` counts them. */
export async function holdRequests(page, pattern) {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  let requests = 0;
  await page.route(pattern, async (route) => {
    requests += 1;
    await gate;
    await route.continue();
  });
  return { release, requests: () => requests };
}
