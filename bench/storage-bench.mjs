// Storage benchmark (issue 10): a large library and a long conversation in IndexedDB.
// Not part of the test suite or CI.
//
//   bench/storage [--markdown]       copies dist/, starts tinychat-server on :8797 and runs this
//   node bench/storage-bench.mjs     against a server already at BENCH_URL serving a dist/ copy
//                                    that holds bench-storage.html (written by bench/storage)
//
// Every run launches Chromium (the Playwright config's flags, headless) with a fresh on-disk
// profile (a persistent context: IndexedDB on disk as for a visitor, not the in-memory store of
// an incognito context), then:
//  1. Seeds, from a page of the same origin (/health), before any widget page loads, four
//     namespaces straight into IndexedDB with the widget's format (database `tinychat:<key>`,
//     version 1, stores `conversations` / `meta` / `corrupt`; record
//     `{"schema":2,"rev":1,"conversation":{…}}`, meta `current` = the newest conversation):
//       lib1000  1,000 conversations × 50 messages (25 user / 25 assistant, 200–800 characters
//                each, Markdown in the replies: headings, bold, inline code, lists, links, fenced
//                code; 577 characters per message on average), 36.5 MB of record JSON;
//       lib10    10 conversations × 50 messages (the baseline for lib1000);
//       long500  one conversation of 500 messages; long2  one of 2 (its baseline).
//     IndexedDB size = navigator.storage.estimate().usage after seeding lib1000 minus before
//     (the origin holds nothing else yet); "JSON" is the records' total length.
//  2. Loads the host page once with data-storage-key="none" (warm HTTP cache and code cache,
//     as for a returning visitor), then for lib10 and lib1000 (order alternating by run):
//     * open: navigation → the current conversation's first user message in the widget's DOM
//       (a MutationObserver on the shadow root, attached by hooking attachShadow in an init
//       script; times are performance.now() of the page, i.e. from navigation start), and the
//       end of the next frame after it (requestAnimationFrame, then a MessageChannel task);
//     * list: "Conversations" clicked in the page (element.click()) → every row rendered
//       (.tc-convs__row count = number of conversations), and → the end of the next frame;
//     * save per reply: BENCH_REPLIES messages sent one after another (composer + Enter; the
//       server's canned "You said: …" reply, 5 ms between pieces); for each, from the moment
//       the new reply's article gets data-state="done" (MutationObserver) to the moment a
//       read of the record (polled back to back in the page, own IndexedDB connection) shows
//       that reply as "done" with the expected number of messages. All records' revs are read
//       before the page loads the library and 1.5 s after the last reply: only the current
//       conversation's rev may change. (Revs are also read 1 s after the page loaded, before any
//       message: a record written by merely loading the page is reported.)
//     Then for long2 and long500 (order alternating):
//     * open: navigation → the last message in the DOM (and → the next frame);
//     * typing: BENCH_KEYS characters typed into the composer with page.keyboard.type (70 ms
//       apart, so each key gets its own frame); per key, from the keydown event's timeStamp to
//       the end of the next frame (requestAnimationFrame, then a MessageChannel task: the frame's
//       style, layout and paint work on the main thread are included). p50 / p95 per run.
//  3. Plain JavaScript reference, same profile: a fresh page's getAll() of lib1000's records,
//     and the JSON.parse of them all (the floor under the widget's own load).
// Each figure is the median over runs (every run's value is printed too). The machine's cores
// are shared: read ratios to the same run's baseline before absolute figures.
//
// Environment: BENCH_URL (default http://127.0.0.1:8797/), BENCH_RUNS (5), BENCH_REPLIES (5),
// BENCH_KEYS (100), BENCH_DIST (a label for the dist/ measured), CHROMIUM (/usr/bin/chromium),
// BENCH_KEEP_PROFILE (set: keep the profile directories and print them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { chromium } from '../e2e/node_modules/@playwright/test/index.mjs';
import config from '../e2e/playwright.config.js';

const BASE = process.env.BENCH_URL || 'http://127.0.0.1:8797/';
const RUNS = Number(process.env.BENCH_RUNS || 5);
const REPLIES = Number(process.env.BENCH_REPLIES || 5);
const KEYS = Number(process.env.BENCH_KEYS || 100);
const MARKDOWN = process.argv.includes('--markdown');
const FRAME_MS = 1000 / 60;
// Main-thread time while typing (CDP Performance.getMetrics, per key; durations in ms).
const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'LayoutCount', 'RecalcStyleCount'];

const LIBS = [
  { ns: 'bench-lib10', label: '10 × 50', conversations: 10, messages: 50 },
  { ns: 'bench-lib1000', label: '1,000 × 50', conversations: 1000, messages: 50 },
];
const LONGS = [
  { ns: 'bench-long2', label: '2 messages', conversations: 1, messages: 2 },
  { ns: 'bench-long500', label: '500 messages', conversations: 1, messages: 500 },
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const log = (...a) => console.error(...a);

/**
 * Runs in a page of the origin: writes namespace `ns` (database `tinychat:<ns>`) with `n`
 * conversations of `m` messages, deterministic text from `seed`. Conversation 0 is the newest
 * and current; its first user message contains `first`, its last message contains `last`.
 */
async function seedNamespace({ ns, n, m, seed, first, last }) {
  let s = seed >>> 0;
  const rnd = () => { // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const WORDS = ('the a of to and in is it that for on with as this be are was by at or from not but '
    + 'what can will your how we they which would about there when more one all if so use has have '
    + 'rust wasm browser widget stream token reply model server request response error retry cache '
    + 'memory thread async await future string vector buffer parser render layout frame style '
    + 'index database record conversation message history search title summary export import '
    + 'latency throughput benchmark profile quota storage version migration schema merge tab '
    + 'function closure trait generic lifetime borrow compile runtime module package release '
    + 'question answer example explain detail simple better faster slower careful change value').split(' ');
  const sentence = () => {
    const w = Array.from({ length: between(6, 18) }, () => pick(WORDS));
    w[0] = w[0][0].toUpperCase() + w[0].slice(1);
    return `${w.join(' ')}${pick(['.', '.', '.', '?', '!'])}`;
  };
  const fill = (target, piece) => {
    let out = '';
    while (out.length < target) out += (out ? ' ' : '') + piece();
    return out;
  };
  const userText = () => fill(between(200, 800), sentence);
  const inline = () => {
    const w = pick(WORDS);
    return pick([`**${w}**`, `\`${w}()\``, `*${w}*`, `[${w}](https://example.com/${w})`, w]);
  };
  const mdSentence = () => sentence().replace(/ (\w+) /, () => ` ${inline()} `);
  const assistantText = () => {
    const target = between(200, 800);
    const blocks = [];
    let len = 0;
    while (len < target) {
      const kind = rnd();
      let b;
      if (kind < 0.12) b = `## ${sentence().slice(0, 40)}`;
      else if (kind < 0.35) b = Array.from({ length: between(2, 4) }, () => `- ${mdSentence()}`).join('\n');
      else if (kind < 0.45) {
        const name = pick(WORDS);
        b = `\`\`\`rust\nfn ${name}(x: u32) -> u32 {\n    x.wrapping_mul(${between(2, 99)})\n}\n\`\`\``;
      } else b = fill(between(80, 260), mdSentence);
      blocks.push(b);
      len += b.length + 2;
    }
    return blocks.join('\n\n');
  };

  const base = 1_767_000_000_000; // a fixed epoch, Dec 2025
  const records = [];
  let bytes = 0;
  let chars = 0;
  for (let c = 0; c < n; c += 1) {
    const id = `c-bench${c.toString(36)}-${c + 1}`;
    const updated = base - c * 3_600_000;
    const created = updated - m * 60_000;
    const messages = [];
    for (let k = 0; k < m; k += 1) {
      const at = created + k * 60_000;
      let text = k % 2 === 0 ? userText() : assistantText();
      if (c === 0 && k === 0) text = `${first} ${text}`;
      if (c === 0 && k === m - 1) text = `${text}\n\nEnd ${last} here.`;
      const msg = k % 2 === 0
        ? { id: k + 1, role: 'user', text, state: 'done', created_ms: at }
        : {
          id: k + 1, role: 'assistant', text, state: 'done',
          usage: { prompt_tokens: 40 * k, completion_tokens: Math.round(text.length / 4), total_tokens: 40 * k + Math.round(text.length / 4) },
          model: 'mistral-small-latest', created_ms: at, finished_ms: at + 2_000,
        };
      chars += text.length;
      messages.push(msg);
    }
    const title = messages[0].text.split(/\s+/).slice(0, 6).join(' ');
    const conversation = {
      id, title, title_is_custom: false, messages, created_ms: created, updated_ms: updated, next_id: m + 1,
    };
    const json = JSON.stringify({ schema: 2, rev: 1, conversation });
    bytes += json.length;
    records.push([id, json]);
  }

  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(`tinychat:${ns}`, 1);
    req.onupgradeneeded = () => {
      for (const store of ['conversations', 'meta', 'corrupt']) req.result.createObjectStore(store);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const write = (store, pairs) => new Promise((resolve, reject) => {
    const tx = db.transaction([store], 'readwrite');
    for (const [k, v] of pairs) tx.objectStore(store).put(v, k);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  for (let i = 0; i < records.length; i += 100) await write('conversations', records.slice(i, i + 100));
  await write('meta', [['current', records[0][0]]]);
  db.close();
  return { bytes, chars: chars / (n * m), current: records[0][0], count: records.length };
}

/** Runs in a page: { estimate usage }. */
async function usage() {
  const e = await navigator.storage.estimate();
  return e.usage;
}

/** Runs in a page: every record's rev by id (and the number of set-aside records). */
async function readRevs(ns) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(`tinychat:${ns}`);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const all = (store, what) => new Promise((resolve, reject) => {
    const r = db.transaction([store], 'readonly').objectStore(store)[what]();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const keys = await all('conversations', 'getAllKeys');
  const values = await all('conversations', 'getAll');
  const corrupt = (await all('corrupt', 'getAllKeys')).length;
  db.close();
  const revs = {};
  keys.forEach((k, i) => { revs[k] = Number(/"rev":(\d+)/.exec(values[i])?.[1]); });
  return { revs, corrupt };
}

/** Runs in a page: getAll() of a namespace's records, then JSON.parse of each (ms). */
async function plainRead(ns) {
  const t0 = performance.now();
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(`tinychat:${ns}`);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const values = await new Promise((resolve, reject) => {
    const r = db.transaction(['conversations'], 'readonly').objectStore('conversations').getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const t1 = performance.now();
  let n = 0;
  for (const v of values) n += JSON.parse(v).conversation.messages.length;
  const t2 = performance.now();
  db.close();
  return { getAll: t1 - t0, parse: t2 - t1, records: values.length, messages: n };
}

/**
 * Init script of every page: hooks attachShadow so a MutationObserver watches the widget's
 * shadow root from its creation, and records when the URL's `first` token is in the first user
 * article and when the `last` token is in the last article (`window.__bench.marks`), each also
 * with the end of the next frame.
 */
function initScript() {
  const q = new URLSearchParams(location.search);
  const want = { first: q.get('first'), last: q.get('last') };
  const bench = (window.__bench = { marks: {}, roots: [] });
  const afterFrame = (cb) => requestAnimationFrame(() => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => cb(performance.now());
    ch.port2.postMessage(0);
  });
  window.__benchAfterFrame = afterFrame;
  const check = (root) => {
    if (want.first && !bench.marks.first) {
      const a = root.querySelector('[role="log"] article[data-role="user"]');
      if (a && a.textContent.includes(want.first)) {
        bench.marks.first = { dom: performance.now() };
        afterFrame((t) => { bench.marks.first.frame = t; });
      }
    }
    if (want.last && !bench.marks.last) {
      const log = root.querySelector('[role="log"]');
      const all = log && log.getElementsByTagName('article');
      const a = all && all[all.length - 1];
      if (a && a.textContent.includes(want.last)) {
        bench.marks.last = { dom: performance.now() };
        afterFrame((t) => { bench.marks.last.frame = t; });
      }
    }
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    bench.roots.push(root);
    if (want.first || want.last) {
      new MutationObserver(() => check(root)).observe(root, { childList: true, subtree: true, characterData: true });
    }
    return root;
  };
}

const pageUrl = (ns, extra = {}) => {
  const u = new URL('bench-storage.html', BASE);
  u.searchParams.set('key', ns);
  for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
  return u.href;
};

/** Navigates to the widget page of `ns` and waits for mark `which` (ms since navigation). */
async function openWidget(page, ns, which, token) {
  await page.goto(pageUrl(ns, { [which]: token }));
  await page.waitForFunction((w) => window.__bench?.marks[w]?.frame, which, { timeout: 60_000 });
  return page.evaluate((w) => window.__bench.marks[w], which);
}

/** Runs in the page: clicks "Conversations", waits for `n` rows, then closes the list. */
async function openList(n) {
  const root = document.querySelector('[data-tinychat]').shadowRoot;
  const button = [...root.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Conversations');
  if (!button) throw new Error('no Conversations button');
  const rows = () => root.querySelectorAll('.tc-convs__row').length;
  const t0 = performance.now();
  button.click();
  const handler = performance.now() - t0;
  let dom = rows() >= n ? performance.now() - t0 : NaN;
  if (Number.isNaN(dom)) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`list: ${rows()} rows of ${n}`)), 30_000);
      const obs = new MutationObserver(() => {
        if (rows() >= n) {
          dom = performance.now() - t0;
          obs.disconnect();
          clearTimeout(timer);
          resolve();
        }
      });
      obs.observe(root, { childList: true, subtree: true });
    });
  }
  const frame = await new Promise((resolve) => window.__benchAfterFrame(resolve)) - t0;
  const count = rows();
  button.click(); // close
  await new Promise((r) => setTimeout(r, 300));
  return { handler, dom, frame, count, closed: rows() === 0 };
}

/**
 * Runs in the page: arms a watcher for the next reply. Resolves (window.__benchSave) with the
 * time from its article's data-state="done" to a read of record `id` showing it done.
 */
function armSave({ ns, id, expectMessages }) {
  const root = document.querySelector('[data-tinychat]').shadowRoot;
  const log = root.querySelector('[role="log"]');
  const before = log.querySelectorAll('article[data-role="assistant"]').length;
  window.__benchSave = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no reply within 30 s')), 30_000);
    const obs = new MutationObserver(() => {
      const arts = log.querySelectorAll('article[data-role="assistant"]');
      const a = arts.length > before ? arts[arts.length - 1] : null;
      if (!a || a.dataset.state !== 'done') return;
      const tDone = performance.now();
      obs.disconnect();
      const req = indexedDB.open(`tinychat:${ns}`);
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        const db = req.result;
        let polls = 0;
        const poll = () => {
          polls += 1;
          const r = db.transaction(['conversations'], 'readonly').objectStore('conversations').get(id);
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const rec = r.result && JSON.parse(r.result);
            const msgs = rec ? rec.conversation.messages : [];
            const lastMsg = msgs[msgs.length - 1];
            if (msgs.length === expectMessages && lastMsg.role === 'assistant' && lastMsg.state === 'done') {
              const saved = performance.now() - tDone;
              db.close();
              clearTimeout(timer);
              resolve({ saved, rev: rec.rev, polls });
            } else if (performance.now() - tDone > 20_000) {
              db.close();
              reject(new Error(`record not updated: ${msgs.length} messages, last ${lastMsg && lastMsg.state}`));
            } else {
              poll();
            }
          };
        };
        poll();
      };
    });
    obs.observe(log, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
}

/** Runs in the page: per-key latency recorder (keydown timeStamp → end of the next frame). */
function armKeys() {
  window.__keys = [];
  window.addEventListener('keydown', (e) => {
    const t = e.timeStamp;
    window.__benchAfterFrame((end) => window.__keys.push(end - t));
  }, true);
}

const TYPED = 'The quick brown fox jumps over the lazy dog while the widget keeps every conversation safely stored';

async function run(index) {
  const profile = mkdtempSync(join(tmpdir(), 'tinychat-storage-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    headless: true,
    executablePath: config.use.launchOptions.executablePath,
    args: config.use.launchOptions.args,
    viewport: { width: 1280, height: 800 },
  });
  const errors = [];
  context.on('page', (p) => p.on('pageerror', (e) => errors.push(e.message)));
  await context.addInitScript(initScript);
  const page = context.pages()[0] || await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  // (The seeding page, /health, has no icon: its favicon.ico 404 is not the widget's.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
  });
  const out = { libs: {}, longs: {}, errors };

  // 1. Seed.
  await page.goto(new URL('health', BASE).href);
  const u0 = await page.evaluate(usage);
  const seeded = {};
  for (const [i, spec] of [LIBS[1], LIBS[0], LONGS[1], LONGS[0]].entries()) {
    seeded[spec.ns] = await page.evaluate(seedNamespace, {
      ns: spec.ns, n: spec.conversations, m: spec.messages, seed: 1000 * index + i + 1,
      first: `zqfirst${i}x`, last: `zqlast${i}x`,
    });
    seeded[spec.ns].first = `zqfirst${i}x`;
    seeded[spec.ns].last = `zqlast${i}x`;
    if (spec.ns === 'bench-lib1000') {
      await sleep(500);
      out.idbBytes = (await page.evaluate(usage)) - u0;
      out.jsonBytes = seeded[spec.ns].bytes;
      out.avgChars = seeded[spec.ns].chars;
    }
  }

  // 2. Warm the HTTP and code caches.
  await page.goto(pageUrl('none'));
  await page.evaluate(() => window.TinyChat.ready);
  await sleep(300);

  const box = page.getByRole('textbox', { name: 'Message' });
  const libs = index % 2 ? [...LIBS].reverse() : LIBS;
  for (const spec of libs) {
    const s = seeded[spec.ns];
    const before = await page.evaluate(readRevs, spec.ns);
    const open = await openWidget(page, spec.ns, 'first', s.first);
    await sleep(1000);
    const loaded = await page.evaluate(readRevs, spec.ns);
    const loadWrites = Object.keys(loaded.revs).filter((k) => loaded.revs[k] !== before.revs[k])
      .map((k) => `${k === s.current ? 'current' : k} rev ${before.revs[k]} → ${loaded.revs[k]}`);
    const list = await page.evaluate(openList, spec.conversations);
    if (list.count !== spec.conversations) throw new Error(`${spec.ns}: ${list.count} rows`);
    const saves = [];
    for (let r = 0; r < REPLIES; r += 1) {
      await page.evaluate(armSave, { ns: spec.ns, id: s.current, expectMessages: spec.messages + 2 * (r + 1) });
      await box.fill(`Benchmark question number ${r + 1} about storage`);
      await box.press('Enter');
      saves.push(await page.evaluate(() => window.__benchSave));
      await sleep(200);
    }
    await sleep(1500);
    const after = await page.evaluate(readRevs, spec.ns);
    const changed = Object.keys(after.revs).filter((k) => after.revs[k] !== before.revs[k]);
    const added = Object.keys(after.revs).length - Object.keys(before.revs).length;
    out.libs[spec.ns] = {
      open, list, saves, loadWrites,
      onlyCurrentChanged: changed.length === 1 && changed[0] === s.current && added === 0,
      changed: changed.length, added, corrupt: after.corrupt,
      revs: `${before.revs[s.current]} → ${after.revs[s.current]}`,
    };
  }

  const longs = index % 2 ? [...LONGS].reverse() : LONGS;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics
    .filter((x) => METRICS.includes(x.name)).map((x) => [x.name, x.name.endsWith('Count') ? x.value : x.value * 1000]));
  for (const spec of longs) {
    const s = seeded[spec.ns];
    const open = await openWidget(page, spec.ns, 'last', s.last);
    await sleep(500);
    await page.evaluate(armKeys);
    await box.click();
    await sleep(300);
    await page.evaluate(() => { window.__keys = []; });
    const text = TYPED.repeat(Math.ceil(KEYS / TYPED.length)).slice(0, KEYS);
    const m0 = await metrics();
    await page.keyboard.type(text, { delay: 70 });
    await sleep(300);
    const m1 = await metrics();
    const perKey = Object.fromEntries(METRICS.map((k) => [k, (m1[k] - m0[k]) / KEYS]));
    const keys = await page.evaluate(() => window.__keys);
    const value = await box.inputValue();
    if (value !== text) throw new Error(`${spec.ns}: composer holds ${value.length} characters, not ${text.length}`);
    out.longs[spec.ns] = { open, perKey, keys: keys.length, p50: quantile(keys, 0.5), p95: quantile(keys, 0.95), max: Math.max(...keys) };
  }

  // 3. Plain JavaScript reference read.
  await page.goto(new URL('health', BASE).href);
  out.plain = await page.evaluate(plainRead, 'bench-lib1000');

  await context.close();
  if (process.env.BENCH_KEEP_PROFILE) log(`  profile kept: ${profile}`);
  else rmSync(profile, { recursive: true, force: true });
  return out;
}

// ---- main ----
const runs = [];
const loads = [];
for (let i = 0; i < RUNS; i += 1) {
  loads.push(loadavg()[0]);
  const t = Date.now();
  const r = await run(i);
  runs.push(r);
  log(`run ${i + 1}/${RUNS} (${((Date.now() - t) / 1000).toFixed(0)} s): `
    + `lib1000 open ${r.libs['bench-lib1000'].open.dom.toFixed(0)} ms, list ${r.libs['bench-lib1000'].list.frame.toFixed(0)} ms, `
    + `save ${median(r.libs['bench-lib1000'].saves.map((x) => x.saved)).toFixed(1)} ms; `
    + `long500 open ${r.longs['bench-long500'].open.dom.toFixed(0)} ms, keys p95 ${r.longs['bench-long500'].p95.toFixed(1)} ms`
    + (r.errors.length ? `; page errors: ${r.errors.join(' | ')}` : ''));
}
loads.push(loadavg()[0]);

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const raw = (xs, f) => xs.map(f).join(', ');
const col = (get, f = f0) => {
  const xs = runs.map(get);
  return { med: median(xs), text: `**${f(median(xs))}**`, raw: raw(xs, f) };
};
const lib = (ns) => (r) => r.libs[ns];
const long = (ns) => (r) => r.longs[ns];
const L10 = lib('bench-lib10');
const L1000 = lib('bench-lib1000');
const S2 = long('bench-long2');
const S500 = long('bench-long500');
const medSave = (get) => (r) => median(get(r).saves.map((x) => x.saved));
const mb = (x) => `${(x / 1e6).toFixed(1)} MB`;

const rows = [];
const row = (what, big, small, goal, unit = 'ms') => rows.push({ what, big, small, goal, unit });
const listBig = col((r) => L1000(r).list.frame);
const openBig = col((r) => L1000(r).open.dom);
const open500 = col((r) => S500(r).open.dom);
const p95big = col((r) => S500(r).p95, f1);
const p95small = col((r) => S2(r).p95, f1);
row('navigation → current conversation shown (first stored message in the DOM)',
  openBig, col((r) => L10(r).open.dom), '–');
row('… → end of the next frame', col((r) => L1000(r).open.frame), col((r) => L10(r).open.frame), '–');
row('"Conversations" click → last row in the DOM', col((r) => L1000(r).list.dom), col((r) => L10(r).list.dom), '–');
row('"Conversations" click → end of the next frame (list shown)', listBig, col((r) => L10(r).list.frame),
  `< 300 ms: ${listBig.med < 300 ? 'holds' : 'does not hold'}`);
row(`save per reply: data-state="done" → record updated (median of ${REPLIES} replies per run)`,
  col(medSave(L1000), f1), col(medSave(L10), f1), '–');
row('… the slowest reply of the run', col((r) => Math.max(...L1000(r).saves.map((x) => x.saved)), f1),
  col((r) => Math.max(...L10(r).saves.map((x) => x.saved)), f1), '–');
const only = runs.every((r) => L1000(r).onlyCurrentChanged && L10(r).onlyCurrentChanged);
rows.push({
  what: 'finishing a reply writes only that conversation (revs of all records before/after)',
  big: { text: only ? 'yes' : 'NO', raw: runs.map((r) => `${L1000(r).changed} changed, rev ${L1000(r).revs}`).join('; ') },
  small: { text: runs.every((r) => L10(r).onlyCurrentChanged) ? 'yes' : 'NO', raw: runs.map((r) => `${L10(r).changed} changed`).join('; ') },
  goal: `only that one: ${only ? 'holds' : 'does not hold'}`,
});
rows.push({
  what: 'records written by loading the page (no message sent; revs before and 1 s after)',
  big: { text: runs.map((r) => L1000(r).loadWrites.length).join(', '), raw: L1000(runs[0]).loadWrites.join('; ') || 'none' },
  small: { text: runs.map((r) => L10(r).loadWrites.length).join(', '), raw: L10(runs[0]).loadWrites.join('; ') || 'none' },
  goal: '–',
});
rows.push({
  what: 'IndexedDB size (storage.estimate() usage) / the records\' JSON (average message text)',
  big: { text: `**${mb(median(runs.map((r) => r.idbBytes)))}** / ${mb(runs[0].jsonBytes)} (${f0(runs[0].avgChars)} characters)`, raw: raw(runs.map((r) => r.idbBytes), mb) },
  small: { text: '', raw: '' }, goal: '–',
});
rows.push({
  what: 'plain JS reference: getAll() of the 1,000 records / JSON.parse of them all',
  big: { text: `**${f0(median(runs.map((r) => r.plain.getAll)))}** / **${f0(median(runs.map((r) => r.plain.parse)))}**`, raw: raw(runs.map((r) => r.plain), (p) => `${f0(p.getAll)}/${f0(p.parse)}`) },
  small: { text: '', raw: '' }, goal: '–',
});
const rows2 = [];
const row2 = (what, big, small, goal) => rows2.push({ what, big, small, goal });
row2('navigation → last message in the DOM', open500, col((r) => S2(r).open.dom),
  `< 300 ms: ${open500.med < 300 ? 'holds' : 'does not hold'}`);
row2('… → end of the next frame', col((r) => S500(r).open.frame), col((r) => S2(r).open.frame), '–');
row2(`keypress → end of next frame, p50 (${KEYS} keys per run)`, col((r) => S500(r).p50, f1), col((r) => S2(r).p50, f1), '–');
row2('keypress → end of next frame, p95', p95big, p95small,
  `< 16.7 ms at p95: ${p95big.med < FRAME_MS && p95small.med < FRAME_MS ? 'holds' : 'does not hold'}`);
row2('main-thread time per key: task / script / layout / style (CDP Performance.getMetrics)',
  ...['bench-long500', 'bench-long2'].map((ns) => {
    const k = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration']
      .map((m) => median(runs.map((r) => r.longs[ns].perKey[m])));
    return { text: k.map(f1).join(' / '), raw: `layouts per key ${f1(median(runs.map((r) => r.longs[ns].perKey.LayoutCount)))}` };
  }), '–');
row2('keypress → end of next frame, max', col((r) => S500(r).max, f1), col((r) => S2(r).max, f1), '–');

const corrupt = runs.reduce((n, r) => n + L1000(r).corrupt + L10(r).corrupt, 0);
const errs = runs.flatMap((r) => r.errors);
const head = `bench/storage: ${RUNS} runs (fresh Chromium profile each), median **bold**, every run in brackets (ms unless stated); `
  + `dist ${process.env.BENCH_DIST || '?'}; load average ${loads.map((x) => x.toFixed(1)).join(' → ')} on the machine's cores`;

function print(title, cols, list) {
  if (MARKDOWN) {
    console.log(`| ${title} | ${cols[0]} | ${cols[1]} | goal |`);
    console.log('|---|--:|--:|---|');
    for (const r of list) {
      const cell = (c) => (c.text ? `${c.text} (${c.raw})` : '');
      console.log(`| ${r.what} | ${cell(r.big)} | ${cell(r.small)} | ${r.goal} |`);
    }
  } else {
    const plain = (s) => s.replace(/\*\*/g, '');
    console.log(`${title}  [${cols.join(' | ')}]`);
    for (const r of list) {
      const cell = (c) => (c.text ? `${plain(c.text)}  (${c.raw})` : '');
      console.log(`  ${r.what}`);
      console.log(`      ${cols[0]}: ${cell(r.big)}`);
      if (r.small.text) console.log(`      ${cols[1]}: ${cell(r.small)}`);
      if (r.goal !== '–') console.log(`      goal: ${r.goal}`);
    }
  }
  console.log('');
}

console.log(MARKDOWN ? head : head.replace(/\*\*/g, ''));
console.log('');
print('library', ['1,000 × 50', 'baseline 10 × 50'], rows);
print('one conversation', ['500 messages', 'baseline 2 messages'], rows2);
console.log(`records set aside as corrupt after loading: ${corrupt}; page errors: ${errs.length ? errs.join(' | ') : 'none'}`);
