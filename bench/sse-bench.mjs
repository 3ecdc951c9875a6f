// Side-by-side SSE decoding benchmark, in one Node process:
// tinychat-core's Decoder compiled to wasm (bench/sse-wasm, wasm-bindgen
// `--target nodejs` output in bench/pkg) against the npm package
// eventsource-parser (from e2e/node_modules), on the same bytes and chunkings.
//
// Run through bench/run, which builds bench/pkg first. Environment:
//   BENCH_RUNS   timed runs per case (default 9; the median is reported)
//   BENCH_WARMUP untimed warm-up runs per case (default 3)
//   BENCH_ONLY   comma-separated chunkings to run (default all: whole,7 B,64 KiB)
//
// Every implementation class has its own copy of the chunk loop
// (`decodeAll`), so that each call site stays monomorphic, as in an app that
// uses one decoder: a shared loop calling four classes' `push` would add a
// megamorphic dispatch to every chunk, which mostly penalizes the cheaper
// implementations.
//
// Per event, every implementation hands the event's `data` to the same `sink`
// as a JS string; the sink counts it, adds its length and reads its last
// UTF-16 unit (so the string must really exist). Each chunk is a Uint8Array,
// as a fetch() ReadableStream delivers it.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// --- the contenders ---------------------------------------------------------

// eventsource-parser as installed for e2e/, loaded through its ESM entry point
// (the one a bundler would pick for a browser app).
const espPkgJson = createRequire(path.join(here, '../e2e/package.json')).resolve(
  'eventsource-parser/package.json',
);
const espPkg = require(espPkgJson);
const { createParser } = await import(
  pathToFileURL(path.join(path.dirname(espPkgJson), espPkg.exports['.'].import)).href
);

// wasm-bindgen `--target nodejs` output is CommonJS.
const wasm = require(path.join(here, 'pkg/tinychat_sse_bench.js'));
const wasmMemory = wasm.wasm_memory();

/** eventsource-parser fed by a streaming TextDecoder, as a browser app must:
 * per chunk one `decode(chunk, {stream: true})` and one `parser.feed(text)`;
 * per event the parser builds `data` (`${data}${value}\n`, then slices the
 * final LF off) and calls `onEvent({id, event, data})`, which passes `data`
 * to the sink. */
class EventsourceParser {
  constructor(sink) {
    this.text = new TextDecoder();
    this.parser = createParser({ onEvent: (ev) => sink(ev.data) });
  }
  /** Feeds every chunk, then ends the stream. */
  decodeAll(chunks) {
    for (const chunk of chunks) this.push(chunk);
    this.end();
  }
  push(chunk) {
    this.parser.feed(this.text.decode(chunk, { stream: true }));
  }
  end() {
    this.parser.feed(this.text.decode());
    this.parser.reset();
  }
}

/** Utf-8 decoder for whole, valid outputs of the wasm decoder. */
const utf8 = new TextDecoder();

/** Calls `sink` with each event's data in `s`, where each is followed by
 * "\r" (a character no data value can contain). */
function splitEvents(s, sink) {
  let start = 0;
  for (let end = s.indexOf('\r'); end !== -1; end = s.indexOf('\r', start)) {
    sink(s.slice(start, end));
    start = end + 1;
  }
}

/** tinychat, lean binding (SharedDecoder): per chunk one copy of the bytes
 * into a long-lived buffer in wasm memory and one call `push(len) -> i32`.
 * When the chunk completed events, one more call for the output address, one
 * TextDecoder.decode of all their data (each followed by "\r") straight from
 * wasm memory, then per event one `slice` of that string to the sink. */
class TinychatShared {
  constructor(sink) {
    this.sink = sink;
    this.dec = new wasm.SharedDecoder();
    this.cap = 0; // bytes the input buffer is known to hold
    this.ptr = 0; // its address
    this.mem = new Uint8Array(wasmMemory.buffer);
  }
  /** A view of wasm memory, re-created if memory grew (detaching the old). */
  view() {
    if (this.mem.byteLength === 0) this.mem = new Uint8Array(wasmMemory.buffer);
    return this.mem;
  }
  /** Feeds every chunk, then ends the stream. */
  decodeAll(chunks) {
    for (const chunk of chunks) this.push(chunk);
    this.end();
  }
  push(chunk) {
    const len = chunk.length;
    if (len > this.cap) {
      this.ptr = this.dec.input_ptr(len);
      this.cap = len;
    }
    this.view().set(chunk, this.ptr);
    const n = this.dec.push(len);
    if (n !== 0) this.emit(n);
  }
  emit(n) {
    const len = n > 0 ? n : -n - 1;
    const ptr = this.dec.output_ptr();
    splitEvents(utf8.decode(this.view().subarray(ptr, ptr + len)), this.sink);
    if (n < 0) throw new Error('SSE line or event data over the size limit');
  }
  end() {
    this.dec.finish();
  }
}

/** tinychat, stock-glue binding (StringDecoder): `push(Uint8Array) -> string`;
 * wasm-bindgen mallocs, copies and frees the input and decodes the returned
 * string (all events' data, each followed by "\r") per push; per event one
 * `slice` to the sink. */
class TinychatString {
  constructor(sink) {
    this.sink = sink;
    this.dec = new wasm.StringDecoder();
  }
  /** Feeds every chunk, then ends the stream. */
  decodeAll(chunks) {
    for (const chunk of chunks) this.push(chunk);
    this.end();
  }
  push(chunk) {
    const s = this.dec.push(chunk);
    if (s.length !== 0) splitEvents(s, this.sink);
  }
  end() {
    this.dec.finish();
  }
}

/** tinychat, idiomatic binding (ObjectDecoder): `push(Uint8Array) ->
 * JsEvent[]`; per event a wasm-owned object, whose `data` getter clones and
 * decodes the string, then an explicit `free()`. */
class TinychatObjects {
  constructor(sink) {
    this.sink = sink;
    this.dec = new wasm.ObjectDecoder();
  }
  /** Feeds every chunk, then ends the stream. */
  decodeAll(chunks) {
    for (const chunk of chunks) this.push(chunk);
    this.end();
  }
  push(chunk) {
    for (const ev of this.dec.push(chunk)) {
      this.sink(ev.data);
      ev.free();
    }
  }
  end() {
    this.dec.finish();
  }
}

// --- the streams -----------------------------------------------------------

const EVENTS = 20_000;
const DATA =
  '{"id":"x","object":"chat.completion.chunk","created":1,"model":"mistral-small-latest",' +
  '"choices":[{"index":0,"delta":{"content":"token "},"finish_reason":null}]}';
const EXPECTED = [...Array(EVENTS).fill(DATA), '[DONE]'];

/** The benchmark stream, with `eol` ending every line. */
const sseStream = (eol) =>
  new TextEncoder().encode(`data: ${DATA}${eol}${eol}`.repeat(EVENTS) + `data: [DONE]${eol}${eol}`);

/** `bytes` cut into views of `size` bytes (the last one shorter). */
function chunked(bytes, size) {
  const out = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const CHUNKINGS = [
  { name: 'whole', size: Infinity },
  { name: '7 B', size: 7 },
  { name: '64 KiB', size: 64 * 1024 },
].filter(({ name }) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(name));

// The stream the issue specifies (LF line ends, as Mistral sends), and the
// same events with CRLF line ends as a control: eventsource-parser 3.0.6
// looks for the next CR from every line start, which on a stream without CR
// scans to the end of the buffered text each time, i.e. its cost grows with
// the square of the chunk size.
const STREAMS = [
  { name: 'LF', title: 'the issue\'s stream (LF line ends)', bytes: sseStream('\n') },
  { name: 'CRLF', title: 'control: the same events with CRLF line ends', bytes: sseStream('\r\n') },
];

const IMPLS = [
  { name: 'tinychat (wasm, shared buffers)', short: 'shared', Impl: TinychatShared },
  { name: 'tinychat (wasm, string per push)', short: 'string', Impl: TinychatString },
  { name: 'tinychat (wasm, JsEvent objects)', short: 'objects', Impl: TinychatObjects },
  { name: 'eventsource-parser 3.0.6', short: 'esp', Impl: EventsourceParser, baseline: true },
];
const HEADLINE = IMPLS[0];
const BASELINE = IMPLS.find((i) => i.baseline);

// --- measurement ------------------------------------------------------------

/** Decodes `chunks` with a fresh `Impl`; returns the time in ms and what the
 * sink saw. `collect` keeps every data string (for the correctness check).
 *
 * No forced GC between runs: with `gc()` before each run (node --expose-gc)
 * tinychat's 7-byte case ran about 1.5× slower while eventsource-parser's did
 * not change, an artifact no app would see. */
function runOnce(Impl, chunks, collect) {
  let count = 0;
  let chars = 0;
  let last = 0;
  const seen = [];
  const sink = collect
    ? (data) => seen.push(data)
    : (data) => {
        count++;
        chars += data.length;
        last ^= data.charCodeAt(data.length - 1);
      };
  const t0 = performance.now();
  new Impl(sink).decodeAll(chunks);
  const ms = performance.now() - t0;
  return { ms, count, chars, last, seen };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
// Fast cases are repeated beyond RUNS until they have taken MIN_TIME_MS (up
// to MAX_RUNS runs), so that a median is not thrown by other load on the
// machine. A very slow case (eventsource-parser on the whole LF stream takes
// seconds per run) gets fewer runs: warm-up stops after WARMUP_BUDGET_MS (at
// least one run), timing after TIMED_BUDGET_MS (at least MIN_RUNS runs).
const MIN_TIME_MS = 1_000;
const MAX_RUNS = 4 * RUNS;
const WARMUP_BUDGET_MS = 1_000;
const TIMED_BUDGET_MS = 10_000;
const MIN_RUNS = Math.min(5, RUNS);

/** Checks every implementation's output, then times all of them, interleaved,
 * on `chunks`; returns for each its times (ms) in run order and their
 * median. */
function measure(label, chunks) {
  for (const { name, Impl } of IMPLS) {
    const { seen } = runOnce(Impl, chunks, true);
    const ok = seen.length === EXPECTED.length && seen.every((d, i) => d === EXPECTED[i]);
    if (!ok) throw new Error(`${name}, ${label}: wrong events (${seen.length} events)`);
  }
  for (const { Impl } of IMPLS) {
    let spent = 0;
    for (let i = 0; i < WARMUP && (i === 0 || spent < WARMUP_BUDGET_MS); i++) {
      spent += runOnce(Impl, chunks).ms;
    }
  }
  // Interleave the implementations so that drift (other load on the machine,
  // GC state) affects them alike.
  const times = IMPLS.map(() => []);
  const spent = IMPLS.map(() => 0);
  const wantsMore = (k) => {
    const runs = times[k].length;
    if (runs < MIN_RUNS) return true;
    if (runs < RUNS) return spent[k] <= TIMED_BUDGET_MS;
    return runs < MAX_RUNS && spent[k] < MIN_TIME_MS;
  };
  while (IMPLS.some((_, k) => wantsMore(k))) {
    IMPLS.forEach(({ Impl }, k) => {
      if (!wantsMore(k)) return;
      const { ms } = runOnce(Impl, chunks);
      times[k].push(ms);
      spent[k] += ms;
    });
  }
  return new Map(IMPLS.map((impl, k) => [impl, { ms: median(times[k]), times: times[k] }]));
}

// results.get(stream).get(chunking).get(impl) = { ms, times }
const results = new Map();
for (const s of STREAMS) {
  const byChunking = new Map();
  for (const c of CHUNKINGS) {
    byChunking.set(c, measure(`${s.name}, ${c.name}`, chunked(s.bytes, c.size)));
  }
  results.set(s, byChunking);
}

// --- report -----------------------------------------------------------------

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mbps = (bytes, ms) => bytes / 1e6 / (ms / 1e3);

console.log(
  `Node ${process.version} (${process.arch}); ${EVENTS} Mistral chunk events + [DONE]; ` +
    `per case the median of ${RUNS} to ${MAX_RUNS} timed runs (at least ${MIN_RUNS} for very slow ` +
    `cases) after up to ${WARMUP} warm-up runs; MB = 10^6 bytes; ratio = tinychat MB/s ÷ eventsource-parser MB/s.`,
);

/** Median over rounds of `base`'s time / `impl`'s time in the same round
 * (adjacent runs), which slow drift in the machine's load affects less than
 * the ratio of the two medians. */
function pairedRatio(byImpl, impl, base) {
  const a = byImpl.get(impl).times;
  const b = byImpl.get(base).times;
  const n = Math.min(a.length, b.length);
  return median(a.slice(0, n).map((t, i) => b[i] / t));
}

// "ratio" is the ratio of the median times (i.e. of the MB/s columns);
// "paired ratio" the median of per-round ratios, as a cross-check.
for (const s of STREAMS) {
  const byChunking = results.get(s);
  console.log(`\n${s.title}, ${s.bytes.length} bytes:\n`);
  console.log(
    `| ${pad('chunking', 8)} | ${lpad('tinychat MB/s', 13)} | ` +
      `${lpad('eventsource-parser MB/s', 23)} | ${lpad('ratio', 7)} | ${lpad('paired ratio', 12)} |`,
  );
  console.log(
    `|${'-'.repeat(10)}|${'-'.repeat(14)}:|${'-'.repeat(24)}:|${'-'.repeat(8)}:|${'-'.repeat(13)}:|`,
  );
  for (const [c, byImpl] of byChunking) {
    const ours = byImpl.get(HEADLINE);
    const theirs = byImpl.get(BASELINE);
    console.log(
      `| ${pad(c.name, 8)} | ${lpad(fmt(mbps(s.bytes.length, ours.ms)), 13)} | ` +
        `${lpad(fmt(mbps(s.bytes.length, theirs.ms)), 23)} | ` +
        `${lpad(fmt(theirs.ms / ours.ms) + '×', 7)} | ` +
        `${lpad(fmt(pairedRatio(byImpl, HEADLINE, BASELINE)) + '×', 12)} |`,
    );
  }
}

for (const s of STREAMS) {
  const byChunking = results.get(s);
  console.log(`\nAll bindings, ${s.name} stream: MB/s (ratio to eventsource-parser) [timed runs]\n`);
  const cols = [...byChunking.keys()];
  console.log(`| ${pad('implementation', 32)} | ${cols.map((c) => lpad(c.name, 21)).join(' | ')} |`);
  console.log(`|${'-'.repeat(34)}|${cols.map(() => '-'.repeat(22) + ':').join('|')}|`);
  for (const impl of IMPLS) {
    const cells = cols.map((c) => {
      const byImpl = byChunking.get(c);
      const { ms, times } = byImpl.get(impl);
      const ratio = impl.baseline ? '' : ` (${fmt(byImpl.get(BASELINE).ms / ms)}×)`;
      return lpad(`${fmt(mbps(s.bytes.length, ms))}${ratio} [${times.length}]`, 21);
    });
    console.log(`| ${pad(impl.name, 32)} | ${cells.join(' | ')} |`);
  }
}
