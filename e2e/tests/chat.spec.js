// The chat flow on the release build against tinychat-server: rendering, safety, stop and
// retry, reload mid-stream, settings, persistence and the keyboard.
import {
  test, expect, openDemo, send, sendAndWait, lastAssistant, lastUser, replyBody, composer,
  messages, longText, defaultReply, readClipboard, openSettings, widgetOf,
} from './helpers.js';

test.describe('rendering', () => {
  test('markdown reply: heading, table, code block and multibyte text render intact', async ({ page }) => {
    const widget = await openDemo(page);
    const reply = await sendAndWait(widget, 'show me markdown');
    const body = replyBody(reply);
    await expect(body.getByRole('heading', { name: 'TinyChat demo', level: 1 })).toBeVisible();
    await expect(body.getByRole('heading', { name: 'A table' })).toBeVisible();
    const table = body.getByRole('table');
    await expect(table).toBeVisible();
    await expect(table.getByRole('columnheader')).toHaveText(['Language', 'Greeting']);
    await expect(table.getByRole('row')).toHaveCount(5);
    await expect(table.getByRole('row', { name: /Chinese/ })).toContainText('你好');
    await expect(table).toContainText('Bonjour, ça va ?');
    await expect(table).toContainText('こんにちは (日本語)');
    await expect(body.getByRole('link', { name: 'link to Mistral' }))
      .toHaveAttribute('href', 'https://mistral.ai/');
    await expect(body.locator('strong')).toHaveText('bold');
    const code = body.locator('pre');
    await expect(code).toHaveCount(1);
    await expect(code).toContainText('let greeting = "héllo, 世界 🦀";');
    await expect(body.getByRole('button', { name: 'Copy code' })).toBeVisible();
    // Multibyte text arrived in pieces split between chars: nothing may be mangled.
    await expect(body).toContainText('Accents: café, naïve, über, Müller (é, ü)');
    await expect(body).toContainText('CJK: 你好, 日本語');
    await expect(body).toContainText('Emoji: 👋 🦀 👩‍💻');
    expect(await body.textContent()).not.toContain('\uFFFD');
  });

  test('"Copy code" copies the code block and "Copy" copies the message text', async ({ page }) => {
    const widget = await openDemo(page);
    const reply = await sendAndWait(widget, 'markdown please');
    await reply.getByRole('button', { name: 'Copy code' }).click();
    await expect(reply.getByRole('button', { name: 'Copied' })).toBeVisible();
    // The code block's text, as in the reply (its closing newline included).
    await expect.poll(() => readClipboard(page)).toBe(
      'fn main() {\n    let greeting = "héllo, 世界 🦀";\n    println!("{greeting}");\n}\n',
    );

    await reply.getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => readClipboard(page)).toMatch(/^# TinyChat demo\n/);
    const copied = await readClipboard(page);
    expect(copied).toContain('| Chinese | 你好 |');
    expect(copied).toContain('```rust\nfn main() {');
    expect(copied).toMatch(/> That's all: a blockquote to finish\.$/);

    await lastUser(widget).getByRole('button', { name: 'Copy', exact: true }).click();
    await expect.poll(() => readClipboard(page)).toBe('markdown please');
  });

  test('html reply: markup is shown as text, never run, and javascript: links are not links', async ({ page }) => {
    const widget = await openDemo(page);
    const reply = await sendAndWait(widget, 'some html please');
    const body = replyBody(reply);
    await expect(body.getByText('<script>alert(1)</script>')).toBeVisible();
    await expect(body.getByText('<img src=x onerror=alert(1)>')).toBeVisible();
    await expect(body).toContainText('<b onmouseover="alert(1)">hover</b>');
    await expect(widget.locator('script, img, iframe, object, embed')).toHaveCount(0);
    await expect(widget.locator('[onerror], [onmouseover], [onclick]')).toHaveCount(0);
    await expect(widget.locator('[href^="javascript:" i], [src^="javascript:" i]')).toHaveCount(0);
    await expect(body.getByRole('link')).toHaveCount(0);
    await expect(body).toContainText('click');
    // Hovering and clicking what looks like a link must not run anything either (the fixture
    // fails the test on any dialog).
    await body.getByText('click', { exact: false }).first().click();
    await expect(widget).toHaveAttribute('aria-busy', 'false');
  });
});

test.describe('stop, retry, reload', () => {
  test('Stop mid-stream keeps the partial reply (stopped); Retry then gives the full reply', async ({ page }) => {
    const widget = await openDemo(page);
    await send(widget, 'long 20 [delay=150]');
    const reply = lastAssistant(widget);
    await expect(widget).toHaveAttribute('aria-busy', 'true');
    await expect(reply).toHaveAttribute('data-state', 'streaming');
    await expect(replyBody(reply)).toContainText('tok2');
    await widget.getByRole('button', { name: 'Stop' }).click();
    await expect(reply).toHaveAttribute('data-state', 'stopped');
    await expect(widget).toHaveAttribute('aria-busy', 'false');
    await expect(reply).toContainText('Stopped');
    const partial = await replyBody(reply).textContent();
    expect(partial).toMatch(/^tok0 tok1 tok2\b/);
    expect(partial).not.toContain('tok19');
    // Nothing more arrives after a stop.
    await page.waitForTimeout(400);
    expect(await replyBody(reply).textContent()).toBe(partial);

    await reply.getByRole('button', { name: 'Retry' }).click();
    await expect(lastAssistant(widget)).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
    await expect(replyBody(lastAssistant(widget))).toHaveText(longText(20).trim());
    await expect(widget.locator('article[data-role="assistant"]')).toHaveCount(1);
  });

  // (Found failing by this suite: the reply came back as a network error; fixed in be3a10a by
  // saving on `pagehide` and not recording the cut stream.)
  test('reload mid-stream brings the partial reply back as interrupted', async ({ page }) => {
    const widget = await openDemo(page);
    await send(widget, 'long 100 [delay=100]');
    const reply = lastAssistant(widget);
    await expect(replyBody(reply)).toContainText('tok3');
    // The widget saves at most once a second while streaming: let a save happen.
    await page.waitForTimeout(1_200);
    await page.reload();
    const after = widgetOf(page);
    await expect(after).toBeVisible();
    const restored = lastAssistant(after);
    await expect(restored).toHaveAttribute('data-state', 'interrupted');
    await expect(restored).toContainText('Interrupted (the page was reloaded)');
    await expect(after).toHaveAttribute('aria-busy', 'false');
    // A stored reply's text waits up to 400 ms for the Markdown module before it is drawn (no
    // flash of plain text on a page load): wait for it, then read it.
    await expect(replyBody(restored)).toHaveText(/^tok0 tok1 tok2 tok3\b/);
    const text = await replyBody(restored).textContent();
    expect(text).not.toContain('tok99');
    await expect(lastUser(after)).toHaveText(/long 100 \[delay=100\]/);
    // It can be asked again.
    await expect(restored.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });
});

test.describe('settings', () => {
  test('model picker is filled from GET /v1/models', async ({ page }) => {
    const widget = await openDemo(page);
    const dialog = await openSettings(widget);
    const model = dialog.getByRole('combobox', { name: 'Model' });
    await expect(model.locator('option')).toContainText(['mistral-large-latest']);
    const options = await model.locator('option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(
      ['mistral-small-latest', 'mistral-medium-latest', 'mistral-large-latest', 'open-mistral-nemo'],
    ));
    await expect(model).toHaveValue('mistral-small-latest');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  test('model, temperature and system prompt apply to the next message without a reload', async ({ page }) => {
    const widget = await openDemo(page);
    await sendAndWait(widget, 'before the change');
    await expect(lastAssistant(widget)).toContainText('(mistral-small-latest, 1 message in');

    const dialog = await openSettings(widget);
    await dialog.getByRole('combobox', { name: 'Model' }).selectOption('mistral-large-latest');
    await dialog.getByRole('spinbutton', { name: 'Temperature' }).fill('0.3');
    await dialog.getByRole('textbox', { name: 'System prompt' }).fill('Answer like a pirate.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();

    const requestSeen = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
    const reply = await sendAndWait(widget, 'after the change');
    const body = (await requestSeen).postDataJSON();
    expect(body.model).toBe('mistral-large-latest');
    expect(body.temperature).toBeCloseTo(0.3, 5);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Answer like a pirate.' });
    // The server names the model it was asked for and counts the system prompt as a message:
    // system + (user, assistant) + user.
    await expect(replyBody(reply)).toHaveText(
      defaultReply('after the change', 'mistral-large-latest', 4).replace(/\n+/g, ''),
    );

    // The dialog shows what was saved.
    const again = await openSettings(widget);
    await expect(again.getByRole('combobox', { name: 'Model' })).toHaveValue('mistral-large-latest');
    await expect(again.getByRole('spinbutton', { name: 'Temperature' })).toHaveValue('0.3');
    await expect(again.getByRole('textbox', { name: 'System prompt' })).toHaveValue('Answer like a pirate.');
    await page.keyboard.press('Escape');
    await expect(again).toBeHidden();
  });
});

test.describe('persistence and conversations', () => {
  test('a conversation survives a reload', async ({ page }) => {
    const widget = await openDemo(page);
    await sendAndWait(widget, 'remember me');
    await page.reload();
    const after = widgetOf(page);
    await expect(messages(after)).toHaveCount(2);
    await expect(lastUser(after)).toContainText('remember me');
    await expect(lastAssistant(after)).toHaveAttribute('data-state', 'done');
    await expect(replyBody(lastAssistant(after))).toContainText('You said: "remember me"');
  });

  test('New chat, then the Conversations list shows the old one; rename and delete work', async ({ page }) => {
    const widget = await openDemo(page);
    await sendAndWait(widget, 'first conversation');
    await widget.getByRole('button', { name: 'New chat' }).click();
    await expect(messages(widget)).toHaveCount(0);

    await widget.getByRole('button', { name: 'Conversations' }).click();
    const list = widget.getByRole('navigation', { name: 'Conversations' });
    await expect(list).toBeVisible();
    const old = list.getByRole('button', { name: 'first conversation', exact: true });
    await expect(old).toBeVisible();

    // Rename.
    await list.getByRole('button', { name: 'Rename “first conversation”' }).click();
    const field = list.getByRole('textbox', { name: 'Rename' });
    await field.fill('Renamed in e2e');
    await list.getByRole('button', { name: 'Save' }).click();
    await expect(list.getByRole('button', { name: 'Renamed in e2e', exact: true })).toBeVisible();
    await expect(old).toHaveCount(0);

    // Open it: the messages come back.
    await list.getByRole('button', { name: 'Renamed in e2e', exact: true }).click();
    await expect(messages(widget)).toHaveCount(2);
    await expect(lastUser(widget)).toContainText('first conversation');

    // The rename survives a reload.
    await page.reload();
    await widget.getByRole('button', { name: 'Conversations' }).click();
    await expect(list.getByRole('button', { name: 'Renamed in e2e', exact: true })).toBeVisible();

    // Delete asks first; Cancel keeps it.
    await list.getByRole('button', { name: 'Delete “Renamed in e2e”' }).click();
    const confirm = list.getByRole('group');
    await expect(confirm).toContainText('Delete this conversation? This cannot be undone.');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(list.getByRole('button', { name: 'Renamed in e2e', exact: true })).toBeVisible();
    await list.getByRole('button', { name: 'Delete “Renamed in e2e”' }).click();
    await list.getByRole('group').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(list.getByRole('button', { name: 'Renamed in e2e', exact: true })).toHaveCount(0);
    await expect(widget.getByText('first conversation')).toHaveCount(0);

    // Deleted for good.
    await page.reload();
    await widget.getByRole('button', { name: 'Conversations' }).click();
    await expect(list).toBeVisible();
    await expect(list.getByRole('button', { name: 'Renamed in e2e', exact: true })).toHaveCount(0);
  });
});

test.describe('search', () => {
  test('searching conversations ignores case in any script (the browser\'s case folding)', async ({ page }) => {
    const widget = await openDemo(page);
    await sendAndWait(widget, 'Un été à SÉVILLE');
    await widget.getByRole('button', { name: 'New chat' }).click();
    await sendAndWait(widget, 'ΣΟΦΊΑ and wisdom');
    await widget.getByRole('button', { name: 'New chat' }).click();
    await widget.getByRole('button', { name: 'Conversations' }).click();
    const list = widget.getByRole('navigation', { name: 'Conversations' });
    const search = list.getByRole('searchbox', { name: 'Search conversations' });
    const titles = list.locator('.tc-convs__title');
    await expect(titles).toHaveCount(3); // the two, and the new empty one
    await search.fill('séville ÉTÉ');
    await expect(titles).toHaveText(['Un été à SÉVILLE']);
    await search.fill('σοφία');
    await expect(titles).toHaveText(['ΣΟΦΊΑ and wisdom']);
    // A word from a reply's text, not only from titles.
    await search.fill('CANNED');
    await expect(titles).toHaveCount(2);
    await search.fill('nowhere');
    await expect(titles).toHaveCount(0);
  });
});

test.describe('keyboard', () => {
  test('Shift+Enter inserts a newline without sending; Enter sends', async ({ page }) => {
    const widget = await openDemo(page);
    const box = composer(widget);
    await box.click();
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    await expect(box).toHaveValue('line one\nline two');
    await expect(messages(widget)).toHaveCount(0);
    await page.keyboard.press('Enter');
    await expect(lastUser(widget).locator('.tc-msg__text')).toHaveText('line one\nline two');
    await expect(box).toHaveValue('');
    await expect(lastAssistant(widget)).toHaveAttribute('data-state', 'done');
    await expect(replyBody(lastAssistant(widget))).toContainText('You said: "line one\nline two"');
  });

  test('Escape stops a streaming reply', async ({ page }) => {
    const widget = await openDemo(page);
    await send(widget, 'long 40 [delay=150]');
    const reply = lastAssistant(widget);
    await expect(replyBody(reply)).toContainText('tok1');
    await expect(composer(widget)).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(reply).toHaveAttribute('data-state', 'stopped');
    await expect(widget).toHaveAttribute('aria-busy', 'false');
    expect(await replyBody(reply).textContent()).not.toContain('tok39');
  });

  test('focus is visible on buttons reached with Tab', async ({ page }) => {
    const widget = await openDemo(page);
    const focusVisible = (locator) => locator.evaluate((el) => {
      const root = el.getRootNode();
      const style = getComputedStyle(el);
      return {
        focused: root.activeElement === el,
        visible: el.matches(':focus-visible'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
      };
    });
    const all = { focused: true, visible: true, outline: true };

    // Tab from the composer (with text in it) reaches Send.
    await composer(widget).click();
    await page.keyboard.type('hello');
    await page.keyboard.press('Tab');
    expect(await focusVisible(widget.getByRole('button', { name: 'Send' }))).toEqual(all);

    // Tab from the page start through the header reaches Settings.
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    const settings = widget.getByRole('button', { name: 'Settings' });
    for (let i = 0; i < 10 && !(await settings.evaluate((el) => el.getRootNode().activeElement === el)); i++) {
      await page.keyboard.press('Tab');
    }
    expect(await focusVisible(settings)).toEqual(all);
    // Enter opens the dialog, Escape closes it and gives focus back to Settings.
    await page.keyboard.press('Enter');
    const dialog = widget.getByRole('dialog', { name: 'Settings' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('API key')).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(settings).toBeFocused();
  });
});
