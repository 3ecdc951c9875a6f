// Insert and remove a <tiny-chat> 100 times, as a single-page app's router would, and measure
// the JS heap (after a forced GC) and the wasm memory after 10 and after 100 cycles. A widget
// that cleaned up fully leaves both flat. Printed as a table; figures go in the README.
import { chromium } from '../e2e/node_modules/@playwright/test/index.mjs';

const url = process.env.BENCH_URL;
const api = process.env.BENCH_API;
const CYCLES = Number(process.env.BENCH_CYCLES || 100);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--js-flags=--expose-gc'],
});
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Performance.enable');
await page.goto(url);
await page.evaluate(() => window.TinyChat.load());

async function cycle(n) {
  for (let i = 0; i < n; i++) {
    await page.evaluate(async (apiBase) => {
      const el = document.createElement('tiny-chat');
      el.setAttribute('api-base', apiBase);
      el.setAttribute('storage-key', 'none');
      el.style.display = 'block';
      el.style.height = '400px';
      document.body.append(el);
      await new Promise((ok) => el.addEventListener('tinychat:ready', ok, { once: true }));
      el.remove();
    }, api);
  }
}

async function measure() {
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(200);
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const wasm = await page.evaluate(() => window.TinyChat.wasmMemoryBytes());
  const nodes = metrics.find((m) => m.name === 'Nodes').value;
  return { heap, wasm, nodes };
}

await cycle(10);
const at10 = await measure();
await cycle(CYCLES - 10);
const atN = await measure();
await browser.close();
const kb = (b) => (b / 1024).toFixed(0);
console.log(`| after | JS heap used (KiB) | wasm memory (KiB) | DOM nodes |`);
console.log(`|---|--:|--:|--:|`);
console.log(`| 10 cycles | ${kb(at10.heap)} | ${kb(at10.wasm)} | ${at10.nodes} |`);
console.log(`| ${CYCLES} cycles | ${kb(atN.heap)} | ${kb(atN.wasm)} | ${atN.nodes} |`);
console.log(`\nJS heap growth from cycle 10 to ${CYCLES}: ${kb(atN.heap - at10.heap)} KiB (${((atN.heap - at10.heap) / (CYCLES - 10) / 1024).toFixed(1)} KiB per cycle); wasm memory growth: ${kb(atN.wasm - at10.wasm)} KiB.`);
