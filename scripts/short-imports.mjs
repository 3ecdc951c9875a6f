#!/usr/bin/env node
// Gives the wasm's imports short names, in the wasm and in wasm-bindgen's glue together.
//
// wasm-bindgen names each import `__wbg_<method>_<16 hex digits>` and each is spelled twice in
// what a visitor downloads: in the wasm's import section (with its module name,
// "./tinychat_bg.js", once per import) and as a key of the glue's import object. About 300
// imports: 30 KB of names, and the hex digits do not compress. Here each becomes a name of one
// to three letters and the module name "w"; nothing else changes (the import's kind and type,
// the glue's functions). Run on a built dist/ before minifying (scripts/lib.sh build_dist).
//
//   node scripts/short-imports.mjs [DIR]        (default dist/)
//
// The glue is checked, not trusted: each name must appear in it exactly once, as a key
// (`name: function`), and the module name exactly once; otherwise the build fails here, so a
// new wasm-bindgen that writes its glue differently cannot ship a widget whose imports do not
// resolve.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renameExports, renameImports } from './wasm-names.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = resolve(process.argv[2] || join(here, '..', 'dist'));
const wasmPath = join(dir, 'tinychat_bg.wasm');
const gluePath = join(dir, 'tinychat.js');
const GLUE_MODULE = './tinychat_bg.js';
const SHORT_MODULE = 'w';

const fail = (why) => {
  console.error(`short-imports: ${why}`);
  process.exit(1);
};

/** `a`…`z`, `A`…`Z`, then two and three letters: short, valid identifiers, never `__proto__`. */
function shortName(i) {
  const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do {
    s = ALPHA[i % ALPHA.length] + s;
    i = Math.floor(i / ALPHA.length) - 1;
  } while (i >= 0);
  return s;
}

const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

// The imports from the glue: short names, module "w".
let renamed = 0;
const withImports = renameImports(wasm, (module, field) => {
  if (module !== GLUE_MODULE) return undefined;
  const short = shortName(renamed++);
  const key = new RegExp(`(?<![\\w$])${field.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  const uses = glue.match(key)?.length ?? 0;
  const asKey = new RegExp(`(?<![\\w$])${field.replace(/\$/g, '\\$')}: function\\b`);
  if (uses !== 1 || !asKey.test(glue)) {
    fail(`the glue names import ${field} ${uses} times, not once as a key: is this wasm-bindgen's glue?`);
  }
  glue = glue.replace(asKey, `${short}: function`);
  return [SHORT_MODULE, short];
});
if (!renamed) fail(`no import from "${GLUE_MODULE}" in ${wasmPath}`);
const moduleKey = `"${GLUE_MODULE}": import0`;
if (glue.split(moduleKey).length !== 2) fail(`the glue does not hand its imports over as ${moduleKey}`);
glue = glue.replace(moduleKey, `"${SHORT_MODULE}": import0`);

// The exports the glue calls by wasm-bindgen's long names (a closure's invoker is
// `wasm_bindgen_<16 hex digits>___convert__closures_____invoke___<its argument types>`, each
// over 100 bytes, in the wasm and in the glue; `__wbindgen_malloc` is in the glue 20 times) get
// short ones too: `_` and letters. Not `memory`, `__wbindgen_start`, nor what
// tinychat_extras.wasm imports from this module (scripts/split.mjs): those keep their names.
const extrasPath = join(dir, 'tinychat_extras.wasm');
const keep = new Set(['memory', '__wbindgen_start']);
if (existsSync(extrasPath)) {
  for (const i of WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(extrasPath)))) keep.add(i.name);
}
const SHORT_EXPORT = /^(wasm_bindgen_[0-9a-f]{16}___convert__closures_|__wbindgen_(malloc|realloc|free|exn_store|destroy_closure)$)/;
let exportsRenamed = 0;
const out = renameExports(withImports, (field) => {
  const esc = field.replace(/[$]/g, '\\$');
  const use = new RegExp(`\\bwasm\\.${esc}(?![\\w$])`, 'g');
  const uses = glue.match(use)?.length ?? 0;
  // Not renamed unless the glue calls it as wasm.NAME (an export it reaches another way, or
  // not at all, keeps its name).
  if (!SHORT_EXPORT.test(field) || keep.has(field) || uses === 0) return undefined;
  const short = `_${shortName(exportsRenamed++)}`;
  // The glue also names its JS wrapper of each invoker after it: a local function, which the
  // minifier renames. Any other use (a string, another object's key) fails the build.
  const quoted = new RegExp(`['"\`.]${esc}(?![\\w$])`, 'g');
  const others = (glue.match(quoted)?.length ?? 0) - uses;
  if (others !== 0) {
    fail(`the glue uses export ${field} ${uses} times as wasm.${field} and ${others} times otherwise: is this wasm-bindgen's glue?`);
  }
  glue = glue.replace(use, `wasm.${short}`);
  return short;
});

writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
console.log(`short-imports: ${renamed} imports and ${exportsRenamed} exports renamed; tinychat_bg.wasm ${wasm.length} -> ${out.length} B`);
