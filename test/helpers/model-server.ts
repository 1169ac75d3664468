import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for running the real `opencode`
 * CLI offline. Each scenario is a list of turns (a text answer, tool calls, a hang, an HTTP error)
 * served in order to the requests for that scenario's model; OpenCode's title-generation request is
 * answered without consuming a turn. Every request is recorded (headers and raw body), so tests can
 * assert what reached the provider, e.g. that no GitHub token did.
 */

export interface ScriptedToolCall {
  /** OpenCode tool name: read, grep, glob, list, edit, write, bash, webfetch, … */
  name: string;
  arguments: Record<string, unknown>;
}

export type ScriptedTurn =
  | { text: string }
  | { toolCalls: ScriptedToolCall[]; text?: string }
  /** Accept the request and never answer it. */
  | { hang: true }
  /** Start streaming `text`, then drop the connection halfway (no finish reason, no [DONE]). */
  | { truncated: string }
  | { status: number; body?: unknown };

export interface RecordedModelRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The model id asked for, when the body is a chat completion. */
  model?: string;
  kind: 'title' | 'turn' | 'other';
}

export interface Scenario {
  /** Model id inside the provider (the request's `model`). */
  id: string;
  /** Turns not served yet. */
  remaining(): number;
  /** Requests for this scenario's model (title requests included). */
  requests(): RecordedModelRequest[];
}

export interface ModelServer {
  /** Base URL for `options.baseURL`: `http://127.0.0.1:PORT/v1`. */
  url: string;
  requests: RecordedModelRequest[];
  /** Registers a script under a fresh model id. */
  scenario(turns: ScriptedTurn[]): Scenario;
  close(): Promise<void>;
}

export const TITLE_MARKER = 'You are a title generator';
export const SCRIPTED_TITLE = 'Scripted session';

interface ChatMessage {
  role: string;
  content?: unknown;
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('')
      : '';

const isTitleRequest = (messages: ChatMessage[]) =>
  messages.some((m) => m.role === 'system' && textOf(m.content).includes(TITLE_MARKER));

export async function startModelServer(): Promise<ModelServer> {
  const scripts = new Map<string, ScriptedTurn[]>();
  const requests: RecordedModelRequest[] = [];
  let nextScenario = 1;
  let nextId = 1;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  /** Answers one turn as a chat completion, streamed as SSE chunks or as one JSON body. */
  const answer = (
    res: ServerResponse,
    model: string,
    turn: { text?: string; toolCalls?: ScriptedToolCall[] },
    stream: boolean,
  ) => {
    const id = `chatcmpl-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const toolCalls = (turn.toolCalls ?? []).map((call, index) => ({
      index,
      id: `call_${nextId++}`,
      type: 'function' as const,
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    const finishReason = toolCalls.length > 0 ? 'tool_calls' : 'stop';
    const completionTokens = Math.ceil((turn.text ?? '').length / 4) + toolCalls.length * 10;
    const usage = {
      prompt_tokens: 100,
      completion_tokens: completionTokens,
      total_tokens: 100 + completionTokens,
    };
    if (!stream) {
      json(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: turn.text ?? null,
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls.map(({ index: _, ...call }) => call) } : {}),
            },
            finish_reason: finishReason,
          },
        ],
        usage,
      });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const chunk = (
      delta: Record<string, unknown>,
      finish: string | null,
      extra: Record<string, unknown> = {},
    ) =>
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`,
      );
    chunk({ role: 'assistant', content: '' }, null);
    // Several small chunks, as a real provider sends, so the client's stream assembly is exercised.
    const text = turn.text ?? '';
    for (let i = 0; i < text.length; i += 64) chunk({ content: text.slice(i, i + 64) }, null);
    for (const call of toolCalls) chunk({ tool_calls: [call] }, null);
    chunk({}, finishReason, { usage });
    res.end('data: [DONE]\n\n');
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record: RecordedModelRequest = {
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      kind: 'other',
    };
    requests.push(record);

    if (req.method === 'GET' && path === '/v1/models') {
      json(res, 200, {
        object: 'list',
        data: [...scripts.keys()].map((id) => ({ id, object: 'model', owned_by: 'scripted' })),
      });
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      json(res, 404, {
        error: { message: `model-server: no route for ${req.method} ${path}`, type: 'not_found' },
      });
      return;
    }
    let parsed: { model?: string; messages?: ChatMessage[]; stream?: boolean };
    try {
      parsed = JSON.parse(body);
    } catch {
      json(res, 400, { error: { message: 'model-server: body is not JSON', type: 'invalid_request_error' } });
      return;
    }
    const model = String(parsed.model ?? '');
    record.model = model;
    const stream = parsed.stream === true;
    if (isTitleRequest(parsed.messages ?? [])) {
      record.kind = 'title';
      answer(res, model, { text: SCRIPTED_TITLE }, stream);
      return;
    }
    record.kind = 'turn';
    const turn = scripts.get(model)?.shift();
    if (!turn) {
      // 400, not 5xx: the client must not retry into an empty script.
      json(res, 400, {
        error: {
          message: `model-server: no scripted turn left for model "${model}"`,
          type: 'invalid_request_error',
        },
      });
      return;
    }
    if ('hang' in turn) return; // left open; closeAllConnections() ends it
    if ('truncated' in turn) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const half = turn.truncated.slice(0, Math.ceil(turn.truncated.length / 2));
      const chunk = { id: `chatcmpl-${nextId++}`, object: 'chat.completion.chunk', model, choices: [] };
      res.write(
        `data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: half }, finish_reason: null }] })}\n\n`,
      );
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if ('status' in turn) {
      json(
        res,
        turn.status,
        turn.body ?? { error: { message: `scripted ${turn.status}`, type: 'server_error' } },
      );
      return;
    }
    answer(res, model, turn, stream);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    scenario(turns) {
      const id = `scripted-${nextScenario++}`;
      scripts.set(id, [...turns]);
      return {
        id,
        remaining: () => scripts.get(id)?.length ?? 0,
        requests: () => requests.filter((r) => r.model === id),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
