// Talks to Xueban's /v1 endpoint with the official openai client, as any OpenAI-compatible chat
// front end would, and prints what it saw as one line of JSON for OpenAiClientTest to check.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: process.env.XUEBAN_URL + '/v1', apiKey: process.env.XUEBAN_TOKEN });
const model = process.env.XUEBAN_MODEL;
const question = process.argv[2];

const models = await client.models.list();
const stream = await client.chat.completions.create({
  model, stream: true, messages: [{ role: 'user', content: question }],
});
let streamed = '';
let chunks = 0;
let finish = null;
for await (const chunk of stream) {
  const choice = chunk.choices[0];
  if (choice?.delta?.content) {
    streamed += choice.delta.content;
    chunks++;
  }
  if (choice?.finish_reason) {
    finish = choice.finish_reason;
  }
}
const whole = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: question }, { role: 'assistant', content: streamed },
    { role: 'user', content: '还有呢？' }],
});
let refused = null;
try {
  await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
} catch (e) {
  refused = { status: e.status, code: e.code ?? e.error?.code ?? null };
}
console.log(JSON.stringify({
  models: models.data.map((m) => m.id), chunks, streamed, finish,
  whole: whole.choices[0].message.content, refused,
}));
