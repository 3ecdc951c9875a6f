// Smart scrolling: the log follows the stream while the reader is at the bottom, stops following
// when they scroll up, and "Jump to latest" brings them back.
import { test, expect, openDemo, send, lastAssistant } from './helpers.js';


const log = (widget) => widget.getByRole('log', { name: 'Conversation' });
const gap = (widget) => log(widget).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);

test('the log follows the stream at the bottom, stays put when scrolled up, and Jump to latest returns', async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 640 });
  const widget = await openDemo(page);
  // Some history first, so the log already scrolls.
  await send(widget, 'markdown');
  await expect(lastAssistant(widget)).toHaveAttribute('data-state', 'done');
  await send(widget, 'long 400 [delay=15]');
  const reply = lastAssistant(widget);
  // Following: while text streams in, the bottom stays in view.
  await expect.poll(() => log(widget).evaluate((el) => el.scrollHeight > el.clientHeight + 200)).toBe(true);
  await expect.poll(() => gap(widget)).toBeLessThan(60);
  await expect(widget.getByRole('button', { name: 'Jump to latest' })).toBeHidden();

  // The reader scrolls up: the view stays where they put it while more text arrives.
  await log(widget).evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
  const jump = widget.getByRole('button', { name: 'Jump to latest' });
  await expect(jump).toBeVisible();
  const heightBefore = await log(widget).evaluate((el) => el.scrollHeight);
  await expect.poll(() => log(widget).evaluate((el) => el.scrollHeight)).toBeGreaterThan(heightBefore + 50);
  expect(await log(widget).evaluate((el) => el.scrollTop)).toBe(0);

  // Jump to latest: back at the bottom, following again.
  await jump.click();
  await expect(jump).toBeHidden();
  await expect.poll(() => gap(widget)).toBeLessThan(60);
  await expect(reply).toHaveAttribute('data-state', 'done', { timeout: 20_000 });
  await expect.poll(() => gap(widget)).toBeLessThan(60);
});
