# Shared helpers for scripts/serve and scripts/test. Sourced, not executed.
# Every `ensure_*` function is idempotent: it installs a pinned version only when it is missing
# and prints nothing but one line when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14"
export PATH="$ROOT/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# Trunk must not phone home: tools come from PATH, crates from the local cache.
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The browser test runner gives the whole suite 20 s by default; a cold 2-core CI machine needs more.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-180}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

step_start=0
step() { # step "name": prints a header and remembers the start time
  step_name="$1"; step_start=$(date +%s)
  printf '\n\033[1m==> %s\033[0m\n' "$step_name"
}
step_done() {
  local secs=$(( $(date +%s) - step_start ))
  printf '\033[32m<== %s: ok (%ss)\033[0m\n' "$step_name" "$secs"
  TIMINGS+=("$(printf '%-44s %5ss' "$step_name" "$secs")")
}
TIMINGS=()
print_timings() {
  printf '\n\033[1mTimings\033[0m\n'; printf '  %s\n' "${TIMINGS[@]}"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The wasm-bindgen version in Cargo.lock: the CLI (used by trunk and the test runner) must match it.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_rust_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
  rustup component list --installed | grep -q '^clippy' || rustup component add clippy
  rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
  # The standard library's source: the release wasm rebuilds std (see RELEASE_WASM_FLAGS).
  rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    echo "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --quiet
  fi
}

ensure_wasm_bindgen() {
  local want; want="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ] \
     || ! command -v wasm-bindgen-test-runner >/dev/null; then
    echo "installing wasm-bindgen-cli $want (a couple of minutes, once)"
    # No --locked: the CLI's own lockfile names a webpki-roots version this registry lacks.
    cargo install wasm-bindgen-cli --version "$want" --quiet --force
  fi
}

ensure_chromium() {
  # Noto CJK and colour emoji fonts: the replies (and the README's screenshots) contain both.
  if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ] \
     || ! dpkg -s fonts-noto-cjk fonts-noto-color-emoji >/dev/null 2>&1; then
    echo "installing chromium, chromium-driver and fonts (Debian packages)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
      chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji >/dev/null
  fi
}

ensure_redis() {
  # redis-server (Debian package): tinychat-relay's tests start one on a free port to check that
  # two relays share one limit.
  if ! command -v redis-server >/dev/null; then
    echo "installing redis-server (Debian package)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq redis-server >/dev/null
  fi
}

ensure_npm() {
  # wasm-opt (binaryen@132, Node-based; Debian's binaryen 108 breaks the bundle), Playwright, axe.
  if ! [ -f "$ROOT/e2e/node_modules/.package-lock.json" ] \
     || [ "$ROOT/e2e/package-lock.json" -nt "$ROOT/e2e/node_modules/.package-lock.json" ]; then
    (cd "$ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_binaryen_split() {
  # wasm-split (Debian's binaryen 108) cuts the release wasm in two (scripts/split.mjs); its
  # wasm-opt is not used: the build's is binaryen 132 from npm.
  if ! [ -x /usr/bin/wasm-split ]; then
    echo "installing binaryen (Debian package, for wasm-split)"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq binaryen >/dev/null
  fi
}

ensure_build_tools() {
  ensure_rust_target
  ensure_binaryen_split
  ensure_npm
  ensure_trunk
  ensure_wasm_bindgen
  (cd "$ROOT" && cargo fetch --quiet)
  # std's own dependencies (dlmalloc, hashbrown, ...) for the offline -Zbuild-std release build.
  (cd "$ROOT" && RUSTC_BOOTSTRAP=1 cargo fetch --quiet -Zbuild-std --target wasm32-unknown-unknown)
}

# The release wasm is built with unstable flags, taken by the machine's one pinned stable rustc
# (1.95) through RUSTC_BOOTSTRAP=1, for this build only (tests, clippy and the native tools are
# built without them). Figures are tinychat_bg.wasm after gzip -9:
# - `-Zlocation-detail=none`: a panic no longer carries its file, line and column, so the paths of
#   every crate that can panic and their location records are not in the bundle (-10.8 KB).
# - `-Zbuild-std` with `-Cpanic=immediate-abort`: std is compiled with our profile (opt-level z,
#   LTO with the widget) instead of linked precompiled, and a panic is a bare trap: no message
#   formatting, no unwinding machinery, no panic hook (-19.1 KB). A panic already kills the
#   widget (the code has no unwrap on outside data); the browser still reports it as an uncaught
#   `RuntimeError: unreachable`, which every e2e test fails on. Needs the rust-src component.
# - `-Zfmt-debug=none`: `{:?}` prints nothing and derived Debug impls are empty (-2.0 KB, but
#   reading storage errors from Display instead brings 1.9 KB back: net -0.07 KB today; it keeps
#   Debug code, which nothing shows, from growing the bundle). No
#   text the widget shows, logs or stores is made with Debug: storage errors are read from idb's
#   Display (`QuotaExceededError: …`), and values in messages are quoted with `escape_debug`.
# - `-Ctarget-feature=-reference-types`: wasm-bindgen then keeps JS objects in an array of its glue
#   instead of an `externref` table in the wasm (-1.8 KB wasm, +0.2 KB glue). Without that second
#   table, binaryen's wasm-split can also cut the wasm in two (scripts/split.mjs).
# If a rustc ever drops a flag, the build fails loudly; remove it here and the size budget shows
# what it cost.
RELEASE_WASM_FLAGS="-Zlocation-detail=none -Zfmt-debug=none -Zunstable-options -Cpanic=immediate-abort -Ctarget-feature=-reference-types -Zmerge-functions=disabled"

build_dist() { # release bundle in dist/ (trunk, then scripts/split.mjs runs wasm-opt -Oz)
  (cd "$ROOT" && RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$RELEASE_WASM_FLAGS" \
    trunk build --release --offline 2>&1 | grep -vE '^\s*$' | tail -n 5)
  # The seldom-used parts cut out to tinychat_extras.wasm (binaryen's wasm-split), then wasm-opt.
  node "$ROOT/scripts/split.mjs" "$ROOT/dist"
  # The wasm's imports get names of a few letters, in the wasm and the glue together (wasm-bindgen's
  # `__wbg_<method>_<hash>` names were 30 KB of both; -8.6 KB gzip in all), and so do the exports
  # the glue calls by long names.
  node "$ROOT/scripts/short-imports.mjs" "$ROOT/dist"
  # The Markdown module (markdown/, src/markdown_module.rs): pulldown-cmark and the highlighter,
  # which the widget fetches once it runs. Same flags as the widget; no wasm-bindgen (it has no
  # imports), so wasm-opt only. Built after trunk, which empties dist/ first.
  (cd "$ROOT" && RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$RELEASE_WASM_FLAGS" \
    cargo build -q --release --offline -p tinychat-markdown --target wasm32-unknown-unknown)
  # The passes of scripts/split.mjs's OPTIMIZE (-0.5 KB gzip against -Oz alone).
  wasm-opt -Oz --flatten --rereloop -Oz --converge --low-memory-unused --strip-debug --strip-producers \
    "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/tinychat_markdown.wasm" \
    -o "$ROOT/dist/tinychat_markdown.wasm"
  node "$ROOT/scripts/order-functions.mjs" --rounds=1 "$ROOT/dist/tinychat_markdown.wasm" >/dev/null
  # The languages other than English, fetched by the loader for the pages that use them.
  (cd "$ROOT" && cargo run -q -p tinychat-core --example i18n_json -- dist/i18n)
  # The loader, wasm-bindgen's glue and the stylesheet without comments and whitespace (esbuild).
  node "$ROOT/scripts/minify.mjs" "$ROOT/dist"
  # NAME.br and NAME.gz beside each served file (Node's zlib: nothing to install), for servers
  # that send precompressed files (nginx gzip_static/brotli_static, Caddy, tinychat-server).
  node "$ROOT/scripts/compress.mjs" "$ROOT/dist"
}
