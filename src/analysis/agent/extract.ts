import { formatZodIssues } from '../../util/zod.js';
import { type AgentOutput, agentOutputSchema } from '../schema.js';

/**
 * Finding the agent's answer in its final text: a bare JSON object, or one inside a ```json fence
 * with prose around it. Every candidate object is validated; the last one that fits the schema wins
 * (models often restate a draft before the final answer).
 */

export type Extraction =
  | {
      ok: true;
      output: AgentOutput;
      /** What was dropped or filled to make the answer fit, one sentence each (empty when nothing). */
      adjustments: string[];
    }
  | {
      ok: false;
      /** `no-json`: nothing parsed as a JSON object; `invalid`: objects found, none fit the schema. */
      reason: 'no-json' | 'invalid';
      /** Schema problems of the most likely candidate, as `path: message`. */
      problems: string[];
    };

/** Balanced `{…}` spans of `text` that parse as JSON objects, with where each starts. */
export function jsonObjects(text: string, offset = 0): { index: number; value: object }[] {
  const found: { index: number; value: object }[] = [];
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('{', i);
    if (start < 0) break;
    const end = matchingBrace(text, start);
    if (end < 0) {
      i = start + 1;
      continue;
    }
    try {
      const value = JSON.parse(text.slice(start, end + 1));
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        found.push({ index: offset + start, value });
        i = end + 1;
        continue;
      }
    } catch {
      // not JSON as a whole: look for an object starting further in
    }
    i = start + 1;
  }
  return found;
}

/** Index of the `}` closing the `{` at `start`, skipping braces inside JSON strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const FENCE = /```[ \t]*(?:json|jsonc|JSON)?[ \t]*\r?\n([\s\S]*?)```/g;

/** Candidate objects in order of appearance: inside code fences, and bare in the prose. */
export function candidates(text: string): object[] {
  const fenced = [...text.matchAll(FENCE)].flatMap((m) => jsonObjects(m[1] ?? '', m.index));
  // Fences blanked out (same length, so indexes still line up) before looking for bare objects.
  const bare = jsonObjects(text.replace(FENCE, (block) => ' '.repeat(block.length)));
  return [...fenced, ...bare].sort((a, b) => a.index - b.index).map((c) => c.value);
}

/** Extracts and validates the agent's answer from the given texts, the last text first. */
export function extractAgentOutput(texts: readonly string[]): Extraction {
  let best: { problems: string[]; size: number } | undefined;
  let sawJson = false;
  for (const text of [...texts].reverse()) {
    const objects = candidates(text);
    for (const object of [...objects].reverse()) {
      sawJson = true;
      const { value, adjustments } = tolerate(object);
      const parsed = agentOutputSchema.safeParse(value);
      if (parsed.success) return { ok: true, output: parsed.data, adjustments };
      // The biggest object is the likeliest attempt at the answer; report its problems.
      const size = JSON.stringify(object).length;
      if (!best || size > best.size) best = { problems: formatZodIssues(parsed.error), size };
    }
  }
  return sawJson && best
    ? { ok: false, reason: 'invalid', problems: best.problems }
    : { ok: false, reason: 'no-json', problems: ['no JSON object found in the final answer'] };
}

const TOP_LEVEL = new Set(Object.keys(agentOutputSchema.shape));

/**
 * What models do that changes nothing, undone: top-level keys the answer does not have (models copy
 * `schemaVersion` and other analysis.json keys) are dropped, a missing evidence `excerpt` is filled
 * with an empty one (path and lines are still verified). Everything that decides the verdict is
 * left for the schema to judge.
 */
export function tolerate(object: object): { value: object; adjustments: string[] } {
  const adjustments: string[] = [];
  const value: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(object)) {
    if (TOP_LEVEL.has(key)) value[key] = inner;
    else adjustments.push(`dropped the top-level key "${key}"`);
  }
  if (Array.isArray(value.findings)) {
    value.findings = value.findings.map((finding: unknown, i: number) => {
      const evidence = (finding as { evidence?: unknown })?.evidence;
      if (!Array.isArray(evidence)) return finding;
      return {
        ...(finding as object),
        evidence: evidence.map((item: unknown, j: number) => {
          if (!item || typeof item !== 'object' || 'excerpt' in item) return item;
          const where = (item as { path?: unknown }).path;
          adjustments.push(
            `filled the missing excerpt of findings[${i}].evidence[${j}]${typeof where === 'string' ? ` (${where})` : ''}`,
          );
          return { ...item, excerpt: '' };
        }),
      };
    });
  }
  return { value, adjustments };
}
