import { describe, expect, it } from 'vitest';
import { EventStream, summarizeEvents } from '../../../src/analysis/agent/events.js';

// Lines shaped like `opencode run --format json` output of opencode-ai 1.18.33 (ids shortened).
const S = 'ses_df5b6996effeJROP8MkGO1zBOX';
const line = (value: unknown) => JSON.stringify(value);
const stepStart = (msg: string) =>
  line({
    type: 'step_start',
    timestamp: 1,
    sessionID: S,
    part: { id: `prt_s${msg}`, messageID: msg, sessionID: S, type: 'step-start' },
  });
const text = (id: string, msg: string, value: string) =>
  line({
    type: 'text',
    timestamp: 2,
    sessionID: S,
    part: { id, messageID: msg, sessionID: S, type: 'text', text: value, time: { start: 1, end: 2 } },
  });
const toolUse = (tool: string, status: string, extra: Record<string, unknown> = {}) =>
  line({
    type: 'tool_use',
    timestamp: 3,
    sessionID: S,
    part: {
      type: 'tool',
      tool,
      callID: 'call_1',
      state: { status, input: { filePath: '/w/src/a.ts' }, ...extra },
      id: 'prt_t',
      sessionID: S,
      messageID: 'msg_1',
    },
  });
const stepFinish = (reason: string, tokens: Record<string, unknown>, cost: number) =>
  line({
    type: 'step_finish',
    timestamp: 4,
    sessionID: S,
    part: { id: 'prt_f', reason, messageID: 'msg', sessionID: S, type: 'step-finish', tokens, cost },
  });

describe('event stream', () => {
  it('sums tokens and cost over the steps, keeps the session id, tool calls and the final text', () => {
    const summary = summarizeEvents(
      [
        stepStart('msg_1'),
        toolUse('read', 'completed'),
        stepFinish(
          'tool-calls',
          { total: 110, input: 100, output: 10, reasoning: 0, cache: { write: 0, read: 0 } },
          0.00012,
        ),
        stepStart('msg_2'),
        text('prt_a', 'msg_2', 'Looking at it.'),
        toolUse('edit', 'error', {
          error: 'The user has specified a rule which prevents you from using this specific tool call.',
        }),
        stepFinish('tool-calls', { input: 50, output: 5, reasoning: 3, cache: { write: 1, read: 2 } }, 0.5),
        stepStart('msg_3'),
        text('prt_b', 'msg_3', '{"impact":"none"'),
        text('prt_b', 'msg_3', '{"impact":"none","summary":"ok","findings":[]}'),
        stepFinish('stop', { total: 7, input: 5, output: 2 }, 0.25),
        '',
      ].join('\n'),
    );
    expect(summary.sessionId).toBe(S);
    expect(summary.steps).toBe(3);
    // `total` when given, else the sum of the parts.
    expect(summary.tokens).toBe(110 + 61 + 7);
    expect(summary.cost).toBeCloseTo(0.75012, 10);
    expect(summary.finishReason).toBe('stop');
    expect(summary.tools).toEqual([
      { tool: 'read', status: 'completed', input: { filePath: '/w/src/a.ts' } },
      {
        tool: 'edit',
        status: 'error',
        input: { filePath: '/w/src/a.ts' },
        error: 'The user has specified a rule which prevents you from using this specific tool call.',
      },
    ]);
    // A part re-emitted with more text replaces the earlier version; the final step's texts are kept apart.
    expect(summary.texts).toEqual(['Looking at it.', '{"impact":"none","summary":"ok","findings":[]}']);
    expect(summary.finalTexts).toEqual(['{"impact":"none","summary":"ok","findings":[]}']);
    expect(summary.errors).toEqual([]);
    expect(summary.unparsed).toBe(0);
  });

  it('collects error events and counts lines that are not events', () => {
    const stream = new EventStream();
    stream.push('Error: something printed on stdout');
    stream.push(line({ no: 'type' }));
    const event = stream.push(
      line({
        type: 'error',
        timestamp: 5,
        sessionID: S,
        error: { name: 'APIError', data: { message: 'Incorrect API key provided', statusCode: 401 } },
      }),
    );
    expect(event?.type).toBe('error');
    stream.push(line({ type: 'error', error: 'plain text' }));
    stream.push(line({ type: 'something_new', part: { whatever: true } }));
    expect(stream.summary.errors).toEqual(['APIError: Incorrect API key provided', 'plain text']);
    expect(stream.summary.unparsed).toBe(2);
    expect(stream.summary.sessionId).toBe(S);
    expect(stream.summary.texts).toEqual([]);
  });
});
