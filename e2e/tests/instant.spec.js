// Instant: before the wasm runs, the loader draws the widget (launcher button, or inline frame
// with a working composer); the wasm loads on intent / visibility / idle / at once, and takes
// over without losing typed text, the caret, focus or a message sent meanwhile.
// The wasm is held back with page.route so the pre-wasm state can be examined at leisure.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_PORT, STATIC_PORT } from '../playwright.config.js';
import { watchErrors } from './helpers.js';

const STATIC = `http://127.0.0.1:${STATIC_PORT}`;
const API = `http://127.0.0.1:${API_PORT}`;
const PAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'e2e-pages');
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + `connect-src 'self' ${API}; img-src 'self' data:`;

/** A host page; with `csp` (the strict policy the README documents) it may not use inline
 * styles, so pages that size things with `style=` turn it off. */
function page_(attrs, { lang = 'en', before = '', csp = true } = {}) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Instant</title>
${csp ? `<meta http-equiv="Content-Security-Policy" content="${CSP}">` : ''}
<link rel="icon" href="data:,"></head><body><main><h1>Host page</h1>${before}
<div data-tinychat data-api-base="${API}" ${attrs} class="mount"></div></main>
<script type="module" src="../tinychat-embed.js"></script></body></html>`;
}

async function open(page, name, body) {
  fs.mkdirSync(PAGES, { recursive: true });
  fs.writeFileSync(path.join(PAGES, `${name}.html`), body);
  await page.goto(`${STATIC}/e2e-pages/${name}.html`);
}

/** Records every request for the widget's code, and can hold the wasm back until released. */
async function watchWasm(page, { hold = false } = {}) {
  const seen = [];
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route(/tinychat(_bg\.wasm|\.js)$/, async (route) => {
    seen.push(new URL(route.request().url()).pathname.split('/').pop());
    if (hold && route.request().url().endsWith('.wasm')) await released;
    await route.continue();
  });
  return { seen, release };
}

const isRunning = (page) => page.evaluate(() => !!document.querySelector('[data-tinychat-mounted]'));

test('launcher: nothing but the loader and the stylesheet before intent; hover loads the wasm', async ({ page }) => {
  const errors = watchErrors(page);
  const { seen } = await watchWasm(page);
  await open(page, 'instant-launcher', page_('data-mode="launcher"'));
  const button = page.getByRole('button', { name: 'Open chat' });
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await page.waitForTimeout(500);
  expect(seen).toEqual([]);
  expect(await isRunning(page)).toBe(false);
  // The same look before and after: same box, same classes, same name.
  const before = await button.boundingBox();
  await button.hover();
  await expect.poll(() => isRunning(page)).toBe(true);
  // Both at once (the wasm is not waiting for the glue), each once.
  expect([...seen].sort()).toEqual(['tinychat.js', 'tinychat_bg.wasm']);
  await expect(button).toHaveClass('tc-launcher');
  expect(await button.boundingBox()).toEqual(before);
  await button.click();
  await expect(page.getByRole('region', { name: 'TinyChat' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('launcher: a click before the wasm runs opens the panel once it does, focus in the composer', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-click', page_('data-mode="launcher"'));
  const button = page.getByRole('button', { name: 'Open chat' });
  await button.click();
  await expect(button).toHaveAttribute('aria-busy', 'true');
  expect(await isRunning(page)).toBe(false);
  release();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Close chat' }).last()).toBeVisible();
});

test('launcher: keyboard focus loads it, and focus stays on the launcher', async ({ page }) => {
  await watchWasm(page);
  await open(page, 'instant-keys', page_('data-mode="launcher"', { before: '<a href="#x">A link</a>' }));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  const button = page.getByRole('button', { name: 'Open chat' });
  await expect(button).toBeFocused();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'TinyChat' }).getByRole('textbox', { name: 'Message' })).toBeFocused();
});

test('inline: the frame is usable before the wasm; typed text, caret and focus carry over', async ({ page }) => {
  const errors = watchErrors(page);
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-inline', page_('data-title="Help" data-greeting="Hi! Ask me." style="height:480px"', { csp: false }));
  const widget = page.getByRole('region', { name: 'Help' });
  await expect(widget).toBeVisible();
  await expect(widget.getByRole('heading', { name: 'Help' })).toBeVisible();
  await expect(widget.getByRole('log', { name: 'Conversation' })).toContainText('Hi! Ask me.');
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.click();
  await page.keyboard.type('Hello there');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  expect(await isRunning(page)).toBe(false);
  // Axe on the pre-wasm frame.
  const axe = await new AxeBuilder({ page }).include('.mount').analyze();
  expect(axe.violations.map((v) => v.id)).toEqual([]);
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  const real = page.getByRole('region', { name: 'Help' }).getByRole('textbox', { name: 'Message' });
  await expect(real).toHaveValue('Hello there');
  await expect(real).toBeFocused();
  expect(await real.evaluate((el) => [el.selectionStart, el.selectionEnd])).toEqual([9, 9]);
  await page.keyboard.type('X');
  await expect(real).toHaveValue('Hello theXre');
  expect(errors).toEqual([]);
});

test('inline: Enter before the wasm queues the message, shows "Starting…", and sends it', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-queue', page_('style="height:480px"'));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.fill('Queued question');
  await box.press('Enter');
  await expect(widget.getByRole('status')).toHaveText('Starting…');
  await expect(widget.locator('article[data-role="user"]')).toHaveText(/Queued question/);
  await expect(widget).toHaveAttribute('aria-busy', 'true');
  release();
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Queued question');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(1);
});

test('inline: a starter prompt before the wasm is sent when it runs; French strings in the frame', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-fr', page_('data-starter-prompts="Bonjour|Aide" style="height:480px"', { lang: 'fr' }));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget.getByRole('button', { name: 'Envoyer' })).toBeDisabled();
  await expect(widget.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Posez votre question…');
  await widget.getByRole('button', { name: 'Bonjour' }).click();
  await expect(widget.getByRole('status')).toHaveText('Démarrage…');
  release();
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await expect(widget.locator('article[data-role="user"]')).toHaveText(/Bonjour/);
});

test('data-load: an inline widget far below the fold waits until it comes near; eager loads at once', async ({ page }) => {
  const { seen } = await watchWasm(page);
  await open(page, 'instant-below', page_('style="height:400px"', { before: '<div style="height:4000px">Long page</div>', csp: false }));
  await page.waitForTimeout(500);
  expect(seen).toEqual([]);
  await page.locator('.mount').scrollIntoViewIfNeeded();
  await expect.poll(() => isRunning(page)).toBe(true);

  const eager = await watchWasm(page);
  await open(page, 'instant-eager', page_('data-mode="launcher" data-load="eager"'));
  await expect.poll(() => isRunning(page)).toBe(true);
  expect(eager.seen).toContain('tinychat_bg.wasm');
});

test('data-load="idle" loads after the page is idle; TinyChat.load() and TinyChat.ready', async ({ page }) => {
  await watchWasm(page);
  await open(page, 'instant-idle', page_('data-mode="launcher" data-load="idle"'));
  await expect.poll(() => isRunning(page), { timeout: 10_000 }).toBe(true);

  await open(page, 'instant-api', page_('data-mode="launcher"'));
  expect(await isRunning(page)).toBe(false);
  const api = await page.evaluate(async () => {
    const loaded = await window.TinyChat.load();
    await window.TinyChat.ready;
    return typeof loaded.mount === 'function' && typeof window.TinyChat.unmount === 'function';
  });
  expect(api).toBe(true);
  await expect.poll(() => isRunning(page)).toBe(true);
});

test('the API before the wasm: methods start loading it and take effect once it runs', async ({ page }) => {
  const errors = watchErrors(page);
  const { seen, release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-api-early', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API early</title>
<link rel="icon" href="data:,"></head><body>
<tiny-chat api-base="${API}" load="intent" style="display:block;height:480px"></tiny-chat>
<div data-tinychat data-api-base="${API}" data-mode="launcher" data-load="intent" id="second"></div>
<tiny-chat api-base="${API}" title="Gone" load="intent" id="third"></tiny-chat>
<script type="module" src="../tinychat-embed.js"></script></body></html>`);
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeVisible();
  expect(seen).toEqual([]);
  // A <tiny-chat> has its methods before the wasm; calling them starts loading it.
  const early = await page.evaluate(() => {
    const el = document.querySelector('tiny-chat');
    const second = document.getElementById('second');
    return {
      types: ['open', 'close', 'toggle', 'send', 'newChat', 'setOptions', 'getConversation', 'clear', 'destroy']
        .map((m) => typeof el[m]),
      conversation: el.getConversation(),
      empty: el.send('   '),
      sent: el.send('Asked early'),
      again: el.send('Asked twice'),
      options: el.setOptions({ title: 'Early title' }),
      opened: window.TinyChat.open(second),
      destroyed: document.getElementById('third').destroy(),
      destroyedShows: document.getElementById('third').shadowRoot.childElementCount,
    };
  });
  expect(early.types).toEqual(Array(9).fill('function'));
  expect(early).toMatchObject({ conversation: null, empty: false, sent: true, again: false, destroyedShows: 0 });
  await expect(widget.getByRole('status')).toHaveText('Starting…');
  await expect.poll(() => seen.includes('tinychat_bg.wasm')).toBe(true);
  release();
  // Once it runs: the queued message is sent, the options applied, the launcher opened.
  const titled = page.getByRole('region', { name: 'Early title' });
  const reply = titled.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Asked early');
  await expect(titled.locator('article[data-role="user"]')).toHaveCount(1);
  await expect(page.locator('#second').getByRole('button', { name: 'Close chat' }).first()).toBeVisible();
  const after = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  expect(after.conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  // Destroyed before the wasm ran: nothing shown, nothing mounted, once it runs too.
  const third = await page.evaluate(() => {
    const el = document.getElementById('third');
    return { shows: el.shadowRoot.childElementCount, mounted: el.hasAttribute('data-tinychat-mounted') };
  });
  expect(third).toEqual({ shows: 0, mounted: false });
  await expect(page.getByRole('region', { name: 'Gone' })).toHaveCount(0);
  expect(errors).toEqual([]);
});
