// Many tabs, one truth (issue 10): two real tabs of one site, each writing its own
// conversation, then reloaded in every order; live updates between tabs; continuity across
// two pages of one origin; the previous version's localStorage data migrated once.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDemo, send, sendAndWait, widgetOf } from './helpers.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'tests', 'fixtures', 'schema1');

async function listed(widget) {
  await widget.getByRole('button', { name: 'Conversations' }).click();
  const text = await widget.getByRole('navigation', { name: 'Conversations' }).textContent();
  await widget.getByRole('button', { name: 'Conversations' }).click();
  return text;
}

for (const order of [['a', 'b'], ['b', 'a']]) {
  test(`two tabs, two conversations: both survive reloading ${order.join(' then ')}`, async ({ context }) => {
    const a = await context.newPage();
    const b = await context.newPage();
    const wa = await openDemo(a);
    const wb = await openDemo(b);
    await sendAndWait(wa, 'Question from tab A');
    await wb.getByRole('button', { name: 'New chat' }).click();
    await sendAndWait(wb, 'Question from tab B');
    const pages = { a, b };
    for (const name of order) {
      await pages[name].reload();
      await expect(widgetOf(pages[name])).toBeVisible();
    }
    for (const p of [a, b]) {
      const w = widgetOf(p);
      await expect.poll(() => listed(w)).toContain('Question from tab A');
      expect(await listed(w)).toContain('Question from tab B');
    }
  });
}

test('a conversation started in one tab appears in the other without a reload', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  const wa = await openDemo(a);
  const wb = await openDemo(b);
  await sendAndWait(wa, 'Live from A');
  await wb.getByRole('button', { name: 'Conversations' }).click();
  await expect(wb.getByRole('navigation', { name: 'Conversations' })).toContainText('Live from A');
  // Opening it in B shows the whole reply.
  await wb.getByRole('button', { name: 'Live from A', exact: true }).click();
  await expect(wb.locator('article[data-role="assistant"]').last()).toContainText('You said: "Live from A"');
});

test('while a reply streams in tab A, tab B cannot send into that conversation', async ({ context }) => {
  const a = await context.newPage();
  const b = await context.newPage();
  const wa = await openDemo(a);
  const wb = await openDemo(b);
  await send(wa, 'long 400 [delay=20]');
  await expect(wa.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'streaming');
  await wb.getByRole('button', { name: 'Conversations' }).click();
  await wb.getByRole('button', { name: 'long 400 [delay=20]', exact: true }).click();
  const box = wb.getByRole('textbox', { name: 'Message' });
  await box.fill('Me too');
  await box.press('Enter');
  await expect(wb.getByRole('status').filter({ hasText: 'another tab' })).toBeVisible();
  await expect(box).toHaveValue('Me too');
  await wa.getByRole('button', { name: 'Stop' }).click();
  await expect(wa.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-state', 'stopped');
  // Once A is done, B may send; its reply lands in the same conversation in A as well.
  await expect.poll(async () => {
    await box.press('Enter');
    return wb.locator('article[data-role="user"]').count();
  }, { timeout: 15_000 }).toBe(2);
});

test('the same conversation follows the visitor to another page of the site', async ({ page }) => {
  const w = await openDemo(page);
  await sendAndWait(w, 'Remember me across pages');
  await w.getByRole('button', { name: 'New chat' }).click();
  await sendAndWait(w, 'The one I was reading');
  await page.goto('/?another-page');
  const again = widgetOf(page);
  await expect(again.locator('article[data-role="user"]').first()).toHaveText(/The one I was reading/);
});

test('data saved by the previous version (localStorage) is migrated once, nothing lost', async ({ context }) => {
  const conversations = fs.readFileSync(path.join(FIXTURE, 'conversations.json'), 'utf8');
  const settings = fs.readFileSync(path.join(FIXTURE, 'settings.json'), 'utf8');
  const key = fs.readFileSync(path.join(FIXTURE, 'api-key.txt'), 'utf8');
  await context.addInitScript(([c, s, k]) => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      if (!localStorage.getItem('migration-seeded')) {
        localStorage.setItem('migration-seeded', '1');
        localStorage.setItem('tinychat-demo:conversations', c);
        localStorage.setItem('tinychat-demo:settings', s);
        localStorage.setItem('tinychat-demo:api-key', k);
      }
    }
  }, [conversations, JSON.parse(JSON.stringify(settings)), key]);
  // Two tabs open at the same moment: the import happens once.
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([a.goto('/'), b.goto('/')]);
  for (const p of [a, b]) {
    const w = widgetOf(p);
    await expect(w.locator('article[data-role="user"]').first()).toHaveText(/What is Rust\?/);
    const text = await listed(w);
    expect(text).toContain('Errors & reloads');
    expect(text).toContain('Unauthorized?');
  }
  await expect.poll(() => a.evaluate(() => localStorage.getItem('tinychat-demo:conversations'))).toBeNull();
  expect(await a.evaluate(() => localStorage.getItem('tinychat-demo:api-key'))).toBe(key);
  // Exactly three conversations: not imported twice.
  const rows = await a.evaluate(async () => new Promise((ok) => {
    const r = indexedDB.open('tinychat:tinychat-demo');
    r.onsuccess = () => {
      const q = r.result.transaction('conversations').objectStore('conversations').count();
      q.onsuccess = () => ok(q.result);
    };
  }));
  expect(rows).toBe(3);
});

test('a newer TinyChat upgrading the database in another tab is not blocked; this tab says to reload and offers the export', async ({ context }) => {
  const a = await context.newPage();
  const wa = await openDemo(a);
  await sendAndWait(wa, 'Saved before the upgrade');
  // Another tab of the site opens the database at the next version, as a newer release would.
  const b = await context.newPage();
  await b.goto(new URL('/tinychat.css', a.url()).href);
  const upgraded = await b.evaluate(() => new Promise((resolve) => {
    const request = indexedDB.open('tinychat:tinychat-demo', 2);
    request.onblocked = () => resolve('blocked');
    request.onsuccess = () => { request.result.close(); resolve('upgraded'); };
    request.onerror = () => resolve(`error: ${request.error}`);
  }));
  expect(upgraded).toBe('upgraded');
  const notice = wa.getByRole('status').filter({ hasText: 'updated in another tab' });
  await expect(notice).toContainText('TinyChat was updated in another tab. Reload this page to keep saving your conversations.');
  await expect(notice.getByRole('button', { name: 'Export JSON' })).toBeVisible();
  // What is on screen stays on screen.
  await expect(wa.locator('article[data-role="assistant"]').last()).toContainText('Saved before the upgrade');
});

test('a full storage quota: the widget says so in words, offers the export and keeps the conversation on screen', async ({ page }) => {
  const widget = await openDemo(page);
  await sendAndWait(widget, 'Saved while there was room');
  // From here every write is refused as a full origin's is, with a QuotaExceededError
  // DOMException. (Chromium's own quota override over CDP does not apply to Playwright's
  // browser contexts, so the error is raised where IndexedDB would raise it.)
  await page.evaluate(() => {
    IDBObjectStore.prototype.put = function put() {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  await sendAndWait(widget, 'Written when the storage is full');
  const notice = widget.getByRole('status').filter({ hasText: 'Storage is full' });
  await expect(notice).toContainText('Storage is full: new messages are not saved. Export your conversation to keep it.');
  await expect(notice.getByRole('button', { name: 'Export JSON' })).toBeVisible();
  await expect(widget.locator('article[data-role="assistant"]').first()).toContainText('Saved while there was room');
  await expect(widget.locator('article[data-role="assistant"]').last()).toContainText('Written when the storage is full');
});

test('previous-version data unreadable as a whole is set aside, said in words, and the widget chats', async ({ page }) => {
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('tinychat-demo:conversations', '{"schema":1,"conversations":[{"id":');
    }
  });
  const w = await openDemo(page);
  await expect(w.getByText('Some saved data could not be read and was skipped.')).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('tinychat-demo:conversations'))).toBeNull();
  expect(await page.evaluate(() => localStorage.getItem('tinychat-demo:conversations.unreadable')))
    .toBe('{"schema":1,"conversations":[{"id":');
  await sendAndWait(w, 'Still here?');
});

test('previous-version data waits for the extras module that imports it: unreachable, the old key stays for the next load', async ({ page }) => {
  const conversations = fs.readFileSync(path.join(FIXTURE, 'conversations.json'), 'utf8');
  await page.addInitScript((c) => {
    if (!sessionStorage.getItem('seeded')) {
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('tinychat-demo:conversations', c);
    }
  }, conversations);
  let blocked = true;
  await page.route('**/tinychat_extras.wasm', (route) => (blocked ? route.abort() : route.continue()));
  const w = await openDemo(page);
  await sendAndWait(w, 'Before the import');
  expect(await page.evaluate(() => localStorage.getItem('tinychat-demo:conversations'))).toBe(conversations);
  blocked = false;
  await page.reload();
  const again = widgetOf(page);
  await expect(again.locator('article[data-role="user"]').first()).toBeVisible();
  await expect.poll(() => page.evaluate(() => localStorage.getItem('tinychat-demo:conversations'))).toBeNull();
  const text = await listed(again);
  expect(text).toContain('Errors & reloads');
  expect(text).toContain('Before the import');
});
