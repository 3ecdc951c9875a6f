// Export (Markdown, plain text, JSON) and the JSON import round trip. The API key never leaves
// Settings: it must be in no export.
import {
  test, expect, openDemo, sendAndWait, exportAs, openSettings, messages, transcript, lastUser,
  defaultReply,
} from './helpers.js';

const SECRET = 'sk-e2e-secret';

/** Every property name in a JSON value, at any depth. */
function keysOf(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { out.push(k); keysOf(v, out); }
  }
  return out;
}

/** Opens Export → "Import JSON…" and feeds `text` to the widget's file input. */
async function importJson(page, widget, name, text) {
  await widget.getByRole('button', { name: 'Export' }).click();
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    widget.getByRole('menuitem', { name: 'Import JSON…' }).click(),
  ]);
  // The chooser is the widget's hidden `input[type=file]` (inside the shadow root).
  expect(await chooser.element().evaluate((el) => el.getRootNode() instanceof ShadowRoot)).toBe(true);
  await chooser.setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

test('a second click on Export closes its menu (the menu losing focus to its own button does not reopen it)', async ({ page }) => {
  const widget = await openDemo(page);
  const button = widget.getByRole('button', { name: 'Export' });
  const menu = widget.getByRole('menu', { name: 'Export' });
  await button.click();
  await expect(menu).toBeVisible();
  await expect(widget.getByRole('menuitem').first()).toBeFocused();
  await button.click();
  await expect(menu).toHaveCount(0);
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await button.click();
  await expect(menu).toBeVisible();
});

test('export: Markdown, text and JSON hold the conversation and never the API key; JSON imports back', async ({ page }) => {
  const widget = await openDemo(page);
  const settings = await openSettings(widget);
  await settings.getByLabel('API key').fill(SECRET);
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();

  const sent = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
  await sendAndWait(widget, 'first question');
  expect((await sent).headers().authorization).toBe(`Bearer ${SECRET}`);
  await sendAndWait(widget, 'second question');
  await expect(messages(widget)).toHaveCount(4);
  const before = await transcript(widget);

  const md = await exportAs(page, widget, 'Markdown (.md)');
  const txt = await exportAs(page, widget, 'Plain text (.txt)');
  const json = await exportAs(page, widget, 'JSON (.json)');
  for (const file of [md, txt, json]) {
    expect(file.text, `${file.name} must not contain the API key`).not.toContain(SECRET);
    expect(file.text).not.toMatch(/Bearer/i);
  }
  expect(md.name).toBe('first-question.md');
  expect(txt.name).toBe('first-question.txt');
  expect(json.name).toBe('first-question.json');

  // Markdown: the title as a heading, then **You** / **Assistant** (model) sections.
  expect(md.text).toMatch(/^# first question\n/);
  expect(md.text).toContain('\n**You**\n\nfirst question\n');
  expect(md.text).toContain(`\n**Assistant** (mistral-small-latest)\n\n${defaultReply('first question')}\n`);
  expect(md.text).toContain('\n**You**\n\nsecond question\n');
  expect(md.text).toContain(defaultReply('second question', 'mistral-small-latest', 3));

  // Plain text: "You: …" / "Assistant: …" turns separated by blank lines.
  expect(txt.text).toBe([
    'You: first question',
    `Assistant: ${defaultReply('first question')}`,
    'You: second question',
    `Assistant: ${defaultReply('second question', 'mistral-small-latest', 3)}`,
  ].join('\n\n') + '\n');

  // JSON: versioned, and no key-like field anywhere.
  const doc = JSON.parse(json.text);
  expect(doc.format).toBe('tinychat.conversation');
  expect(doc.version).toBe(1);
  expect(keysOf(doc).filter((k) => /key|auth|secret|token$/i.test(k))).toEqual([]);
  expect(JSON.stringify(doc.conversation)).toContain('second question');

  // New chat, then import: the same messages come back as a new conversation.
  await widget.getByRole('button', { name: 'New chat' }).click();
  await expect(messages(widget)).toHaveCount(0);
  await importJson(page, widget, json.name, json.text);
  await expect(messages(widget)).toHaveCount(4);
  expect(await transcript(widget)).toEqual(before);
  await expect(lastUser(widget)).toContainText('second question');

  // The import is a conversation of its own: the list has it and the original.
  await widget.getByRole('button', { name: 'Conversations' }).click();
  const list = widget.getByRole('navigation', { name: 'Conversations' });
  await expect(list.getByRole('button', { name: 'first question', exact: true })).toHaveCount(2);

  // And its own exports still carry no key.
  const again = await exportAs(page, widget, 'JSON (.json)');
  expect(again.text).not.toContain(SECRET);
  expect(JSON.parse(again.text).conversation.messages.length).toBe(doc.conversation.messages.length);
});

test('importing a file that is not a TinyChat export shows why and changes nothing', async ({ page }) => {
  const widget = await openDemo(page);
  await sendAndWait(widget, 'keep me');
  await importJson(page, widget, 'other.json', JSON.stringify({ hello: 'world' }));
  await expect(widget.getByRole('status').filter({ hasText: 'Import failed' }))
    .toContainText('Import failed: This file is not a TinyChat conversation export.');
  await expect(messages(widget)).toHaveCount(2);
  await expect(lastUser(widget)).toContainText('keep me');
});

test('a long conversation renders its latest messages first; earlier ones on request or scrolling up', async ({ page }) => {
  const widget = await openDemo(page);
  const messages = [];
  for (let i = 1; i <= 150; i++) {
    messages.push({ id: i, role: i % 2 ? 'user' : 'assistant', text: `message ${i}`, state: 'done', created_ms: 1000 + i });
  }
  const file = JSON.stringify({ format: 'tinychat.conversation', version: 1,
    conversation: { id: 'long', title: 'Long one', messages, created_ms: 1000, updated_ms: 2000, next_id: 151 } });
  await importJson(page, widget, 'long.json', file);
  const articles = widget.locator('article');
  await expect(articles.last()).toContainText('message 150');
  await expect(articles).toHaveCount(60);
  await widget.getByRole('button', { name: 'Show earlier messages' }).click();
  // At least one more page (being at the top, the log may go on to the next).
  await expect.poll(() => articles.count()).toBeGreaterThanOrEqual(120);
  await expect(articles.last()).toContainText('message 150');
  // Scrolling to the top brings the rest.
  await widget.getByRole('log', { name: 'Conversation' }).evaluate((el) => { el.scrollTop = 0; });
  await expect(articles).toHaveCount(150);
  await expect(articles.first()).toContainText('message 1');
  await expect(widget.getByRole('button', { name: 'Show earlier messages' })).toHaveCount(0);
});
