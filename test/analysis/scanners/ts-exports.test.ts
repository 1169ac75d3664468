import { describe, expect, it } from 'vitest';
import type { Anchor } from '../../../src/analysis/anchors/types.js';
import { MAX_FINDINGS_PER_RULE } from '../../../src/analysis/scanners/index.js';
import { tsExportsRule } from '../../../src/analysis/scanners/ts-exports.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture, twoReleases } from '../../helpers/scan.js';

const HOOKS_V1 = `import type { Model } from './model';

/** Hooks a plugin may implement. */
export interface Hooks {
  /** Called once. */
  auth?: AuthHook;
  event?: (input: { event: Event }) => Promise<void>;
  "chat.params"?: (input: { model: Model; provider: string }, output: { temperature: number }) => Promise<void>;
  tool?: Record<string, ToolDefinition>;
}

export type AuthHook = {
  provider: string;
  loader?: (auth: () => Promise<Auth>) => Promise<Record<string, any>>;
};

export function plugin(input: PluginInput): Promise<Hooks> {
  return Promise.resolve({});
}
`;

const scan = (
  after: Record<string, string | null>,
  before: Record<string, string> = { 'packages/plugin/src/index.ts': HOOKS_V1 },
) =>
  twoReleases(createFixtureRepo, before, after).then((repo) =>
    scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: { 'plugin-hooks': ['packages/plugin/src/**'] },
      rules: [tsExportsRule],
    }),
  );

/** v1..v2 of `repo` through the ts-exports rule alone, with these downstream anchors. */
const scanAnchored = (repo: Parameters<typeof scanFixture>[0], anchors: Anchor[]) =>
  scanFixture(repo, { from: 'v1', to: 'v2', rules: [tsExportsRule], anchors });

/** An upstream with one package, `@acme/sdk`, whose `src/types.ts` is `v1` then `v2`. */
const sdkReleases = (v1: string, v2: string) =>
  twoReleases(
    createFixtureRepo,
    {
      'packages/sdk/package.json': JSON.stringify({ name: '@acme/sdk', exports: { '.': './src/index.ts' } }),
      'packages/sdk/src/index.ts': 'export * from "./types";\n',
      'packages/sdk/src/types.ts': v1,
    },
    { 'packages/sdk/src/types.ts': v2 },
  );

/** An anchor of the downstream's one import line (`index.ts:1`). */
const importAnchor = (
  kind: 'symbol' | 'module',
  value: string,
  excerpt: string,
  module?: string,
): Anchor => ({
  kind,
  value,
  ...(module ? { module } : {}),
  uses: [{ path: 'index.ts', line: 1, excerpt }],
  weight: 0.5,
  upstreamFiles: 1,
  upstreamSample: [],
});

describe('ts-exports scanner', () => {
  it('reports a changed hook in an exported Hooks interface with evidence at the right lines of both sides', async () => {
    const after = HOOKS_V1.replace(
      '"chat.params"?: (input: { model: Model; provider: string }, output: { temperature: number }) => Promise<void>;',
      '"chat.params"?: (input: { model: Model; provider: ProviderInfo }, output: { temperature: number; topP: number }) => Promise<void>;',
    ).replace('/** Called once. */\n', '/** Called once.\n   * Really. */\n');
    const { findings, problems } = await scan({ 'packages/plugin/src/index.ts': after });
    expect(problems).toEqual([]);
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(finding).toMatchObject({
      id: 'ts-exports-member-changed-hooks-chat-params',
      title:
        "`Hooks['chat.params']` signature changed: `input.provider` is now `ProviderInfo`; `output` gains `topP`",
      severity: 'medium',
      surface: 'plugin-hooks',
      source: 'scanner',
      verified: true,
    });
    // The full signatures, parameter names kept.
    expect(finding!.description).toBe(
      "- `Hooks['chat.params']`: `(input: { model: Model; provider: string; }, output: { temperature: number; }) => Promise<void>` → `(input: { model: Model; provider: ProviderInfo; }, output: { temperature: number; topP: number; }) => Promise<void>`",
    );
    const lineOf = (text: string, needle: string) =>
      text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(finding!.evidence[0]).toMatchObject({
      path: 'packages/plugin/src/index.ts',
      ref: 'to',
      startLine: lineOf(after, '"chat.params"'),
      endLine: lineOf(after, '"chat.params"'),
    });
    expect(finding!.evidence[0]!.excerpt).toContain('provider: ProviderInfo');
    expect(finding!.evidence[1]).toMatchObject({ ref: 'from', startLine: lineOf(HOOKS_V1, '"chat.params"') });
  });

  it('reports removed, renamed, now-required members and removed exports, max severity', async () => {
    const after = HOOKS_V1.replace('  auth?: AuthHook;\n', '  auth: AuthHook;\n')
      .replace('  event?: (input: { event: Event }) => Promise<void>;\n', '')
      .replace('  tool?: Record<string, ToolDefinition>;', '  tools?: Record<string, ToolDefinition>;')
      .replace(/export function plugin[\s\S]*$/, '');
    const { findings } = await scan({ 'packages/plugin/src/index.ts': after });
    // One finding per changed thing, each named in its id and title.
    expect(findings.map((f) => [f.id, f.severity, f.title])).toEqual([
      [
        'ts-exports-export-removed-plugin',
        'high',
        'Export `plugin` removed from `packages/plugin/src/index.ts`',
      ],
      ['ts-exports-member-now-required-hooks-auth', 'high', '`Hooks.auth` is now required'],
      [
        'ts-exports-member-removed-hooks-event',
        'high',
        'Member `Hooks.event` removed from `packages/plugin/src/index.ts`',
      ],
      ['ts-exports-member-renamed-hooks-tool', 'high', 'Member `Hooks.tool` renamed to `Hooks.tools`'],
    ]);
    for (const f of findings) expect(f.verified).toBe(true);
  });

  it('ignores reordered members and exports, comments, formatting and parameter names', async () => {
    const after = `import type { Model } from './model';

export function plugin(options: PluginInput): Promise<Hooks> {
  // a different body
  return Promise.resolve({ x: 1 });
}

export type AuthHook = {
  loader?: (getAuth: () => Promise<Auth>) => Promise<Record<string, any>>,
  provider: string,
};

// Hooks a plugin may implement.
export interface Hooks {
  tool?: Record<string, ToolDefinition>
  "chat.params"?: (
    input: { model: Model; provider: string },
    output: { temperature: number },
  ) => Promise<void>
  event?: (input: { event: Event }) => Promise<void>
  auth?: AuthHook
}
`;
    const { findings } = await scan({ 'packages/plugin/src/index.ts': after });
    expect(findings).toEqual([]);
  });

  it('reads export lists and re-exports, and skips test files and files outside TS/JS', async () => {
    const before = {
      'src/api.ts':
        'const a = (x: number) => x;\nconst b = 1;\nexport { a, b as c };\nexport * from "./other";\n',
      'src/api.test.ts': 'export const helper = 1;\n',
      'src/notes.md': 'export const x = 1;\n',
    };
    const { findings } = await scan(
      {
        'src/api.ts': 'const a = (x: string) => x;\nexport { a };\n',
        'src/api.test.ts': '',
        'src/notes.md': '',
      },
      before,
    );
    expect(findings.map((f) => [f.id, f.severity, f.surface, f.title])).toEqual([
      ['ts-exports-export-removed-c', 'medium', 'other', 'Export `c` removed from `src/api.ts`'],
      [
        'ts-exports-export-removed-src-api-ts-from-other',
        'medium',
        'other',
        'Export `* from "./other"` removed from `src/api.ts`',
      ],
      ['ts-exports-export-changed-a', 'low', 'other', '`a` signature changed: `x`: `number` → `string`'],
    ]);
    expect(findings[2]!.description).toBe('- `a`: `(x: number)` → `(x: string)`');
  });

  it('past the per-rule cap, the rest fold into one finding per surface; ids stay short and unique', async () => {
    const count = MAX_FINDINGS_PER_RULE + 5;
    const long = 'x'.repeat(90);
    const before = Array.from({ length: count }, (_, i) => `export const ${long}${i} = 1;`).join('\n');
    const { findings } = await scan(
      { 'packages/plugin/src/index.ts': 'export {};\n' },
      {
        'packages/plugin/src/index.ts': `${before}\n`,
      },
    );
    expect(findings).toHaveLength(MAX_FINDINGS_PER_RULE + 1);
    const folded = findings.at(-1)!;
    expect(folded).toMatchObject({
      id: 'ts-exports-more-plugin-hooks',
      title: '5 more: Exported TypeScript API changed in surface `plugin-hooks`',
    });
    expect(folded.description.split('\n')).toHaveLength(5);
    for (const f of findings) expect(f.id.length).toBeLessThanOrEqual(80);
    expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
  });

  it('with anchors, a removed export the downstream never imports from a package it imports by name is at most low', async () => {
    const types = (names: string[]) => names.map((n) => `export interface ${n} { id: string }\n`).join('');
    const repo = await twoReleases(
      createFixtureRepo,
      {
        'packages/sdk/package.json': '{"name": "@acme/sdk"}\n',
        'packages/sdk/src/v2/types.gen.ts': types(['Auth', 'AuthOAuthCredential', 'FileSystemContent']),
        'packages/other/package.json': '{"name": "@acme/other"}\n',
        'packages/other/src/index.ts': types(['Widget']),
      },
      {
        'packages/sdk/src/v2/types.gen.ts': types(['Session']),
        'packages/other/src/index.ts': types(['Gadget']),
      },
    );
    // The downstream imports `Auth` from the package root by name, and `@acme/other` by namespace only.
    const { findings, problems } = await scanAnchored(repo, [
      importAnchor('symbol', 'Auth', 'import { Auth } from "@acme/sdk";', '@acme/sdk'),
      importAnchor('module', '@acme/other', 'import * as other from "@acme/other";'),
    ]);
    expect(problems).toEqual([]);
    const bySubject = Object.fromEntries(findings.map((f) => [f.title.match(/`([^`]+)`/)![1], f]));
    // Named by the downstream: as loud as ever.
    expect(bySubject.Auth).toMatchObject({ severity: 'medium' });
    for (const name of ['AuthOAuthCredential', 'FileSystemContent']) {
      expect(bySubject[name]).toMatchObject({ severity: 'low' });
      expect(bySubject[name]!.description).toContain(
        `at most low: the downstream imports \`Auth\` from \`@acme/sdk\`, never \`${name}\``,
      );
    }
    // A package imported whole (a namespace import names no symbol) keeps its findings.
    expect(bySubject.Widget).toMatchObject({ severity: 'medium' });
  });

  it('with anchors, the findings listed one by one past the cap are the reached ones; the fold is as loud as what it holds', async () => {
    const count = MAX_FINDINGS_PER_RULE + 3;
    const exports = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => `export const ${prefix}${i} = 1;`).join('\n');
    const repo = await twoReleases(
      createFixtureRepo,
      {
        // First in the patch: a package the downstream does not import.
        'packages/a/package.json': '{"name": "@acme/a"}\n',
        'packages/a/src/index.ts': `${exports('unused', count)}\n`,
        'packages/b/package.json': '{"name": "@acme/b"}\n',
        'packages/b/src/index.ts': `${exports('used', 1)}\n`,
      },
      { 'packages/a/src/index.ts': 'export {};\n', 'packages/b/src/index.ts': 'export {};\n' },
    );
    const { findings } = await scanAnchored(repo, [
      importAnchor('module', '@acme/b', 'import * as b from "@acme/b";'),
    ]);
    expect(findings).toHaveLength(MAX_FINDINGS_PER_RULE + 1);
    expect(findings[0]).toMatchObject({
      title: 'Export `used0` removed from `packages/b/src/index.ts`',
      severity: 'medium',
    });
    expect(findings.slice(1).every((f) => f.severity === 'low')).toBe(true);
    expect(findings.at(-1)).toMatchObject({
      title: '4 more: Exported TypeScript API changed',
      severity: 'low',
    });
    expect(findings.at(-1)!.description).toContain(
      'at most low: nothing the downstream uses reaches this change',
    );
  });

  it('with anchors, a member change of a type the imported names never mention is at most low', async () => {
    const types = (title: string, name: string) =>
      `export interface Session { id: string;${title} }\nexport interface SyncEvent { seq: number;${name} }\nexport interface Client { session(): Session }\n`;
    const repo = await sdkReleases(types(' title: string;', ' name: string;'), types('', ''));
    const { findings } = await scanAnchored(repo, [
      importAnchor('symbol', 'Client', 'import { Client } from "@acme/sdk";', '@acme/sdk'),
      importAnchor('module', '@acme/sdk', 'import { Client } from "@acme/sdk";'),
    ]);
    const byTitle = Object.fromEntries(findings.map((f) => [f.title, f]));
    // `Client` mentions `Session`: its member is the downstream's to follow.
    expect(byTitle['Member `Session.title` removed from `packages/sdk/src/types.ts`']).toMatchObject({
      severity: 'medium',
    });
    expect(byTitle['Member `SyncEvent.name` removed from `packages/sdk/src/types.ts`']).toMatchObject({
      severity: 'low',
    });
  });

  it('with anchors, a value the downstream uses on the line of a type its imports never reach does not raise it', async () => {
    const types = (name: string) =>
      `export interface Session { id: string; }\nexport interface SyncEvent { sessionSeq: number;${name} }\nexport interface Client { session(): Session }\n`;
    const repo = await sdkReleases(types(' name: string;'), types(''));
    const imports = [
      importAnchor('symbol', 'Client', 'import { Client } from "@acme/sdk";', '@acme/sdk'),
      importAnchor('module', '@acme/sdk', 'import { Client } from "@acme/sdk";'),
    ];
    // The downstream has its own `sessionSeq` key (a rare value, on the changed line).
    const value: Anchor = {
      ...importAnchor('module', 'sessionSeq', 'const key = "sessionSeq";'),
      kind: 'literal',
    };
    const title = 'Member `SyncEvent.name` removed from `packages/sdk/src/types.ts`';
    const judged = async (anchors: Anchor[]) =>
      (await scanAnchored(repo, anchors)).findings.find((f) => f.title === title)?.severity;
    expect(await judged([...imports, value])).toBe('low');
    expect(await judged(imports)).toBe('low');
  });
});
