import type { z } from 'zod';

/** The value at an issue's path in the parsed input (zod 4 issues carry no input unless asked to). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Every problem of a failed parse at once, each as `path: message` (one line per unknown key). With
 * the parsed `input`, a missing key says "required" and a present one of the wrong type keeps the
 * schema's message; `suggest` may add a "did you mean" to an unknown key.
 */
export function formatZodIssues(
  error: z.ZodError,
  input?: unknown,
  suggest?: (path: readonly PropertyKey[], key: string) => string | undefined,
): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const meant = suggest?.(issue.path, key);
        return `${path ? `${path}.` : ''}${key}: unknown key${meant ? ` (did you mean "${meant}"?)` : ''}`;
      });
    }
    const missing =
      input === undefined ? issue.input === undefined : valueAt(input, issue.path) === undefined;
    if (issue.code === 'invalid_type' && missing) return [`${path || '(root)'}: required`];
    return [`${path || '(root)'}: ${issue.message}`];
  });
}
