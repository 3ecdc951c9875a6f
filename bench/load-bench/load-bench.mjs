// Load benchmark: what a host page pays for the widget before anyone uses it, and how soon a
// visitor gets the first token of a reply, TinyChat against deep-chat 2.4.2 in the same run.
// Not part of the test suite or CI. Run it as `bench/load` (which installs what is missing).
//
//   node bench/load-bench/load-bench.mjs [--markdown[=FILE]] [--serve]
//   (--serve: only build the site and serve the host pages, to look at them in a browser)
//
// Setup (once per run):
// * dist/ is copied to a temporary directory (others may rebuild dist/ meanwhile), without its
//   `.br` siblings, and deep-chat's `deepChat.bundle.js` is copied beside it with a `.gz` sibling
//   made by scripts/compress.mjs's `gzip()` (`gzip -9 -n`, the tool that made TinyChat's `.gz`).
//   The host pages get `.gz` siblings too. tinychat-server (--static-dir) sends the `.gz` of a
//   file whenever the request accepts gzip, and with no `.br` left Chromium (which accepts
//   `gzip, deflate, br, zstd`) is served gzip -9 for everything of both widgets. Every response's
//   Content-Encoding is checked; a JS, CSS, HTML or wasm file not sent gzip fails the run.
// * One tinychat-server on one origin serves the pages, both widgets and the Mistral-compatible
//   API (`--delay-ms`, BENCH_DELAY_MS, paces the streamed pieces for both).
// * Three host pages, identical apart from the widget (bench/load-bench/host.html):
//   TinyChat inline (data-load default = visible; the widget is in view), TinyChat launcher
//   (data-load default = intent), deep-chat inline (its documented `connect` with `stream: true`;
//   a requestInterceptor turns its `{messages:[{role,text}]}` into a Mistral request and a
//   responseInterceptor turns each Mistral chunk into `{text}`). deep-chat adds a stylesheet
//   for Inter from fonts.googleapis.com to the page unless its element's `font-family` is set;
//   the page sets `system-ui` (as the host page's own font), so deep-chat loads nothing from
//   another origin, like TinyChat, and the run needs no internet.
//
// Each measurement is a fresh browser context (cold cache, new connections) with, over CDP,
// Network.emulateNetworkConditions (150 ms latency, 1.6 Mbit/s down, 750 kbit/s up) and
// Emulation.setCPUThrottlingRate 4, set before navigation. The visitor's message is `long 20`,
// whose reply is `tok0 tok1 … tok19`; "first token" is the moment `tok0` is inserted in the DOM
// (a MutationObserver installed before the page's scripts, also watching every shadow root),
// read from the page's clock (performance.now(), 0 = navigation start). The whole reply must
// then appear, or the run fails. The table also gives when the chat request left (the page's
// first window.fetch of /v1/chat/completions), on the same clock: what is left after it is the
// request's round trip and the widget's rendering of the first chunk.
// * inline (TinyChat, deep-chat): navigation → first token. The visitor fills the input as soon
//   as Playwright sees it (TinyChat's comes from the loader, before the wasm) and presses Enter.
//   The "typed" rows: the same visitor types TYPED key by key (BENCH_TYPE_MS between keys, 150 ms
//   by default: 80 words a minute, a fast typist) from the moment the input appears, then presses
//   Enter; their ratio is to deep-chat typed the same way. (TinyChat's wasm takes over while the
//   visitor types: a key lost at the handover would change the message, and the run would fail.)
// * launcher: the page loads and stays idle (BENCH_IDLE_MS after `load`, and no request in
//   flight for 1 s); then the visitor clicks the launcher (Playwright moves the mouse onto it
//   and clicks at once), or hovers it, waits 300 ms and clicks; fills the composer when it
//   appears, presses Enter. Click → first token, from the `click` event's time.
// * bytes before interaction: the sum of `encodedDataLength` (headers + body as received) of
//   every response (CDP Network.loadingFinished) from navigation until after the idle wait. For
//   the launcher it comes from the same page load as the click; for the inline widgets from a
//   separate load with no interaction (a visitor who never types).
// Every run measures every variant, in a rotating order; the table shows the medians of
// BENCH_RUNS runs, and the ratio of each median time to deep-chat's median navigation → first
// token; beside it, the ratio within each run (TinyChat's time over deep-chat's in the same run),
// as its median and range, which the drift between runs moves less. kB = 1,000 bytes.
//
// Environment: BENCH_TRACE=1 (print each measured load's timeline: every file's request start →
// first byte → last byte, when the request left, the widget was ready, the first token came), BENCH_RUNS (5), BENCH_PORT (8796), BENCH_DELAY_MS (25), BENCH_IDLE_MS (3000),
// BENCH_PROFILE (slow4g, the profile above; desktop: 40 ms, 10 Mbit/s both ways, CPU ×1),
// CHROMIUM (/usr/bin/chromium).
import { spawn } from 'node:child_process';
import {
  cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../../e2e/node_modules/@playwright/test/index.mjs';
import config from '../../e2e/playwright.config.js';
import { gzip } from '../../scripts/compress.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS || 5);
const PORT = Number(process.env.BENCH_PORT || 8796);
const DELAY_MS = Number(process.env.BENCH_DELAY_MS || 25);
const IDLE_MS = Number(process.env.BENCH_IDLE_MS || 3000);
const HOVER_MS = 300;
const TYPE_MS = Number(process.env.BENCH_TYPE_MS || 150);
/** Network and CPU profiles (BENCH_PROFILE). `slow4g`, the default, is the one the README's
 * figures and issue 9's goals use (Lighthouse's mobile profile); `desktop` is Lighthouse's
 * desktop one (its `desktopDense4G`: 40 ms, 10,240 kbit/s both ways, no CPU slowdown), to see how
 * the ratios move when bytes cost less and script time more. */
const PROFILES = {
  slow4g: {
    latency: 150, // ms, added to every request
    downloadThroughput: (1.6e6 / 8), // bytes/s
    uploadThroughput: (750e3 / 8),
    cpu: 4,
  },
  desktop: {
    latency: 40,
    downloadThroughput: (10240e3 / 8),
    uploadThroughput: (10240e3 / 8),
    cpu: 1,
  },
};
const PROFILE_NAME = process.env.BENCH_PROFILE || 'slow4g';
const PROFILE = PROFILES[PROFILE_NAME];
if (!PROFILE) {
  console.error(`bench/load: unknown BENCH_PROFILE ${PROFILE_NAME} (${Object.keys(PROFILES).join(', ')})`);
  process.exit(2);
}
const PROMPT = 'long 20';
/** What the typing visitor types: a question, and the server's cue for the same 20-token reply. */
const TYPED = 'What can you do? long 20';
const FIRST = 'tok0';
const LAST = 'tok19';
const DEEP_CHAT_VERSION = JSON.parse(
  readFileSync(join(HERE, 'node_modules', 'deep-chat', 'package.json'), 'utf8'),
).version;

const args = process.argv.slice(2);
const markdownArg = args.find((a) => a === '--markdown' || a.startsWith('--markdown='));
const serveOnly = args.includes('--serve');
for (const a of args) {
  if (a !== markdownArg && a !== '--serve') {
    console.error(`bench/load: unknown argument ${a} (--markdown[=FILE], --serve)`);
    process.exit(2);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// The site: a snapshot of dist/, deep-chat, the host pages; everything compressible gets a .gz.

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function buildSite() {
  const site = mkdtempSync(join(tmpdir(), 'tinychat-load-'));
  for (const name of ['tinychat-embed.js', 'tinychat.js', 'tinychat_bg.wasm', 'tinychat_markdown.wasm', 'tinychat_extras.wasm',
    'tinychat.css']) {
    cpSync(join(ROOT, 'dist', name), join(site, name));
  }
  mkdirSync(join(site, 'deep-chat'));
  cpSync(join(HERE, 'node_modules', 'deep-chat', 'dist', 'deepChat.bundle.js'),
    join(site, 'deep-chat', 'deepChat.bundle.js'));
  const host = readFileSync(join(HERE, 'host.html'), 'utf8');
  const page = (title, widget, scripts, head = '') => host.replace('{{head}}', head)
    .replace('{{title}}', title).replace('{{widget}}', widget).replace('{{scripts}}', scripts);
  mkdirSync(join(site, 'bench'));
  const embed = '<script type="module" src="../tinychat-embed.js"></script>';
  writeFileSync(join(site, 'bench', 'tinychat-inline.html'), page('TinyChat inline',
    '<div class="chat" data-tinychat data-api-base="/"></div>', embed));
  // The same inline page with the preload hints the README suggests for a widget above the fold:
  // the wasm and the glue start with the HTML instead of after the loader.
  writeFileSync(join(site, 'bench', 'tinychat-inline-preload.html'), page('TinyChat inline, preloaded',
    '<div class="chat" data-tinychat data-api-base="/"></div>', embed,
    `<link rel="modulepreload" href="../tinychat-embed.js">
  <link rel="modulepreload" href="../tinychat.js">
  <link rel="preload" href="../tinychat_bg.wasm" as="fetch" crossorigin>`));
  writeFileSync(join(site, 'bench', 'tinychat-launcher.html'), page('TinyChat launcher',
    '<div data-tinychat data-api-base="/" data-mode="launcher"></div>', embed));
  writeFileSync(join(site, 'bench', 'deep-chat.html'), page('deep-chat',
    `<deep-chat class="chat" connect='{"url":"/v1/chat/completions","stream":true}'
      style="width: 100%; height: 480px; font-family: system-ui, sans-serif"></deep-chat>`,
    `<script type="module" src="../deep-chat/deepChat.bundle.js"></script>
<script type="module" src="../deep-chat/setup.js"></script>`));
  // deep-chat's adapter to Mistral's wire format (its documented interceptors).
  writeFileSync(join(site, 'deep-chat', 'setup.js'), readFileSync(join(HERE, 'deep-chat-setup.js')));
  for (const path of walk(site)) writeFileSync(`${path}.gz`, gzip(readFileSync(path)));
  const wasm = join(ROOT, 'dist', 'tinychat_bg.wasm');
  console.log(`bench/load: dist/ as of ${statSync(wasm).mtime.toISOString()}: tinychat_bg.wasm `
    + `${statSync(join(site, 'tinychat_bg.wasm')).size} B, ${statSync(join(site, 'tinychat_bg.wasm.gz')).size} B gzip -9; `
    + `deepChat.bundle.js ${statSync(join(site, 'deep-chat', 'deepChat.bundle.js')).size} B, `
    + `${statSync(join(site, 'deep-chat', 'deepChat.bundle.js.gz')).size} B gzip -9`);
  return site;
}

async function startServer(site) {
  const health = () => fetch(`http://127.0.0.1:${PORT}/health`).then((r) => r.ok, () => false);
  if (await health()) throw new Error(`something already answers on port ${PORT}; stop it or set BENCH_PORT`);
  const bin = join(ROOT, 'target', 'debug', 'tinychat-server');
  const server = spawn(bin, ['--port', String(PORT), '--static-dir', site,
    '--delay-ms', String(DELAY_MS), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && server.exitCode == null; i++) {
    if (await health()) return server;
    await sleep(100);
  }
  server.kill();
  throw new Error(`tinychat-server did not start on port ${PORT}`);
}

// ---------------------------------------------------------------------------------------------
// In the page, before its own scripts: the first-token watch and the click time.

function watchInPage({ first }) {
  const b = (window.__bench = { token: null, click: null, sent: null, ready: null });
  // TinyChat's wasm runs and the widget is mounted (the event bubbles out of any shadow root).
  addEventListener('tinychat:ready', () => { if (b.ready == null) b.ready = performance.now(); }, true);
  // When the chat request leaves (both widgets call window.fetch at the time they send).
  const fetch_ = window.fetch;
  window.fetch = function fetch(input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    if (b.sent == null && url.includes('/v1/chat/completions')) b.sent = performance.now();
    return fetch_.apply(window, arguments);
  };
  const opts = { subtree: true, childList: true, characterData: true };
  const mo = new MutationObserver((records) => {
    if (b.token != null) return;
    for (const r of records) {
      const text = r.type === 'characterData'
        ? r.target.data
        : Array.from(r.addedNodes, (n) => n.textContent || '').join('');
      if (text.includes(first)) { b.token = performance.now(); mo.disconnect(); return; }
    }
  });
  mo.observe(document, opts);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadow(init) {
    const root = attach.call(this, init);
    if (b.token == null) mo.observe(root, opts);
    return root;
  };
  addEventListener('click', () => { if (b.click == null) b.click = performance.now(); }, true);
}

/** A fresh context and page with the profile applied and the network watched. */
async function openPage(browser) {
  const context = await browser.newContext();
  await context.addInitScript(watchInPage, { first: FIRST });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const net = { bytes: 0, inFlight: new Map(), lastActivity: Date.now(), responses: new Map(), done: [] };
  cdp.on('Network.requestWillBeSent', (e) => {
    net.inFlight.set(e.requestId, e.request.url); net.lastActivity = Date.now();
  });
  cdp.on('Network.responseReceived', (e) => {
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    net.responses.set(e.requestId, { url: e.response.url, status: e.response.status, encoding: h['content-encoding'] || '', cached: e.response.fromDiskCache || e.response.fromPrefetchCache || false });
  });
  cdp.on('Network.loadingFinished', (e) => {
    net.bytes += e.encodedDataLength;
    net.done.push({ ...(net.responses.get(e.requestId) || { url: net.inFlight.get(e.requestId) }), bytes: e.encodedDataLength });
    net.inFlight.delete(e.requestId); net.lastActivity = Date.now();
  });
  cdp.on('Network.loadingFailed', (e) => { net.inFlight.delete(e.requestId); net.lastActivity = Date.now(); });
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: PROFILE.latency,
    downloadThroughput: PROFILE.downloadThroughput,
    uploadThroughput: PROFILE.uploadThroughput,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PROFILE.cpu });
  return { context, page, net };
}

/** After `load`: IDLE_MS, and then until nothing has been in flight for 1 s (at most 30 s). */
async function settle(page, net) {
  await page.waitForLoadState('load');
  await sleep(IDLE_MS);
  const deadline = Date.now() + 30_000;
  while ((net.inFlight.size || Date.now() - net.lastActivity < 1000) && Date.now() < deadline) await sleep(100);
}

const URLS = {
  tinychatInline: `http://127.0.0.1:${PORT}/bench/tinychat-inline.html`,
  tinychatLauncher: `http://127.0.0.1:${PORT}/bench/tinychat-launcher.html`,
  tinychatInlinePreload: `http://127.0.0.1:${PORT}/bench/tinychat-inline-preload.html`,
  deepChat: `http://127.0.0.1:${PORT}/bench/deep-chat.html`,
};
const INPUT = {
  tinychat: '[data-tinychat] textarea.tc-composer__input',
  deepChat: 'deep-chat #text-input',
};

/** Fills the visitor's message (or types it, `typed`), presses Enter, and waits for the first
 * and the last token. */
async function sendAndWait(page, selector, typed = false) {
  const input = page.locator(selector).first();
  if (typed) {
    await input.waitFor({ timeout: 60_000 });
    await input.pressSequentially(TYPED, { delay: TYPE_MS });
  } else {
    await input.fill(PROMPT, { timeout: 60_000 });
  }
  await input.press('Enter');
  await page.waitForFunction(() => window.__bench.token != null, null, { timeout: 60_000, polling: 50 });
  await page.getByText(LAST).first().waitFor({ timeout: 60_000 });
  return page.evaluate(() => ({
    ...window.__bench,
    // When the widget's code had arrived: TinyChat's wasm, deep-chat's bundle. (TinyChat's
    // Markdown module, fetched on intent and not waited for, is not counted.)
    code: Math.max(0, ...performance.getEntriesByType('resource')
      .filter((e) => /(tinychat_bg\.wasm|deepChat\.bundle\.js)$/.test(e.name)).map((e) => e.responseEnd)),
    // BENCH_TRACE: each file's request start → first byte → last byte, on the same clock.
    trace: [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')]
      .map((e) => `${new URL(e.name).pathname.split('/').pop() || '/'} ${Math.round(e.startTime)}→${Math.round(e.responseStart)}→${Math.round(e.responseEnd)}`),
  }));
}
const TRACE = process.env.BENCH_TRACE === '1';
const trace = (variant, b) => {
  if (TRACE) console.log(`    ${variant}: ${b.trace.join(' · ')}; sent ${Math.round(b.sent)}, ready ${Math.round(b.ready)}, first token ${Math.round(b.token)}`);
};

const checkEncodings = (net, variant) => {
  for (const r of net.done) {
    // A 304 (a revalidation: Cache-Control: no-cache) has no body to encode.
    if (!r.url || r.status === 304 || !/\.(html|js|css|wasm)$/.test(new URL(r.url).pathname)) continue;
    if (r.encoding !== 'gzip') throw new Error(`${variant}: ${r.url} was sent with Content-Encoding "${r.encoding}", not gzip (${JSON.stringify(r)})`);
  }
};

/** Bytes before interaction of an inline widget: a load with no interaction. */
async function inlineBytes(browser, url, variant) {
  const { context, page, net } = await openPage(browser);
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await settle(page, net);
    checkEncodings(net, variant);
    return { bytes: net.bytes, inFlight: net.inFlight.size, files: net.done };
  } finally { await context.close(); }
}

/** Navigation → first token of an inline widget, typing as soon as its input appears. */
async function inlineFirstToken(browser, url, selector, typed = false) {
  const { context, page } = await openPage(browser);
  try {
    await page.goto(url, { waitUntil: 'commit' });
    const b = await sendAndWait(page, selector, typed);
    trace(url.split('/').pop(), b);
    return { ms: b.token, sent: b.sent, code: b.code, ready: b.ready };
  } finally { await context.close(); }
}

/** The launcher: bytes after the idle page, then (hover 300 ms and) click → first token. */
async function launcher(browser, hover, variant) {
  const { context, page, net } = await openPage(browser);
  try {
    await page.goto(URLS.tinychatLauncher, { waitUntil: 'commit' });
    await settle(page, net);
    checkEncodings(net, variant);
    const bytes = net.bytes;
    const files = [...net.done];
    const button = page.locator('[data-tinychat] button.tc-launcher');
    if (hover) { await button.hover(); await sleep(HOVER_MS); }
    await button.click();
    const b = await sendAndWait(page, INPUT.tinychat);
    trace(variant, b);
    checkEncodings(net, variant);
    return { bytes, files, ms: b.token - b.click, sent: b.sent - b.click, code: b.code - b.click, ready: b.ready - b.click };
  } finally { await context.close(); }
}

// ---------------------------------------------------------------------------------------------

const VARIANTS = [
  { key: 'deepChat', name: `deep-chat ${DEEP_CHAT_VERSION} inline`, what: 'nav → first token',
    bytes: (br) => inlineBytes(br, URLS.deepChat, 'deep-chat'),
    time: (br) => inlineFirstToken(br, URLS.deepChat, INPUT.deepChat) },
  { key: 'tcInline', name: 'TinyChat inline (data-load=visible)', what: 'nav → first token',
    bytes: (br) => inlineBytes(br, URLS.tinychatInline, 'TinyChat inline'),
    time: (br) => inlineFirstToken(br, URLS.tinychatInline, INPUT.tinychat) },
  { key: 'tcInlinePreload', name: 'TinyChat inline, preload hints in <head>', what: 'nav → first token',
    bytes: (br) => inlineBytes(br, URLS.tinychatInlinePreload, 'TinyChat inline, preloaded'),
    time: (br) => inlineFirstToken(br, URLS.tinychatInlinePreload, INPUT.tinychat) },
  { key: 'deepChatTyped', name: `deep-chat ${DEEP_CHAT_VERSION} inline, typed (${TYPE_MS} ms a key)`, what: 'nav → first token',
    sameBytesAs: 'deepChat', base: 'deepChatTyped',
    time: (br) => inlineFirstToken(br, URLS.deepChat, INPUT.deepChat, true) },
  { key: 'tcInlineTyped', name: `TinyChat inline (data-load=visible), typed (${TYPE_MS} ms a key)`, what: 'nav → first token',
    sameBytesAs: 'tcInline', base: 'deepChatTyped',
    time: (br) => inlineFirstToken(br, URLS.tinychatInline, INPUT.tinychat, true) },
  { key: 'tcLauncher', name: 'TinyChat launcher (data-load=intent), click', what: 'click → first token',
    both: (br) => launcher(br, false, 'TinyChat launcher') },
  { key: 'tcLauncherHover', name: `TinyChat launcher (data-load=intent), hover ${HOVER_MS} ms, click`, what: 'click → first token',
    both: (br) => launcher(br, true, 'TinyChat launcher, hover') },
];

async function main() {
  const site = buildSite();
  let server;
  const cleanUp = () => { server?.kill(); rmSync(site, { recursive: true, force: true }); };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { cleanUp(); process.exit(130); });
  try {
    server = await startServer(site);
  } catch (e) { cleanUp(); throw e; }
  if (serveOnly) {
    console.log(`bench/load --serve: the host pages, unthrottled, until interrupted:\n  ${Object.values(URLS).join('\n  ')}`);
    return;
  }
  const browser = await chromium.launch({ ...config.use.launchOptions, headless: true });
  const raw = Object.fromEntries(VARIANTS.map((v) => [v.key, { bytes: [], ms: [], sent: [], code: [], ready: [] }]));
  const firstFiles = {};
  const t0 = Date.now();
  try {
    console.log(`bench/load: ${RUNS} runs; profile ${PROFILE_NAME}: ${PROFILE.latency} ms latency, ${PROFILE.downloadThroughput * 8 / 1e6} Mbit/s down, `
      + `${PROFILE.uploadThroughput * 8 / 1e3} kbit/s up, CPU ×${PROFILE.cpu}; server pacing ${DELAY_MS} ms; gzip -9 for both widgets`);
    for (let run = 0; run < RUNS; run++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]);
      const line = [];
      for (const v of order) {
        let bytes; let ms; let files; let sent; let code; let ready;
        if (v.both) ({ bytes, ms, files, sent, code, ready } = await v.both(browser));
        else if (v.sameBytesAs) {
          // The same page as another row: its bytes before interaction are that row's.
          ({ ms, sent, code, ready } = await v.time(browser));
          bytes = NaN;
          files = [];
        } else {
          ({ bytes, files } = await v.bytes(browser));
          ({ ms, sent, code, ready } = await v.time(browser));
        }
        raw[v.key].code.push(code);
        raw[v.key].ready.push(ready);
        raw[v.key].bytes.push(bytes);
        raw[v.key].ms.push(ms);
        raw[v.key].sent.push(sent);
        if (!firstFiles[v.key]) firstFiles[v.key] = files;
        line.push(`${v.key}${Number.isNaN(bytes) ? '' : ` ${(bytes / 1e3).toFixed(1)} kB`} ${Math.round(ms)} ms`);
      }
      console.log(`  run ${run + 1}/${RUNS}: ${line.join(' · ')}`);
    }
  } finally {
    await browser.close();
    cleanUp();
  }

  console.log('\nTransferred before interaction (first run; bytes = headers + body as received):');
  for (const v of VARIANTS.filter((x) => x.key !== 'tcLauncherHover' && x.key !== 'tcInlinePreload' && !x.sameBytesAs)) {
    console.log(`  ${v.name}`);
    for (const f of firstFiles[v.key]) {
      console.log(`    ${String(f.bytes).padStart(8)}  ${f.status} ${(f.encoding || '-').padEnd(5)} ${new URL(f.url).pathname}`);
    }
  }

  const rows = VARIANTS.map((v) => {
    const ms = median(raw[v.key].ms);
    const base = median(raw[v.base || 'deepChat'].ms);
    return {
      name: v.name,
      kb: (median(raw[v.sameBytesAs || v.key].bytes) / 1e3).toFixed(1),
      what: v.what,
      ms: Math.round(ms),
      sent: Math.round(median(raw[v.key].sent)),
      ratio: (ms / base).toFixed(2),
      // Each run measures every variant in turn: the ratio within each run cancels what moves
      // both (the machine's load, deep-chat's spread), so its median and range are steadier.
      paired: (() => {
        const r = raw[v.key].ms.map((x, i) => x / raw[v.base || 'deepChat'].ms[i]).sort((a, b) => a - b);
        return `${median(r).toFixed(2)} (${r[0].toFixed(2)}–${r[r.length - 1].toFixed(2)})`;
      })(),
      runs: raw[v.key].ms.map((x) => Math.round(x)).join(', '),
      runsSent: raw[v.key].sent.map((x) => Math.round(x)).join(', '),
      runsCode: raw[v.key].code.map((x) => Math.round(x)).join(', '),
      runsReady: raw[v.key].ready.map((x) => (Number.isFinite(x) ? Math.round(x) : '-')).join(', '),
      runsKb: raw[v.sameBytesAs || v.key].bytes.map((x) => (x / 1e3).toFixed(1)).join(', '),
    };
  });
  const w = (k, h) => Math.max(h.length, ...rows.map((r) => String(r[k]).length));
  const cols = [['name', 'variant'], ['kb', 'bytes before interaction (kB)'], ['what', 'measured'], ['sent', 'request sent (ms)'], ['ms', 'first token (ms)'], ['ratio', 'ratio to deep-chat (typed: to deep-chat typed)'], ['paired', 'per-run ratio: median (range)']];
  const widths = cols.map(([k, h]) => w(k, h));
  const fmt = (cells) => cells.map((c, i) => (i === 0 || i === 2 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  console.log(`\nMedians of ${RUNS} runs (${Math.round((Date.now() - t0) / 1000)} s):`);
  console.log(fmt(cols.map(([, h]) => h)));
  for (const r of rows) console.log(fmt(cols.map(([k]) => r[k])));
  console.log('\nPer run: first token ms [request sent ms] (kB before interaction):');
  for (const r of rows) console.log(`  ${r.name}: ${r.runs} [${r.runsSent}] (${r.runsKb})`);
  console.log('\nPer run, same clock: code downloaded ms (the wasm / the bundle) → widget ready ms (tinychat:ready):');
  for (const r of rows) console.log(`  ${r.name}: ${r.runsCode} → ${r.runsReady}`);

  if (markdownArg) {
    const md = [
      `| variant | bytes before interaction | first reply token (median of ${RUNS}) | chat request sent at (median) | ratio to deep-chat | per-run ratio: median (range) |`,
      '|---|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.name} | ${r.kb} kB | ${r.what}: ${(r.ms / 1000).toFixed(2)} s | ${(r.sent / 1000).toFixed(2)} s | ${r.ratio} | ${r.paired} |`),
    ].join('\n');
    if (markdownArg.startsWith('--markdown=')) {
      writeFileSync(markdownArg.slice('--markdown='.length), `${md}\n`);
      console.log(`\nMarkdown table written to ${markdownArg.slice('--markdown='.length)}`);
    } else {
      console.log(`\n${md}`);
    }
  }
}

main().catch((e) => { console.error(`bench/load: ${e.stack || e}`); process.exit(1); });
