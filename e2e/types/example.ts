// A small typed host page: what a site owner writes against embed/tinychat.d.ts. Checked by
// `tsc -p e2e/types` in scripts/test, so the declarations cannot drift from their documented use.
import type { TinyChatConversationExport, TinyChatElement } from '../../embed/tinychat';

export async function wire(): Promise<void> {
  await window.TinyChat.load();
  const chat: TinyChatElement = document.createElement('tiny-chat');
  chat.setAttribute('api-base', '/llm');
  document.body.append(chat);

  chat.addEventListener('tinychat:send', (ev) => {
    const { conversationId, messageId, text } = ev.detail;
    if (text.includes('password')) ev.preventDefault();
    console.log(conversationId.length, messageId + 1);
  });
  chat.addEventListener('tinychat:reply', (ev) => {
    const tokens: number = ev.detail.usage?.total_tokens ?? 0;
    const state: 'done' | 'stopped' | 'error' = ev.detail.state;
    console.log(tokens, state, ev.detail.model);
  });
  chat.addEventListener('tinychat:error', (ev) => console.log(ev.detail.kind, ev.detail.status ?? 0));
  document.addEventListener('tinychat:open', () => console.log('opened'));
  chat.addEventListener('tinychat:feedback', (ev) => console.log(ev.detail.messageId, ev.detail.value ?? 'cleared'));

  window.TinyChat.tools(chat, [{
    name: 'find_product',
    description: 'Finds a product of this shop by name',
    parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
    handler: async ({ query }: { query: string }, { signal }) => {
      const response = await fetch(`/api/products?q=${encodeURIComponent(query)}`, { signal });
      return response.json();
    },
    timeoutMs: 10000,
  }]);

  chat.open();
  const sent: boolean = chat.send('Hello');
  chat.setOptions({ theme: 'dark', maxTokens: 512, starterPrompts: ['Hi', 'Help'] });
  const exported: TinyChatConversationExport | null = chat.getConversation();
  console.log(sent, exported?.conversation.messages.map((m) => m.text));
  window.TinyChat.toggle(chat);
  window.TinyChat.newChat(chat);
  chat.clear();
  chat.destroy();
}
