// Every fault mode of tinychat-server, triggered with `[fault:NAME]` in the message, and what the
// widget makes of it: the final `data-state`, the text kept, and the error in words.
import {
  test, expect, openDemo, send, sendAndWait, lastAssistant, replyBody, defaultReply, firstPieces,
} from './helpers.js';

/** The default reply to `prompt` as rendered: two paragraphs, so no newline in textContent. */
const rendered = (prompt) => defaultReply(prompt).replace(/\n+/g, '');

/** What a reply that stops after the first 3 pieces shows (mid-stream faults fire there). */
const partial = (prompt) => firstPieces(defaultReply(prompt));

/** Sends `prompt [fault:NAME]` and waits for the final state. */
async function sendFault(page, prompt, fault, state, timeout) {
  const widget = await openDemo(page);
  const reply = await sendAndWait(widget, `${prompt} [fault:${fault}]`, state, timeout);
  return { widget, reply };
}

test.describe('status faults', () => {
  test('401: the alert mentions the API key and "Open Settings" opens Settings', async ({ page }) => {
    const { widget, reply } = await sendFault(page, 'who am i', '401', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'unauthorized');
    await expect(alert).toContainText('API key');
    await expect(replyBody(reply)).toHaveText('');
    await alert.getByRole('button', { name: 'Open Settings' }).click();
    const dialog = widget.getByRole('dialog', { name: 'Settings' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('API key')).toBeFocused();
  });

  test('422: the alert shows the detail text of the validation error', async ({ page }) => {
    const { reply } = await sendFault(page, 'invalid please', '422', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'validation');
    await expect(alert).toContainText('The request was rejected');
    await expect(alert).toContainText('Field required (simulated by [fault:422])');
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  test('429: after 3 automatic retries the alert says rate limit and when to retry, with Retry', async ({ page }) => {
    // Retry-After: 2 s, honoured 3 times: about 6 s before the final error.
    test.setTimeout(30_000);
    const widget = await openDemo(page);
    const started = Date.now();
    await send(widget, 'busy server [fault:429]');
    const reply = lastAssistant(widget);
    await expect(reply).toContainText(/The server is busy\. Retrying in [12] s…/);
    await expect(reply).toHaveAttribute('data-state', 'error', { timeout: 15_000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(5_500);
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'rate_limited');
    await expect(alert).toContainText('Rate limit reached. Try again in 2 s.');
    await expect(reply).not.toContainText('Retrying in');
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
    await expect(widget).toHaveAttribute('aria-busy', 'false');
  });

  test('429-once: retried automatically, with the "Retrying in" note meanwhile, then done', async ({ page }) => {
    const widget = await openDemo(page);
    await send(widget, 'just once [fault:429-once]');
    const reply = lastAssistant(widget);
    await expect(reply).toContainText('The server is busy. Retrying in 1 s…');
    await expect(reply).toHaveAttribute('data-state', 'streaming');
    await expect(reply).toHaveAttribute('data-state', 'done');
    await expect(replyBody(reply)).toHaveText(rendered('just once'));
    await expect(reply.getByRole('alert')).toHaveCount(0);
    await expect(reply).not.toContainText('Retrying in');
  });

  for (const status of ['500', '503']) {
    test(`${status}: after automatic retries the alert says the server has trouble, with Retry`, async ({ page }) => {
      // Backoff without Retry-After: 0.5 s + 1 s + 2 s.
      test.setTimeout(30_000);
      const { widget, reply } = await sendFault(page, 'server trouble', status, 'error', 15_000);
      const alert = reply.getByRole('alert');
      await expect(alert).toHaveAttribute('data-error', 'server_error');
      await expect(alert).toContainText(`Mistral's servers are having trouble (HTTP ${status}). Retrying usually helps.`);
      await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
      await expect(widget).toHaveAttribute('aria-busy', 'false');
    });
  }

  test('502 with an HTML body: the message says so and shows no markup', async ({ page }) => {
    test.setTimeout(30_000);
    const { reply } = await sendFault(page, 'through a proxy', '502', 'error', 15_000);
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'server_error');
    await expect(alert).toContainText('HTTP 502');
    const text = await reply.textContent();
    expect(text.toLowerCase()).not.toContain('<html');
    expect(text).not.toContain('<h1>');
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });
});

test.describe('stream faults', () => {
  test('drop: the partial text is kept and an error is shown', async ({ page, consoleErrors }) => {
    // Chromium may report the cut connection itself (expected: the request fails on purpose).
    consoleErrors.allow(/^console: Failed to load resource: net::ERR_INCOMPLETE_CHUNKED_ENCODING$/);
    const { reply } = await sendFault(page, 'cut me off', 'drop', 'error');
    await expect(replyBody(reply)).toHaveText(partial('cut me off'));
    const alert = reply.getByRole('alert');
    await expect(alert).toBeVisible();
    expect(['network', 'stream']).toContain(await alert.getAttribute('data-error'));
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  test('stall=2: the reply completes after two seconds of silence', async ({ page }) => {
    const widget = await openDemo(page);
    const started = Date.now();
    await send(widget, 'take a break [fault:stall=2]');
    const reply = lastAssistant(widget);
    await expect(replyBody(reply)).toHaveText(partial('take a break'));
    await expect(reply).toHaveAttribute('data-state', 'streaming');
    await expect(reply).toHaveAttribute('data-state', 'done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    await expect(replyBody(reply)).toHaveText(rendered('take a break'));
    await expect(reply.getByRole('alert')).toHaveCount(0);
  });

  test('malformed event: an error, with the text before it kept', async ({ page }) => {
    const { reply } = await sendFault(page, 'garbled data', 'malformed', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'stream');
    await expect(alert).toContainText('unexpected format');
    await expect(replyBody(reply)).toHaveText(partial('garbled data'));
    await expect(reply.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  test('stream-error event: the alert carries its message, the text before it is kept', async ({ page }) => {
    const { reply } = await sendFault(page, 'overload now', 'stream-error', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'stream');
    await expect(alert).toContainText('Upstream model overloaded');
    await expect(replyBody(reply)).toHaveText(partial('overload now'));
  });

  for (const [fault, prompt] of [['ping', 'keep alive'], ['crlf', 'windows lines'], ['bytes', 'one byte at a time']]) {
    test(`${fault}: the reply completes with the full text`, async ({ page }) => {
      const { reply } = await sendFault(page, prompt, fault, 'done');
      await expect(replyBody(reply)).toHaveText(rendered(prompt));
      await expect(reply.getByRole('alert')).toHaveCount(0);
      await expect(reply).toContainText(/\d+ tokens/);
    });
  }

  test('no-done: an "ended before complete" error, with the whole text kept', async ({ page }) => {
    const { reply } = await sendFault(page, 'no end marker', 'no-done', 'error');
    const alert = reply.getByRole('alert');
    await expect(alert).toHaveAttribute('data-error', 'stream');
    await expect(alert).toContainText('ended before it was complete');
    await expect(replyBody(reply)).toHaveText(rendered('no end marker'));
  });

});
