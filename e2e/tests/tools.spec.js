// Page tools (issue 12): `TinyChat.tools(el, [...])` gives the assistant abilities on the page.
// tinychat-server's `[tool:NAME]` directive makes the reply call NAME, so the whole round trip
// (call, handler, result, continuation) runs offline and deterministically.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { API, openHostPage, send, watchErrors } from './helpers.js';

/** A shop page with one inline `<tiny-chat>` (extra attributes `attrs`), once it shows. */
async function open(page, name, attrs = '') {
  await openHostPage(page, name, `<main><h1>Shop</h1>
<tiny-chat api-base="${API}" title="Shop help" load="eager" ${attrs} style="display:block;height:560px"></tiny-chat></main>`,
  { title: 'Shop' });
  const widget = page.getByRole('region', { name: 'Shop help' });
  await expect(widget).toBeVisible();
  return widget;
}

async function giveTools(page) {
  await page.waitForFunction(() => window.TinyChat?.tools);
  await page.evaluate(() => {
    window.calls = [];
    window.TinyChat.tools(document.querySelector('tiny-chat'), [
      {
        name: 'find_product',
        description: 'Finds a product of the shop',
        parameters: { type: 'object', properties: { query: { type: 'string' } } },
        handler: async (args) => { window.calls.push(args); return { sku: 'L-1', query: args.query }; },
      },
      { name: 'stock', description: 'Stock of a product', handler: () => { throw new Error('out of stock'); } },
    ]);
  });
}

test('a tool round trip: handlers run in the page, results go back, the reply continues', async ({ page }) => {
  const errors = watchErrors(page);
  const requests = [];
  page.on('request', (r) => { if (r.url().endsWith('/v1/chat/completions')) requests.push(r.postDataJSON()); });
  const widget = await open(page, 'tools-round-trip');
  await giveTools(page);
  await send(widget, 'a lamp [tool:find_product] [tool:stock] [tool:missing]');
  const reply = widget.locator('article[data-role="assistant"]:not([hidden])').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('find_product: {"sku":"L-1","query":"a lamp"}');
  await expect(reply).toContainText('stock: {"error":"out of stock"}');
  await expect(reply).toContainText('missing: {"error":"Unknown tool');
  expect(await page.evaluate(() => window.calls)).toEqual([{ query: 'a lamp' }]);

  // One compact line per call; the reply that only asked for tools is not shown.
  const lines = widget.locator('details.tc-tool');
  await expect(lines).toHaveCount(3);
  await expect(lines.nth(0).locator('summary')).toHaveText('Used find_product');
  await expect(lines.nth(1).locator('summary')).toHaveText('stock failed');
  await expect(lines.nth(2)).toHaveAttribute('data-state', 'failed');
  await expect(widget.locator('article[data-role="assistant"]:not([hidden])')).toHaveCount(1);
  await lines.nth(0).locator('summary').click();
  await expect(lines.nth(0).locator('[data-part="arguments"]')).toHaveText('{"query":"a lamp"}');
  await expect(lines.nth(0).locator('[data-part="result"]')).toHaveText('{"sku":"L-1","query":"a lamp"}');
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);

  // The wire: tools offered with tool_choice auto; the second request carries the calls and
  // their results, paired by id.
  expect(requests[0].tools.map((t) => t.function.name)).toEqual(['find_product', 'stock']);
  expect(requests[0].tool_choice).toBe('auto');
  const history = requests[1].messages;
  const ask = history.find((m) => m.tool_calls);
  expect(ask.tool_calls.map((c) => c.function.name)).toEqual(['find_product', 'stock', 'missing']);
  const results = history.filter((m) => m.role === 'tool');
  expect(results.map((m) => m.tool_call_id)).toEqual(ask.tool_calls.map((c) => c.id));

  // Kept in the conversation and its export.
  const exported = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  const tools = exported.conversation.messages.filter((m) => m.role === 'tool');
  expect(tools.map((m) => [m.tool_call.name, !!m.tool_failed])).toEqual([['find_product', false], ['stock', true], ['missing', true]]);

  // After a reload the lines come back from storage.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Shop help' }).locator('details.tc-tool')).toHaveCount(3);
  expect(errors).toEqual([]);
});

test('rounds stop at tool-rounds: the last request forbids tools and the model answers', async ({ page }) => {
  const requests = [];
  page.on('request', (r) => { if (r.url().endsWith('/v1/chat/completions')) requests.push(r.postDataJSON()); });
  const widget = await open(page, 'tools-rounds', 'tool-rounds="2"');
  await giveTools(page);
  await send(widget, 'again [tool:find_product] [tool-rounds=9]');
  const reply = widget.locator('article[data-role="assistant"]:not([hidden])').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText("The page's tools answered");
  await expect(widget.locator('details.tc-tool')).toHaveCount(2);
  expect(requests.map((r) => r.tool_choice)).toEqual(['auto', 'auto', 'none']);
  expect(await page.evaluate(() => window.calls.length)).toBe(2);
});

test('Stop aborts a running handler; the next message still sends a valid history', async ({ page }) => {
  const errors = watchErrors(page);
  const widget = await open(page, 'tools-stop');
  await page.waitForFunction(() => window.TinyChat?.tools);
  await page.evaluate(() => {
    window.TinyChat.tools(document.querySelector('tiny-chat'), [{
      name: 'slow',
      handler: (_args, { signal }) => new Promise((resolve) => {
        signal.addEventListener('abort', () => { window.aborted = true; resolve('late'); });
      }),
    }]);
  });
  await send(widget, 'wait [tool:slow]');
  const line = widget.locator('details.tc-tool');
  await expect(line.locator('summary')).toHaveText('Using slow…');
  await widget.getByRole('button', { name: 'Stop' }).click();
  await expect(line.locator('summary')).toHaveText('slow was stopped');
  expect(await page.evaluate(() => window.aborted)).toBe(true);
  // The page takes its tools back; the unanswered call is left out of the history (the server
  // refuses unpaired calls as Mistral does), so the next message goes through.
  await page.evaluate(() => window.TinyChat.tools(document.querySelector('tiny-chat'), []));
  await send(widget, 'Hello again');
  const reply = widget.locator('article[data-role="assistant"]:not([hidden])').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Hello again');
  expect(errors).toEqual([]);
});

test('a French widget names the tools it used in French', async ({ page }) => {
  const widget = await open(page, 'tools-fr', 'locale="fr"');
  await giveTools(page);
  const box = widget.getByRole('textbox');
  await box.fill('une lampe [tool:find_product] [tool:stock]');
  await box.press('Enter');
  const lines = widget.locator('details.tc-tool summary');
  await expect(lines.nth(0)).toHaveText('find_product a été utilisé');
  await expect(lines.nth(1)).toHaveText('Échec de stock');
});

test('documents a page tool returns are cited: reference chunks become numbered sources', async ({ page }) => {
  const widget = await open(page, 'tools-citations');
  await page.waitForFunction(() => window.TinyChat?.tools);
  await page.evaluate(() => {
    window.TinyChat.tools(document.querySelector('tiny-chat'), [{
      name: 'search_docs',
      description: 'Searches the docs; returns documents keyed by id, as in Mistral citations',
      handler: () => ({ 0: { url: 'https://docs.mistral.ai/capabilities/citations/', title: 'Citations', snippets: ['…'] } }),
    }]);
  });
  await send(widget, 'docs [tool:search_docs]');
  const reply = widget.locator('article[data-role="assistant"]:not([hidden])').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  const link = reply.getByRole('region', { name: 'Sources' }).getByRole('link', { name: 'Citations' });
  await expect(link).toHaveAttribute('href', 'https://docs.mistral.ai/capabilities/citations/');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
});

test('a reasoning model that thinks before calling a tool keeps its thinking visible, without actions', async ({ page }) => {
  const widget = await open(page, 'tools-thinking', 'model="magistral-small-latest"');
  await giveTools(page);
  await send(widget, 'lamp [tool:find_product]');
  const replies = widget.locator('article[data-role="assistant"]:not([hidden])');
  await expect(replies.last()).toHaveAttribute('data-state', 'done');
  await expect(replies).toHaveCount(2);
  const asked = replies.first();
  await expect(asked).toHaveClass(/tc-msg--tool-request/);
  await expect(asked.locator('details.tc-thinking summary')).toHaveText(/^Thought for \d+ s$/);
  await expect(asked.getByRole('button', { name: 'Copy' })).toBeHidden();
  await expect(widget.locator('details.tc-tool summary')).toHaveText('Used find_product');
});
