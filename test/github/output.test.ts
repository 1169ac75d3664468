import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendGitHubOutput, formatGitHubOutput } from '../../src/github/output.js';
import { tempDir } from '../helpers/tmp.js';

describe('GitHub step outputs', () => {
  it('writes key=value lines, and the delimiter form for multi-line values', () => {
    expect(formatGitHubOutput('has-updates', 'true')).toBe('has-updates=true\n');
    const multi = formatGitHubOutput('notes', 'a\nb');
    const match = /^notes<<(ghadelimiter_[0-9a-f-]+)\na\nb\n(.+)\n$/.exec(multi);
    expect(match?.[1]).toBe(match?.[2]);
    expect(() => formatGitHubOutput('bad key', 'x')).toThrow(/invalid step output name/);
  });

  it('appends to what the step already wrote', async () => {
    const file = join(await tempDir(), 'output');
    await writeFile(file, 'earlier=1');
    await appendGitHubOutput(file, { 'has-updates': 'false', matrix: '{"upstream":[]}' });
    expect(await readFile(file, 'utf8')).toBe('earlier=1\nhas-updates=false\nmatrix={"upstream":[]}\n');
  });
});
