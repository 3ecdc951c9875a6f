// bench/load: deep-chat talks to tinychat-server's Mistral-compatible API through its documented
// interceptors (deep-chat's types/interceptors.d.ts). It runs after deepChat.bundle.js (module
// scripts run in document order), so the element is defined and these are plain property sets.
const chat = document.querySelector('deep-chat');
// deep-chat sends {messages: [{role: 'user' | 'ai', text}]}; Mistral wants {model, messages:
// [{role: 'user' | 'assistant', content}], stream}.
chat.requestInterceptor = (details) => {
  details.body = {
    model: 'mistral-small-latest',
    stream: true,
    messages: details.body.messages.map((m) => ({
      role: m.role === 'ai' ? 'assistant' : m.role,
      content: m.text ?? '',
    })),
  };
  return details;
};
// With `stream: true` deep-chat parses each server-sent event's data as JSON (and skips
// `[DONE]`); a Mistral chunk carries its text in choices[0].delta.content.
chat.responseInterceptor = (chunk) => ({ text: chunk?.choices?.[0]?.delta?.content ?? '' });
