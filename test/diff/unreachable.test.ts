import { describe, expect, it } from 'vitest';
import { fetchReleaseTags } from '../../src/diff/service.js';
import { openCache } from '../../src/git/cache.js';
import { runGit } from '../../src/git/run.js';
import { closedPort } from '../helpers/net.js';
import { tempDir } from '../helpers/tmp.js';

describe('git fetch of release tags from a host that does not answer', () => {
  it('is retried twice, saying so, then fails as NETWORK_UNREACHABLE naming the host and the tags', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/codex.git`;
    const cache = await openCache(await tempDir('rw-cache-'), 'codex', url, runGit);
    const notes: string[] = [];
    const error = await fetchReleaseTags(cache, ['v1.0.0', 'v1.1.0'], [], url, {
      onNote: (m) => notes.push(m),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'NETWORK_UNREACHABLE',
      details: { host: `127.0.0.1:${port}`, attempts: 3 },
    });
    expect((error as Error).message).toContain(`fetching v1.0.0, v1.1.0 of ${url} (upstream "codex")`);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port} \\(.+\\); retrying…$`));
  });
});
