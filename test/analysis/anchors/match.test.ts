import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { anchorsForUpstream, mineDownstream } from '../../../src/analysis/anchors/index.js';
import type { Anchor } from '../../../src/analysis/anchors/types.js';
import { parseConfig } from '../../../src/config/load.js';
import { openUpstreamCache } from '../../../src/diff/cache.js';
import { fetchTags } from '../../../src/git/cache.js';
import { countingGit, TEST_ENV } from '../../git/fixture.js';
import {
  createEngineUpstream,
  createPluginDownstream,
  PROMPT_PATH,
  UPSTREAM_REPO,
} from '../../helpers/anchors-fixture.js';
import { servedWithoutBlobs } from '../../helpers/git-fixture.js';

async function setup(
  anchors: { include?: string[]; exclude?: string[] } = {},
  /** Serve the upstream through a mirror that lacks the blobs of these files. */
  lacking: string[] = [],
) {
  const [engine, downstream] = await Promise.all([createEngineUpstream(), createPluginDownstream()]);
  const upstream = lacking.length > 0 ? await servedWithoutBlobs(engine, lacking) : engine;
  const config = parseConfig(
    {
      cache: join(downstream.dir, '.release-watch/cache'),
      upstreams: {
        engine: { repo: UPSTREAM_REPO, tags: 'v*', source: 'git-tags', url: upstream.url, anchors },
      },
    },
    join(downstream.dir, 'release-watch.config.json'),
  );
  const counting = countingGit();
  const cache = await openUpstreamCache(config, 'engine', { env: TEST_ENV, git: counting.git });
  await fetchTags(cache, ['v1.0.0']);
  counting.reset();
  return { config, cache, counting, downstream, engine };
}

const byKey = (anchors: Anchor[]) =>
  new Map(anchors.map((anchor) => [`${anchor.kind}:${anchor.value}`, anchor]));

describe('anchors of an upstream', () => {
  it('keeps what occurs in the upstream tree at from, weighted by rarity, from one read of its blobs', async () => {
    const { config, cache, counting, downstream } = await setup();
    const result = await anchorsForUpstream({
      config,
      upstream: 'engine',
      from: 'v1.0.0',
      git: counting.git,
      cache,
    });
    expect(result).toMatchObject({
      upstream: 'engine',
      from: 'v1.0.0',
      downstreamCommit: await downstream.git('rev-parse', 'HEAD'),
    });
    const anchors = byKey(result.anchors);
    expect(anchors.get(`upstream-path:${PROMPT_PATH}`)).toMatchObject({
      repo: UPSTREAM_REPO,
      upstreamFiles: 1,
      upstreamSample: [PROMPT_PATH],
      weight: 0.5,
      uses: [{ path: 'index.ts', line: 5 }],
    });
    // Headers match in any case (`Engine-Account-Id` upstream).
    expect(anchors.get('header:engine-account-id')).toMatchObject({
      upstreamSample: ['core/src/headers.rs'],
    });
    expect(anchors.get('header:Engine-Beta')).toMatchObject({ upstreamFiles: 1 });
    for (const model of ['engine-large', 'engine-mini', 'engine-max']) {
      expect(anchors.get(`literal:${model}`)).toMatchObject({ upstreamSample: ['core/src/models.rs'] });
    }
    expect(anchors.get('env:ENGINE_HOME')).toMatchObject({ upstreamSample: ['core/src/env.rs'] });
    expect(anchors.get('hook:chat.params')).toMatchObject({
      upstreamSample: ['packages/engine/src/session.ts', 'packages/plugin/src/index.ts'],
    });
    expect(anchors.get('module:@opencode-ai/plugin')).toMatchObject({ upstreamFiles: 1 });
    expect(anchors.get('url:/v1/responses')).toMatchObject({ upstreamSample: ['core/src/server.rs'] });
    // Generic words the upstream lacks fall away; so does a host only the downstream calls.
    for (const gone of [
      'literal:zebra-stripes',
      'literal:banana-split',
      'url:api.engine.test/v1/responses',
    ]) {
      expect(anchors.has(gone)).toBe(false);
    }
    // `low` is everywhere upstream (not inside `allow`-like words: whole names only), so it weighs least.
    const low = anchors.get('literal:low')!;
    expect(low.upstreamFiles).toBe(8);
    expect(low.weight).toBeCloseTo(1 / (1 + Math.log2(9)));
    expect(result.anchors.at(-1)?.weight).toBeLessThanOrEqual(low.weight);
    expect(anchors.get('literal:engine-max')!.weight).toBeGreaterThan(low.weight);
    const weights = result.anchors.map((anchor) => anchor.weight);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));

    // No grep with an alternative per anchor (minutes on a real tree): the blobs are read once.
    expect(counting.of('grep')).toHaveLength(0);
    // The trees, then the tree's blobs in one request, not one per file as they are read:
    // afterwards every blob reads with lazy fetching turned off.
    const fetches = counting.of('fetch');
    expect(fetches).toHaveLength(2);
    const blobIds = (
      await execa('git', [`--git-dir=${cache.dir}`, 'ls-tree', '-r', '--object-only', 'v1.0.0'])
    ).stdout;
    expect(fetches[1]!.input?.trim().split('\n').sort()).toEqual(blobIds.split('\n').sort());
    const local = await execa('git', [`--git-dir=${cache.dir}`, 'cat-file', '--batch-check'], {
      input: `${blobIds}\n`,
      env: { GIT_NO_LAZY_FETCH: '1' },
      reject: false,
    });
    expect(local.exitCode).toBe(0);
    expect(local.stdout).not.toContain('missing');
    // A second run finds every blob local: no fetch at all.
    counting.reset();
    await anchorsForUpstream({ config, upstream: 'engine', from: 'v1.0.0', git: counting.git, cache });
    expect(counting.of('fetch')).toHaveLength(0);
  });

  it('curates with include and exclude, by value or kind:value', async () => {
    const { config, cache } = await setup({
      include: ['zebra-stripes', 'header:X-Engine-Trace'],
      exclude: ['low', 'literal:engine-mini', 'env:ENGINE_HOME'],
    });
    const anchors = byKey(
      (await anchorsForUpstream({ config, upstream: 'engine', from: 'v1.0.0', cache })).anchors,
    );
    expect(anchors.get('literal:zebra-stripes')).toMatchObject({
      included: true,
      upstreamFiles: 0,
      weight: 1,
      uses: [{ path: 'lib/models.ts', line: 6 }],
    });
    expect(anchors.get('header:X-Engine-Trace')).toMatchObject({ included: true, uses: [] });
    for (const gone of ['literal:low', 'literal:engine-mini', 'env:ENGINE_HOME'])
      expect(anchors.has(gone)).toBe(false);
    expect(anchors.get('literal:engine-max')?.included).toBeUndefined();
  });

  it('keeps a raw-URL path only for the upstream whose repository it names', async () => {
    const { config, cache } = await setup();
    const other = parseConfig(
      {
        cache: config.cache,
        downstream: { path: config.downstream.path },
        upstreams: { engine: { ...config.upstreams.engine!, repo: 'someone/else' } },
      },
      config.file,
    );
    const mined = await mineDownstream(config.downstream.path);
    const result = await anchorsForUpstream({
      config: other,
      upstream: 'engine',
      from: 'v1.0.0',
      cache,
      mined,
    });
    expect(byKey(result.anchors).has(`upstream-path:${PROMPT_PATH}`)).toBe(false);
    expect(byKey(result.anchors).has('literal:engine-max')).toBe(true);
  });

  it('searches what a mirror can serve and names the files whose blobs it lacks, never failing for them', async () => {
    const { config, cache } = await setup({}, ['core/src/headers.rs']);
    const result = await anchorsForUpstream({ config, upstream: 'engine', from: 'v1.0.0', cache });
    expect(result.unread).toEqual(['core/src/headers.rs']);
    const anchors = byKey(result.anchors);
    // Found only in the file that could not be read.
    expect(anchors.has('header:Engine-Beta')).toBe(false);
    expect(anchors.get('env:ENGINE_HOME')).toMatchObject({ upstreamSample: ['core/src/env.rs'] });
    expect(anchors.get(`upstream-path:${PROMPT_PATH}`)).toMatchObject({ upstreamFiles: 1 });
    // Every blob served is local now: a second run asks for the lacking one only, and still succeeds.
    const again = await anchorsForUpstream({ config, upstream: 'engine', from: 'v1.0.0', cache });
    expect(again).toEqual(result);
  });

  it('answers for blobs it searched before from its store: a new tag reads only the blobs it does not share', async () => {
    const { config, cache, engine } = await setup();
    const store = join(config.cache, 'anchors', 'matches', 'engine');
    const match = (from: string) => anchorsForUpstream({ config, upstream: 'engine', from, cache });
    const first = await match('v1.0.0');
    const [file] = await readdir(store);
    expect(file).toMatch(/^[0-9a-f]{16}\.json$/);
    const stored = JSON.parse(await readFile(join(store, file!), 'utf8')) as {
      keys: string[];
      blobs: Record<string, number[]>;
    };
    const docs = (await engine.git('rev-parse', 'v1.0.0:docs/models.md')).trim();
    expect(stored.blobs[docs]).toEqual([]);
    // A hit written into the store for a blob is believed: the blob is not read again.
    const max = stored.keys.findIndex((key) => key.startsWith('literal\0engine-max\0'));
    stored.blobs[docs] = [max];
    await writeFile(join(store, file!), JSON.stringify(stored));
    expect(byKey((await match('v1.0.0')).anchors).get('literal:engine-max')?.upstreamSample).toEqual([
      'core/src/models.rs',
      'docs/models.md',
    ]);
    // A damaged store is never trusted: everything is searched again, with the same result as at first.
    await writeFile(join(store, file!), '{"version":1,"keys":["x"],"blobs":{"zz":[7]}}');
    expect(await match('v1.0.0')).toEqual(first);

    // A release moves ENGINE_HOME and adds a model: the result through the store (most blobs known)
    // equals a search of every blob.
    await engine.commit(
      {
        'core/src/env.rs': 'pub fn home() -> String { std::env::var("ENGINE_DIR").unwrap() }\n',
        'core/src/more.rs': 'const M: &str = "engine-max";\n',
      },
      'engine 1.1',
    );
    await engine.tag('v1.1.0');
    await fetchTags(cache, ['v1.1.0']);
    const viaStore = await match('v1.1.0');
    const anchors = byKey(viaStore.anchors);
    expect(anchors.has('env:ENGINE_HOME')).toBe(false);
    expect(anchors.get('literal:engine-max')?.upstreamSample).toEqual([
      'core/src/models.rs',
      'core/src/more.rs',
    ]);
    await rm(store, { recursive: true });
    expect(await match('v1.1.0')).toEqual(viaStore);
  });

  it('names a from tag the cache does not hold', async () => {
    const { config, cache } = await setup();
    await expect(
      anchorsForUpstream({ config, upstream: 'engine', from: 'v9.9.9', cache }),
    ).rejects.toMatchObject({
      code: 'TAG_NOT_FOUND',
    });
  });
});
