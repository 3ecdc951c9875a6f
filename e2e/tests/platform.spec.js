// Mistral's platform (issue 11): a reasoning model's thinking, the reasoning setting, agents
// and sources, against tinychat-server (magistral-* models think, [sources] cites, two agents).
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { API, holdRequests, openHostPage, readClipboard, send, watchErrors } from './helpers.js';

/** A page in `lang` with one inline `<tiny-chat>` (its own storage, extra attributes `attrs`). */
async function open(page, name, attrs = '', lang = 'en') {
  await openHostPage(page, name, `<main><h1>Platform</h1>
<tiny-chat api-base="${API}" title="Help" load="eager" storage-key="${name}" ${attrs} style="display:block;width:720px;height:600px"></tiny-chat></main>`,
  { lang, title: 'Platform' });
  const widget = page.getByRole('region', { name: 'Help' });
  await expect(widget).toBeVisible();
  return widget;
}

/** Request bodies the widget posts to the API, with their path. */
function recordPosts(page) {
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().startsWith(API)) posts.push({ path: new URL(r.url()).pathname, body: r.postDataJSON() });
  });
  return posts;
}

const lastReply = (widget) => widget.locator('article[data-role="assistant"]:not([hidden])').last();

test('a reasoning model: thinking collapsed above the answer, timed, left out of Copy, replayed as Mistral asks', async ({ page }) => {
  const errors = watchErrors(page);
  const posts = recordPosts(page);
  const widget = await open(page, 'thinking', 'model="magistral-small-latest"');
  await send(widget, 'Hi there [delay=40]');
  const reply = lastReply(widget);
  const thinking = reply.locator('details.tc-thinking');
  // While it thinks the summary says so; once the answer starts it says for how long.
  await expect(thinking.locator('summary')).toHaveText('Thinking…');
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(thinking.locator('summary')).toHaveText(/^Thought for \d+ s$/);
  await expect(thinking).not.toHaveAttribute('open', '');
  await expect(reply.locator(':scope > .tc-md')).toContainText('You said: "Hi there"');
  await expect(reply.locator(':scope > .tc-md')).not.toContainText('step by step');
  await thinking.locator('summary').click();
  await expect(thinking.locator('.tc-md')).toContainText('The user wrote "Hi there". Let me think about it step by step.');
  await expect(thinking.locator('.tc-md li')).toHaveCount(2);
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);

  await reply.getByRole('button', { name: 'Copy' }).click();
  const copied = await readClipboard(page);
  expect(copied).toContain('You said');
  expect(copied).not.toContain('step by step');

  // The next request replays the thinking as a thinking chunk before the text.
  await send(widget, 'And now?');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  const history = posts[posts.length - 1].body.messages;
  expect(history[1].role).toBe('assistant');
  expect(history[1].content[0].type).toBe('thinking');
  expect(history[1].content[0].thinking[0].text).toContain('step by step');
  expect(history[1].content[1]).toEqual({ type: 'text', text: expect.stringContaining('You said') });

  // Kept in the JSON export and after a reload.
  const exported = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  const first = exported.conversation.messages.find((m) => m.role === 'assistant');
  expect(first.thinking).toContain('step by step');
  expect(first.thought_ms).toBeGreaterThanOrEqual(0);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Help' }).locator('details.tc-thinking')).toHaveCount(2);
  expect(errors).toEqual([]);
});

test('a French widget says Réflexion', async ({ page }) => {
  const widget = await open(page, 'thinking-fr', 'model="magistral-small-latest" locale="fr"', 'fr');
  await send(widget, 'Salut [delay=40]');
  const summary = lastReply(widget).locator('details.tc-thinking summary');
  await expect(summary).toHaveText('Réflexion…');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  await expect(summary).toHaveText(/^Réflexion\u00a0: \d+\u00a0s$/);
});

test('the reasoning setting is sent only to models that take it', async ({ page }) => {
  const posts = recordPosts(page);
  const widget = await open(page, 'reasoning', 'reasoning-effort="high"');
  await send(widget, 'Think hard');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  expect(posts[0].body.reasoning_effort).toBe('high');
  await expect(lastReply(widget).locator('details.tc-thinking')).toHaveCount(1);
  // Settings: Reasoning Off; then a model that does not reason gets nothing.
  await widget.getByRole('button', { name: 'Settings' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('combobox', { name: 'Reasoning' })).toHaveValue('high');
  await dialog.getByRole('combobox', { name: 'Reasoning' }).selectOption('none');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await send(widget, 'Quick one');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  expect(posts[1].body.reasoning_effort).toBe('none');
  await widget.getByRole('button', { name: 'Settings' }).click();
  await dialog.getByRole('combobox', { name: 'Model' }).selectOption('open-mistral-nemo');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await send(widget, 'Plain');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  const last = posts[posts.length - 1].body;
  expect(last.model).toBe('open-mistral-nemo');
  expect(last.reasoning_effort).toBeUndefined();
});

test('an agent: the agents endpoint without model settings, named in the header, no model picker', async ({ page }) => {
  const errors = watchErrors(page);
  const posts = recordPosts(page);
  const widget = await open(page, 'agent', 'agent-id="ag:tinychat:shop" temperature="0.4"');
  await expect(widget.locator('.tc-header__agent')).toHaveText('Agent ag:tinychat:shop');
  await send(widget, 'Hello agent');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  await expect(lastReply(widget)).toContainText('Shop assistant: You said: "Hello agent"');
  expect(posts[0].path).toBe('/v1/agents/completions');
  expect(posts[0].body.agent_id).toBe('ag:tinychat:shop');
  for (const field of ['model', 'temperature', 'top_p', 'safe_prompt']) expect(posts[0].body[field]).toBeUndefined();
  await widget.getByRole('button', { name: 'Settings' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('textbox', { name: 'Agent ID' })).toHaveValue('ag:tinychat:shop');
  await expect(dialog.getByRole('combobox', { name: 'Model' })).toHaveCount(0);
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);
  // An unknown agent is an error in words, as for chat completions.
  await dialog.getByRole('textbox', { name: 'Agent ID' }).fill('ag:nobody');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await send(widget, 'Anyone?');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'error');
  await expect(lastReply(widget).getByRole('alert')).toBeVisible();
  // Clearing the field talks to the model again, and the picker is back.
  await widget.getByRole('button', { name: 'Settings' }).click();
  await dialog.getByRole('textbox', { name: 'Agent ID' }).fill('');
  await expect(dialog.getByRole('combobox', { name: 'Model' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(widget.locator('.tc-header__agent')).toHaveCount(0);
  await send(widget, 'Model again');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  expect(posts[posts.length - 1].path).toBe('/v1/chat/completions');
  expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
});

test('sources: numbered safe links under the answer, titles as text, no favicon loaded', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => fetched.push(r.url()));
  const widget = await open(page, 'sources');
  await send(widget, 'Tell me [sources]');
  const reply = lastReply(widget);
  await expect(reply).toHaveAttribute('data-state', 'done');
  const sources = reply.getByRole('region', { name: 'Sources' });
  const items = sources.getByRole('listitem');
  await expect(items).toHaveCount(3);
  const links = sources.getByRole('link');
  await expect(links).toHaveCount(2);
  await expect(links.nth(0)).toHaveAttribute('href', 'https://docs.mistral.ai/');
  await expect(links.nth(0)).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(links.nth(0)).toHaveAttribute('target', '_blank');
  await expect(links.nth(1)).toHaveText('Le Chat <b>by</b> Mistral');
  await expect(items.nth(2)).toHaveText('A link that must not run');
  expect(await sources.locator('b, img, [href^="javascript"]').count()).toBe(0);
  expect(fetched.filter((u) => u.includes('favicon'))).toEqual([]);
  const exported = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  expect(exported.conversation.messages.find((m) => m.sources).sources.map((s) => s.url ?? null))
    .toEqual(['https://docs.mistral.ai/', 'https://chat.mistral.ai/', null]);
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);
});

test('code blocks are highlighted once complete, as DOM text, never re-highlighted while the reply streams', async ({ page }) => {
  const errors = watchErrors(page);
  const widget = await open(page, 'highlight', 'theme="dark"');
  await page.evaluate(() => { window.ran = 0; window.alert = () => { window.ran += 1; }; });
  await send(widget, 'code [delay=25]');
  const reply = lastReply(widget);
  // While the first block still grows it is plain text.
  const tailCode = reply.locator('.tc-md__tail pre code');
  await expect(tailCode).toContainText('fn greet');
  expect(await tailCode.locator('span[class^="tc-tok-"]').count()).toBe(0);
  // Once complete it is highlighted; from then on nothing in it changes.
  const rust = reply.locator('code[data-lang="rust"][data-highlighted]');
  await expect(rust).toHaveCount(1);
  await expect(reply).toHaveAttribute('data-state', 'streaming');
  await rust.evaluate((code) => {
    window.mutations = 0;
    new MutationObserver((records) => { window.mutations += records.length; })
      .observe(code, { childList: true, subtree: true, characterData: true });
  });
  await expect(reply).toHaveAttribute('data-state', 'done');
  expect(await page.evaluate(() => window.mutations)).toBe(0);
  await expect(rust.locator('.tc-tok-kw').first()).toHaveText('fn');
  await expect(rust.locator('.tc-tok-com')).toHaveText('// Say hello.');
  await expect(rust.locator('.tc-tok-str')).toHaveText('"Hello, {name}!"');
  await expect(rust).toHaveText('fn greet(name: &str) -> String {\n    // Say hello.\n    format!("Hello, {name}!")\n}\n');
  // Markup inside code is text in token spans, never elements.
  const html = reply.locator('code[data-lang="html"]');
  await expect(html.locator('.tc-tok-tag').first()).toHaveText('script');
  expect(await reply.locator('script, img').count()).toBe(0);
  await expect(html).toContainText('<img src="x" onerror="alert(1)">');
  await expect(reply.locator('code[data-lang="diff"] .tc-tok-ins')).toHaveText('+let x = 2;');
  expect(await page.evaluate(() => window.ran)).toBe(0);
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);
  expect(errors).toEqual([]);
});

/** A PNG of `w`×`h` made in the page, as `{ name, mimeType, buffer }` for setInputFiles. */
async function png(page, name, w, h) {
  const b64 = await page.evaluate(async ([w, h]) => {
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#c2410c';
    ctx.fillRect(0, 0, w, h);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, [w, h]);
  return { name, mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') };
}

test('images: attach, downscale, send as a content list, thumbnail, viewer, export', async ({ page }) => {
  const errors = watchErrors(page);
  const posts = recordPosts(page);
  const widget = await open(page, 'vision');
  const attach = widget.getByRole('button', { name: 'Attach image' });
  await expect(attach).toBeVisible();
  await widget.locator('input.tc-composer__file').setInputFiles([await png(page, 'wide.png', 3080, 1540)]);
  const pending = widget.getByRole('list', { name: 'Images to send' }).locator('img');
  await expect(pending).toHaveAttribute('alt', 'wide.png');
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);
  await send(widget, 'What is this?');
  await expect(lastReply(widget)).toHaveAttribute('data-state', 'done');
  await expect(lastReply(widget)).toContainText('I received 1 image.');
  await expect(widget.locator('.tc-pending')).toHaveCount(0);
  const content = posts[0].body.messages[0].content;
  expect(content[0]).toEqual({ type: 'text', text: 'What is this?' });
  expect(content[1].type).toBe('image_url');
  expect(content[1].image_url).toMatch(/^data:image\/png;base64,/);
  // Downscaled in the browser to Mistral's 1540 px.
  const size = await page.evaluate(async (url) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, content[1].image_url);
  expect(size).toEqual([1540, 770]);
  // The thumbnail opens larger; Escape closes.
  const thumb = widget.getByRole('button', { name: 'Open wide.png' });
  await expect(thumb.locator('img')).toHaveAttribute('alt', 'wide.png');
  await thumb.click();
  const viewer = widget.getByRole('dialog', { name: 'wide.png' });
  await expect(viewer.locator('img')).toBeVisible();
  expect((await new AxeBuilder({ page }).include('tiny-chat').analyze()).violations).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  // Focus returns to the thumbnail that opened it.
  await expect(thumb).toBeFocused();
  // Kept with the conversation, marked in text exports.
  const exported = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  expect(exported.conversation.messages[0].images[0]).toMatchObject({ name: 'wide.png', width: 1540, height: 770 });
  const { text } = await (await import('./helpers.js')).exportAs(page, widget, 'Markdown (.md)');
  expect(text).toContain('[image: wide.png]');
  expect(text).not.toContain('base64');
  // After a reload, a thumbnail clicked before the viewer's code (tinychat_extras.wasm) is there
  // opens the viewer when it arrives.
  const held = await holdRequests(page, '**/tinychat_extras.wasm');
  await page.reload();
  const again = page.getByRole('region', { name: 'Help' }).getByRole('button', { name: 'Open wide.png' });
  await expect(again).toBeVisible();
  await again.click();
  await page.waitForTimeout(300);
  await expect(widget.getByRole('dialog', { name: 'wide.png' })).toHaveCount(0);
  held.release();
  await expect(widget.getByRole('dialog', { name: 'wide.png' }).locator('img')).toBeVisible();
  expect(errors).toEqual([]);
});

test('images: paste and drop attach; wrong type, size and count are refused in words', async ({ page }) => {
  const widget = await open(page, 'vision-paste');
  await expect(widget.getByRole('button', { name: 'Attach image' })).toBeVisible();
  await page.evaluate(async () => {
    const host = document.querySelector('tiny-chat').shadowRoot;
    const file = async (name, w, h) => {
      const canvas = new OffscreenCanvas(w, h);
      const g = canvas.getContext('2d');
      // Noise: a PNG that takes a while to decode and downscale.
      for (let y = 0; y < h; y += 8) for (let x = 0; x < w; x += 8) {
        g.fillStyle = `rgb(${(x * 7) % 256},${(y * 13) % 256},${(x * y) % 256})`;
        g.fillRect(x, y, 8, 8);
      }
      return new File([await canvas.convertToBlob({ type: 'image/png' })], name, { type: 'image/png' });
    };
    // The pasted image is large and the dropped one tiny: the drop's decodes first, yet the
    // images are attached in the order they came.
    const paste = new DataTransfer();
    paste.items.add(await file('pasted.png', 2000, 1500));
    host.querySelector('textarea').dispatchEvent(new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }));
    const drop = new DataTransfer();
    drop.items.add(await file('dropped.png', 40, 30));
    host.querySelector('.tc-chat').dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
  });
  await expect(widget.locator('.tc-pending img')).toHaveCount(2);
  await expect(widget.locator('.tc-pending img').nth(0)).toHaveAttribute('alt', 'pasted.png');
  await expect(widget.locator('.tc-pending img').nth(1)).toHaveAttribute('alt', 'dropped.png');
  await widget.getByRole('button', { name: 'Remove pasted.png' }).click();
  await expect(widget.locator('.tc-pending img')).toHaveCount(1);

  const input = widget.locator('input.tc-composer__file');
  await input.setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') }]);
  await expect(widget.locator('.tc-notice')).toContainText('notes.txt is not a PNG, JPEG, WebP or GIF image.');
  await input.setInputFiles([{ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) }]);
  await expect(widget.locator('.tc-notice')).toContainText('huge.png is larger than 10 MB.');
  const small = await png(page, 's.png', 8, 8);
  await input.setInputFiles(Array.from({ length: 8 }, (_, i) => ({ ...small, name: `s${i}.png` })));
  await expect(widget.locator('.tc-pending img')).toHaveCount(8);
  await expect(widget.locator('.tc-notice')).toContainText('At most 8 images per message.');
});

test('images are offered only to models that see; switching to one that cannot says so', async ({ page }) => {
  const widget = await open(page, 'vision-gate', 'model="open-mistral-nemo"');
  await expect(widget.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(widget.getByRole('button', { name: 'Attach image' })).toHaveCount(0);
  await page.evaluate(async () => {
    const host = document.querySelector('tiny-chat').shadowRoot;
    const drop = new DataTransfer();
    drop.items.add(new File(['x'], 'x.png', { type: 'image/png' }));
    host.querySelector('.tc-chat').dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
  });
  await expect(widget.locator('.tc-notice')).toContainText('open-mistral-nemo cannot see images');
  // A model that sees: attach, then switch back with the image pending.
  await widget.getByRole('button', { name: 'Settings' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('combobox', { name: 'Model' }).selectOption('mistral-small-latest');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await widget.locator('input.tc-composer__file').setInputFiles([await png(page, 'a.png', 10, 10)]);
  await expect(widget.locator('.tc-pending img')).toHaveCount(1);
  await widget.getByRole('button', { name: 'Settings' }).click();
  await dialog.getByRole('combobox', { name: 'Model' }).selectOption('open-mistral-nemo');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(widget.locator('.tc-notice')).toContainText('open-mistral-nemo cannot see images: remove them or choose a model that can.');
  await send(widget, 'Look');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(0);
});

test('a French widget: Joindre une image', async ({ page }) => {
  const widget = await open(page, 'vision-fr', 'locale="fr"', 'fr');
  await expect(widget.getByRole('button', { name: 'Joindre une image' })).toBeVisible();
  await widget.locator('input.tc-composer__file').setInputFiles([{ name: 'n.txt', mimeType: 'text/plain', buffer: Buffer.from('x') }]);
  await expect(widget.locator('.tc-notice')).toContainText('n.txt n’est pas une image PNG, JPEG, WebP ou GIF.');
});
