import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mineAnchors, mineDownstream } from '../../../src/analysis/anchors/index.js';
import type { MinedAnchor } from '../../../src/analysis/anchors/types.js';
import { evidenceProblem } from '../../../src/analysis/evidence.js';
import {
  createPluginDownstream,
  DOWNSTREAM_FILES,
  PROMPT_PATH,
  UPSTREAM_REPO,
} from '../../helpers/anchors-fixture.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { tempDir } from '../../helpers/tmp.js';

const find = (anchors: MinedAnchor[], kind: MinedAnchor['kind'], value: string) =>
  anchors.find((anchor) => anchor.kind === kind && anchor.value === value);
const uses = (anchor: MinedAnchor | undefined) => anchor?.uses.map((use) => `${use.path}:${use.line}`);

describe('mining a downstream checkout', () => {
  it('finds what the plugin names, each anchor with every use', async () => {
    const downstream = await createPluginDownstream();
    const anchors = await mineAnchors(downstream.dir);

    const prompt = find(anchors, 'upstream-path', PROMPT_PATH);
    expect(prompt).toMatchObject({ repo: UPSTREAM_REPO });
    expect(uses(prompt)).toEqual(['index.ts:5']);
    expect(prompt!.uses[0]!.excerpt).toBe(
      `\`https://raw.githubusercontent.com/${UPSTREAM_REPO}/\${tag}/${PROMPT_PATH}\`;`,
    );

    expect(uses(find(anchors, 'header', 'Engine-Beta'))).toEqual(['lib/request.ts:6']);
    expect(uses(find(anchors, 'header', 'engine-account-id'))).toEqual(['lib/request.ts:7']);
    expect(uses(find(anchors, 'env', 'ENGINE_HOME'))).toEqual(['README.md:1', 'lib/request.ts:2']);
    for (const [model, line] of [
      ['engine-large', 2],
      ['engine-mini', 3],
    ] as const) {
      expect(uses(find(anchors, 'literal', model))).toContain(`lib/models.ts:${line}`);
    }
    // One literal used in two files is one anchor with both uses.
    expect(uses(find(anchors, 'literal', 'engine-max'))).toEqual(['index.ts:9', 'lib/models.ts:4']);
    expect(uses(find(anchors, 'literal', 'engine-large'))).toEqual(['README.md:1', 'lib/models.ts:2']);
    expect(find(anchors, 'literal', 'xhigh')).toBeDefined();

    expect(find(anchors, 'hook', 'chat.params')).toMatchObject({
      module: '@opencode-ai/plugin',
      uses: [{ path: 'index.ts', line: 8 }],
    });
    // A hook key is a hook, not also a literal.
    expect(find(anchors, 'literal', 'chat.params')).toBeUndefined();
    expect(uses(find(anchors, 'module', '@opencode-ai/plugin'))).toEqual(['index.ts:1', 'package.json:5']);
    expect(find(anchors, 'symbol', 'Plugin')).toMatchObject({ module: '@opencode-ai/plugin' });
    expect(find(anchors, 'symbol', 'Hooks')).toMatchObject({ module: '@opencode-ai/plugin' });
    // Relative imports are the downstream's own files.
    expect(anchors.some((anchor) => anchor.value.includes('models.js'))).toBe(false);
    expect(find(anchors, 'url', 'api.engine.test/v1/responses')).toBeDefined();
    expect(find(anchors, 'url', '/v1/responses')).toBeDefined();
  });

  it('reads tracked files only: .gitignore holds', async () => {
    const downstream = await createPluginDownstream();
    const anchors = await mineAnchors(downstream.dir);
    expect(anchors.some((anchor) => anchor.value === 'engine-secret-model')).toBe(false);
    expect(anchors.flatMap((anchor) => anchor.uses).some((use) => use.path.startsWith('ignored/'))).toBe(
      false,
    );
  });

  it("cuts a long line's excerpt to a part of the line, so downstream evidence verifies", async () => {
    const repo = await createFixtureRepo();
    const line = `This plugin maps \`engine-max\` (with optional \`xhigh\` effort) ${'and a long explanation '.repeat(20)}end.`;
    await repo.commit({ 'AGENTS.md': `# Notes\n${line}\n` });
    const anchor = find(await mineAnchors(repo.dir), 'literal', 'engine-max');
    const use = anchor!.uses[0]!;
    expect(use).toMatchObject({ path: 'AGENTS.md', line: 2 });
    expect(use.excerpt.length).toBeLessThan(line.length);
    const evidence = {
      path: use.path,
      ref: 'downstream' as const,
      startLine: 2,
      endLine: 2,
      excerpt: use.excerpt,
    };
    const downstream = { readFile: async (path: string) => readFile(join(repo.dir, path), 'utf8') };
    const upstream = { readFile: async () => undefined };
    expect(await evidenceProblem(evidence, upstream, downstream)).toBeUndefined();
  });

  it('reads headers from header tables, Headers calls and header objects', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'src/h.ts': `export const API_HEADERS = { BETA: "OpenAI-Beta", ACCOUNT: "chatgpt-account-id" } as const;
export const HEADER_VALUES = { BETA: "responses=experimental" };
export function build(init: RequestInit, key: string) {
  const headers = new Headers(init.headers);
  headers.set("originator", "codex_cli_rs");
  headers.delete("x-api-key");
  return new Headers({ session_id: key, ...init.headers });
}
const url = \`\${base}/backend-api/codex/responses\`;
const envs = [process.env["CODEX_HOME"], import.meta.env.VITE_KEY, Bun.env.BUN_KEY, Deno.env.get("DENO_KEY")];
const { OPENAI_KEY } = process.env;
`,
    });
    const anchors = await mineAnchors(repo.dir);
    const headers = anchors.filter((anchor) => anchor.kind === 'header').map((anchor) => anchor.value);
    expect(headers.sort()).toEqual([
      'OpenAI-Beta',
      'chatgpt-account-id',
      'originator',
      'session_id',
      'x-api-key',
    ]);
    expect(find(anchors, 'literal', 'codex_cli_rs')).toBeDefined();
    expect(find(anchors, 'url', '/backend-api/codex/responses')).toBeDefined();
    const envs = anchors.filter((anchor) => anchor.kind === 'env').map((anchor) => anchor.value);
    expect(envs.sort()).toEqual(['BUN_KEY', 'CODEX_HOME', 'DENO_KEY', 'OPENAI_KEY', 'VITE_KEY']);
  });

  it('finds hooks in objects typed, returned or satisfying an imported type, with nested keys', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'a.ts': `import type { Plugin, Hooks } from "@opencode-ai/plugin";
import type { Local } from "./local.js";
export const A: Plugin = async ({ client }) => {
  const unrelated = { notAHook: 1 };
  return { auth: { provider: "openai", async loader() { return {}; } }, event: async () => {} };
};
export default { "tool.execute.before": async () => {} } satisfies Hooks;
function make(): Promise<Hooks> { return Promise.resolve({ config: async () => {} } as Hooks); }
export const L: Local = { mine: true };
`,
    });
    const hooks = (await mineAnchors(repo.dir))
      .filter((anchor) => anchor.kind === 'hook')
      .map((anchor) => `${anchor.value}@${anchor.module}`);
    expect(hooks.sort()).toEqual(
      ['auth', 'config', 'event', 'loader', 'provider', 'tool.execute.before'].map(
        (name) => `${name}@@opencode-ai/plugin`,
      ),
    );
  });

  it('mines JSON keys and values, YAML scalars and Markdown URLs and code spans', async () => {
    const repo = await createFixtureRepo();
    await repo.commit({
      'config/opencode.json': `{
  // comments are allowed
  "provider": { "openai": { "models": { "gpt-5.1-codex-max": { "options": { "reasoningEffort": "xhigh" } } } } }
}
`,
      'deploy.yaml': 'model: gpt-5-codex\nlist:\n  - https://chatgpt.com/backend-api/codex\n',
      'docs/guide.md': `See [the prompt](https://github.com/openai/codex/blob/main/codex-rs/core/prompt.md).
\`\`\`
not-mined-in-a-fence
\`\`\`
Use \`CODEX_HOME\` and \`gpt-5.1-codex\`.
`,
    });
    const anchors = await mineAnchors(repo.dir);
    expect(uses(find(anchors, 'literal', 'gpt-5.1-codex-max'))).toEqual(['config/opencode.json:3']);
    expect(find(anchors, 'literal', 'reasoningEffort')).toBeDefined();
    expect(uses(find(anchors, 'literal', 'gpt-5-codex'))).toEqual(['deploy.yaml:1']);
    expect(uses(find(anchors, 'url', 'chatgpt.com/backend-api/codex'))).toEqual(['deploy.yaml:3']);
    expect(find(anchors, 'upstream-path', 'codex-rs/core/prompt.md')).toMatchObject({
      repo: 'openai/codex',
      uses: [{ path: 'docs/guide.md', line: 1 }],
    });
    expect(uses(find(anchors, 'env', 'CODEX_HOME'))).toEqual(['docs/guide.md:5']);
    expect(uses(find(anchors, 'literal', 'gpt-5.1-codex'))).toEqual(['docs/guide.md:5']);
    expect(anchors.some((anchor) => anchor.value === 'not-mined-in-a-fence')).toBe(false);
  });

  it('caches per blob: the same commit again reads no file, a new commit parses only what changed', async () => {
    const downstream = await createPluginDownstream();
    const cacheDir = await tempDir('rw-anchors-cache-');
    // What mining without a cache gives is what every cached mining must give.
    const cold = () => mineDownstream(downstream.dir);
    const first = await mineDownstream(downstream.dir, { cacheDir });
    expect(first.parsed).toBe(first.files);
    expect(first.files).toBe(5);
    expect(first).toEqual(await cold());
    expect(await readdir(cacheDir)).toEqual([expect.stringMatching(/^mined-[0-9a-f]{16}\.txt$/)]);

    // A hit: anchors and excerpts come from the store.
    const second = await mineDownstream(downstream.dir, { cacheDir });
    expect(second).toEqual({ ...first, parsed: 0 });

    // A new commit that changes a file and adds one: those two are parsed, with a cold mine's result.
    const head = await downstream.commit({
      'lib/extra.ts': "export const e = 'engine-extra';\n",
      'lib/models.ts': `${DOWNSTREAM_FILES['lib/models.ts']}export const LATER = 'engine-later';\n`,
    });
    const third = await mineDownstream(downstream.dir, { cacheDir });
    expect(third).toMatchObject({ commit: head, parsed: 2, files: 6 });
    expect(third).toEqual({ ...(await cold()), parsed: 2 });
    expect(uses(find(third.anchors, 'literal', 'engine-later'))).toEqual(['lib/models.ts:7']);
    expect(find(third.anchors, 'literal', 'engine-extra')?.uses).toEqual([
      { path: 'lib/extra.ts', line: 1, excerpt: "export const e = 'engine-extra';" },
    ]);

    // A dirty file is read from the worktree, every time, and never stored.
    await writeFile(join(downstream.dir, 'lib/extra.ts'), "export const e = 'engine-dirty';\n");
    const dirty = await mineDownstream(downstream.dir, { cacheDir });
    expect(dirty).toMatchObject({ commit: 'worktree', parsed: 1 });
    expect(dirty).toEqual({ ...(await cold()), parsed: 1 });
    expect(find(dirty.anchors, 'literal', 'engine-dirty')).toBeDefined();
    expect(find(dirty.anchors, 'literal', 'engine-extra')).toBeUndefined();
    await writeFile(join(downstream.dir, 'lib/extra.ts'), "export const e = 'engine-dirtier';\n");
    const dirtier = await mineDownstream(downstream.dir, { cacheDir });
    expect(dirtier.parsed).toBe(1);
    expect(find(dirtier.anchors, 'literal', 'engine-dirtier')).toBeDefined();
    expect(find(dirtier.anchors, 'literal', 'engine-dirty')).toBeUndefined();

    // Back to the committed content: clean again, so the store answers with the commit's anchors.
    await downstream.git('checkout', '--', 'lib/extra.ts');
    expect(await mineDownstream(downstream.dir, { cacheDir })).toEqual({ ...third, parsed: 0 });

    // A commit that drops the only file naming some anchors: the store drops them (and renumbers the
    // rest), and still answers exactly.
    await downstream.commit({
      'lib/extra.ts': null,
      'index.ts': DOWNSTREAM_FILES['index.ts']!.replace(PROMPT_PATH, 'core/prompts/other.md'),
    });
    const pruned = await mineDownstream(downstream.dir, { cacheDir });
    expect(pruned).toEqual({ ...(await cold()), parsed: 1 });
    expect(find(pruned.anchors, 'literal', 'engine-extra')).toBeUndefined();
    expect(find(pruned.anchors, 'upstream-path', PROMPT_PATH)).toBeUndefined();
    const store0 = (await readdir(cacheDir))[0]!;
    expect(await readFile(join(cacheDir, store0), 'utf8')).not.toMatch(/engine-extra|base_prompt/);
    const fourth = await mineDownstream(downstream.dir, { cacheDir });
    expect(fourth).toEqual({ ...pruned, parsed: 0 });

    // A damaged store is never trusted: everything is parsed again, with the same result.
    const [store] = await readdir(cacheDir);
    const text = await readFile(join(cacheDir, store!), 'utf8');
    await writeFile(join(cacheDir, store!), text.slice(0, text.lastIndexOf('\n')));
    const cut = await mineDownstream(downstream.dir, { cacheDir });
    expect(cut).toEqual({ ...fourth, parsed: fourth.files });
    const version = /^mined-(.+)\.txt$/.exec(store!)![1];
    await writeFile(
      join(cacheDir, store!),
      `${JSON.stringify({ version, anchors: [['literal', 'x', null, null]], blobs: [['a', [1, 0], [1]]] })}\nx`,
    );
    expect(await mineDownstream(downstream.dir, { cacheDir })).toEqual({ ...fourth, parsed: fourth.files });
  });

  it('keeps one store: a store of another mining-code version is removed when this one is written', async () => {
    const downstream = await createPluginDownstream();
    const cacheDir = await tempDir('rw-anchors-cache-');
    await writeFile(join(cacheDir, 'mined-0123456789abcdef.json'), '{}');
    await writeFile(join(cacheDir, 'unrelated.txt'), 'kept');
    await mineDownstream(downstream.dir, { cacheDir });
    expect((await readdir(cacheDir)).sort()).toEqual([
      expect.stringMatching(/^mined-[0-9a-f]{16}\.txt$/),
      'unrelated.txt',
    ]);
  });

  it('keeps excerpts exact through the store, also past a cut inside a surrogate pair', async () => {
    const repo = await createFixtureRepo();
    const long = `export const m = 'engine-wide'; // ${'x'.repeat(164)}\u{1F600}\u{1F600}`;
    const cut = long.trim().slice(0, 200);
    expect(cut.charCodeAt(199)).toBeGreaterThanOrEqual(0xd800);
    await repo.commit({ 'wide.ts': `${long}\n` });
    const cacheDir = await tempDir('rw-anchors-cache-');
    const first = await mineDownstream(repo.dir, { cacheDir });
    const [use] = find(first.anchors, 'literal', 'engine-wide')!.uses;
    expect(use!.excerpt).toBe(cut.slice(0, 199));
    expect(await mineDownstream(repo.dir, { cacheDir })).toEqual({ ...first, parsed: 0 });
  });

  it('refuses a folder that is not a git repository, with a coded error', async () => {
    const dir = await tempDir('rw-not-git-');
    await expect(mineAnchors(dir)).rejects.toMatchObject({
      code: 'DOWNSTREAM_NOT_A_REPOSITORY',
      message: expect.stringContaining(dir),
    });
    await expect(mineAnchors(join(dir, 'missing'))).rejects.toMatchObject({
      code: 'DOWNSTREAM_NOT_A_REPOSITORY',
    });
  });
});
