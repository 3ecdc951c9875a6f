// The host page in control (issue 12): the <tiny-chat> element in a single-page app, live
// attribute changes, events with their detail, the cancelable send, the JavaScript API.
import { test, expect } from '@playwright/test';
import { API, openHostPage, watchErrors } from './helpers.js';

/** Collects every tinychat:* event seen on document, with its detail. */
async function recordEvents(page) {
  await page.evaluate(() => {
    window.seen = [];
    for (const t of ['ready', 'open', 'close', 'send', 'reply', 'error']) {
      document.addEventListener(`tinychat:${t}`, (e) => window.seen.push({ type: e.type, detail: e.detail, target: e.target.localName ?? e.target.tagName }));
    }
  });
}

test('<tiny-chat>: mounts from attributes, events carry their detail, send is cancelable', async ({ page }) => {
  const errors = watchErrors(page);
  await openHostPage(page, 'host-element', `<div id="app" style="height:480px"></div>`);
  await recordEvents(page);
  await page.evaluate((api) => {
    const el = document.createElement('tiny-chat');
    el.setAttribute('api-base', api);
    el.setAttribute('title', 'Shop help');
    el.setAttribute('load', 'eager');
    el.style.height = '460px';
    el.style.display = 'block';
    document.getElementById('app').append(el);
  }, API);
  const widget = page.getByRole('region', { name: 'Shop help' });
  await expect(widget).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.seen.map((e) => e.type))).toContain('tinychat:ready');
  // Cancel the first send: the text stays in the composer, nothing is sent.
  await page.evaluate(() => document.querySelector('tiny-chat').addEventListener('tinychat:send', (e) => {
    if (e.detail.text.includes('secret')) e.preventDefault();
  }));
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.fill('my secret');
  await box.press('Enter');
  await expect(box).toHaveValue('my secret');
  await expect(widget.locator('article[data-role="user"]')).toHaveCount(0);
  await box.fill('Hello shop');
  await box.press('Enter');
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  const events = await page.evaluate(() => window.seen);
  const send = events.filter((e) => e.type === 'tinychat:send').pop();
  expect(send.target).toBe('tiny-chat');
  expect(send.detail).toMatchObject({ text: 'Hello shop' });
  expect(typeof send.detail.conversationId).toBe('string');
  expect(typeof send.detail.messageId).toBe('number');
  const reply = events.find((e) => e.type === 'tinychat:reply');
  expect(reply.detail).toMatchObject({ conversationId: send.detail.conversationId, state: 'done', model: 'mistral-small-latest' });
  expect(reply.detail.text).toContain('You said: "Hello shop"');
  expect(reply.detail.usage.total_tokens).toBeGreaterThan(0);
  expect(reply.detail.messageId).toBeGreaterThan(send.detail.messageId);
  expect(errors).toEqual([]);
});

test('<tiny-chat>: attribute changes apply live and keep the conversation', async ({ page }) => {
  await openHostPage(page, 'host-attrs', `<tiny-chat api-base="${API}" title="Before" load="eager" style="display:block;height:460px"></tiny-chat>`);
  const before = page.getByRole('region', { name: 'Before' });
  await expect(before).toBeVisible();
  const box = before.getByRole('textbox', { name: 'Message' });
  await box.fill('Keep me');
  await box.press('Enter');
  await expect(before.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await page.evaluate(() => {
    const el = document.querySelector('tiny-chat');
    el.setAttribute('title', 'After');
    el.setAttribute('locale', 'fr');
    el.setAttribute('theme', 'dark');
  });
  const after = page.getByRole('region', { name: 'After' });
  await expect(after).toBeVisible();
  await expect(after.getByRole('button', { name: 'Envoyer' })).toBeVisible();
  await expect(after.locator('article[data-role="user"]')).toHaveText(/Keep me/);
});

test('an attribute changed while a reply streams applies when it ends; nothing is cut', async ({ page }) => {
  await openHostPage(page, 'host-attrs-streaming', `<tiny-chat api-base="${API}" title="Streaming" load="eager" style="display:block;height:460px"></tiny-chat>`);
  const before = page.getByRole('region', { name: 'Streaming' });
  const box = before.getByRole('textbox', { name: 'Message' });
  await expect(before.getByRole('button', { name: 'Attach image' })).toBeVisible();
  await box.fill('slow and steady [fault:stall=1]');
  await box.press('Enter');
  await expect(before.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'streaming');
  await page.evaluate(() => document.querySelector('tiny-chat').setAttribute('title', 'Changed'));
  // Still the same widget, still streaming: the change waits.
  await expect(before.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'streaming');
  const after = page.getByRole('region', { name: 'Changed' });
  const reply = after.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('slow and steady');
  await expect(after.locator('article[data-role="user"]')).toHaveCount(1);
});

test('an SPA route change inserts and removes the element; it mounts and cleans up each time', async ({ page }) => {
  const errors = watchErrors(page);
  await openHostPage(page, 'host-spa', `<main id="route"></main>`);
  for (let i = 0; i < 5; i++) {
    await page.evaluate((api) => {
      const el = document.createElement('tiny-chat');
      el.setAttribute('api-base', api);
      el.setAttribute('load', 'eager');
      el.setAttribute('storage-key', 'spa');
      el.style.display = 'block';
      el.style.height = '400px';
      document.getElementById('route').replaceChildren(el);
    }, API);
    await expect(page.getByRole('region', { name: 'TinyChat' })).toBeVisible();
    await expect.poll(() => page.evaluate(() => document.querySelector('tiny-chat').hasAttribute('data-tinychat-mounted'))).toBe(true);
    const removed = await page.evaluate(() => {
      const el = document.querySelector('tiny-chat');
      el.remove();
      // The widget's own methods are gone; the element's class keeps its waiting ones.
      return { mounted: el.hasAttribute('data-tinychat-mounted'), methods: Object.hasOwn(el, 'send') };
    });
    expect(removed).toEqual({ mounted: false, methods: false });
  }
  // [data-tinychat] added later is mounted too, without TinyChat.mount.
  await page.evaluate((api) => {
    const el = document.createElement('div');
    el.setAttribute('data-tinychat', '');
    el.setAttribute('data-api-base', api);
    el.setAttribute('data-title', 'Later');
    el.style.height = '400px';
    document.body.append(el);
  }, API);
  await expect(page.getByRole('region', { name: 'Later' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('the JavaScript API: open, close, toggle, send, newChat, getConversation, clear, destroy', async ({ page }) => {
  await openHostPage(page, 'host-api', `<div id="w" data-tinychat data-api-base="${API}" data-mode="launcher" data-load="eager"></div>`);
  await recordEvents(page);
  await expect.poll(() => page.evaluate(() => typeof document.getElementById('w').open)).toBe('function');
  await page.evaluate(() => window.TinyChat.open(document.getElementById('w')));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  await expect(widget).toBeVisible();
  expect(await page.evaluate(() => document.getElementById('w').send('From the page'))).toBe(true);
  await expect(widget.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  const exported = await page.evaluate(() => window.TinyChat.getConversation(document.getElementById('w')));
  expect(exported.format).toBe('tinychat.conversation');
  expect(exported.conversation.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  await page.evaluate(() => document.getElementById('w').close());
  await expect(widget).toBeHidden();
  await page.evaluate(() => document.getElementById('w').toggle());
  await expect(widget).toBeVisible();
  const types = await page.evaluate(() => window.seen.map((e) => e.type));
  expect(types).toEqual(expect.arrayContaining(['tinychat:open', 'tinychat:close']));
  await page.evaluate(() => document.getElementById('w').clear());
  await expect(widget.locator('article')).toHaveCount(0);
  await page.evaluate(() => document.getElementById('w').newChat());
  await page.evaluate(() => window.TinyChat.destroy(document.getElementById('w')));
  await expect(widget).toHaveCount(0);
  expect(await page.evaluate(() => document.getElementById('w').hasAttribute('data-tinychat-mounted'))).toBe(false);
});

test('feedback: thumbs on a finished reply, stored, exported, announced and POSTed to the page', async ({ page }) => {
  const posted = [];
  await page.route('**/feedback-endpoint', async (route) => {
    posted.push({ body: JSON.parse(route.request().postData()), auth: route.request().headers().authorization ?? null });
    await route.fulfill({ status: posted.length === 1 ? 204 : 500, body: '' });
  });
  await openHostPage(page, 'host-feedback', `<tiny-chat api-base="${API}" feedback-url="/feedback-endpoint" load="eager" style="display:block;height:460px"></tiny-chat>`);
  await recordEvents(page);
  await page.evaluate(() => document.addEventListener('tinychat:feedback', (e) => window.seen.push({ type: e.type, detail: e.detail })));
  const widget = page.getByRole('region', { name: 'TinyChat' });
  const box = widget.getByRole('textbox', { name: 'Message' });
  await box.fill('Rate me');
  await box.press('Enter');
  const reply = widget.locator('article[data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-state', 'done');
  const up = reply.getByRole('button', { name: 'Good reply' });
  await expect(up).toHaveAttribute('aria-pressed', 'false');
  await expect(widget.locator('article[data-role="user"]').getByRole('button', { name: 'Good reply' })).toHaveCount(0);
  await up.click();
  await expect(up).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => posted.length).toBe(1);
  expect(posted[0].auth).toBeNull();
  expect(posted[0].body).toMatchObject({ value: 'up', model: 'mistral-small-latest' });
  expect(typeof posted[0].body.conversation_id).toBe('string');
  // The second vote's POST fails: the visitor sees nothing, the page hears an error of its own kind.
  await reply.getByRole('button', { name: 'Bad reply' }).click();
  await expect(reply.getByRole('button', { name: 'Bad reply' })).toHaveAttribute('aria-pressed', 'true');
  await expect(up).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(() => page.evaluate(() => window.seen.filter((e) => e.type === 'tinychat:error').map((e) => e.detail.kind))).toEqual(['feedback']);
  await expect(widget.getByRole('alert')).toHaveCount(0);
  const feedback = await page.evaluate(() => window.seen.filter((e) => e.type === 'tinychat:feedback').map((e) => e.detail.value));
  expect(feedback).toEqual(['up', 'down']);
  const exported = await page.evaluate(() => document.querySelector('tiny-chat').getConversation());
  expect(exported.conversation.messages[1].feedback).toBe('down');
});

test('with nothing stored (storage-key="none") an attribute change keeps the conversation and the draft', async ({ page }) => {
  await openHostPage(page, 'host-none', `<tiny-chat api-base="${API}" storage-key="none" title="One" load="eager" style="display:block;height:460px"></tiny-chat>`);
  const one = page.getByRole('region', { name: 'One' });
  const box = one.getByRole('textbox', { name: 'Message' });
  await box.fill('Kept in memory');
  await box.press('Enter');
  await expect(one.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'done');
  await box.fill('half-typed');
  await page.evaluate(() => document.querySelector('tiny-chat').setAttribute('title', 'Two'));
  const two = page.getByRole('region', { name: 'Two' });
  await expect(two.locator('article[data-role="user"]')).toHaveText(/Kept in memory/);
  await expect(two.getByRole('textbox', { name: 'Message' })).toHaveValue('half-typed');
});

test('languages load on demand: an English page fetches none; a locale set later arrives in its language', async ({ page }) => {
  const fetched = [];
  page.on('request', (r) => { if (r.url().includes('/i18n/')) fetched.push(new URL(r.url()).pathname); });
  await openHostPage(page, 'host-languages', `<tiny-chat api-base="${API}" title="Lang" load="eager" style="display:block;height:420px"></tiny-chat>
    <div id="later" style="height:420px"></div>`);
  const widget = page.getByRole('region', { name: 'Lang' });
  await expect(widget.getByRole('button', { name: 'Send' })).toBeVisible();
  expect(fetched).toEqual([]);
  // setOptions straight on the element: the widget fetches German, then mounts in German.
  await page.evaluate(() => document.querySelector('tiny-chat').setOptions({ locale: 'de' }));
  await expect(page.getByRole('region', { name: 'Lang' }).getByRole('button', { name: 'Senden' })).toBeVisible();
  expect(fetched).toEqual(['/i18n/de.json']);
  // TinyChat.mount after the wasm runs, in Italian.
  await page.evaluate(() => window.TinyChat.mount(document.getElementById('later'), { locale: 'it', title: 'Dopo' }));
  await expect(page.getByRole('region', { name: 'Dopo' }).getByRole('button', { name: 'Invia' })).toBeVisible();
  expect(fetched).toEqual(['/i18n/de.json', '/i18n/it.json']);
});
