#!/usr/bin/env node
// Orders the functions of optimized wasm modules for compression: by the bytes of their bodies,
// so that functions alike (drops, closure shims, small accessors, the same code for another
// type) sit side by side, where gzip's 32 KB window and brotli find one in the other. Run by
// scripts/split.mjs on both halves of the widget's wasm and by scripts/lib.sh on the Markdown
// module, as their last step.
//
//   node scripts/order-functions.mjs [--rounds=N] FILE.wasm…    (rewritten in place; N = 2)
//
// Binaryen does the reordering (it renumbers every call, export and table entry): each defined
// function is named by its rank in that order, `--reorder-functions-by-name` sorts them by name,
// and -Oz then runs once more on the new order (it recovers what rewriting the code costs) and
// drops the names. Measured on tinychat_bg.wasm: -2.9 KB gzip, -1.8 KB brotli against one more
// -Oz in the order LLVM left them; a second round, -0.35 KB more brotli (none for gzip).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entries, leb, readLeb, sections } from './wasm-names.mjs';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const WASM_OPT = join(ROOT, 'e2e', 'node_modules', '.bin', 'wasm-opt');

/** The number of imported functions and the body bytes of each defined function of `wasm`. */
function functionBodies(wasm) {
  let importedFunctions = 0;
  const bodies = [];
  for (const s of sections(wasm)) {
    if (s.id === 2) {
      for (const entry of entries(wasm, s)) if (wasm[entry.description] === 0) importedFunctions++;
    } else if (s.id === 10) {
      let [count, p] = readLeb(wasm, s.start);
      for (let k = 0; k < count; k++) {
        let len;
        [len, p] = readLeb(wasm, p);
        bodies.push(wasm.subarray(p, p + len));
        p += len;
      }
      if (p !== s.end) throw new Error('the code section does not end where it says');
    }
  }
  return { importedFunctions, bodies };
}

/** `wasm` with a name section that names each defined function by its rank in body order. */
function withRankNames(wasm) {
  const { importedFunctions, bodies } = functionBodies(wasm);
  const order = bodies.map((_, k) => k).sort((a, b) => Buffer.compare(bodies[a], bodies[b]) || a - b);
  const rank = new Array(bodies.length);
  order.forEach((k, r) => { rank[k] = r; });
  const width = String(bodies.length).length;
  const names = [...leb(bodies.length)];
  bodies.forEach((_, k) => {
    const name = Buffer.from(`f${String(rank[k]).padStart(width, '0')}`);
    names.push(...leb(importedFunctions + k), ...leb(name.length), ...name);
  });
  const title = Buffer.from('name');
  const content = [...leb(title.length), ...title, 1, ...leb(names.length), ...names];
  return Buffer.concat([wasm, Buffer.from([0, ...leb(content.length), ...content])]);
}

/** Reorders the functions of the wasm file at `path` in place, with wasm features `features`,
 * `rounds` times (-Oz changes the bytes it sorted by: a second round gave the widget's wasm
 * -0.35 KB brotli, the Markdown module +0.08 KB). */
export function orderFunctions(path, features, rounds = 2) {
  const work = mkdtempSync(join(tmpdir(), 'tinychat-order-'));
  try {
    const named = join(work, 'named.wasm');
    for (let round = 0; round < rounds; round++) {
      writeFileSync(named, withRankNames(readFileSync(path)));
      execFileSync(WASM_OPT, [
        '--reorder-functions-by-name', '-Oz', '--low-memory-unused', '--strip-debug',
        '--strip-producers', '--mvp-features', ...features, named, '-o', path,
      ], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The `--enable-…` flags of the features `path` uses. */
export function featuresOf(path) {
  const work = mkdtempSync(join(tmpdir(), 'tinychat-order-'));
  try {
    return execFileSync(WASM_OPT, ['--print-features', path, '-o', join(work, 'f.wasm')])
      .toString().split(/\s+/).filter((f) => f.startsWith('--enable-'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rounds = Number((args.find((a) => a.startsWith('--rounds=')) || '--rounds=2').slice(9));
  for (const path of args.filter((a) => !a.startsWith('--'))) {
    const features = featuresOf(path);
    const before = readFileSync(path).length;
    orderFunctions(path, features, rounds);
    const after = featuresOf(path);
    if (after.join(' ') !== features.join(' ')) {
      console.error(`order-functions: ${path} uses other features than before: ${after.join(' ')}`);
      process.exit(1);
    }
    console.log(`order-functions: ${path} ${before} -> ${readFileSync(path).length} B`);
  }
}
