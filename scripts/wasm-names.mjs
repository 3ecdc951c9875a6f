// Renames the imports and exports of a wasm module, for the build scripts that do
// (short-imports.mjs, split.mjs): the import or export section is rewritten with the new names,
// and every other byte copied as it is. Also walks sections and entries for order-functions.mjs
// and split.mjs. Throws on bytes it cannot read.

/** The unsigned LEB128 number at `pos` of `buf`, and the position after it. */
export function readLeb(buf, pos) {
  let result = 0;
  let shift = 0;
  let byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

/** `n` as unsigned LEB128 bytes. */
export function leb(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

const encodeName = (s) => { const b = Buffer.from(s, 'utf8'); return [...leb(b.length), ...b]; };

/** The position after the description (kind and what follows) of the entry at `p`. */
function skipDescription(wasm, p, section, names) {
  const kind = wasm[p++];
  if (section === 7 || kind === 0) return readLeb(wasm, p)[1]; // an export's index; a function's type
  if (kind === 1 || kind === 2) { // table (element type first) or memory: limits
    if (kind === 1) p += 1;
    const flags = wasm[p++];
    [, p] = readLeb(wasm, p);
    if (flags & 1) [, p] = readLeb(wasm, p);
    return p;
  }
  if (kind === 3) return p + 2; // global: value type, mutability
  if (kind === 4) return readLeb(wasm, p + 1)[1]; // tag
  throw new Error(`import ${names.join('.')} has an unknown kind ${kind}`);
}

/** Each section of `wasm`: its id, where it begins (its id byte), and where its content starts
 * and ends. */
export function* sections(wasm) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = readLeb(wasm, pos + 1);
    yield { id, pos, start, end: start + size };
    pos = start + size;
  }
}

/** Each entry of the import (2) or export (7) section `s` of `wasm`: its names (`[module,
 * field]` or `[field]`) and where its description (kind, then what follows) starts and ends. */
export function* entries(wasm, s) {
  let [count, p] = readLeb(wasm, s.start);
  const readName = () => {
    const [len, at] = readLeb(wasm, p);
    p = at + len;
    return wasm.subarray(at, p).toString('utf8');
  };
  for (let i = 0; i < count; i++) {
    const names = s.id === 2 ? [readName(), readName()] : [readName()];
    const description = p;
    p = skipDescription(wasm, p, s.id, names);
    yield { names, description, end: p };
  }
  if (p !== s.end) throw new Error(`section ${s.id} did not parse to its end`);
}

/**
 * `wasm` with the entries of section `section` (2: imports, 7: exports) renamed: `rename(names)`
 * gets `[module, field]` (imports) or `[field]` (exports) and returns the new names, or
 * undefined to keep them.
 */
function renameIn(wasm, section, rename) {
  const parts = [wasm.subarray(0, 8)];
  for (const s of sections(wasm)) {
    if (s.id !== section) {
      parts.push(wasm.subarray(s.pos, s.end));
      continue;
    }
    const found = [...entries(wasm, s)];
    const body = [...leb(found.length)];
    for (const { names, description, end } of found) {
      for (const n of rename(names) ?? names) body.push(...encodeName(n));
      body.push(...wasm.subarray(description, end));
    }
    parts.push(Buffer.from([section, ...leb(body.length), ...body]));
  }
  return Buffer.concat(parts);
}

/** `wasm` with imports renamed: `rename(module, field)` returns `[module, field]` or undefined. */
export const renameImports = (wasm, rename) => renameIn(wasm, 2, ([module, field]) => rename(module, field));

/** `wasm` with exports renamed: `rename(field)` returns the new name or undefined. */
export const renameExports = (wasm, rename) => renameIn(wasm, 7, ([field]) => {
  const renamed = rename(field);
  return renamed === undefined ? undefined : [renamed];
});
