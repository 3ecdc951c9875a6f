#!/usr/bin/env node
// Cuts the widget's wasm in two: what a visitor needs to chat stays in tinychat_bg.wasm, and the
// code of the seldom-used parts (the Settings dialog, the conversation list, export, import,
// attaching images, the open menus) and of what is not needed before the first reply (drawing
// Markdown) moves to tinychat_extras.wasm, which the widget fetches on intent (src/extras.rs).
// Run by scripts/lib.sh build_dist on trunk's output, before short-imports.
//
//   node scripts/split.mjs [DIR]        (default dist/; DIR/tinychat_bg.wasm as wasm-bindgen wrote it)
//
// 1. The functions of wasm-bindgen's output (not optimized yet, with its names) whose names match
//    SPLIT (below) are listed, with every function only they call (binaryen's call graph), and
//    binaryen's wasm-split (Debian's binaryen 108: the one wasm-split these machines can
//    install) moves them to a second module.
//    It shares the first one's memory, table and globals, and imports from it (namespace "p")
//    what it calls. In the first module, each moved function's table slot holds an import from
//    namespace "q" (field: the slot), and a direct call to it goes through the table.
// 3. Both are optimized (-Oz, binaryen 132, with exactly the input's wasm features: checked),
//    stripped of their names, and their functions ordered for compression
//    (scripts/order-functions.mjs).
// 4. A build mark: one export of the first module and its import in the second get this build's
//    hash in their name, so an extras file of another build (a deploy between the widget's start
//    and the fetch) fails to link instead of running against the wrong code.
// 5. The glue gets the "q" imports: each instantiates the extras at once, from a synchronous
//    request, then calls the real function. The widget waits for the extras before it enters
//    their code (src/extras.rs), so this runs only if a call was missed; it reports that with
//    console.error (which fails every e2e test). It is a last resort that can itself fail (a
//    page that forbids synchronous requests, a browser that refuses to compile a module that
//    size on the main thread, no network): then the call throws.
//
// Every function in a module listed in SPLIT must be entered only through `extras::then` (or a
// code path only it starts): see src/extras.rs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { featuresOf, orderFunctions } from './order-functions.mjs';
import { renameExports, renameImports, sections } from './wasm-names.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const dir = resolve(process.argv[2] || join(root, 'dist'));
const WASM_OPT = join(root, 'e2e', 'node_modules', '.bin', 'wasm-opt');
const WASM_SPLIT = process.env.WASM_SPLIT || '/usr/bin/wasm-split';
const OLD_WASM_OPT = process.env.OLD_WASM_OPT || '/usr/bin/wasm-opt';
const PRIMARY = join(dir, 'tinychat_bg.wasm');
const SECONDARY = join(dir, 'tinychat_extras.wasm');
const GLUE = join(dir, 'tinychat.js');

/** The functions that move: by the Rust path of their module, or their own. A pattern not
 * anchored at the start (`^`) also matches that code inside a generic function named after it
 * (`drop_in_place::<…>`, `focus_trap::trap_focus::<…viewer…>`): code that runs only once the
 * part itself ran. (Not for types main code may hold and drop empty, such as an
 * `Option<markdown_module::module::Stream>`.) */
const SPLIT = [
  // The Settings dialog and the conversation list, with their code inside generic functions
  // (the list's rows in `dom::slot_keyed::<…conversation_row…>`, its
  // `Memo::new::<…conversation_list…>`, the dialog's drops and focus trap).
  /tinychat\[[0-9a-f]+\]::ui::(conversation_list|settings_dialog|settings_fields)::/,
  // Built only once images are attached or viewed: the pending strip and the image viewer.
  /tinychat\[[0-9a-f]+\]::ui::pending_images::strip(::|$)/,
  /tinychat\[[0-9a-f]+\]::ui::image_viewer::viewer(::|$)/,
  /^<tinychat\[[0-9a-f]+\]::chat::Chat>::remove_pending(::|$)/,
  // Chat's methods for them: `extra_*` (the gated halves of export, import, attach) and those
  // only the Settings dialog and the conversation list call.
  /<tinychat\[[0-9a-f]+\]::chat::Chat>::(extra_[a-z_]+|switch|rename|search|save_settings)(::|$)/,
  // The model list's request and its reading (`Chat::extra_load_models`, once the extras run).
  /tinychat\[[0-9a-f]+\]::transport::fetch_models(::|$)/,
  // What only those call in tinychat-core: the Markdown and text exports (not `to_json`, which
  // the host's `getConversation()` calls at any time), reading an import, the search, the form.
  /^<tinychat_core\[[0-9a-f]+\]::chat::conversation::Conversation>::(to_markdown|to_plain_text)(::|$)/,
  /^<?tinychat_core\[[0-9a-f]+\]::chat::import::/,
  /^<tinychat_core\[[0-9a-f]+\]::chat::library::Library>::search_folded(::|$)/,
  /^<tinychat_core\[[0-9a-f]+\]::options::settings::SettingsForm>::/,
  // Drawing replies as Markdown, which waits for the extras as well as for the Markdown module
  // (src/markdown_module.rs): the module's calls, the decoding of its output, the nodes built
  // from it. (Not `markdown_dom::clear`, which plain text uses too.)
  /^<?tinychat\[[0-9a-f]+\]::ui::markdown_view::render_markdown(::|$)/,
  /^<?tinychat\[[0-9a-f]+\]::markdown_dom::(append_nodes|append_all|highlight_code|append_node|patch_children|patch_node)(::|$)/,
  /^<tinychat\[[0-9a-f]+\]::markdown_module::module::(Stream|Exports)(>| as )/,
  /^<?tinychat\[[0-9a-f]+\]::markdown_module::module::(highlight|call|broken)(::|$)/,
  /^<?tinychat_core\[[0-9a-f]+\]::markdown::wire::/,
  // The list's summaries, sorted (`Library::list`), which only the search (above) reads.
  /tinychat_core\[[0-9a-f]+\]::chat::library::Library>::(list|search_folded)(::|>|$)/,
  // Writing the previous version's library into the store: only the legacy import calls it
  // (`Chat::extra_import_legacy`, above), its callbacks included.
  /<tinychat\[[0-9a-f]+\]::conversations::ConversationStore>::migrate(::|$)/,
  // The open Export and More menus (their buttons open them once the extras run).
  /tinychat\[[0-9a-f]+\]::ui::menu_button::menu_list(::|<|$)/,
];

/** wasm-opt's passes: -Oz, then once more after flattening the code and rebuilding its control
 * flow (--rereloop), until nothing changes (--converge). -2.1 KB gzip of the widget's wasm and
 * -0.5 KB of the Markdown module's against -Oz alone (binaryen 132), for ~15 s more build. */
const OPTIMIZE = ['-Oz', '--flatten', '--rereloop', '-Oz', '--converge', '--low-memory-unused'];

const fail = (why) => {
  console.error(`split: ${why}`);
  process.exit(1);
};
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 30 });

/**
 * The functions of a call graph (binaryen's --print-call-graph: one `"name" [style=…]` line per
 * function, `"a" -> "b"; // call` per direct call; exports are gray, imports turquoise, table
 * functions rounded) that cannot run unless one of `from` runs first: `from` itself, and every
 * defined function the walk from the exports and the table's functions, stopping at `from`,
 * does not reach.
 */
function onlyCalledFrom(graph, from) {
  const nodes = new Map();
  const calls = new Map();
  for (const line of graph.split('\n')) {
    let m = line.match(/^ {2}"(.*)" -> "(.*)"; \/\/ call$/);
    if (m) {
      if (!calls.has(m[1])) calls.set(m[1], []);
      calls.get(m[1]).push(m[2]);
      continue;
    }
    m = line.match(/^ {2}"(.*)" \[style="([^"]*)"(?:, fillcolor="([^"]*)")?\];$/);
    if (m) nodes.set(m[1], { entry: m[3] === 'gray' || m[2].includes('rounded'), imported: m[3] === 'turquoise' });
  }
  if (nodes.size < 1000 || calls.size < 500) fail(`the call graph has ${nodes.size} functions and ${calls.size} callers: has binaryen's output changed?`);
  for (const name of from) if (!nodes.has(name)) fail(`${name} is not in the call graph`);
  const reached = new Set([...nodes].filter(([n, v]) => v.entry && !from.has(n)).map(([n]) => n));
  const todo = [...reached];
  while (todo.length) {
    for (const g of calls.get(todo.pop()) || []) {
      if (!reached.has(g) && !from.has(g)) {
        reached.add(g);
        todo.push(g);
      }
    }
  }
  return [...nodes].filter(([n, v]) => !v.imported && !reached.has(n)).map(([n]) => n);
}

const work = mkdtempSync(join(tmpdir(), 'tinychat-split-'));
let moved;
let byName;
try {
  // wasm-bindgen's output, with its names; not optimized yet: binaryen would merge functions
  // of equal code (a closure of the conversation list and one of the composer, say) under one
  // of their names, and moving that one would move the other too.
  const named = PRIMARY;
  // The features the input uses (from its target_features section), and no others: with more
  // enabled, binaryen may write newer instructions (GC, typed references) that older browsers
  // cannot compile. Binaryen 108 does not know the newest flags; they only refine bulk memory.
  const features = featuresOf(named);
  if (!features.length) fail('the input declares no features: is it wasm-bindgen output?');
  const oldFeatures = features.filter((f) => !['--enable-bulk-memory-opt', '--enable-call-indirect-overlong'].includes(f));

  // Names as binaryen 108 spells them (escaped), to hand back to its wasm-split.
  const symbols = join(work, 'symbols.txt');
  run(OLD_WASM_OPT, [...oldFeatures, named, `--symbolmap=${symbols}`, '-o', join(work, 'x.wasm')]);
  const unescape = (s) => s.replace(/\\([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  moved = readFileSync(symbols, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf(':') + 1))
    .filter((name) => SPLIT.some((re) => re.test(unescape(name))));
  if (moved.length < 20) fail(`only ${moved.length} functions match SPLIT: were modules renamed?`);
  byName = moved.length;
  // And every function that only they lead to (a sort, a drop, a helper of theirs): binaryen's
  // call graph of the input, walked from what the widget's wasm is entered by (its exports and
  // its table's functions, which anything may call) without entering the moved functions;
  // what that walk does not reach is only ever called from them.
  // (A start function would be an entry too, which the graph does not mark: wasm-bindgen
  // writes none, and a module with one is refused rather than cut wrong.)
  if ([...sections(readFileSync(named))].some((x) => x.id === 8)) fail('the input has a start function, which the call-graph walk does not take as an entry');
  const graph = run(OLD_WASM_OPT, [...oldFeatures, named, '--print-call-graph', '-o', join(work, 'x.wasm')]).toString();
  moved = onlyCalledFrom(graph, new Set(moved));
  const list = join(work, 'split.txt');
  writeFileSync(list, moved.join('\n') + '\n');

  const p = join(work, 'p.wasm');
  const s = join(work, 's.wasm');
  run(WASM_SPLIT, [
    '--mvp-features', ...oldFeatures, named, `--split-funcs=@${list}`, '-o1', p, '-o2', s,
    '--export-prefix=%', '--import-namespace=p', '--placeholder-namespace=q', '--placeholdermap',
  ]);
  // Which function each "q" slot stands for, to read the slot a console.error names.
  mkdirSync(join(root, 'target'), { recursive: true });
  writeFileSync(join(root, 'target', 'split-placeholders.txt'), readFileSync(`${p}.placeholders`));
  const strip = ['--strip-debug', '--strip-producers', '--mvp-features', ...features];
  for (const [input, output] of [[p, PRIMARY], [s, SECONDARY]]) {
    run(WASM_OPT, [...OPTIMIZE, ...strip, input, '-o', output]);
    // Functions alike side by side, for gzip and brotli (scripts/order-functions.mjs).
    orderFunctions(output, features);
  }
  for (const out of [PRIMARY, SECONDARY]) {
    const used = featuresOf(out);
    if (used.join(' ') !== features.join(' ')) fail(`${out} uses other features than its input: ${used.join(' ')}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// --- The build mark -------------------------------------------------------------------------

let primary = readFileSync(PRIMARY);
let secondary = readFileSync(SECONDARY);
const mark = createHash('sha256').update(primary).update(secondary).digest('hex').slice(0, 8);
// The first `%` import of the extras (an export wasm-split added to the widget's wasm: today the
// table) carries the mark.
let marked;
secondary = renameImports(secondary, (module, field) => {
  if (marked !== undefined || module !== 'p' || !field.startsWith('%')) return undefined;
  marked = field;
  return [module, `${field}${mark}`];
});
if (marked === undefined) fail('the extras import nothing from the widget\'s wasm to mark');
let exportsMarked = 0;
primary = renameExports(primary, (field) => {
  if (field !== marked) return undefined;
  exportsMarked++;
  return `${field}${mark}`;
});
if (exportsMarked !== 1) fail(`the widget's wasm exports ${marked} ${exportsMarked} times`);
writeFileSync(PRIMARY, primary);
writeFileSync(SECONDARY, secondary);

// --- The glue's "q" imports -------------------------------------------------------------------

let glue = readFileSync(GLUE, 'utf8');
const importsKey = '"./tinychat_bg.js": import0';
if (glue.split(importsKey).length !== 2) fail(`the glue does not hand its imports over as ${importsKey}`);
glue = glue.replace(importsKey, `${importsKey},\n        "q": new Proxy({}, { get: (_, slot) => (...args) => __tc_extras_now(+slot)(...args) })`);
glue += `
/** A function of tinychat_extras.wasm, called before the widget loaded it (scripts/split.mjs). */
function __tc_extras_now(slot) {
    console.error('tinychat: tinychat_extras.wasm was needed before it was loaded (slot ' + slot + ')');
    const request = new XMLHttpRequest();
    request.open('GET', new URL('tinychat_extras.wasm', import.meta.url), false);
    request.overrideMimeType('text/plain; charset=x-user-defined');
    request.send();
    if (request.status !== 200) throw new Error('tinychat: tinychat_extras.wasm: HTTP ' + request.status);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 255;
    new WebAssembly.Instance(new WebAssembly.Module(bytes), { p: wasm });
    return Object.values(wasm).find((x) => x instanceof WebAssembly.Table).get(slot);
}
`;
writeFileSync(GLUE, glue);
console.log(`split: ${moved.length} functions to tinychat_extras.wasm (${byName} by SPLIT, ${moved.length - byName} only they call; mark ${mark}); tinychat_bg.wasm ${primary.length} B, tinychat_extras.wasm ${secondary.length} B`);
