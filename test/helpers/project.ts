import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { tempDir } from './tmp.js';

/** A downstream project in a temp dir: writes the given files (e.g. a config) and returns its path. */
export async function tempProject(files: Record<string, string> = {}): Promise<string> {
  const dir = await tempDir('rw-project-');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

/** A minimal valid JSON config with two upstreams, for tests that need any config at all. */
export const TWO_UPSTREAMS_JSON = JSON.stringify(
  {
    upstreams: {
      opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
      codex: { repo: 'openai/codex', tags: 'rust-v*' },
    },
  },
  null,
  2,
);
