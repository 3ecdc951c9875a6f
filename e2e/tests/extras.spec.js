// The extras module (tinychat_extras.wasm, cut out of the widget's wasm by scripts/split.mjs):
// the code of Settings, the conversation list, export, import and attaching images. Fetched on
// intent, or when one of them is used; the widget never runs that code before it is there (a
// call that did would print a console error, which fails every test here and elsewhere).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test, expect, openDemo, sendAndWait, replyBody, holdRequests } from './helpers.js';

const EXTRAS = '**/tinychat_extras.wasm';
const dist = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'dist');

const holdExtras = (page) => holdRequests(page, EXTRAS);

const settingsDialog = (widget) => widget.getByRole('dialog', { name: 'Settings' });
const FAILED = 'This part of the chat could not be loaded. Check your connection and try again.';
const OUTDATED = 'TinyChat was updated on this site. Reload the page to use this part of the chat.';

test('fetched on intent, not for every visitor; Settings opens once they are there', async ({ page }) => {
  const seen = [];
  const models = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/tinychat_extras.wasm')) seen.push(r.url());
    if (r.url().endsWith('/v1/models')) models.push(r.url());
  });
  const held = await holdExtras(page);
  const widget = await openDemo(page);
  await page.waitForTimeout(300);
  expect(seen).toEqual([]); // the widget runs; nobody has used it
  expect(models).toEqual([]); // nor asked the API for its models
  await widget.hover();
  await expect.poll(() => seen.length).toBe(1);
  expect(models).toEqual([]); // the model list waits for the extras, which read it

  // A click while they are on their way: the dialog opens when they arrive.
  await widget.getByRole('button', { name: 'Settings' }).click();
  await page.waitForTimeout(300);
  await expect(settingsDialog(widget)).toHaveCount(0);
  held.release();
  await expect(settingsDialog(widget)).toBeVisible();
  await expect(settingsDialog(widget).getByLabel('API key')).toBeVisible();
  expect(held.requests()).toBe(1); // once, however many wait for it
  await expect.poll(() => models.length).toBe(1);
  await expect(settingsDialog(widget).getByRole('combobox', { name: 'Model' }).locator('option'))
    .toContainText(['open-mistral-nemo']); // from GET /v1/models
});

test('they cannot be fetched: the visitor is told in words, the chat goes on, and a later click tries again', async ({ page, consoleErrors }) => {
  consoleErrors.allow(/^console: Failed to load resource: net::ERR_FAILED$/); // the blocked fetch
  let block = true;
  await page.route(EXTRAS, (route) => (block ? route.abort() : route.continue()));
  const widget = await openDemo(page);
  await widget.getByRole('button', { name: 'Settings' }).click();
  const notice = widget.locator('.tc-notice');
  await expect(notice).toContainText(FAILED);
  await expect(settingsDialog(widget)).toHaveCount(0);

  // The chat itself does not need them.
  const reply = await sendAndWait(widget, 'still here?');
  await expect(replyBody(reply)).toContainText('still here?');

  await widget.getByRole('button', { name: 'Conversations' }).click();
  await expect(notice).toContainText(FAILED);
  await expect(widget.getByRole('navigation', { name: 'Conversations' })).toHaveCount(0);

  block = false;
  await widget.getByRole('button', { name: 'Conversations' }).click();
  await expect(widget.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await widget.getByRole('button', { name: 'Settings' }).click();
  await expect(settingsDialog(widget)).toBeVisible();
});

test('extras of another build are not run: they fail to link, and the visitor is told', async ({ page }) => {
  // Another build's file: the same code with another build mark (scripts/split.mjs), as a deploy
  // between the widget's start and the fetch would serve.
  const bytes = readFileSync(join(dist, 'tinychat_extras.wasm'));
  const marked = WebAssembly.Module.imports(new WebAssembly.Module(bytes))
    .map((i) => i.name)
    .find((name) => /^%.+[0-9a-f]{8}$/.test(name) && name.length > 9);
  expect(marked).toBeTruthy();
  const mark = marked.slice(-8);
  const other = Buffer.from(bytes);
  const at = other.indexOf(Buffer.from(mark));
  expect(at).toBeGreaterThan(0);
  other[at] = other[at] === 0x30 ? 0x31 : 0x30;
  await page.route(EXTRAS, (route) => route.fulfill({ body: other, contentType: 'application/wasm' }));

  let fetches = 0;
  page.on('request', (r) => { if (r.url().endsWith('/tinychat_extras.wasm')) fetches += 1; });
  const widget = await openDemo(page);
  await widget.getByRole('button', { name: 'Settings' }).click();
  // Not a connection problem: the page must be reloaded, and the notice says so.
  await expect(widget.locator('.tc-notice')).toContainText(OUTDATED);
  await expect(settingsDialog(widget)).toHaveCount(0);
  const reply = await sendAndWait(widget, 'and now?');
  await expect(replyBody(reply)).toContainText('and now?');
  // No fetch can mend that: a later click says so again without fetching.
  const before = fetches;
  await expect(widget.locator('.tc-notice')).toHaveCount(0); // sending put it away
  await widget.getByRole('button', { name: 'Conversations' }).click();
  await expect(widget.locator('.tc-notice')).toContainText(OUTDATED);
  expect(fetches).toBe(before);
});

test('a second press while they are on their way gives up opening; the button says it is busy', async ({ page }) => {
  const held = await holdExtras(page);
  const widget = await openDemo(page);
  const settings = widget.getByRole('button', { name: 'Settings' });
  const list = widget.getByRole('button', { name: 'Conversations' });
  await settings.click();
  await expect(settings).toHaveAttribute('aria-busy', 'true');
  await settings.click(); // changed their mind
  await expect(settings).not.toHaveAttribute('aria-busy', 'true');
  // The last press wins: Settings, then the list, opens the list only.
  await settings.click();
  await list.click();
  await expect(list).toHaveAttribute('aria-busy', 'true');
  await expect(settings).not.toHaveAttribute('aria-busy', 'true');
  held.release();
  await expect(widget.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(list).not.toHaveAttribute('aria-busy', 'true');
  await page.waitForTimeout(300);
  await expect(settingsDialog(widget)).toHaveCount(0);
  // Once they run, a press opens at once.
  await settings.click();
  await expect(settingsDialog(widget)).toBeVisible();
});

test('the Export menu pressed before they arrive opens when they do, focus on its first item', async ({ page }) => {
  const held = await holdExtras(page);
  const widget = await openDemo(page);
  const exportButton = widget.getByRole('button', { name: 'Export' });
  await exportButton.click();
  await page.waitForTimeout(300);
  await expect(widget.getByRole('menu', { name: 'Export' })).toHaveCount(0);
  await expect(exportButton).toHaveAttribute('aria-expanded', 'false');
  held.release();
  const menu = widget.getByRole('menu', { name: 'Export' });
  await expect(menu).toBeVisible();
  await expect(exportButton).toHaveAttribute('aria-expanded', 'true');
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(exportButton).toBeFocused();
});
