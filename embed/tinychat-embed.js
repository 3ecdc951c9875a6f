// TinyChat loader: the one script a page includes.
//   <script type="module" src="https://your.host/path/tinychat-embed.js"></script>
//
// It costs the page almost nothing until the widget is wanted: for every element with
// `data-tinychat` it draws, from this file and the stylesheet alone, what the widget will look
// like (the launcher button, or the inline frame with its composer), with the same classes,
// strings and accessible names as the real UI. The wasm (tinychat.js + tinychat_bg.wasm, next to
// this file) is fetched when `data-load` says:
//   intent  (launcher default) pointer over, focus on or touch of the widget, or a click;
//   visible (inline default)   the widget comes within 300px of the viewport;
//   idle    once the page has loaded and the browser is idle;
//   eager   at once.
// Text typed before the wasm runs is kept, a message sent meanwhile is queued and sent when it
// is ready ("Starting…"), and caret and focus carry over. `TinyChat.load()` starts loading;
// `await TinyChat.ready` waits for the wasm (and starts loading if nothing has).
const base = new URL('./', import.meta.url).href;
const api = (window.TinyChat = window.TinyChat || {});
api.assetBase = base;

// The skeleton's strings, by language: the same values as core/src/i18n.rs (a native test,
// core/tests/loader.rs, fails if they drift). Keep this block valid JSON.
const STRINGS = /* strings:begin */ {
  "en": { "title": "TinyChat", "conversation": "Conversation", "message": "Message", "placeholder": "Ask anything…", "send": "Send", "open_chat": "Open chat", "close_chat": "Close chat", "assistant": "Assistant", "you": "You", "retry": "Retry", "starting": "Starting…", "load_failed": "The chat could not be loaded. Check your connection, then try again." },
  "fr": { "title": "TinyChat", "conversation": "Discussion", "message": "Message", "placeholder": "Posez votre question…", "send": "Envoyer", "open_chat": "Ouvrir la discussion", "close_chat": "Fermer la discussion", "assistant": "Assistant", "you": "Vous", "retry": "Réessayer", "starting": "Démarrage…", "load_failed": "Impossible de charger la discussion. Vérifiez votre connexion, puis réessayez." },
  "de": { "title": "TinyChat", "conversation": "Unterhaltung", "message": "Nachricht", "placeholder": "Stellen Sie Ihre Frage…", "send": "Senden", "open_chat": "Chat öffnen", "close_chat": "Chat schließen", "assistant": "Assistent", "you": "Sie", "retry": "Erneut versuchen", "starting": "Wird gestartet…", "load_failed": "Der Chat konnte nicht geladen werden. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut." },
  "es": { "title": "TinyChat", "conversation": "Conversación", "message": "Mensaje", "placeholder": "Pregunta lo que quieras…", "send": "Enviar", "open_chat": "Abrir chat", "close_chat": "Cerrar chat", "assistant": "Asistente", "you": "Tú", "retry": "Reintentar", "starting": "Iniciando…", "load_failed": "No se pudo cargar el chat. Comprueba tu conexión y vuelve a intentarlo." },
  "it": { "title": "TinyChat", "conversation": "Conversazione", "message": "Messaggio", "placeholder": "Chiedi qualsiasi cosa…", "send": "Invia", "open_chat": "Apri chat", "close_chat": "Chiudi chat", "assistant": "Assistente", "you": "Tu", "retry": "Riprova", "starting": "Avvio in corso…", "load_failed": "Impossibile caricare la chat. Controlla la connessione e riprova." },
  "ar": { "title": "TinyChat", "conversation": "المحادثة", "message": "الرسالة", "placeholder": "اسأل عن أي شيء…", "send": "إرسال", "open_chat": "فتح المحادثة", "close_chat": "إغلاق المحادثة", "assistant": "المساعد", "you": "أنت", "retry": "إعادة المحاولة", "starting": "جارٍ البدء…", "load_failed": "تعذّر تحميل المحادثة. تحقّق من اتصالك ثم أعد المحاولة." }
} /* strings:end */;

const SVG = 'http://www.w3.org/2000/svg';
let loading = null;
let resolveReady;
const running = new Promise((resolve) => { resolveReady = resolve; });

// Languages other than English are small JSON files beside the wasm (i18n/fr.json…), fetched
// once, only for the pages that use them, alongside the wasm; the widget reads
// `TinyChat.languages[lang]` when it mounts (src/embed.rs).
const SELECTOR = '[data-tinychat], tiny-chat';
const LANGUAGES = ['fr', 'de', 'es', 'it', 'ar'];
const languageRequests = {};
api.languages = {};
/** Fetches language `lang`'s strings once; resolves when they are in `TinyChat.languages`. */
api.language = (lang) => {
  if (!LANGUAGES.includes(lang)) return Promise.resolve();
  languageRequests[lang] ??= fetch(new URL(`i18n/${lang}.json`, base))
    .then((r) => (r.ok ? r.text() : ''), () => '')
    .then((json) => { api.languages[lang] = json; });
  return languageRequests[lang];
};
/** The language a widget element speaks: its locale, else the page's, else the browser's. */
const languageOf = (el, options) =>
  String(options?.locale || el.tinychatOptions?.locale || opt(el, 'locale') || document.documentElement.lang || navigator.language || 'en')
    .split(/[-_]/)[0].toLowerCase();
/** The languages of the widgets on the page now. */
const pageLanguages = () => Promise.all([...document.querySelectorAll(SELECTOR)].map((el) => api.language(languageOf(el))));

/** Fetches and starts the wasm once; resolves to `window.TinyChat` when it runs. After a
 * failed download, passive triggers (hover, focus, typing, visibility) do not try again; a
 * deliberate act does (`again`: Enter, Send, Retry, a click on the launcher, the page's API). */
let loadFailed = false;
let attempts = 0;
function load(again = false) {
  if (loading && loadFailed && again) loading = null;
  if (!loading) {
    loadFailed = false;
    // The wasm is fetched at once, beside the glue (not after it: one round trip less); the
    // glue compiles it while it streams in (WebAssembly.instantiateStreaming).
    const wasm = fetch(new URL('tinychat_bg.wasm', base));
    wasm.catch(() => {}); // reported below, once
    // A browser may remember a module that failed to load: a retry asks for it anew.
    const glue = new URL('tinychat.js', base);
    if (attempts++) glue.search = `retry=${attempts}`;
    loading = Promise.all([import(glue.href), pageLanguages()])
      .then(([glue]) => glue.default({ module_or_path: wasm }))
      .then((wasm) => {
        // Diagnostics (bench/elements): the wasm's linear memory in bytes.
        api.wasmMemoryBytes = () => wasm.memory.buffer.byteLength;
        resolveReady(api);
        return api;
      });
    loading.catch((e) => {
      // A network failure: the next intent (Enter, Send, a click) tries again. Each widget
      // waiting for the wasm says so in its language and tells the page (`tinychat:error`).
      console.error('TinyChat: could not load the widget', e);
      loadFailed = true;
      for (const el of document.querySelectorAll(SELECTOR)) {
        if (el.hasAttribute('data-tinychat-mounted') || !el.tinychatHandover) continue;
        const message = stringsFor(el).s.load_failed;
        el.tinychatHandover.failed?.(message);
        el.dispatchEvent(new CustomEvent('tinychat:error', { bubbles: true, composed: true, detail: { kind: 'load', message, status: null } }));
      }
    });
  }
  return loading;
}
api.load = () => load(true);
// A thenable: awaiting it starts loading if nothing has, then waits for the wasm.
// Both reject when the download fails (a later call tries again).
api.ready = { then: (ok, err) => load(true).then(ok, err) };
api.mount = (el, options) => Promise.all([load(true), api.language(languageOf(el, options))])
  .then(() => api.mount(el, options));

/** `data-foo-bar` → value, trimmed; `undefined` when absent. */
const opt = (el, name) => {
  const v = el.getAttribute(el.localName === 'tiny-chat' ? name : `data-${name}`);
  return v == null ? undefined : v.trim();
};

function stringsFor(el) {
  const tag = (el.tinychatOptions?.locale || opt(el, 'locale') || document.documentElement.lang || navigator.language || 'en');
  const lang = tag.split(/[-_]/)[0].toLowerCase();
  const s = { ...(STRINGS[lang] || STRINGS.en) };
  try {
    const overrides = JSON.parse(opt(el, 'strings') || '{}');
    for (const k of Object.keys(s)) if (typeof overrides[k] === 'string') s[k] = overrides[k];
  } catch { /* the widget reports bad overrides once it runs */ }
  return { s, lang: opt(el, 'locale') || tag };
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null && v !== false) node.setAttribute(k, v === true ? '' : v);
  node.append(...children);
  return node;
}

// The launcher's icon, closed and open (as src/ui/launcher.rs draws it).
const LAUNCHER_ICON = { open: 'M4 5h16v11H9l-5 4z', close: 'M6 6l12 12M18 6L6 18' };

/** The launcher button exactly as the widget renders it (closed). A click opens its panel at
 * once with the inline frame, so the visitor can type while the wasm loads; Escape or a second
 * click closes it. The widget takes over open or closed, with the text and focus. */
function launcherSkeleton(el, s, state) {
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', LAUNCHER_ICON.open);
  const svg = document.createElementNS(SVG, 'svg');
  for (const [k, v] of [['class', 'tc-launcher__icon'], ['viewBox', '0 0 24 24'], ['aria-hidden', 'true'], ['focusable', 'false']]) svg.setAttribute(k, v);
  svg.append(path);
  const button = h('button', { type: 'button', class: 'tc-launcher', 'aria-label': s.open_chat, 'aria-expanded': 'false', 'aria-controls': 'tc-panel' }, svg);
  const panel = h('div', { class: 'tc-panel', id: 'tc-panel', hidden: true });
  const setOpen = (open, { focus = true } = {}) => {
    state.open = open;
    state.closed = !open; // closed on purpose: the widget does not reopen it from storage
    if (open && !panel.firstChild) panel.append(inlineSkeleton(el, s, state));
    panel.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    button.setAttribute('aria-label', open ? s.close_chat : s.open_chat);
    path.setAttribute('d', open ? LAUNCHER_ICON.close : LAUNCHER_ICON.open);
    if (open && focus) panel.querySelector('textarea')?.focus();
  };
  state.setOpen = setOpen;
  button.addEventListener('click', () => { state.pressed = false; setOpen(!state.open); load(true); });
  // A press whose click never comes because the widget took over in between (its button is a
  // new element) still opens it: the widget reads `pressed` (src/handover.rs).
  button.addEventListener('pointerdown', () => { state.pressed = true; load(true); });
  button.addEventListener('keydown', (ev) => { if (ev.key === ' ') state.pressed = true; });
  for (const ev of ['pointerleave', 'pointercancel']) button.addEventListener(ev, () => { state.pressed = false; });
  // Open on the site's previous page: open here at once (without taking focus), and load now:
  // the visitor is in a conversation, not passing by.
  if (storedOpen(el)) {
    setOpen(true, { focus: false });
    load(true);
  }
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { ev.preventDefault(); setOpen(false); button.focus(); }
  });
  return h('div', { class: 'tc-launcher-wrap', 'data-position': opt(el, 'position') === 'bottom-left' ? 'bottom-left' : 'bottom-right' },
    panel, button);
}
/** Whether the widget on `el` left its launcher open (src/ui/launcher.rs keeps
 * `<namespace>:launcher-open` in localStorage), when its namespace is known without the wasm:
 * `storage-key`, else `tinychat-<id>`, else `tinychat` for the page's only widget. */
function storedOpen(el) {
  let ns = opt(el, 'storage-key');
  if (ns === undefined) {
    if (el.id) ns = `tinychat-${el.id}`;
    else if (document.querySelectorAll(SELECTOR).length === 1) ns = 'tinychat';
  }
  if (!ns || ns.toLowerCase() === 'none') return false;
  try {
    return localStorage.getItem(`${ns}:launcher-open`) === '1';
  } catch {
    return false; // storage blocked: the widget decides once it runs
  }
}

/** The inline frame: title, greeting, starter prompts and a composer that already takes text. */
function inlineSkeleton(el, s, state) {
  const log = h('div', { class: 'tc-log', role: 'log', 'aria-label': s.conversation, 'aria-live': 'off', tabindex: '0' });
  const greeting = opt(el, 'greeting');
  if (greeting) {
    log.append(h('article', { class: 'tc-msg tc-msg--assistant', 'data-role': 'assistant', 'data-state': 'done', 'aria-label': s.assistant },
      h('div', { class: 'tc-msg__author', 'aria-hidden': 'true' }, s.assistant), h('div', { class: 'tc-md' }, h('p', {}, greeting))));
  }
  const input = h('textarea', { class: 'tc-input tc-composer__input', rows: '1', 'aria-label': s.message, placeholder: opt(el, 'placeholder') || s.placeholder });
  const send = h('button', { type: 'submit', class: 'tc-button tc-button--primary tc-composer__button', disabled: true }, s.send);
  let status = null;
  // The status line is in the page before its text, so screen readers announce the text.
  const say = (...content) => requestAnimationFrame(() => status?.replaceChildren(...content));
  const starting = () => say(h('span', { class: 'tc-spinner', 'aria-hidden': 'true' }), s.starting);
  /** The queued message and its status line ("Starting…", or why it is not sent yet). */
  const showQueued = (text) => {
    starters?.remove();
    log.append(
      h('article', { class: 'tc-msg tc-msg--user', 'data-role': 'user', 'data-state': 'done', 'aria-label': s.you },
        h('div', { class: 'tc-msg__author', 'aria-hidden': 'true' }, s.you), h('div', { class: 'tc-msg__text' }, text)),
      status = h('div', { class: 'tc-msg__working', role: 'status' }));
  };
  const queue = (text, { fromPage = false } = {}) => {
    text = text.trim();
    if (state.queued != null) {
      // Already waiting: Enter or Send again tries a failed download again.
      if (!fromPage && loadFailed) { starting(); load(true); }
      return false;
    }
    if (!text) return false;
    state.queued = text;
    state.queuedByPage = fromPage;
    if (!fromPage) input.value = '';
    send.disabled = true;
    showQueued(text);
    starting();
    load(true);
    return true;
  };
  state.send = queue;
  // The wasm could not be fetched: say so where "Starting…" was, with Retry.
  state.failed = (message) => {
    if (!status) return;
    const retry = h('button', { type: 'button', class: 'tc-button tc-button--small' }, s.retry);
    retry.addEventListener('click', () => {
      starting();
      input.focus();
      load(true);
    });
    say(message, ' ', retry);
  };
  // A press whose click is lost because the widget took over in between (its buttons are new
  // elements) still sends: the widget reads `pressedText` as a queued message (src/handover.rs).
  const pressable = (button, text) => {
    button.addEventListener('pointerdown', () => { state.pressedText = text(); load(true); });
    for (const ev of ['pointerleave', 'pointercancel']) button.addEventListener(ev, () => { state.pressedText = null; });
  };
  const prompts = (opt(el, 'starter-prompts') || '').split('|').map((p) => p.trim()).filter(Boolean);
  const starters = prompts.length
    ? h('div', { class: 'tc-starters' }, ...prompts.map((p) => {
      const b = h('button', { type: 'button', class: 'tc-starters__item' }, p);
      b.addEventListener('click', () => { state.pressedText = null; queue(p); });
      pressable(b, () => p);
      return b;
    }))
    : null;
  if (starters) log.append(starters);
  input.addEventListener('input', () => { send.disabled = !input.value.trim() || state.queued != null; load(); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      queue(input.value);
    }
  });
  pressable(send, () => input.value.trim() || null);
  send.addEventListener('click', () => { state.pressedText = null; });
  const form = h('form', { class: 'tc-composer' }, input, send);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); queue(input.value); });
  const section = h('section', { class: 'tc-chat', 'aria-label': opt(el, 'title') || s.title },
    h('header', { class: 'tc-header' }, h('h2', { class: 'tc-header__title' }, opt(el, 'title') || s.title)),
    h('div', { class: 'tc-log-wrap' }, log), form);
  // A message the page sent before this frame was drawn (a launcher opened later).
  if (state.queued != null) {
    showQueued(state.queued);
    if (loadFailed) state.failed(stringsFor(el).s.load_failed);
    else starting();
  }
  return section;
}

/** Draws the skeleton of `el` in its shadow root and arranges for the wasm to load. */
function skeleton(el) {
  if (el.hasAttribute('data-tinychat-mounted') || el.tinychatHandover) return;
  const launcher = (opt(el, 'mode') || '').toLowerCase() === 'launcher';
  const when = (opt(el, 'load') || (launcher ? 'intent' : 'visible')).toLowerCase();
  // Loading now: the wasm's request leaves before the skeleton is drawn, not after.
  const now = when === 'eager' || (when === 'visible' && nearViewport(el));
  if (now) load();
  const { s, lang } = stringsFor(el);
  // What the widget takes over when it mounts (read by src/handover.rs).
  const state = (el.tinychatHandover = { queued: null, open: false });
  const root = el.shadowRoot || el.attachShadow({ mode: 'open' });
  root.replaceChildren();
  const theme = ['light', 'dark'].includes((opt(el, 'theme') || '').toLowerCase()) ? opt(el, 'theme').toLowerCase() : 'auto';
  // Right to left, as the widget will be: an RTL language, or a right-to-left page.
  const rtl = /^(ar|he|iw|fa|ur)$/i.test(lang.split(/[-_]/)[0]) || getComputedStyle(el).direction === 'rtl';
  const host = h('div', { class: 'tc-host', lang, dir: rtl ? 'rtl' : null, 'data-theme': theme, 'data-mode': launcher ? 'launcher' : 'inline', 'data-skeleton': true },
    launcher ? launcherSkeleton(el, s, state) : inlineSkeleton(el, s, state));
  root.append(h('link', { rel: 'stylesheet', href: new URL('tinychat.css', base).href }), host);
  const intent = () => { if (!el.tinychatDestroyed) load(); };
  for (const ev of ['pointerenter', 'focusin', 'touchstart']) host.addEventListener(ev, intent, { once: true, passive: true });
  if (now) return;
  if (when === 'idle') afterLoad(() => ('requestIdleCallback' in window ? requestIdleCallback(intent, { timeout: 3000 }) : setTimeout(intent, 1000)));
  else if (when === 'visible' && 'IntersectionObserver' in window) {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { io.disconnect(); intent(); }
    }, { rootMargin: '300px' });
    io.observe(el);
    state.cancel = () => io.disconnect();
  } else if (when === 'visible') load();
}

/** Within 300px of the viewport now (and rendered: a `display: none` widget has no box). */
function nearViewport(el) {
  const r = el.getBoundingClientRect();
  return (r.width > 0 || r.height > 0) && r.bottom >= -300 && r.top <= innerHeight + 300
    && r.right >= -300 && r.left <= innerWidth + 300;
}

function afterLoad(f) {
  if (document.readyState === 'complete') f();
  else window.addEventListener('load', f, { once: true });
}

// The page's handle on a widget: `TinyChat.open(el)` … (and the same methods on a `<tiny-chat>`)
// call the methods the widget installs on its element when it mounts (src/controls.rs,
// tinychat.d.ts). Called before that, they start loading the wasm and wait for it: `send` queues
// its text as Enter in the skeleton does ("Starting…"), `getConversation` answers null, and the
// others run in order once the widget is up.
const METHODS = ['open', 'close', 'toggle', 'send', 'newChat', 'setOptions', 'getConversation', 'clear', 'destroy'];
const own = (el, name) => (Object.prototype.hasOwnProperty.call(el, name) && typeof el[name] === 'function' ? el[name] : null);
function call(el, name, args) {
  const method = el && own(el, name);
  if (method) return method.apply(el, args);
  const none = name === 'getConversation' ? null : name === 'send' ? false : undefined;
  // Not in the page, or destroyed: nothing to do (a disconnected element's calls are dropped).
  if (!(el instanceof Element) || !el.isConnected || el.tinychatDestroyed) return none;
  // A widget element just inserted, before the MutationObserver drew it: draw it now.
  if (!el.tinychatHandover && el.matches(SELECTOR) && !el.hasAttribute('data-tinychat-mounted')) skeleton(el);
  const state = el.tinychatHandover;
  switch (name) {
    case 'getConversation':
      return null;
    case 'send': {
      // Queued as Enter in the frame queues it ("Starting…"); what the visitor typed stays.
      const text = String(args[0] ?? '').trim();
      if (!text || !state || state.queued != null) return false;
      if (state.send) return state.send(text, { fromPage: true });
      state.queued = text;
      state.queuedByPage = true;
      load(true);
      return true;
    }
    case 'setOptions': {
      // Kept for the mount (src/embed.rs mount_with merges them over the attributes): no
      // second mount, no download started. A new language is fetched with the wasm.
      el.tinychatOptions = { ...el.tinychatOptions, ...args[0] };
      if (loading && args[0]?.locale) api.language(languageOf(el));
      return undefined;
    }
    case 'open':
    case 'close':
    case 'toggle': {
      // As a click on the launcher does: its panel opens (or closes) at once; opening loads.
      const open = name === 'open' || (name === 'toggle' && !state?.open);
      if (state?.setOpen) state.setOpen(open);
      else if (state) { state.open = open; state.closed = !open; }
      if (open) load(true);
      return undefined;
    }
    case 'destroy':
      // Nothing is mounted yet: nothing will be (mount_all skips it), nothing more is
      // downloaded for it, and what was waiting is dropped. Inserted again, or mounted by
      // name, it comes back.
      el.tinychatDestroyed = true;
      state?.cancel?.();
      if (el.tinychatCalls) el.tinychatCalls.length = 0;
      delete el.tinychatHandover;
      delete el.tinychatOptions;
      el.shadowRoot?.replaceChildren();
      return undefined;
    default:
      // newChat, clear: run by the widget once it is up (src/controls.rs waits for
      // its store where that matters).
      if (!el.tinychatCalls) {
        el.tinychatCalls = [];
        el.addEventListener('tinychat:ready', () => {
          const calls = el.tinychatCalls || [];
          delete el.tinychatCalls;
          for (const [n, a] of calls) own(el, n)?.apply(el, a);
        }, { once: true });
      }
      el.tinychatCalls.push([name, args]);
      load(true);
      return undefined;
  }
}
for (const name of METHODS) api[name] = (el, ...args) => call(el, name, args);

// Page tools: `TinyChat.tools(el, [{ name, description, parameters, handler, timeoutMs }])` gives
// the assistant abilities on this page (src/tools.rs reads `el.tinychatTools` at every request).
// `handler(args, { signal })` may be async; what it returns (any JSON) goes to the model. A
// throw, a timeout (default 30 s), an unknown name or bad arguments send `{"error": …}` instead;
// Stop aborts `signal`. `TinyChat.tools(el, [])` takes them away.
api.tools = (el, list = []) => {
  const tools = new Map();
  for (const t of list) {
    if (!/^[\w-]{1,64}$/.test(t?.name) || typeof t.handler !== 'function') {
      throw new TypeError(`TinyChat.tools: ${JSON.stringify(t?.name)} needs a name of 1-64 letters, digits, _ or -, and a handler function`);
    }
    tools.set(t.name, t);
  }
  const specs = JSON.stringify([...tools.values()].map(({ name, description = '', parameters }) =>
    ({ name, description, parameters: parameters ?? { type: 'object', properties: {} } })));
  el.tinychatTools = {
    specs,
    async run(name, text, signal) {
      // The result goes to the model as JSON text (a string as it is), in the page's own key order.
      const report = (ok, value) => JSON.stringify(ok
        ? { ok, result: typeof value === 'string' ? value : JSON.stringify(value ?? null) ?? 'null' }
        : { ok, error: String(value) });
      const t = tools.get(name);
      if (!t) return report(false, `Unknown tool "${name}"`);
      let args;
      try { args = JSON.parse(text || '{}'); } catch { return report(false, 'The arguments are not valid JSON'); }
      const ms = t.timeoutMs ?? 30000;
      let timer;
      let onAbort;
      try {
        const result = await Promise.race([
          Promise.resolve().then(() => t.handler(args, { signal })),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms`)), ms);
            onAbort = () => reject(new Error('Stopped'));
            signal.addEventListener('abort', onAbort, { once: true });
          }),
        ]);
        return report(true, result);
      } catch (e) {
        return report(false, e?.message || e);
      } finally {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
};

const isMount = (node) => node instanceof Element && node.matches(SELECTOR);

/** A widget element entered the page: draw it, and mount it if the wasm already runs. */
function connect(el) {
  delete el.tinychatDestroyed;
  skeleton(el);
  if (loading) {
    Promise.all([running, api.language(languageOf(el))])
      .then(() => { if (el.isConnected && !el.tinychatDestroyed) api.mount(el); });
  }
}

/** A widget element left the page: unmount it, freeing everything it held. */
function disconnect(el) {
  if (typeof api.unmount === 'function' && el.hasAttribute('data-tinychat-mounted')) api.unmount(el);
  delete el.tinychatHandover;
  delete el.tinychatCalls;
  el.shadowRoot?.replaceChildren();
}

// `<tiny-chat api-base="/llm" mode="launcher">`: every option as an attribute (without `data-`),
// mounted when connected, cleaned up when disconnected (a router removing it), attribute changes
// applied live (the conversation is kept).
const OPTIONS = ['api-base', 'model', 'models', 'title', 'placeholder', 'greeting', 'starter-prompts',
  'system-prompt', 'temperature', 'max-tokens', 'mode', 'position', 'theme', 'locale', 'storage-key',
  'timeout-ms', 'load', 'strings', 'feedback-url', 'tool-rounds', 'reasoning-effort', 'agent-id'];
if (!customElements.get('tiny-chat')) {
  customElements.define('tiny-chat', class extends HTMLElement {
    static get observedAttributes() { return OPTIONS; }
    connectedCallback() { connect(this); }
    disconnectedCallback() { disconnect(this); }
    // The widget's methods, here before it runs (they wait for it); its own replace them.
    open() { return call(this, 'open', []); }
    close() { return call(this, 'close', []); }
    toggle() { return call(this, 'toggle', []); }
    send(text) { return call(this, 'send', [text]); }
    newChat() { return call(this, 'newChat', []); }
    setOptions(partial) { return call(this, 'setOptions', [partial]); }
    getConversation() { return call(this, 'getConversation', []); }
    clear() { return call(this, 'clear', []); }
    destroy() { return call(this, 'destroy', []); }
    attributeChangedCallback(name, before, after) {
      if (before === after || !this.hasAttribute('data-tinychat-mounted') || !own(this, 'setOptions')) return;
      // A new language is fetched first, so the widget never shows in English meanwhile.
      const apply = () => own(this, 'setOptions')?.call(this, { [name]: after ?? '' });
      if (name === 'locale') api.language(languageOf(this, { locale: after })).then(apply);
      else apply();
    }
  });
}

document.querySelectorAll('[data-tinychat]').forEach(skeleton);
// `[data-tinychat]` elements added or removed later (single-page apps) are handled too.
new MutationObserver((records) => {
  for (const r of records) {
    for (const n of r.addedNodes) {
      if (!(n instanceof Element)) continue;
      for (const el of [n, ...n.querySelectorAll(SELECTOR)]) if (isMount(el) && el.localName !== 'tiny-chat') connect(el);
    }
    for (const n of r.removedNodes) {
      if (!(n instanceof Element)) continue;
      for (const el of [n, ...n.querySelectorAll(SELECTOR)]) if (isMount(el) && el.localName !== 'tiny-chat' && !el.isConnected) disconnect(el);
    }
  }
}).observe(document.documentElement, { childList: true, subtree: true });
