import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitEnv } from '../../src/git/run.js';
import { tempDir } from '../helpers/tmp.js';

// Its own file: the user's fetch settings are read once per process, at the first git call.
describe('gitEnv', () => {
  it("carries the user's fetch settings (proxy, URL rewrites) over, and nothing that changes output", async () => {
    const global = join(await tempDir(), 'gitconfig');
    await writeFile(
      global,
      '[http]\n\tproxy = http://proxy.example:3128\n[url "https://mirror.example/"]\n\tinsteadOf = https://github.com/\n[diff]\n\talgorithm = patience\n[core]\n\tquotePath = true\n',
    );
    const saved = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = global;
    let env: Record<string, string>;
    try {
      env = gitEnv([['http.extraHeader', 'X: y']]);
    } finally {
      if (saved === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = saved;
    }
    const entries = Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, n) => [
      env[`GIT_CONFIG_KEY_${n}`],
      env[`GIT_CONFIG_VALUE_${n}`],
    ]);
    expect(entries).toEqual([
      ['http.proxy', 'http://proxy.example:3128'],
      ['url.https://mirror.example/.insteadof', 'https://github.com/'],
      ['http.extraHeader', 'X: y'],
    ]);
    expect(env.GIT_CONFIG_GLOBAL).not.toBe(global);
    expect(env.GIT_CONFIG_NOSYSTEM).toBe('1');
  });
});
