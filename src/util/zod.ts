import type { z } from 'zod';

/** Every problem of a failed parse at once, each as `path: message` (one line per unknown key). */
export function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${path ? `${path}.` : ''}${key}: unknown key`);
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) return [`${path || '(root)'}: required`];
    return [`${path || '(root)'}: ${issue.message}`];
  });
}
