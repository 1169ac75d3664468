import { describe, expect, it } from 'vitest';
import type { Anchor } from '../../../src/analysis/anchors/types.js';
import { packageReach } from '../../../src/analysis/scanners/package-reach.js';
import { symbolReach } from '../../../src/analysis/scanners/symbol-reach.js';
import type { RepoReader } from '../../../src/git/reader.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { diffFixture, twoReleases } from '../../helpers/scan.js';

/** An upstream with an SDK of two API versions (subpaths `.` and `./v2`) and a plugin package that uses v2. */
const UPSTREAM: Record<string, string> = {
  'packages/sdk/package.json': JSON.stringify({
    name: '@acme/sdk',
    exports: { '.': './src/index.ts', './v2': { types: './src/v2/index.ts', import: './dist/v2.js' } },
  }),
  'packages/sdk/src/index.ts': 'export * from "./client.js";\n',
  'packages/sdk/src/client.ts':
    'import type { Session } from "./gen/types.gen";\nexport class Client { s?: Session }\n',
  'packages/sdk/src/gen/types.gen.ts': 'export type Session = { id: string };\n',
  'packages/sdk/src/v2/index.ts': 'export * from "./gen/types.gen.js";\n',
  'packages/sdk/src/v2/gen/types.gen.ts':
    'export type ProviderV2 = { id: string; models: Record<string, ModelV2> };\nexport type ModelV2 = { id: string };\nexport type SyncEvent = { seq: number };\n',
  'packages/sdk/src/unused.ts': 'export const unused = 1;\n',
  'packages/plugin/package.json': JSON.stringify({ name: '@acme/plugin', main: 'src/index.ts' }),
  'packages/plugin/src/index.ts':
    'import type { ProviderV2 } from "@acme/sdk/v2";\nexport type Hooks = { p?: ProviderV2 };\n',
  'packages/built/package.json': JSON.stringify({ name: '@acme/built', exports: './dist/index.js' }),
  'packages/built/src/index.ts': 'export const x = 1;\n',
  'packages/app/src/main.ts': 'export const y = 1;\n',
};

async function readerOf(): Promise<RepoReader> {
  const repo = await twoReleases(createFixtureRepo, UPSTREAM, {
    'packages/app/src/main.ts': 'export const y = 2;\n',
  });
  return (await diffFixture(repo, { from: 'v1', to: 'v2' })).reader;
}

describe('package reach', () => {
  it('follows the entries of the imported subpaths, relative imports and imports of other upstream packages', async () => {
    const reader = await readerOf();
    const reached = async (modules: string[], paths: string[]) => {
      const reach = packageReach(reader, new Set(modules));
      return Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await reach(p)] as const)));
    };
    // The SDK's root only: v2 and files no entry imports are not reached.
    expect(
      await reached(
        ['@acme/sdk'],
        [
          'packages/sdk/src/client.ts',
          'packages/sdk/src/gen/types.gen.ts',
          'packages/sdk/src/v2/gen/types.gen.ts',
          'packages/sdk/src/unused.ts',
          'packages/plugin/src/index.ts',
          'packages/app/src/main.ts',
        ],
      ),
    ).toEqual({
      'packages/sdk/src/client.ts': true,
      'packages/sdk/src/gen/types.gen.ts': true,
      'packages/sdk/src/v2/gen/types.gen.ts': false,
      'packages/sdk/src/unused.ts': false,
      'packages/plugin/src/index.ts': false,
      'packages/app/src/main.ts': false,
    });
    // The plugin reaches the SDK's v2 types through its own import of `@acme/sdk/v2`, not its root.
    expect(
      await reached(
        ['@acme/plugin'],
        [
          'packages/plugin/src/index.ts',
          'packages/sdk/src/v2/gen/types.gen.ts',
          'packages/sdk/src/client.ts',
        ],
      ),
    ).toEqual({
      'packages/plugin/src/index.ts': true,
      'packages/sdk/src/v2/gen/types.gen.ts': true,
      'packages/sdk/src/client.ts': false,
    });
    // A package whose entry is a built file (not in the repository) is reached whole.
    expect(await reached(['@acme/built'], ['packages/built/src/index.ts'])).toEqual({
      'packages/built/src/index.ts': true,
    });
  });

  it('without a tree listing, a file is reached when its package is imported', async () => {
    const git = await readerOf();
    const reader: RepoReader = { readFile: (ref, path) => git.readFile(ref, path) };
    const reach = packageReach(reader, new Set(['@acme/sdk']));
    expect(await reach('packages/sdk/src/unused.ts')).toBe(true);
    expect(await reach('packages/plugin/src/index.ts')).toBe(false);
  });

  it('follows the names the downstream imports to the declarations they mention, across packages', async () => {
    const reader = await readerOf();
    const anchor = (kind: 'symbol' | 'module', value: string, module?: string): Anchor => ({
      kind,
      value,
      ...(module ? { module } : {}),
      uses: [{ path: 'index.ts', line: 1, excerpt: value }],
      weight: 0.5,
      upstreamFiles: 1,
      upstreamSample: [],
    });
    const v2 = 'packages/sdk/src/v2/gen/types.gen.ts';
    // `Hooks` (plugin) mentions ProviderV2 (imported from @acme/sdk/v2), which mentions ModelV2.
    const reach = symbolReach(reader, [
      anchor('symbol', 'Hooks', '@acme/plugin'),
      anchor('module', '@acme/plugin'),
    ]);
    expect(await reach('packages/plugin/src/index.ts', 'Hooks')).toBe(true);
    expect(await reach(v2, 'ProviderV2')).toBe(true);
    expect(await reach(v2, 'ModelV2')).toBe(true);
    expect(await reach(v2, 'SyncEvent')).toBe(false);
    expect(await reach('packages/sdk/src/client.ts', 'Client')).toBe(false);
    // Imported whole (no name given): not known, the file-level reach decides.
    const whole = symbolReach(reader, [anchor('module', '@acme/sdk')]);
    expect(await whole(v2, 'SyncEvent')).toBeUndefined();
  });
});
