#!/usr/bin/env node
// The size budget of the release bundle: prints every served file of dist/ with its raw, gzip
// (level 9) and brotli (quality 11) bytes and the totals, and fails when a file or the total is
// over its budget in size-budget.json (at the repository's root), or when a file has no budget.
//
//   node scripts/size.mjs              table + check (a step of scripts/test, after the build)
//   node scripts/size.mjs --markdown   the same table in Markdown (the README's size table)
//   node scripts/size.mjs --update     sets every budget to today's size + 2%, rounded up
//   node scripts/size.mjs --dir DIR    measures DIR instead of dist/
//
// A change that grows the bundle raises the budget in the same commit (--update, then read the
// diff of size-budget.json), so the growth is seen and reviewed. The compression is
// scripts/compress.mjs's own, so the figures are those of the .br/.gz files a server sends.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotli, gzip, servedFiles } from './compress.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUDGET = join(ROOT, 'size-budget.json');
const MARGIN = 0.02;
const KINDS = ['raw', 'gzip', 'brotli'];

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const dirIndex = args.indexOf('--dir');
const dir = dirIndex >= 0 ? args[dirIndex + 1] : join(ROOT, 'dist');
const unknown = args.filter(
  (a, i) => !['--markdown', '--update', '--dir'].includes(a) && (dirIndex < 0 || i !== dirIndex + 1),
);
if (unknown.length || !dir) {
  const what = unknown.length ? `unknown arguments ${unknown.join(' ')}` : '--dir needs a directory';
  console.error(`size: ${what}; see the top of scripts/size.mjs`);
  process.exit(2);
}
if (!existsSync(dir)) {
  console.error(`size: ${dir} does not exist (run scripts/build first)`);
  process.exit(1);
}

const files = servedFiles(dir).map((name) => {
  const bytes = readFileSync(join(dir, name));
  return { name, raw: bytes.length, gzip: gzip(bytes).length, brotli: brotli(bytes, name).length };
});
const total = { name: 'total', raw: 0, gzip: 0, brotli: 0 };
for (const file of files) for (const kind of KINDS) total[kind] += file[kind];

// A visitor downloads at most one language file (none in English): the most any page pays.
const LANGUAGE_FILE = /^i18n\//;
const visitor = { name: 'one visitor, at most', raw: 0, gzip: 0, brotli: 0 };
for (const kind of KINDS) {
  const languages = files.filter((f) => LANGUAGE_FILE.test(f.name)).map((f) => f[kind]);
  const rest = files.filter((f) => !LANGUAGE_FILE.test(f.name)).reduce((sum, f) => sum + f[kind], 0);
  visitor[kind] = rest + Math.max(0, ...languages);
}

const n = (x) => x.toLocaleString('en-US');
if (flag('--markdown')) {
  console.log('| file | raw | gzip -9 | brotli -q 11 |');
  console.log('|---|--:|--:|--:|');
  for (const f of files) console.log(`| \`${f.name}\` | ${n(f.raw)} | ${n(f.gzip)} | ${n(f.brotli)} |`);
  console.log(`| **total** | **${n(total.raw)}** | **${n(total.gzip)}** | **${n(total.brotli)}** |`);
  console.log(`| one visitor, at most (one language file) | ${n(visitor.raw)} | ${n(visitor.gzip)} | ${n(visitor.brotli)} |`);
} else {
  const width = Math.max(20, ...files.map((f) => f.name.length));
  const row = (f) =>
    `  ${f.name.padEnd(width)}  ${KINDS.map((k) => n(f[k]).padStart(10)).join('  ')}`;
  console.log(`  ${'file'.padEnd(width)}  ${['raw', 'gzip -9', 'brotli'].map((h) => h.padStart(10)).join('  ')}`);
  for (const f of files) console.log(row(f));
  console.log(row(total));
  console.log(row(visitor));
}

if (flag('--update')) {
  const limit = (f) => Object.fromEntries(KINDS.map((k) => [k, Math.ceil(f[k] * (1 + MARGIN))]));
  const budget = {
    about:
      'Largest allowed size in bytes of each served file of dist/ (raw, gzip -9, brotli -q 11) and of their sum. ' +
      'Checked by `node scripts/size.mjs` in scripts/test; `node scripts/size.mjs --update` sets today\'s size + 2%.',
    files: Object.fromEntries(files.map((f) => [f.name, limit(f)])),
    total: limit(total),
  };
  writeFileSync(BUDGET, `${JSON.stringify(budget, null, 2)}\n`);
  console.log(`size: wrote ${BUDGET} (today's sizes + ${MARGIN * 100}%)`);
  process.exit(0);
}
if (flag('--markdown')) process.exit(0);

if (!existsSync(BUDGET)) {
  console.error(`size: ${BUDGET} is missing (node scripts/size.mjs --update creates it)`);
  process.exit(1);
}
const budget = JSON.parse(readFileSync(BUDGET, 'utf8'));
const problems = [];
const check = (f, limits) => {
  for (const kind of KINDS) {
    const over = f[kind] - limits[kind];
    if (!(over <= 0)) {
      const pct = ((100 * over) / limits[kind]).toFixed(1);
      problems.push(
        `${f.name}: ${kind} ${n(f[kind])} B is ${n(over)} B (${pct}%) over its budget of ${n(limits[kind])} B`,
      );
    }
  }
};
for (const f of files) {
  const limits = budget.files?.[f.name];
  if (limits) check(f, limits);
  else problems.push(`${f.name}: no budget in size-budget.json (a new file? add it with --update)`);
}
for (const name of Object.keys(budget.files ?? {})) {
  if (!files.some((f) => f.name === name)) {
    problems.push(`${name}: has a budget but is not in ${dir} (remove it with --update)`);
  }
}
check(total, budget.total);
if (problems.length) {
  console.error(`\nsize: over budget (size-budget.json):\n  ${problems.join('\n  ')}`);
  console.error('A change that grows the bundle raises the budget in its commit: node scripts/size.mjs --update');
  process.exit(1);
}
const headroom = Math.min(...KINDS.map((k) => 1 - total[k] / budget.total[k]));
console.log(`size: every file and the total within budget (total headroom ${(100 * headroom).toFixed(1)}%)`);
