// The Markdown module (tinychat_markdown.wasm: pulldown-cmark and the highlighter) is fetched
// once the widget runs, so the first reply never waits for it. Until it runs, and for good if it
// cannot be fetched, replies are plain text; when it starts, what is on screen becomes Markdown.
import {
  test, expect, openDemo, sendAndWait, replyBody, send, lastAssistant,
} from './helpers.js';

const MODULE = '**/tinychat_markdown.wasm';

test('a reply is plain text until the Markdown module runs, then it is drawn as Markdown', async ({ page }) => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let requests = 0;
  await page.route(MODULE, async (route) => {
    requests += 1;
    await held;
    await route.continue();
  });
  const widget = await openDemo(page);
  const reply = await sendAndWait(widget, 'show me markdown');
  const body = replyBody(reply);
  // The Markdown source, as text: nothing is lost, nothing is parsed.
  await expect(body.locator('.tc-md__plain')).toHaveCount(1);
  await expect(body).toContainText('# TinyChat demo');
  await expect(body).toContainText('| Chinese | 你好 |');
  await expect(body.getByRole('heading')).toHaveCount(0);
  expect(requests).toBe(1);

  release();
  await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
  await expect(body.getByRole('table').getByRole('row')).toHaveCount(5);
  // Code blocks are highlighted by the module too.
  await expect(body.locator('pre code[data-highlighted] span.tc-tok-kw').first()).toBeVisible();
  expect(await body.textContent()).not.toContain('# TinyChat demo');
});

test('the module arriving mid-stream redraws the reply once, and it keeps streaming as Markdown', async ({ page }) => {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route(MODULE, async (route) => { await held; await route.continue(); });
  const widget = await openDemo(page);
  await send(widget, 'markdown please [delay=40]');
  const reply = lastAssistant(widget);
  const body = replyBody(reply);
  await expect(body.locator('.tc-md__plain')).toContainText('# TinyChat demo');
  await expect(reply).toHaveAttribute('data-state', 'streaming');
  release();
  await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
  await expect(reply).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  await expect(body.locator('.tc-md__plain')).toHaveCount(0);
  await expect(body.locator('strong')).toHaveText('bold');
  await expect(body.locator('blockquote')).toContainText("That's all");
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
  expect(requests).toBe(1);
});
