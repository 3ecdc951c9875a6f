#!/usr/bin/env node
// Minifies what a visitor downloads as text from a built dist/: the loader
// (tinychat-embed.js), wasm-bindgen's glue (tinychat.js) and the widget's stylesheet
// (tinychat.css). esbuild only removes what a browser does not need (whitespace, comments,
// long local names); it lowers no syntax (target esnext) and renames no property, so the
// glue's imports of the wasm and the loader's API keep their names.
//
//   node scripts/minify.mjs [DIR]        (default dist/; run by scripts/lib.sh build_dist)
//
// Each file is rewritten in place; the sources stay readable in embed/ and style/.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = fileURLToPath(new URL('.', import.meta.url));
// esbuild is pinned in e2e/package.json (installed by scripts/lib.sh ensure_npm).
const require = createRequire(join(here, '..', 'e2e', 'package.json'));
const esbuild = require('esbuild');

const dir = resolve(process.argv[2] || join(here, '..', 'dist'));
const FILES = [
  ['tinychat-embed.js', 'js', '/* TinyChat loader. Readable source and documentation: embed/tinychat-embed.js and README.md */'],
  // V8's explicit compile hint (Chrome 136+): every function of the glue is compiled when the
  // file arrives, off the main thread and long before the wasm, instead of on its first call,
  // on the main thread, while the widget mounts (bench/load trace: 12 ms less between the
  // wasm's last byte and the first request at CPU x4). Other browsers read a comment.
  ['tinychat.js', 'js', '//# allFunctionsCalledOnLoad'],
  ['tinychat.css', 'css', '/* TinyChat. Readable source: style/tinychat.css */'],
];

for (const [name, loader, banner] of FILES) {
  const path = join(dir, name);
  if (!existsSync(path)) {
    console.error(`minify: ${path} is missing`);
    process.exit(1);
  }
  const source = readFileSync(path, 'utf8');
  const { code } = esbuild.transformSync(source, {
    loader,
    minify: true,
    format: loader === 'js' ? 'esm' : undefined,
    target: 'esnext',
    legalComments: 'none',
    banner,
    charset: 'utf8',
  });
  writeFileSync(path, code);
  console.log(`minify: ${name} ${source.length} -> ${Buffer.byteLength(code)} B`);
}
