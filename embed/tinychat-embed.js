// TinyChat loader: the one script a page includes.
//   <script type="module" src="https://your.host/path/tinychat-embed.js"></script>
// It loads the wasm next to itself (so dist/ works from any sub-path), then the widget mounts every
// element with a `data-tinychat` attribute and exposes `window.TinyChat.mount(element, options)`.
import init from './tinychat.js';

const base = new URL('./', import.meta.url).href;
const api = (window.TinyChat = window.TinyChat || {});
api.assetBase = base;
const ready = init({ module_or_path: new URL('tinychat_bg.wasm', base) });
api.ready = ready.then(() => window.TinyChat);
