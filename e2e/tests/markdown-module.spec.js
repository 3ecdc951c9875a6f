// The Markdown module (tinychat_markdown.wasm: pulldown-cmark and the highlighter) is fetched
// once the widget runs, so the first reply never waits for it. Until it runs, and for good if it
// cannot be fetched, replies are plain text; when it starts, what is on screen becomes Markdown.
import {
  test, expect, openDemo, sendAndWait, replyBody, send, lastAssistant,
  holdRequests,
} from './helpers.js';

const MODULE = '**/tinychat_markdown.wasm';

const holdModule = (page) => holdRequests(page, MODULE);

test('a reply is plain text until the Markdown module runs, then it is drawn as Markdown', async ({ page }) => {
  const held = await holdModule(page);
  const widget = await openDemo(page);
  const reply = await sendAndWait(widget, 'show me markdown');
  const body = replyBody(reply);
  // The Markdown source, as text: nothing is lost, nothing is parsed.
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
  await expect(body).toContainText('# TinyChat demo');
  await expect(body).toContainText('| Chinese | 你好 |');
  await expect(body.getByRole('heading')).toHaveCount(0);
  expect(held.requests()).toBe(1);

  held.release();
  await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
  await expect(body.getByRole('table').getByRole('row')).toHaveCount(5);
  // Code blocks are highlighted by the module too.
  await expect(body.locator('pre code[data-highlighted] span.tc-tok-kw').first()).toBeVisible();
  expect(await body.textContent()).not.toContain('# TinyChat demo');
});

test('the module arriving mid-stream redraws the reply once, and it keeps streaming as Markdown', async ({ page }) => {
  const held = await holdModule(page);
  const widget = await openDemo(page);
  await send(widget, 'markdown please [delay=40]');
  const reply = lastAssistant(widget);
  const body = replyBody(reply);
  await expect(body.locator('.tc-md__plain')).toContainText('# TinyChat demo');
  await expect(reply).toHaveAttribute('data-state', 'streaming');
  held.release();
  await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
  await expect(reply).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
  await expect(body.locator('strong')).toHaveText('bold');
  await expect(body.locator('blockquote')).toContainText("That's all");
});

test('Markdown also waits for the extras module (the code that draws it); a failed fetch leaves text until a later one works', async ({ page, consoleErrors }) => {
  consoleErrors.allow(/^console: Failed to load resource: net::ERR_FAILED/);
  let fail = true;
  let extras = 0;
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/tinychat_extras.wasm', async (route) => {
    extras += 1;
    await gate;
    return fail ? route.abort() : route.continue();
  });
  const widget = await openDemo(page);
  const reply = await sendAndWait(widget, 'show me markdown');
  const body = replyBody(reply);
  // The Markdown module runs, the extras do not yet: text.
  await expect.poll(() => extras).toBe(1);
  await page.waitForTimeout(300);
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
  await expect(body.getByRole('heading')).toHaveCount(0);
  // Their fetch fails: still text, and the widget runs on.
  release();
  await page.waitForTimeout(300);
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
  await expect(body).toContainText('# TinyChat demo');
  // A later use fetches them (Settings: a click always tries again): the reply becomes Markdown.
  fail = false;
  await widget.getByRole('button', { name: 'Settings' }).click();
  await expect(widget.getByRole('dialog', { name: 'Settings' })).toBeVisible();
  await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
  expect(extras).toBe(2);
});

test('without the module, replies stay readable text and markup in them stays inert', async ({ page, consoleErrors }) => {
  consoleErrors.allow(/^console: Failed to load resource: net::ERR_FAILED/);
  let requests = 0;
  await page.route(MODULE, (route) => { requests += 1; return route.abort(); });
  const widget = await openDemo(page);
  const reply = await sendAndWait(widget, 'some html please');
  const body = replyBody(reply);
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
  await expect(body).toContainText('<script>alert(1)</script>');
  await expect(body).toContainText('<img src=x onerror=alert(1)>');
  await expect(widget.locator('script, img, iframe, object, embed')).toHaveCount(0);
  await expect(widget.locator('[onerror], [onmouseover], [onclick]')).toHaveCount(0);
  await expect(body.getByRole('link')).toHaveCount(0);
  expect(requests).toBe(1); // the intent and the reply did not ask twice
  // Ten seconds after the failure, the next intent tries again.
  await page.waitForTimeout(10_500);
  await page.mouse.move(0, 0);
  await widget.hover();
  await expect.poll(() => requests).toBe(2);
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
});

test('the module is fetched on intent or for a reply on screen, not for every visitor of the page', async ({ page }) => {
  const seen = [];
  page.on('request', (r) => { if (r.url().endsWith('/tinychat_markdown.wasm')) seen.push(r.url()); });
  const widget = await openDemo(page);
  await page.waitForTimeout(500);
  expect(seen).toEqual([]); // the widget runs; nobody has used it
  await widget.hover();
  await expect.poll(() => seen.length).toBe(1);
  await widget.getByRole('textbox', { name: 'Message' }).focus();
  await page.waitForTimeout(200);
  expect(seen.length).toBe(1); // once

  // A conversation on screen after a reload needs it at once, without any intent.
  await sendAndWait(widget, 'show me markdown');
  seen.length = 0;
  await page.mouse.move(0, 0);
  await page.reload();
  await expect(replyBody(lastAssistant(widget)).getByRole('heading', { name: 'TinyChat demo', level: 1 }))
    .toBeVisible();
  expect(seen.length).toBe(1);
});

/** Records, in the page, when a `.tc-md__plain` first appears in any widget (performance.now()). */
const watchPlain = () => {
  window.__plainAt = null;
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    new MutationObserver(() => {
      if (window.__plainAt == null && root.querySelector('.tc-md__plain')) window.__plainAt = performance.now();
    }).observe(root, { childList: true, subtree: true, attributes: true });
    return root;
  };
};
const moduleFetchStart = (page) => page.evaluate(() => performance.getEntriesByType('resource')
  .find((e) => e.name.endsWith('/tinychat_markdown.wasm'))?.startTime ?? null);

test('a stored conversation is drawn once, as Markdown, not first as plain text; a slow module still lets it show', async ({ page }) => {
  const widget = await openDemo(page);
  await sendAndWait(widget, 'show me markdown');
  const heading = replyBody(lastAssistant(widget)).getByRole('heading', { name: 'TinyChat demo', level: 1 });

  // Reload: the finished reply waits (up to 400 ms) for the module instead of flashing as text.
  await page.addInitScript(watchPlain);
  await page.reload();
  await expect(heading).toBeVisible();
  const plainAt = await page.evaluate(() => window.__plainAt);
  const fetchedAt = await moduleFetchStart(page);
  expect(fetchedAt).not.toBeNull();
  if (plainAt != null) expect(plainAt - fetchedAt).toBeGreaterThanOrEqual(390);

  // A module that takes 1.5 s: the reply shows as text after the wait, then as Markdown.
  const held = await holdModule(page);
  await page.reload();
  const body = replyBody(lastAssistant(widget));
  await expect(body.locator('.tc-md__plain')).toContainText('# TinyChat demo');
  const waited = await page.evaluate(() => window.__plainAt);
  expect(waited - await moduleFetchStart(page)).toBeGreaterThanOrEqual(390);
  held.release();
  await expect(heading).toBeVisible();
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
});

// Two stand-ins for tinychat_markdown.wasm: a valid empty module (no exports at all), and one
// with every export the widget calls whose `tc_wire_version` answers 2 and whose every update is
// two zero bytes, a valid empty update (a module of another build: used, it would leave replies
// blank; the version check keeps them text).
const OTHER_MODULES = {
  'an empty module': Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
  'a module of another wire version': Buffer.from('AGFzbQEAAAABBQFgAAF/AwgHAAAAAAAAAAUDAQABB3UIBm1lbW9yeQIACHRjX2FsbG9jAAAKdGNfb3V0X2xlbgABDXRjX3N0cmVhbV9uZXcAAg50Y19zdHJlYW1fZnJlZQADDnRjX3N0cmVhbV9wdXNoAAQMdGNfaGlnaGxpZ2h0AAUPdGNfd2lyZV92ZXJzaW9uAAYKJQcFAEHoBwsEAEECCwQAQQELBABBAAsEAEEKCwQAQQoLBABBAgs=', 'base64'),
};
for (const [what, body] of Object.entries(OTHER_MODULES)) {
  test(`${what} in place of the Markdown module is not used: replies stay text, the widget runs on`, async ({ page }) => {
    await page.route(MODULE, (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body }));
    const widget = await openDemo(page);
    const reply = await sendAndWait(widget, 'show me markdown');
    const replyText = replyBody(reply);
    await expect(replyText.locator('.tc-md__plain')).toContainText('# TinyChat demo');
    await expect(replyText.getByRole('heading')).toHaveCount(0);
    // Still alive: the next message streams.
    await sendAndWait(widget, 'and again');
    await expect(replyBody(lastAssistant(widget))).toContainText('and again');
  });
}
