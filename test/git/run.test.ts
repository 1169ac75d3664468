import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../src/git/run.js';
import { tempDir } from '../helpers/tmp.js';

describe('runGit with stdoutFile', () => {
  it('hands the file to git and buffers nothing', async () => {
    const dir = await tempDir('rw-run-');
    const file = join(dir, 'out.txt');
    const result = await runGit(['hash-object', '--stdin'], { input: 'hello\n', stdoutFile: file });
    expect(result).toEqual({ stdout: '', exitCode: 0 });
    expect(await readFile(file, 'utf8')).toBe('ce013625030ba8dba906f756967f9e9ca394464a\n');
  });

  it('still reports the failure and git’s message', async () => {
    const dir = await tempDir('rw-run-');
    const error = await runGit(['--git-dir', join(dir, 'none.git'), 'log'], {
      stdoutFile: join(dir, 'out.txt'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).stderr).toMatch(/not a git repository/);
  });
});
