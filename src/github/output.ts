import { randomUUID } from 'node:crypto';
import { appendFileAtomically } from '../util/fs.js';

/**
 * One entry in GitHub's step-output file format: `key=value`, or for values with line breaks
 * `key<<DELIMITER` … `DELIMITER` with a delimiter that occurs in neither.
 */
export function formatGitHubOutput(key: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) throw new Error(`invalid step output name: ${key}`);
  if (!/[\r\n]/.test(value)) return `${key}=${value}\n`;
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
  return `${key}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Appends outputs to `$GITHUB_OUTPUT`, keeping what earlier commands of the step wrote. The whole
 * file is replaced atomically, so a crash never leaves a half-written entry for the runner to read.
 */
export async function appendGitHubOutput(file: string, outputs: Record<string, string>): Promise<void> {
  const added = Object.entries(outputs)
    .map(([key, value]) => formatGitHubOutput(key, value))
    .join('');
  await appendFileAtomically(file, added);
}
