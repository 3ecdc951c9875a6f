#!/usr/bin/env node
// Precompresses a built site: writes NAME.br (brotli, quality 11, largest window) and NAME.gz
// (gzip, zlib level 9) next to every file of DIR (default dist/) that a browser downloads, so a
// static server sends them as they are instead of compressing on every request (nginx
// `gzip_static` / `brotli_static`, Caddy `precompressed`, tinychat-server --static-dir).
//
//   node scripts/compress.mjs [DIR]
//
// Nothing to install: brotli is Node's own zlib (the reference library), gzip is the system's
// `gzip -9 -n` (an essential package on Debian; Node's zlib is Chromium's fork, whose level 9 is
// about 2% larger on the wasm). The output is deterministic: `-n` leaves the file name and time
// out of the gzip header, and brotli has no header fields at all.
// scripts/size.mjs imports the same functions, so its table measures exactly what is served.
import { readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { brotliCompressSync, constants } from 'node:zlib';

/** The files a browser downloads from dist/: these get compressed siblings and a budget. */
export const SERVED = /\.(html|js|mjs|css|wasm|json|svg|map|txt|ts)$/i;

/** `gzip -9 -n`: the highest level, no name or time in the header. */
export function gzip(bytes) {
  return execFileSync('gzip', ['-9', '-n', '-c'], { input: bytes, maxBuffer: 1 << 30 });
}

/** brotli at the highest quality and window (what `brotli -q 11 -w 24` does). */
export function brotli(bytes, name = '') {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_LGWIN]: constants.BROTLI_MAX_WINDOW_BITS,
      [constants.BROTLI_PARAM_MODE]: /\.wasm$/i.test(name)
        ? constants.BROTLI_MODE_GENERIC
        : constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** Every served file under `dir`, as sorted paths relative to it (with `/`). */
export function servedFiles(dir) {
  return walk(dir)
    .filter((path) => SERVED.test(path))
    .map((path) => relative(dir, path).split('\\').join('/'))
    .sort();
}

/** Folders of dist/ that are not the bundle: pages the Playwright suite writes for itself. */
const NOT_SHIPPED = new Set(['e2e-pages']);

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return NOT_SHIPPED.has(entry.name) ? [] : walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/** Writes the siblings of every served file of `dir`, removes orphaned ones; returns the count. */
export function compressDir(dir) {
  // A .br/.gz left from a file that is gone would be served for a name that no longer exists.
  for (const path of walk(dir)) {
    const source = path.replace(/\.(br|gz)$/, '');
    if (source !== path && SERVED.test(source) && !existsSync(source)) rmSync(path);
  }
  const files = servedFiles(dir);
  for (const name of files) {
    const path = join(dir, name);
    const bytes = readFileSync(path);
    writeFileSync(`${path}.gz`, gzip(bytes));
    writeFileSync(`${path}.br`, brotli(bytes, name));
  }
  return files.length;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
  if (!existsSync(dir)) {
    console.error(`compress: ${dir} does not exist (run scripts/build first)`);
    process.exit(1);
  }
  const count = compressDir(dir);
  console.log(`compress: wrote .br and .gz beside ${count} files of ${relative(process.cwd(), dir) || '.'}`);
}
