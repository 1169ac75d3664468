import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixtureRepo } from './git-fixture.js';
import { type GitHttpServer, startGitHttpServer } from './git-http-server.js';

/** A two-release upstream (v1.0.0, v1.1.0) served over git's HTTP protocol, and its git-tags config. */
export async function servedUpstream(): Promise<{
  server: GitHttpServer;
  config: { repo: string; tags: string; source: 'git-tags'; url: string };
  close(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'rw-served-'));
  await mkdir(join(root, 'widget.git'));
  const upstream = await createFixtureRepo({ dir: join(root, 'widget.git') });
  await upstream.commit({ 'a.txt': '1' });
  await upstream.tag('v1.0.0');
  await upstream.commit({ 'a.txt': '2' });
  await upstream.tag('v1.1.0');
  const server = await startGitHttpServer(root);
  return {
    server,
    config: { repo: 'acme/widget', tags: 'v*', source: 'git-tags', url: `${server.url}/widget.git` },
    close: async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
