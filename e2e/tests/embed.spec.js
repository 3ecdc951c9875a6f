// Embedding, as a site owner does it: the release dist/ served from one origin (STATIC_PORT),
// tinychat-server as the API on another (API_PORT), test pages made of the two embed lines.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_PORT, STATIC_PORT } from '../playwright.config.js';
import { spawn } from 'node:child_process';
import { watchErrors } from './helpers.js';

const STATIC = `http://127.0.0.1:${STATIC_PORT}`;
const API = `http://127.0.0.1:${API_PORT}`;
// Screenshots of the release build: always taken (test-results/, not tracked); written over the
// README's pictures in docs/screenshots with UPDATE_SCREENSHOTS=1 (see README).
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1'
  ? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
  : path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');

const PAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'e2e-pages');

/** Writes `body` as `dist/e2e-pages/<name>.html` and opens it from the static origin (`base`).
 * Real files from a real server: Chromium treats a page fulfilled by the test runner as coming
 * from the public internet and (rightly) blocks its calls to a loopback API. */
async function openPage(page, name, body, base = STATIC) {
  fs.mkdirSync(PAGES, { recursive: true });
  fs.writeFileSync(path.join(PAGES, `${name}.html`), body);
  // Each test has a fresh browser context, so storage starts empty.
  await page.goto(`${base}/e2e-pages/${name}.html`);
}

function html({ lang = 'en', head = '', body }) {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Embed test</title>
<link rel="icon" href="data:,">${head}</head><body>${body}
<script type="module" src="../tinychat-embed.js"></script></body></html>`;
}

const inline = (attrs = '') =>
  `<div data-tinychat data-api-base="${API}" ${attrs} class="mount"></div>`;

async function sendIn(widget, text) {
  const box = widget.getByRole('textbox', { name: /Message/ });
  await box.fill(text);
  await box.press('Enter');
}

test('two widgets on one page are independent, each with its own storage', async ({ page }) => {
  const errors = watchErrors(page);
  await openPage(page, 'two', html({ body: `
    <div style="height:420px">${inline('data-title="Support" id="support"')}</div>
    <div style="height:420px">${inline('data-title="Sales"')}</div>` }));
  const support = page.getByRole('region', { name: 'Support' });
  const sales = page.getByRole('region', { name: 'Sales' });
  await expect(support).toBeVisible();
  await expect(sales).toBeVisible();
  await sendIn(support, 'Only in support');
  await expect(support.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await expect(sales.locator('article')).toHaveCount(0);
  // Conversations live in one IndexedDB database per widget namespace.
  await expect.poll(() => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)))
    .toContain('tinychat:tinychat-support');
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  expect(names.some((n) => n.startsWith('tinychat:tinychat-support'))).toBe(true);
  expect(names.filter((n) => n.startsWith('tinychat:')).length).toBe(2);
  await page.reload();
  await expect(support.locator('article[data-role="user"]')).toHaveText(/Only in support/);
  await expect(sales.locator('article')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('TinyChat.mount mounts an element added later, with options as an object', async ({ page }) => {
  await openPage(page, 'api', html({ body: '<div id="later" style="height:400px"></div>' }));
  await page.evaluate(async (api) => {
    await window.TinyChat.ready;
    window.TinyChat.mount(document.getElementById('later'), { apiBase: api, title: 'Later', starterPrompts: ['Say hi', 'Help me'] });
  }, API);
  const w = page.getByRole('region', { name: 'Later' });
  await expect(w).toBeVisible();
  await w.getByRole('button', { name: 'Say hi' }).click();
  await expect(w.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await expect(w.locator('article[data-role="assistant"]').last()).toContainText('Say hi');
});

test('launcher: opens a panel, Escape closes it and returns focus, open state survives reload', async ({ page }) => {
  await openPage(page, 'launcher', html({ body: `<p>Host page</p>${inline('data-mode="launcher"')}` }));
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await expect(launcher).toBeVisible();
  const box = await launcher.boundingBox();
  const vp = page.viewportSize();
  expect(box.x + box.width).toBeGreaterThan(vp.width - 60);
  expect(box.y + box.height).toBeGreaterThan(vp.height - 60);
  await launcher.click();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(widget).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.reload();
  await expect(page.getByRole('region', { name: 'TinyChat' })).toBeVisible();
  await page.getByRole('button', { name: 'Close chat' }).first().click();
  await expect(page.getByRole('region', { name: 'TinyChat' })).toBeHidden();
});

test('mobile: the launcher panel is full-screen and inputs are at least 16px', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await openPage(page, 'mobile', html({ body: inline('data-mode="launcher"') }));
  await page.getByRole('button', { name: 'Open chat' }).click();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  // The widget itself (its header has Close chat), not the loader's frame it replaces.
  await expect(widget.getByRole('button', { name: 'Close chat' })).toBeVisible();
  const box = await widget.boundingBox();
  expect(Math.round(box.width)).toBe(375);
  expect(box.height).toBeGreaterThan(600);
  const fontSize = await widget.getByRole('textbox', { name: 'Message' }).evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontSize).toBeGreaterThanOrEqual(16);
  const composer = await widget.getByRole('textbox', { name: 'Message' }).boundingBox();
  expect(composer.y + composer.height).toBeLessThanOrEqual(667);
  await sendIn(widget, 'hello from a phone');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await context.close();
});

test('hostile host CSS does not break the widget, and the widget changes nothing outside', async ({ page }) => {
  const hostile = `<style>
    * { all: revert; color: red !important; font: 30px serif !important; line-height: 3 !important; }
    div { display: inline; } button { display: none; } textarea { visibility: hidden; }
    section, article { border: 9px solid lime !important; } .tc-chat, .tc-button { display: none !important; }
  </style>`;
  const body = `<p id="probe">Probe text</p><button id="probe-btn">Probe</button>
    <div style="height:480px; display:block">${inline()}</div>`;
  // Styles of the page's own elements without the widget…
  await openPage(page, 'bare', html({ head: hostile, body: body.replace('data-tinychat', 'data-nothing') }));
  const probe = () => page.evaluate(() => ['#probe', '#probe-btn', 'body'].map((s) => {
    const cs = getComputedStyle(document.querySelector(s));
    return [cs.color, cs.font, cs.display, cs.margin, cs.padding, cs.backgroundColor, cs.boxSizing].join('|');
  }));
  const before = await probe();
  // …and with it.
  await openPage(page, 'hostile', html({ head: hostile, body }));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  expect(await probe()).toEqual(before);
  // Measure the widget's own composer, not the loader's skeleton it replaces.
  await expect(page.locator('.tc-host:not([data-skeleton])')).toHaveCount(1);
  const box = widget.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  // The stylesheet may still be on its way when a cached wasm mounts: measure once it applies
  // (until then the textarea has the browser's 13.33px; the page's CSS never reaches it).
  await expect.poll(() => box.evaluate((el) => getComputedStyle(el).fontSize)).toBe('16px');
  const style = await box.evaluate((el) => {
    const cs = getComputedStyle(el);
    return { color: cs.color, size: cs.fontSize, family: cs.fontFamily };
  });
  expect(style.color).not.toBe('rgb(255, 0, 0)');
  expect(style.size).toBe('16px');
  expect(style.family).not.toMatch(/^serif$/);
  await expect(widget.getByRole('button', { name: 'Settings' })).toBeVisible();
  await sendIn(widget, 'still works');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
});

test('strict CSP: no violation, and the widget streams', async ({ page }) => {
  // A third origin whose every response carries the policy, as a site owner's server would send it.
  const port = 8792;
  const csp = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${API}; img-src 'self' data:`;
  const server = spawn('../target/debug/tinychat-server',
    ['--port', String(port), '--static-dir', '../dist', '--csp', csp, '--quiet'], { stdio: 'ignore' });
  try {
    await expect.poll(async () => {
      try { return (await fetch(`http://127.0.0.1:${port}/health`)).status; } catch { return 0; }
    }).toBe(200);
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text()); });
    await page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    // No inline style anywhere on this page: the policy would (rightly) refuse it.
    await openPage(page, 'csp', html({ body: `<div>${inline()}</div>` }), `http://127.0.0.1:${port}`);
    const header = await page.evaluate(async () => (await fetch(location.href)).headers.get('content-security-policy'));
    expect(header).toBe(csp);
    const widget = page.getByRole('region', { name: 'TinyChat' });
    await expect(widget).toBeVisible();
    await sendIn(widget, 'markdown under a strict CSP');
    const reply = widget.locator('article[data-role="assistant"]').last();
    await expect(reply).toHaveAttribute('data-state', 'done');
    await expect(reply.locator('pre code')).toBeVisible();
    // Mistral's platform under the same policy: thinking, highlighted code, sources, an image.
    await widget.getByRole('button', { name: 'Settings' }).click();
    const dialog = widget.getByRole('dialog', { name: 'Settings' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('combobox', { name: 'Model' }).selectOption('magistral-small-latest');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const png = await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(64, 48);
      canvas.getContext('2d').fillRect(0, 0, 64, 48);
      const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
      return btoa(String.fromCharCode(...bytes));
    });
    await widget.locator('input.tc-composer__file').setInputFiles([{ name: 'csp.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64') }]);
    await expect(widget.locator('.tc-pending img')).toBeVisible();
    await sendIn(widget, 'code [sources]');
    const last = widget.locator('article[data-role="assistant"]').last();
    await expect(last).toHaveAttribute('data-state', 'done');
    await expect(last.locator('details.tc-thinking summary')).toHaveText(/^Thought for/);
    await expect(last.locator('.tc-tok-kw').first()).toHaveText('fn');
    await expect(last.locator('.tc-sources a')).toHaveCount(2);
    await expect(last).toContainText('I received 1 image.');
    await widget.getByRole('button', { name: 'Open csp.png' }).click();
    await expect(widget.getByRole('dialog', { name: 'csp.png' }).locator('img')).toBeVisible();
    expect(await page.evaluate(() => window.__csp)).toEqual([]);
    expect(violations).toEqual([]);
  } finally {
    server.kill();
  }
});

test('locale: French from data-locale or the page language, strings overridable', async ({ page }) => {
  await openPage(page, 'fr', html({ lang: 'fr', body: `<div style="height:420px">${inline('data-title="Aide"')}</div>
    <div style="height:420px">${inline(`data-locale="en" data-title="Help" data-strings='{"send":"Go"}'`)}</div>` }));
  const fr = page.getByRole('region', { name: 'Aide' });
  await expect(fr.getByRole('button', { name: 'Envoyer' })).toBeVisible();
  await expect(fr.getByRole('button', { name: 'Réglages' })).toBeVisible();
  await expect(fr.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Posez votre question…');
  const en = page.getByRole('region', { name: 'Help' });
  await expect(en.getByRole('button', { name: 'Go' })).toBeVisible();
  await expect(en.getByRole('button', { name: 'Settings' })).toBeVisible();
});

test('a French widget shows every error in French', async ({ page }) => {
  await openPage(page, 'fr-errors', html({ lang: 'fr', body: `<div style="height:520px">${inline('data-title="Aide"')}</div>` }));
  const widget = page.getByRole('region', { name: 'Aide' });
  const cases = [
    ['[fault:401]', 'unauthorized', 'La clé d’API a été refusée.'],
    ['[fault:422]', 'validation', 'La requête a été refusée'],
    ['[fault:malformed]', 'stream', 'La réponse est illisible'],
    ['[fault:stream-error]', 'stream', 'Mistral a signalé une erreur pendant la réponse'],
  ];
  for (const [fault, kind, french] of cases) {
    // A new conversation each time: consecutive user turns are merged into one request.
    await widget.getByRole('button', { name: 'Nouvelle discussion' }).click();
    await sendIn(widget, `bonjour ${fault}`);
    const reply = widget.locator('article[data-role="assistant"]').last();
    await expect(reply).toHaveAttribute('data-state', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', kind);
    await expect(alert).toContainText(french);
    // None of the English sentences' words of our own (the server's quoted words may stay).
    const text = await alert.locator('.tc-msg__error-text').textContent();
    for (const english of ['was rejected', 'could not be read', 'reported an error', 'Check it in Settings']) {
      expect(text).not.toContain(english);
    }
  }
  await widget.getByRole('button', { name: 'Nouvelle discussion' }).click();
  await sendIn(widget, 'bonjour [fault:401]');
  await expect(widget.getByRole('alert').getByRole('button', { name: 'Ouvrir les réglages' })).toBeVisible();
});

test('invalid options are reported once by attribute name and defaults are used', async ({ page }) => {
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await openPage(page, 'invalid', html({ body: `<div style="height:420px">${inline('data-temperature="hot" data-mode="sideways" data-theme="purple" data-max-tokens="-3"')}</div>` }));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  await expect.poll(() => warnings.length).toBeGreaterThanOrEqual(4);
  for (const attr of ['data-temperature', 'data-mode', 'data-theme', 'data-max-tokens']) {
    expect(warnings.filter((w) => w.includes(attr))).toHaveLength(1);
  }
  await sendIn(widget, 'works anyway');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
});

test('proxy mode: a custom API base works with no key and no Authorization header', async ({ page }) => {
  const auth = [];
  page.on('request', (r) => { if (r.url().startsWith(API)) auth.push(r.headers()['authorization'] ?? null); });
  await openPage(page, 'proxy', html({ body: `<div style="height:420px">${inline()}</div>` }));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await sendIn(widget, 'through the proxy');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  expect(auth.length).toBeGreaterThan(0);
  expect(auth.every((a) => a === null)).toBe(true);
});

test('themes: dark and light palettes, and host custom properties theme the widget', async ({ page }) => {
  await openPage(page, 'themes', html({
    head: '<style>#themed { --tc-accent: rgb(124, 58, 237); }</style>',
    body: `<div style="height:360px">${inline('data-theme="dark" data-title="Dark"')}</div>
      <div style="height:360px">${inline('data-theme="light" data-title="Light" id="themed"')}</div>` }));
  // Measured on the running widgets (the loader's frame is replaced when the wasm takes over).
  await expect(page.locator('[data-tinychat-mounted]')).toHaveCount(2);
  const bg = (name) => page.getByRole('region', { name }).evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await bg('Dark')).toBe('rgb(23, 23, 28)');
  expect(await bg('Light')).toBe('rgb(255, 255, 255)');
  const light = page.getByRole('region', { name: 'Light' });
  await light.getByRole('textbox', { name: 'Message' }).fill('x');
  const send = light.getByRole('button', { name: 'Send' });
  expect(await send.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(124, 58, 237)');
});

test.describe('accessibility (axe-core, zero violations)', () => {
  const audit = async (page) => {
    const results = await new AxeBuilder({ page }).analyze();
    const summary = results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect(summary).toEqual([]);
  };

  for (const theme of ['light', 'dark']) {
    test(`inline widget, ${theme} theme, with a conversation and an error`, async ({ page }) => {
      await openPage(page, `axe-${theme}`, html({ body: `<main><h1>Shop</h1><div style="height:560px">${inline(`data-theme="${theme}"`)}</div></main>` }));
      const widget = page.getByRole('region', { name: 'TinyChat' });
      await sendIn(widget, 'markdown');
      await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
      await sendIn(widget, 'this fails [fault:401]');
      await expect(widget.getByRole('alert')).toBeVisible();
      await audit(page);
      fs.mkdirSync(SHOTS, { recursive: true });
      if (theme === 'light') {
        await widget.screenshot({ path: path.join(SHOTS, 'inline.png') });
      } else {
        await widget.screenshot({ path: path.join(SHOTS, 'dark.png') });
      }
    });
  }

  test('launcher open, and the Settings dialog', async ({ page }) => {
    await openPage(page, 'axe-launcher', html({ body: `<main><h1>Docs</h1><p>Some page.</p>${inline('data-mode="launcher" data-greeting="Hi! How can I help?"')}</main>` }));
    await audit(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    const widget = page.getByRole('region', { name: 'TinyChat' });
    await expect(widget).toBeVisible();
    await audit(page);
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'launcher.png') });
    await widget.getByRole('button', { name: 'More' }).click();
    await audit(page);
    await widget.getByRole('menuitem', { name: 'Settings' }).click();
    await expect(widget.getByRole('dialog', { name: 'Settings' })).toBeVisible();
    await audit(page);
  });
});

test('keyboard only: launcher, send, stop, retry, settings, export, close; focus always visible', async ({ page }) => {
  await openPage(page, 'keys', html({ body: `<main><h1>Keyboard</h1><a href="#top">A link</a>${inline('data-mode="launcher"')}</main>` }));
  const focusVisible = async () => {
    const ok = await page.evaluate(() => {
      let el = document.activeElement;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body) return false;
      const cs = getComputedStyle(el);
      return el.matches(':focus-visible') && cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    });
    expect(ok).toBe(true);
  };
  const tabTo = async (name) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() => {
        let el = document.activeElement;
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
        return el ? (el.getAttribute('aria-label') || el.textContent || '').trim() : '';
      });
      if (label === name) { await focusVisible(); return; }
    }
    throw new Error(`could not Tab to ${name}`);
  };
  await tabTo('Open chat');
  await page.keyboard.press('Enter');
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await focusVisible();
  await page.keyboard.type('long 60 [delay=150]');
  await page.keyboard.press('Enter');
  await expect(widget).toHaveAttribute('aria-busy', 'true');
  await expect(widget.locator('article[data-role="assistant"]').last()).toContainText('tok1');
  await page.keyboard.press('Escape');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'stopped');
  await tabTo('Retry');
  await page.keyboard.press('Enter');
  await expect(widget).toHaveAttribute('aria-busy', 'true');
  await page.keyboard.press('Escape');
  await expect(widget).toHaveAttribute('aria-busy', 'false');
  // The 400px panel keeps its header on one row: the secondary actions are in the More menu.
  await tabTo('More');
  await page.keyboard.press('Enter');
  const more = widget.getByRole('button', { name: 'More' });
  await expect(widget.getByRole('menuitem', { name: 'Conversations' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(widget.getByRole('menuitem', { name: 'Settings' })).toBeFocused();
  await focusVisible();
  await page.keyboard.press('Enter');
  const dialog = widget.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await focusVisible();
  // Focus is trapped: many Tabs stay inside the dialog.
  for (let i = 0; i < 15; i++) await page.keyboard.press('Tab');
  expect(await dialog.evaluate((d) => d.contains(d.getRootNode().activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(more).toBeFocused();
  await focusVisible();
  // A menu button: Enter opens the menu on its first item; arrows move; Escape returns.
  await page.keyboard.press('Enter');
  await expect(widget.getByRole('menuitem', { name: 'Conversations' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(widget.getByRole('menuitem', { name: 'New chat' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(more).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(widget.getByRole('menuitem', { name: 'Conversations' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const markdownItem = widget.getByRole('menuitem', { name: 'Markdown (.md)' });
  await expect(markdownItem).toBeFocused();
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toMatch(/\.md$/);
  await tabTo('Close chat');
  await page.keyboard.press('Enter');
  await expect(widget).toBeHidden();
  await expect(page.getByRole('button', { name: 'Open chat' })).toBeFocused();
  await focusVisible();
});
