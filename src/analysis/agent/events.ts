import { z } from 'zod';

/**
 * The event stream of `opencode run --format json`: one JSON object per line. Only the fields
 * release-watch reads are checked; unknown event types and extra fields are kept out of the way.
 */

const tokensSchema = z.looseObject({
  total: z.number().optional(),
  input: z.number().optional(),
  output: z.number().optional(),
  reasoning: z.number().optional(),
  cache: z.looseObject({ read: z.number().optional(), write: z.number().optional() }).optional(),
});

const eventSchema = z.looseObject({
  type: z.string(),
  sessionID: z.string().optional(),
  part: z
    .looseObject({
      id: z.string().optional(),
      sessionID: z.string().optional(),
      messageID: z.string().optional(),
      type: z.string().optional(),
      text: z.string().optional(),
      tool: z.string().optional(),
      reason: z.string().optional(),
      cost: z.number().optional(),
      tokens: tokensSchema.optional(),
      state: z
        .looseObject({
          status: z.string().optional(),
          error: z.unknown().optional(),
          input: z.unknown().optional(),
        })
        .optional(),
    })
    .optional(),
  error: z.unknown().optional(),
});

export type OpenCodeEvent = z.infer<typeof eventSchema>;

export interface ToolCall {
  tool: string;
  status?: string;
  input?: unknown;
  error?: string;
}

/** What a run's event stream adds up to. */
export interface EventSummary {
  sessionId?: string;
  /** Text parts in order, the latest version of each part. */
  texts: string[];
  /** Text parts of the last step only: the final answer. */
  finalTexts: string[];
  tools: ToolCall[];
  steps: number;
  tokens: number;
  cost: number;
  /** Why the last step finished (`stop`, `tool-calls`, `length`, …). */
  finishReason?: string;
  /** `error` events, as text. */
  errors: string[];
  /** Lines that were not JSON events (kept for the error message). */
  unparsed: number;
}

const tokenCount = (t: z.infer<typeof tokensSchema>) =>
  t.total ??
  (t.input ?? 0) + (t.output ?? 0) + (t.reasoning ?? 0) + (t.cache?.read ?? 0) + (t.cache?.write ?? 0);

const describe = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as { name?: unknown; message?: unknown; data?: { message?: unknown } };
    const message = v.data?.message ?? v.message;
    if (typeof message === 'string') return typeof v.name === 'string' ? `${v.name}: ${message}` : message;
  }
  return JSON.stringify(value);
};

/** Folds parsed events into a summary; incremental, so a caller can feed lines as they arrive. */
export class EventStream {
  private readonly textById = new Map<string, { text: string; step: number }>();
  private readonly order: string[] = [];
  readonly summary: EventSummary = {
    texts: [],
    finalTexts: [],
    tools: [],
    steps: 0,
    tokens: 0,
    cost: 0,
    errors: [],
    unparsed: 0,
  };

  /** Adds one line of output; returns the event, or undefined for a blank or non-JSON line. */
  push(line: string): OpenCodeEvent | undefined {
    const trimmed = line.trim();
    if (!trimmed) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      this.summary.unparsed++;
      return undefined;
    }
    const parsed = eventSchema.safeParse(json);
    if (!parsed.success) {
      this.summary.unparsed++;
      return undefined;
    }
    this.apply(parsed.data);
    return parsed.data;
  }

  private apply(event: OpenCodeEvent) {
    const s = this.summary;
    s.sessionId ??= event.sessionID ?? event.part?.sessionID;
    const part = event.part;
    switch (event.type) {
      case 'step_start':
        s.steps++;
        break;
      case 'text': {
        if (part?.text === undefined) break;
        const id = part.id ?? `#${this.order.length}`;
        if (!this.textById.has(id)) this.order.push(id);
        this.textById.set(id, { text: part.text, step: s.steps });
        break;
      }
      case 'tool_use':
        s.tools.push({
          tool: part?.tool ?? '?',
          status: part?.state?.status,
          input: part?.state?.input,
          ...(part?.state?.error !== undefined ? { error: describe(part.state.error) } : {}),
        });
        break;
      case 'step_finish':
        if (part?.tokens) s.tokens += tokenCount(part.tokens);
        if (part?.cost) s.cost += part.cost;
        s.finishReason = part?.reason ?? s.finishReason;
        break;
      case 'error':
        s.errors.push(describe(event.error ?? part));
        break;
    }
    const texts = this.order.map((id) => this.textById.get(id)!);
    s.texts = texts.map((t) => t.text);
    s.finalTexts = texts.filter((t) => t.step === s.steps).map((t) => t.text);
  }
}

/** Parses a whole captured stream (e.g. a kept events file). */
export function summarizeEvents(output: string): EventSummary {
  const stream = new EventStream();
  for (const line of output.split('\n')) stream.push(line);
  return stream.summary;
}
