// Right to left and the six languages (issue 12): an Arabic widget mirrors, a right-to-left page
// mirrors an English one, every locale shows its own words, and on a phone the header keeps one
// row in every language (the secondary actions move into a "More" menu).
import AxeBuilder from '@axe-core/playwright';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_PORT, STATIC_PORT } from '../playwright.config.js';
import { test, expect } from './helpers.js';

const STATIC = `http://127.0.0.1:${STATIC_PORT}`;
const API = `http://127.0.0.1:${API_PORT}`;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGES = path.join(HERE, '..', '..', 'dist', 'e2e-pages');
const SHOTS = path.join(HERE, '..', 'test-results', 'screenshots');

/** Writes `body` as `dist/e2e-pages/<name>.html` and opens it from the static origin. */
async function openPage(page, name, body) {
  fs.mkdirSync(PAGES, { recursive: true });
  fs.writeFileSync(path.join(PAGES, `${name}.html`), body);
  await page.goto(`${STATIC}/e2e-pages/${name}.html`);
}

function html({ lang = 'en', dir = '', body }) {
  return `<!doctype html><html lang="${lang}"${dir ? ` dir="${dir}"` : ''}><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>RTL test</title>
<link rel="icon" href="data:,"></head><body>${body}
<script type="module" src="../tinychat-embed.js"></script></body></html>`;
}

const widgetDiv = (attrs = '') => `<div data-tinychat data-api-base="${API}" ${attrs}></div>`;

/** Every shipped language: its Send label, the More menu's name, Close chat, Settings. */
const LOCALES = {
  en: { send: 'Send', more: 'More', close: 'Close chat', settings: 'Settings' },
  fr: { send: 'Envoyer', more: 'Plus', close: 'Fermer la discussion', settings: 'Réglages' },
  de: { send: 'Senden', more: 'Mehr', close: 'Chat schließen', settings: 'Einstellungen' },
  es: { send: 'Enviar', more: 'Más', close: 'Cerrar chat', settings: 'Ajustes' },
  it: { send: 'Invia', more: 'Altro', close: 'Chiudi chat', settings: 'Impostazioni' },
  ar: { send: 'إرسال', more: 'المزيد', close: 'إغلاق المحادثة', settings: 'الإعدادات' },
};

/** The tops of the header's visible buttons, and the header's height. */
async function headerRow(widget) {
  const header = widget.locator('header.tc-header');
  const buttons = header.getByRole('button');
  const tops = [];
  for (let i = 0; i < await buttons.count(); i++) tops.push(Math.round((await buttons.nth(i).boundingBox()).y));
  return { tops, height: (await header.boundingBox()).height };
}

test('an Arabic widget is right to left: dir on the skeleton and the widget, Send left of the textarea, axe clean', async ({ page }) => {
  await openPage(page, 'rtl-ar', html({ lang: 'ar', body: `<main><h1>متجر</h1><div style="height:560px">${widgetDiv('data-load="intent" data-greeting="مرحبًا! كيف يمكنني مساعدتك؟"')}</div></main>` }));
  // Before the wasm runs, the loader's frame is already right to left.
  await expect(page.locator('.tc-host[data-skeleton]')).toHaveAttribute('dir', 'rtl');
  await page.evaluate(() => window.TinyChat.load());
  await expect(page.locator('.tc-host:not([data-skeleton])')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('.tc-host')).toHaveAttribute('lang', 'ar');
  const widget = page.getByRole('region', { name: 'TinyChat' });
  const box = widget.getByRole('textbox', { name: 'الرسالة' });
  await box.fill('مرحبا');
  await box.press('Enter');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  // The composer mirrors: the Send button is on the left of the textarea.
  const send = await widget.getByRole('button', { name: 'إرسال' }).boundingBox();
  const input = await box.boundingBox();
  expect(send.x + send.width).toBeLessThanOrEqual(input.x + 1);
  // The user's bubble is on the left, the header's actions too; the title on the right.
  const user = await widget.locator('article[data-role="user"]').last().boundingBox();
  const section = await widget.boundingBox();
  expect(user.x - section.x).toBeLessThan(40);
  const title = await widget.locator('.tc-header__title').boundingBox();
  const settings = await widget.getByRole('button', { name: 'الإعدادات' }).boundingBox();
  expect(settings.x).toBeLessThan(title.x);
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  fs.mkdirSync(SHOTS, { recursive: true });
  await widget.screenshot({ path: path.join(SHOTS, 'rtl-arabic.png') });
});

test('a right-to-left page mirrors an English widget; the launcher keeps its physical corner', async ({ page }) => {
  await openPage(page, 'rtl-page', html({ dir: 'rtl', body: `<p>صفحة</p>${widgetDiv('data-mode="launcher" data-load="eager"')}
    <div dir="rtl" lang="en" style="height:420px">${widgetDiv('data-title="Inline" data-storage-key="inline"')}</div>` }));
  const inline = page.getByRole('region', { name: 'Inline' });
  await expect(inline).toBeVisible();
  await expect(page.locator('.tc-host:not([data-skeleton])').nth(1)).toHaveAttribute('dir', 'rtl');
  const send = await inline.getByRole('button', { name: 'Send' }).boundingBox();
  const input = await inline.getByRole('textbox', { name: 'Message' }).boundingBox();
  expect(send.x + send.width).toBeLessThanOrEqual(input.x + 1);
  // data-position is a physical corner: bottom-right by default, in either direction.
  const launcher = page.getByRole('button', { name: 'Open chat' });
  const vp = page.viewportSize();
  const lbox = await launcher.boundingBox();
  expect(lbox.x + lbox.width).toBeGreaterThan(vp.width - 60);
  await launcher.click();
  const panel = page.getByRole('region', { name: 'TinyChat' });
  // The widget itself (its header has More), not the loader's frame it replaces.
  await expect(panel.getByRole('button', { name: 'More' })).toBeVisible();
  const pbox = await panel.boundingBox();
  expect(pbox.x + pbox.width).toBeGreaterThan(vp.width - 60);
  // The 400px panel is narrow: one header row, the secondary actions in the More menu.
  await expect(panel.getByRole('button', { name: 'More' })).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Settings' })).toHaveCount(0);
  expect(new Set((await headerRow(panel)).tops).size).toBe(1);
});

test('every locale renders its own Send label', async ({ page }) => {
  const body = Object.keys(LOCALES).map((lang) =>
    `<div style="height:360px">${widgetDiv(`data-locale="${lang}" data-title="W-${lang}" data-load="eager"`)}</div>`).join('');
  await openPage(page, 'locales', html({ body }));
  for (const [lang, words] of Object.entries(LOCALES)) {
    const widget = page.getByRole('region', { name: `W-${lang}` });
    await expect(widget.getByRole('button', { name: words.send })).toBeVisible();
    const host = page.locator(`.tc-host[lang="${lang}"]:not([data-skeleton])`);
    if (lang === 'ar') await expect(host).toHaveAttribute('dir', 'rtl');
    else await expect(host).not.toHaveAttribute('dir', 'rtl');
  }
});

test('German launcher on a 375px phone: the header is one row, its More menu holds the other actions', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await openPage(page, 'narrow-de', html({ lang: 'de', body: widgetDiv('data-mode="launcher"') }));
  await page.getByRole('button', { name: 'Chat öffnen' }).click();
  const widget = page.getByRole('region', { name: 'TinyChat' });
  // The widget itself, not the loader's frame it replaces (that header has no buttons).
  await expect(widget.getByRole('button', { name: 'Mehr' })).toBeVisible();
  const { tops, height } = await headerRow(widget);
  expect(tops.length).toBe(2); // Mehr, Chat schließen
  expect(new Set(tops).size).toBe(1);
  expect(height).toBeLessThan(60);
  await expect(widget.getByRole('button', { name: 'Chat schließen' })).toBeVisible();
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'narrow-de.png') });
  // The More menu: a menu button with every secondary action.
  const more = widget.getByRole('button', { name: 'Mehr' });
  await expect(more).toHaveAttribute('aria-haspopup', 'menu');
  await more.click();
  const menu = widget.getByRole('menu', { name: 'Mehr' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Unterhaltungen', 'Neuer Chat', 'Markdown (.md)',
    'Reiner Text (.txt)', 'JSON (.json)', 'JSON importieren…', 'Einstellungen']);
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Einstellungen' })).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = widget.getByRole('dialog', { name: 'Einstellungen' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(more).toBeFocused();
  // Conversations from the menu opens the list; an export downloads.
  await more.click();
  await menu.getByRole('menuitem', { name: 'Unterhaltungen' }).click();
  await expect(widget.locator('.tc-convs')).toBeVisible();
  await more.click();
  const download = page.waitForEvent('download');
  await menu.getByRole('menuitem', { name: 'JSON (.json)' }).click();
  expect((await download).suggestedFilename()).toMatch(/\.json$/);
  await context.close();
});

test('the header is one row at every width in every language', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const [lang, words] of Object.entries(LOCALES)) {
    const widths = [400, 520, 640, 680, 760, 900];
    const body = widths.map((w) =>
      `<div style="width:${w}px;height:300px">${widgetDiv(`data-title="W${w}" data-storage-key="w-${lang}-${w}" data-load="eager"`)}</div>`).join('');
    await openPage(page, `widths-${lang}`, html({ lang, body }));
    for (const w of widths) {
      const widget = page.getByRole('region', { name: `W${w}` });
      // The skeleton's header has no buttons: measure once the widget runs.
      const wide = w > 640;
      await expect(widget.getByRole('button', { name: wide ? words.settings : words.more }), `${lang} at ${w}px`).toBeVisible();
      await expect(widget.getByRole('button', { name: words.settings }), `${lang} at ${w}px`).toHaveCount(wide ? 1 : 0);
      await expect(widget.getByRole('button', { name: words.more }), `${lang} at ${w}px`).toHaveCount(wide ? 0 : 1);
      const { tops, height } = await headerRow(widget);
      expect(new Set(tops).size, `${lang} at ${w}px: header buttons on one row`).toBe(1);
      expect(height, `${lang} at ${w}px: header height`).toBeLessThan(60);
    }
  }
});

test('at 320px the header is one row in every language', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  for (const [lang, words] of Object.entries(LOCALES)) {
    await openPage(page, `narrow-${lang}`, html({ lang, body: widgetDiv(`data-mode="launcher" data-storage-key="n-${lang}"`) }));
    await page.locator('.tc-launcher').click();
    const widget = page.getByRole('region', { name: 'TinyChat' });
    await expect(widget.getByRole('button', { name: words.more })).toBeVisible();
    await expect(widget.getByRole('button', { name: words.close })).toBeVisible();
    await expect(widget.getByRole('button', { name: words.settings })).toHaveCount(0);
    const { tops, height } = await headerRow(widget);
    expect(new Set(tops).size, `${lang}: header buttons on one row`).toBe(1);
    expect(height, `${lang}: header height`).toBeLessThan(60);
    // The title keeps room: it is not squeezed to nothing.
    expect((await widget.locator('.tc-header__title').boundingBox()).width, lang).toBeGreaterThan(60);
  }
  await context.close();
});
