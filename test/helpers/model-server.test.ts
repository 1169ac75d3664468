import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, SCRIPTED_TITLE, startModelServer, TITLE_MARKER } from './model-server.js';

// The scripted chat-completions server speaks the protocol the e2e tests rely on; checked here with
// plain fetch, without OpenCode.

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

const chat = (body: Record<string, unknown>) =>
  fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
    body: JSON.stringify(body),
  });

interface Completion {
  choices: { message: { content: string } }[];
}
interface ErrorBody {
  error: { message: string };
}
const read = async <T>(response: Response) => (await response.json()) as T;

/** Data payloads of an SSE body. */
const sse = (text: string) =>
  text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice(6));

describe('scripted model server', () => {
  it('serves turns in order per model, answers title requests without using a turn, and records everything', async () => {
    const a = server.scenario([
      { toolCalls: [{ name: 'read', arguments: { filePath: '/x' } }] },
      { text: 'x'.repeat(150) },
    ]);
    const b = server.scenario([{ text: 'from b' }]);

    const title = await chat({
      model: a.id,
      stream: false,
      messages: [
        { role: 'system', content: `${TITLE_MARKER}. Output a title.` },
        { role: 'user', content: 'hi' },
      ],
    });
    expect((await read<Completion>(title)).choices[0]?.message.content).toBe(SCRIPTED_TITLE);
    expect(a.remaining()).toBe(2);

    const tool = sse(
      await (await chat({ model: a.id, stream: true, messages: [{ role: 'user', content: 'go' }] })).text(),
    );
    expect(tool.at(-1)).toBe('[DONE]');
    const chunks = tool.slice(0, -1).map((d) => JSON.parse(d));
    const call = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? [])[0];
    expect(call).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'read', arguments: '{"filePath":"/x"}' },
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
    expect(chunks.at(-1).usage.prompt_tokens).toBe(100);

    const other = await chat({ model: b.id, stream: false, messages: [{ role: 'user', content: 'go' }] });
    expect((await read<Completion>(other)).choices[0]?.message.content).toBe('from b');

    const streamed = sse(await (await chat({ model: a.id, stream: true, messages: [] })).text()).slice(0, -1);
    const content = streamed.map((d) => JSON.parse(d).choices[0].delta.content ?? '').join('');
    expect(content).toBe('x'.repeat(150));
    expect(streamed.length).toBeGreaterThan(3);

    const exhausted = await chat({ model: a.id, stream: true, messages: [] });
    expect(exhausted.status).toBe(400);
    expect((await read<ErrorBody>(exhausted)).error.message).toContain('no scripted turn left');

    expect(a.requests().map((r) => r.kind)).toEqual(['title', 'turn', 'turn', 'turn']);
    expect(a.requests()[1]?.headers.authorization).toBe('Bearer k');
    expect(JSON.parse(a.requests()[1]!.body).messages[0].content).toBe('go');
  });

  it('answers /v1/models, scripted errors, and hangs until closed', async () => {
    const s = server.scenario([{ status: 429, body: { error: { message: 'slow down' } } }, { hang: true }]);
    const models = await read<{ data: { id: string }[] }>(await fetch(`${server.url}/models`));
    expect(models.data.map((m) => m.id)).toContain(s.id);

    const limited = await chat({ model: s.id, messages: [] });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { message: 'slow down' } });

    const hung = chat({ model: s.id, messages: [] }).catch((error: Error) => error);
    const outcome = await Promise.race([
      hung.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300)),
    ]);
    expect(outcome).toBe('still waiting');
    expect(s.remaining()).toBe(0);
    // close() ends the hung connection instead of waiting for it.
    const other = await startModelServer();
    const t = other.scenario([{ hang: true }]);
    const pending = fetch(`${other.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: t.id, messages: [] }),
    }).catch((error: Error) => error);
    while (t.remaining() > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
