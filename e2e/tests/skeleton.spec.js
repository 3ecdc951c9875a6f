// Walking skeleton: the release bundle streams a reply from tinychat-server.
import { test, expect } from '@playwright/test';
import { openDemo, send, lastAssistant, watchErrors } from './helpers.js';

test('typing and pressing Enter streams a reply from the local server', async ({ page }) => {
  const errors = watchErrors(page);
  const widget = await openDemo(page);
  await send(widget, 'Hello from the skeleton test');
  const reply = lastAssistant(widget);
  await expect(reply).toHaveAttribute('data-state', 'done');
  await expect(reply).toContainText('Hello from the skeleton test');
  await expect(widget).toHaveAttribute('aria-busy', 'false');
  expect(errors).toEqual([]);
});
