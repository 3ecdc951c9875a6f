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
import { watchErrors, send, sendAndWait, composer } from './helpers.js';

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

test('launcher: a click before the wasm opens its panel at once; what is typed and sent there carries over', async ({ page }) => {
  const errors = watchErrors(page);
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-click', page_('data-mode="launcher"'));
  const launcher = page.locator('[data-tinychat] button.tc-launcher');
  await expect(launcher).toHaveAccessibleName('Open chat');
  await launcher.click();
  // The loader's panel: the frame, focus in its composer, the button now closes it.
  const frame = page.getByRole('region', { name: 'TinyChat' });
  await expect(frame).toBeVisible();
  const box = frame.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeFocused();
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');
  await expect(launcher).toHaveAccessibleName('Close chat');
  expect(await isRunning(page)).toBe(false);
  await box.fill('Asked before the wasm');
  await box.press('Enter');
  await expect(frame.getByRole('status')).toHaveText('Starting…');
  release();
  // The widget takes over open, sends the message, and focus stays in the composer.
  await expect.poll(() => isRunning(page)).toBe(true);
  const reply = frame.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Asked before the wasm');
  await expect(frame.locator('article[data-role="user"]')).toHaveCount(1);
  await expect(frame.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await expect(page.getByRole('button', { name: 'Close chat' }).last()).toBeVisible();
  expect(errors).toEqual([]);
});

test('launcher: Escape closes the loader panel, focus returns to the button, and the widget comes up closed with the draft', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-escape', page_('data-mode="launcher" data-locale="fr"'));
  const launcher = page.locator('[data-tinychat] button.tc-launcher');
  await launcher.click();
  const box = page.getByRole('region', { name: 'TinyChat' }).getByRole('textbox', { name: 'Message' });
  await box.fill('Brouillon');
  await expect(launcher).toHaveAccessibleName('Fermer la discussion');
  await page.keyboard.press('Escape');
  await expect(page.locator('[data-tinychat] .tc-panel')).toBeHidden();
  await expect(launcher).toBeFocused();
  await expect(launcher).toHaveAccessibleName('Ouvrir la discussion');
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(page.locator('[data-tinychat] .tc-panel')).toBeHidden();
  await expect(launcher).toHaveAttribute('aria-expanded', 'false');
  await launcher.click();
  await expect(page.getByRole('region', { name: 'TinyChat' }).getByRole('textbox', { name: 'Message' })).toHaveValue('Brouillon');
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
  release();
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Queued question');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(1);
});

/** Records, for each chat request, whether the widget had mounted when it left
 * (`window.requests`), and whether one was aborted (`window.aborted`). */
const recordRequests = (page) => page.evaluate(() => {
  window.requests = [];
  const fetch_ = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : input.url;
    if (url.includes('/v1/chat/completions')) {
      window.requests.push(document.querySelector('[data-tinychat][data-tinychat-mounted]') !== null);
      init?.signal?.addEventListener('abort', () => { window.aborted = true; });
    }
    return fetch_.apply(this, arguments);
  };
});

test('inline: a queued message leaves as the widget mounts, and streams into its views though the store answers meanwhile', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, 'instant-queue-early', page_('style="height:480px"', { csp: false }));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await sendAndWait(widget, 'Stored first');
  // Next page load: a stored conversation, and a message queued before the wasm. Its reply
  // stalls a second after its first pieces, so the store answers while it streams.
  const { release } = await watchWasm(page, { hold: true });
  await page.reload();
  expect(await isRunning(page)).toBe(false);
  await recordRequests(page);
  await send(widget, 'Queued [fault:stall=1]');
  release();
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'streaming');
  await expect(reply).not.toHaveText(/^\s*Assistant\s*$/);
  await reply.evaluate((a) => { a.dataset.seen = '1'; });
  await expect(reply).toHaveAttribute('data-state', 'done');
  // The same node took the rest of the reply (views rebuilt under it would stay "streaming").
  await expect(reply).toHaveAttribute('data-seen', '1');
  await expect(reply).toContainText('Queued');
  expect(await page.evaluate(() => window.requests)).toEqual([false]);
  // The stored conversation joined the list.
  await widget.getByRole('button', { name: 'Conversations' }).click();
  await expect(widget.getByRole('button', { name: /Stored first/ }).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test('inline: a queued message the page cancels goes back into the composer; one the page sent does not', async ({ page }) => {
  const errors = watchErrors(page);
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-queue-cancel', page_('style="height:480px"', { csp: false }));
  await recordRequests(page);
  // The page says no to the first two sends.
  await page.evaluate(() => {
    window.sends = [];
    document.querySelector('[data-tinychat]').addEventListener('tinychat:send', (e) => {
      window.sends.push(e.detail.text);
      if (window.sends.length <= 2) e.preventDefault();
    });
  });
  const widget = page.getByRole('region', { name: 'TinyChat' });
  const box = composer(widget);
  await send(widget, 'Not this one');
  await expect(box).toHaveValue('');
  await box.fill('and more');
  release();
  await expect(page.locator('[data-tinychat-mounted]')).toHaveCount(1);
  // Refused: back in the composer before what was typed since, caret at the end; nothing sent.
  await expect(box).toHaveValue('Not this one\nand more');
  await expect(box).toBeFocused();
  expect(await box.evaluate((t) => [t.selectionStart, t.selectionEnd])).toEqual([21, 21]);
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(0);
  expect(await page.evaluate(() => window.requests)).toEqual([]);
  // A message the page queued before the wasm, refused: the composer stays the visitor's.
  const again = await watchWasm(page, { hold: true });
  await page.reload();
  expect(await isRunning(page)).toBe(false);
  await page.evaluate(() => {
    window.sends = [];
    const el = document.querySelector('[data-tinychat]');
    el.addEventListener('tinychat:send', (e) => {
      window.sends.push(e.detail.text);
      if (window.sends.length === 1) e.preventDefault();
    });
    window.queuedByPage = TinyChat.send(el, 'From the page');
  });
  expect(await page.evaluate(() => window.queuedByPage)).toBe(true);
  again.release();
  await expect(page.locator('[data-tinychat-mounted]')).toHaveCount(1);
  await expect(box).toHaveValue('');
  await sendAndWait(widget, 'This one');
  expect(await page.evaluate(() => window.sends)).toEqual(['From the page', 'This one']);
  expect(errors).toEqual([]);
});

test('inline: a tinychat:send listener that takes the element out of the page leaves no widget running', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-queue-remove', page_('style="height:480px"', { csp: false }));
  await recordRequests(page);
  await page.evaluate(() => {
    const el = document.querySelector('[data-tinychat]');
    el.addEventListener('tinychat:send', () => { window.kept = el; el.remove(); });
  });
  await send(page.getByRole('region', { name: 'TinyChat' }), 'Leaving');
  release();
  await page.waitForFunction(() => window.requests.length === 1);
  await page.waitForFunction(() => window.aborted === true);
  expect(await page.evaluate(() => window.kept.hasAttribute('data-tinychat-mounted'))).toBe(false);
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
  // setOptions alone starts nothing: it is kept for the mount.
  await page.evaluate(() => {
    const el = document.querySelector('tiny-chat');
    window.readyEvents = 0;
    el.addEventListener('tinychat:ready', () => { window.readyEvents += 1; });
    el.setOptions({ title: 'Early title' });
  });
  await page.waitForTimeout(300);
  expect(seen).toEqual([]);
  await widget.getByRole('textbox', { name: 'Message' }).fill('My own draft');
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
  // What the visitor typed was not taken by the page's send; one mount, one ready.
  await expect(titled.getByRole('textbox', { name: 'Message' })).toHaveValue('My own draft');
  expect(await page.evaluate(() => window.readyEvents)).toBe(1);
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

test('the launcher panel the loader opens has no axe violations, light and dark', async ({ page }) => {
  await watchWasm(page, { hold: true });
  for (const theme of ['light', 'dark']) {
    await open(page, `instant-axe-${theme}`, page_(`data-mode="launcher" data-theme="${theme}"`, { csp: false }));
    await page.locator('[data-tinychat] button.tc-launcher').click();
    await expect(page.getByRole('region', { name: 'TinyChat' }).getByRole('textbox', { name: 'Message' })).toBeFocused();
    expect((await new AxeBuilder({ page }).include('.mount').analyze()).violations).toEqual([]);
  }
});

test('clear() before the wasm runs clears the stored conversation once the store has answered', async ({ page }) => {
  await open(page, 'instant-clear', page_('data-load="eager" style="height:480px"'));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await widget.getByRole('textbox', { name: 'Message' }).fill('Remember me');
  await widget.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  const { release } = await watchWasm(page, { hold: true });
  await page.reload();
  await page.evaluate(() => window.TinyChat.clear(document.querySelector('[data-tinychat]')));
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(0);
  await page.reload();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeEditable();
  await page.waitForTimeout(300);
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(0);
});

test('the wasm cannot be fetched: the frame says so in its language, the page hears it, Retry loads it', async ({ page }) => {
  let fail = true;
  await page.route(/tinychat_bg\.wasm$/, (route) => (fail ? route.abort('connectionfailed') : route.continue()));
  await open(page, 'instant-fail', page_('data-load="intent" data-locale="fr" style="height:480px"'));
  await page.evaluate(() => {
    window.loadErrors = [];
    document.querySelector('[data-tinychat]').addEventListener('tinychat:error', (e) => window.loadErrors.push(e.detail));
  });
  const widget = page.getByRole('region', { name: 'TinyChat' });
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.fill('Toujours là');
  await box.press('Enter');
  const status = widget.getByRole('status');
  await expect(status).toContainText('Impossible de charger la discussion.');
  // Once per failed download (focusing the box may have started one already).
  const heard = await page.evaluate(() => window.loadErrors);
  expect(heard.length).toBeGreaterThanOrEqual(1);
  expect(heard.at(-1)).toEqual(
    { kind: 'load', message: 'Impossible de charger la discussion. Vérifiez votre connexion, puis réessayez.', status: null });
  // Typing more does not hammer the network: only a deliberate act tries again.
  const attempts = heard.length;
  await box.type('…');
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.loadErrors.length)).toBe(attempts);
  expect(await isRunning(page)).toBe(false);
  fail = false;
  await status.getByRole('button', { name: 'Réessayer' }).click();
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Toujours là');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(1);
});

test('the widget keeps the skeleton\'s stylesheet in place: it is requested once', async ({ page }) => {
  // No page.route here: routing turns the browser's cache off, and a second request would
  // then be made either way.
  const errors = watchErrors(page);
  const stylesheets = [];
  page.on('request', (r) => { if (r.url().endsWith('/tinychat.css')) stylesheets.push(r.url()); });
  await open(page, 'instant-stylesheet', page_('style="height:400px"', { csp: false }));
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(page.locator('.mount').getByRole('textbox', { name: 'Message' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(stylesheets).toHaveLength(1);
  expect(await page.locator('.mount').evaluate((el) => el.shadowRoot.querySelectorAll('link').length)).toBe(1);
  expect(errors).toEqual([]);
});

test('the README preload hints start the download with the page, and each file is fetched once', async ({ page }) => {
  const { seen } = await watchWasm(page);
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  await open(page, 'instant-preload', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Preload</title>
<link rel="icon" href="data:,">
<link rel="modulepreload" href="../tinychat-embed.js">
<link rel="modulepreload" href="../tinychat.js">
<link rel="preload" href="../tinychat_bg.wasm" as="fetch" crossorigin>
</head><body><div data-tinychat data-api-base="${API}" style="height:400px"></div>
<script type="module" src="../tinychat-embed.js"></script></body></html>`);
  await expect.poll(() => isRunning(page)).toBe(true);
  await page.waitForTimeout(500);
  expect([...seen].sort()).toEqual(['tinychat.js', 'tinychat_bg.wasm']);
  // A preload the loader did not use would be reported by Chromium as unused.
  expect(warnings.filter((w) => /preload/i.test(w))).toEqual([]);
});

test('launcher: left open on the previous page, the next page shows it open at once and loads without waiting for intent', async ({ page }) => {
  await open(page, 'instant-stay-open', page_('data-mode="launcher"'));
  const launcher = page.locator('[data-tinychat] button.tc-launcher');
  await launcher.click();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(page.getByRole('region', { name: 'TinyChat' }).getByRole('button', { name: 'Close chat' })).toBeVisible();
  // The next page (here: the same one again), with the wasm held back.
  const { seen, release } = await watchWasm(page, { hold: true });
  await page.mouse.move(0, 0);
  await page.reload();
  const frame = page.getByRole('region', { name: 'TinyChat' });
  await expect(frame).toBeVisible();
  await expect(page.locator('.tc-host[data-skeleton]')).toHaveCount(1);
  await expect(launcher).toHaveAttribute('aria-expanded', 'true');
  // Loading started with no intent; focus stayed with the page.
  await expect.poll(() => seen.includes('tinychat_bg.wasm')).toBe(true);
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  await expect(frame.getByRole('button', { name: 'Close chat' })).toBeVisible();
  // Nor does the widget take focus when it comes up.
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
});

test('a widget element inserted and used in the same tick: send() queues on a closed launcher, open() shows the message waiting', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-same-tick', `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Same tick</title>
<link rel="icon" href="data:,"></head><body><div id="slot"></div>
<script type="module" src="../tinychat-embed.js"></script></body></html>`);
  await page.waitForFunction(() => window.TinyChat && typeof window.TinyChat.send === 'function');
  const sent = await page.evaluate((api) => {
    const el = document.createElement('div');
    el.setAttribute('data-tinychat', '');
    el.setAttribute('data-api-base', api);
    el.setAttribute('data-mode', 'launcher');
    document.getElementById('slot').append(el);
    return window.TinyChat.send(el, 'Queued while closed');
  }, API);
  expect(sent).toBe(true);
  await page.locator('[data-tinychat] button.tc-launcher').click();
  const frame = page.getByRole('region', { name: 'TinyChat' });
  await expect(frame.locator('article[data-role="user"]')).toHaveText(/Queued while closed/);
  await expect(frame.getByRole('status')).toHaveText('Starting…');
  release();
  const reply = frame.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Queued while closed');
});

test('launcher: a press whose click is lost because the widget took over in between still opens it', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-press', page_('data-mode="launcher"'));
  const launcher = page.locator('[data-tinychat] button.tc-launcher');
  const box = await launcher.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  // The widget takes over while the button is held: the release lands on its own button.
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  await page.mouse.up();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget.getByRole('button', { name: 'Close chat' })).toBeVisible();
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeFocused();
});

test('inline: a Send press whose click is lost to the takeover still sends, and empties the composer', async ({ page }) => {
  const { release } = await watchWasm(page, { hold: true });
  await open(page, 'instant-press-send', page_('style="height:480px"'));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await widget.getByRole('textbox', { name: 'Message' }).fill('Pressed, not clicked');
  const box = await widget.getByRole('button', { name: 'Send' }).boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  release();
  await expect.poll(() => isRunning(page)).toBe(true);
  await page.mouse.up();
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Pressed, not clicked');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(1);
  await expect(widget.getByRole('textbox', { name: 'Message' })).toHaveValue('');
});
