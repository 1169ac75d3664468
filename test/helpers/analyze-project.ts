import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseConfig } from '../../src/config/load.js';
import { writeDiffArtifacts } from './diff-artifacts.js';
import { createFixtureRepo, type FixtureRepo } from './git-fixture.js';
import { tempDir } from './tmp.js';

export const HOOKS_V1 = `export interface Hooks {
  auth?: AuthHook;
  event?: (input: { event: Event }) => Promise<void>;
}
`;
export const HOOKS_V2 = `export interface Hooks {
  auth?: AuthHook;
  event?: (input: { event: Event; session: string }) => Promise<void>;
}
`;

export const UPSTREAMS = {
  up: {
    repo: 'owner/up',
    tags: 'v*',
    surfaces: { 'plugin-hooks': ['src/plugin/**'] },
    ignore: ['**/*.lock'],
  },
  other: { repo: 'owner/other', tags: 'other-v*' },
};

/**
 * A downstream project (release-watch.config.json) watching a fixture upstream released as v1 and v2,
 * with the upstream cache in place; `withArtifacts` also writes the diff artifacts of v2.
 */
export async function analyzeProject(options: { withArtifacts?: boolean } = {}) {
  const repo: FixtureRepo = await createFixtureRepo();
  await repo.commit({ 'src/plugin/index.ts': HOOKS_V1, 'README.md': 'up\n', 'yarn.lock': 'a\n' });
  await repo.tag('v1');
  await repo.commit({ 'src/plugin/index.ts': HOOKS_V2, 'README.md': 'up!\n', 'yarn.lock': 'b\n' });
  await repo.tag('v2');
  const root = await tempDir('rw-project-');
  const file = join(root, 'release-watch.config.json');
  const raw = { artifacts: 'artifacts', cache: 'cache', agent: { kind: 'none' }, upstreams: UPSTREAMS };
  await writeFile(file, JSON.stringify(raw, null, 2));
  const config = parseConfig(raw, file);
  await execa('git', ['clone', '--bare', '--quiet', repo.dir, join(config.cache, 'up.git')]);
  const writeArtifacts = (from = 'v1', to = 'v2') =>
    writeDiffArtifacts({
      gitDir: join(repo.dir, '.git'),
      artifacts: config.artifacts,
      id: 'up',
      repo: 'owner/up',
      from,
      to,
      surfaces: UPSTREAMS.up.surfaces,
      ignore: UPSTREAMS.up.ignore,
    });
  if (options.withArtifacts !== false) await writeArtifacts();
  return { repo, root, config, writeArtifacts };
}
