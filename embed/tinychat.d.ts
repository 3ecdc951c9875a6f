// Type declarations for TinyChat's page-facing API: the `<tiny-chat>` element, `window.TinyChat`
// and the events a widget dispatches on its host element (they bubble and cross shadow roots).
// Ships in dist/ beside tinychat-embed.js.

/** Every option of a widget; attribute names are the kebab-case of these (`api-base`). */
export interface TinyChatOptions {
  apiBase?: string;
  model?: string;
  models?: string[] | string;
  title?: string;
  placeholder?: string;
  greeting?: string;
  starterPrompts?: string[] | string;
  systemPrompt?: string;
  temperature?: number | string;
  maxTokens?: number | string;
  mode?: 'inline' | 'launcher';
  position?: 'bottom-right' | 'bottom-left';
  theme?: 'light' | 'dark' | 'auto';
  locale?: string;
  storageKey?: string;
  timeoutMs?: number | string;
  load?: 'intent' | 'visible' | 'idle' | 'eager';
  /** Where thumbs up/down are POSTed as JSON: `{conversation_id, message_id, value, model}`. */
  feedbackUrl?: string;
  /** Page-tool rounds per message (1-20, default 5); the last one must answer in text. */
  toolRounds?: number | string;
  /** `reasoning_effort` for the models that take it (`none` or `high`); default: the model's. */
  reasoningEffort?: 'none' | 'high';
  /** A La Plateforme agent to talk to (`/v1/agents/completions`) instead of a model. */
  agentId?: string;
  strings?: Record<string, string> | string;
}

/** Token usage of a reply. */
export interface TinyChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** The versioned JSON export of a conversation (`getConversation()`). */
export interface TinyChatConversationExport {
  format: 'tinychat.conversation';
  version: number;
  conversation: {
    id: string;
    title: string;
    messages: Array<{
      id: number;
      role: 'user' | 'assistant' | 'tool';
      text: string;
      state: 'streaming' | 'done' | 'stopped' | 'interrupted' | 'error';
      model?: string;
      usage?: TinyChatUsage;
      created_ms: number;
      finished_ms?: number;
      error?: { kind: string; message: string; retryable: boolean };
      local_only?: boolean;
      feedback?: 'up' | 'down';
      /** An assistant reply that called page tools. */
      tool_calls?: Array<{ id: string; name: string; arguments: string }>;
      /** A tool message: the call it answers (its `text` is the result sent to the model). */
      tool_call?: { id: string; name: string; arguments: string };
      tool_failed?: boolean;
      /** A reasoning model's thinking before the answer (not in `text`). */
      thinking?: string;
      thought_ms?: number;
      /** Sources the answer cites. */
      sources?: Array<{ title: string; url?: string; tool?: string }>;
    }>;
    [key: string]: unknown;
  };
}

export interface TinyChatEventMap {
  'tinychat:ready': CustomEvent<{}>;
  'tinychat:open': CustomEvent<{}>;
  'tinychat:close': CustomEvent<{}>;
  /** Cancelable: `preventDefault()` stops the send and keeps the text in the composer. */
  'tinychat:send': CustomEvent<{ conversationId: string; messageId: number; text: string }>;
  'tinychat:reply': CustomEvent<{
    conversationId: string;
    messageId: number;
    text: string;
    model: string | null;
    usage: TinyChatUsage | null;
    state: 'done' | 'stopped' | 'error';
  }>;
  /** `kind`: the widget's error kinds (`data-error`), or `load` when its code could not be
   *  downloaded. */
  'tinychat:error': CustomEvent<{ kind: string; message: string; status: number | null }>;
  /** Thumbs up / down on a finished reply (`null`: taken back). */
  'tinychat:feedback': CustomEvent<{ conversationId: string; messageId: number; value: 'up' | 'down' | null }>;
}

/** The methods of a widget host: a `<tiny-chat>` has them from the start, a `[data-tinychat]`
 *  element once mounted (`TinyChat.open(el)` … work on both at any time). Called before the wasm
 *  runs, `open`, `close` and `toggle` act on the loader's launcher panel at once (opening starts
 *  the download); `send`, `newChat` and `clear` start the download and take effect once the
 *  widget runs; `setOptions` is kept for the mount; `destroy` removes the loader's frame.
 *  On an element that is not in the page they do nothing. */
export interface TinyChatControls {
  open(): void;
  close(): void;
  toggle(): void;
  /** Sends `text` as the visitor would; false if refused (empty, busy, canceled, or the element
   *  is not in the page). Before the wasm runs the text is queued ("Starting…") and sent when it
   *  does: true if queued (one message at most; the visitor's own draft stays). */
  send(text: string): boolean;
  newChat(): void;
  /** Applies options live; the conversation is kept. While a reply streams (or a page tool
   *  runs) the change waits for it to end. Before the wasm runs the options are kept for its
   *  mount (nothing is downloaded for them). */
  setOptions(partial: TinyChatOptions): void;
  /** The conversation shown; null until the wasm runs. */
  getConversation(): TinyChatConversationExport | null;
  /** Deletes the current conversation and starts an empty one. */
  clear(): void;
  /** Unmounts the widget and frees everything it held. Before the wasm runs it removes the
   *  loader's frame and the widget is not mounted (until inserted again or `TinyChat.mount`). */
  destroy(): void;
}

export interface TinyChatElement extends HTMLElement, TinyChatControls {
  addEventListener<K extends keyof TinyChatEventMap>(
    type: K, listener: (this: TinyChatElement, ev: TinyChatEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions): void;
}

/** Any JSON value (what a tool handler receives and returns). */
export type TinyChatJson = null | boolean | number | string | TinyChatJson[] | { [key: string]: TinyChatJson };

/** A page tool: the assistant may call it (Mistral function calling). */
export interface TinyChatTool {
  /** 1-64 letters, digits, `_` or `-`. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** Its arguments, as a JSON Schema object. */
  parameters?: { [key: string]: TinyChatJson };
  /** Runs in the page; what it returns (or resolves to) is sent to the model. A throw or a
   *  timeout sends `{"error": message}`; `signal` aborts when the visitor presses Stop. */
  handler(args: any, context: { signal: AbortSignal }): unknown;
  /** Milliseconds before the call counts as failed (default 30000). */
  timeoutMs?: number;
}

export interface TinyChatApi {
  /** Gives the widget on `element` these tools (replacing any it had; `[]` removes them). */
  tools(element: Element, tools: TinyChatTool[]): void;
  /** Diagnostics: the wasm's linear memory in bytes, once it runs. */
  wasmMemoryBytes?: () => number;
  /** Where the bundle is served from. */
  assetBase: string;
  /** Starts fetching the wasm; resolves when it runs. */
  load(): Promise<TinyChatApi>;
  /** Resolves once the wasm runs (awaiting it starts loading). */
  ready: PromiseLike<TinyChatApi>;
  mount(element: Element, options?: TinyChatOptions): boolean | Promise<boolean>;
  unmount(element: Element): boolean;
  open(element: Element): void;
  close(element: Element): void;
  toggle(element: Element): void;
  send(element: Element, text: string): boolean;
  newChat(element: Element): void;
  setOptions(element: Element, partial: TinyChatOptions): void;
  getConversation(element: Element): TinyChatConversationExport | null;
  clear(element: Element): void;
  destroy(element: Element): void;
}

declare global {
  interface Window {
    TinyChat: TinyChatApi;
  }
  interface HTMLElementTagNameMap {
    'tiny-chat': TinyChatElement;
  }
  interface HTMLElementEventMap extends TinyChatEventMap {}
}
