import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorWeight } from '../../../src/analysis/anchors/match.js';
import type { Anchor } from '../../../src/analysis/anchors/types.js';
import { downstreamReader } from '../../../src/analysis/downstream-files.js';
import { anchorRule, fileNoun } from '../../../src/analysis/scanners/anchor.js';
import { RULES } from '../../../src/analysis/scanners/index.js';
import { containersOf } from '../../../src/analysis/scanners/siblings.js';
import { surfaceRule } from '../../../src/analysis/scanners/surface.js';
import type { AnyRule } from '../../../src/analysis/scanners/types.js';
import { wireRule } from '../../../src/analysis/scanners/wire.js';
import { createFixtureRepo } from '../../helpers/git-fixture.js';
import { scanFixture, twoReleases } from '../../helpers/scan.js';
import { tempDir } from '../../helpers/tmp.js';

/** A downstream checkout holding `lines` (path → text), and one anchor per [kind, value, path, line]. */
async function downstream(
  files: Record<string, string>,
  anchors: [Anchor['kind'], string, string, number, number?, string[]?][],
) {
  const root = await tempDir('rw-downstream-');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const built: Anchor[] = anchors.map(
    ([kind, value, path, line, upstreamFiles = 1, upstreamSample = []]) => ({
      kind,
      value,
      uses: [{ path, line, excerpt: files[path]!.split('\n')[line - 1]!.trim() }],
      weight: anchorWeight(upstreamFiles),
      upstreamFiles,
      upstreamSample,
    }),
  );
  return { anchors: built, reader: downstreamReader(root) };
}

/** The anchor rule alone over v1..v2 of `repo`, with the anchors and checkout of `d`. */
const scanWithAnchors = (
  repo: Parameters<typeof scanFixture>[0],
  d: Awaited<ReturnType<typeof downstream>>,
  rules: readonly AnyRule[] = [anchorRule],
) => scanFixture(repo, { from: 'v1', to: 'v2', rules, anchors: d.anchors, downstream: d.reader });

const MODELS_TS = `export const MODELS = {
  low: 'low',
  medium: 'medium',
  high: 'high',
};
export const HOME = process.env.ENGINE_HOME;
`;

describe('anchor rule (hand-built anchors)', () => {
  it('reports a new value in a TS union beside the values the downstream maps, with both sides verified', async () => {
    const d = await downstream({ 'lib/models.ts': MODELS_TS }, [
      ['literal', 'low', 'lib/models.ts', 2],
      ['literal', 'medium', 'lib/models.ts', 3],
      ['literal', 'high', 'lib/models.ts', 4],
    ]);
    const repo = await twoReleases(
      createFixtureRepo,
      { 'src/effort.ts': "export type Effort =\n  | 'low'\n  | 'medium'\n  | 'high';\n" },
      { 'src/effort.ts': "export type Effort =\n  | 'low'\n  | 'medium'\n  | 'high'\n  | 'xhigh';\n" },
    );
    const { findings } = await scanWithAnchors(repo, d);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'medium',
      verified: true,
      title: 'New value `xhigh` beside `low`, `medium`, `high` you map',
    });
    expect(findings[0]!.evidence.map((e) => [e.ref, e.path, e.startLine])).toEqual([
      ['to', 'src/effort.ts', 5],
      ['from', 'src/effort.ts', 2],
      ['downstream', 'lib/models.ts', 2],
      ['downstream', 'lib/models.ts', 3],
      ['downstream', 'lib/models.ts', 4],
    ]);
  });

  it('reports an env var that is removed, but not one that moved to another file', async () => {
    const d = await downstream({ 'lib/models.ts': MODELS_TS }, [
      ['env', 'ENGINE_HOME', 'lib/models.ts', 6],
      ['env', 'ENGINE_KEY', 'lib/models.ts', 6],
    ]);
    const repo = await twoReleases(
      createFixtureRepo,
      {
        'src/env.rs':
          'fn home() -> String {\n    std::env::var("ENGINE_HOME").unwrap()\n}\nfn key() -> String {\n    std::env::var("ENGINE_KEY").unwrap()\n}\n',
      },
      {
        'src/env.rs': 'fn home() -> String {\n    dirs::home()\n}\n',
        'src/key.rs': 'fn key() -> String {\n    std::env::var("ENGINE_KEY").unwrap()\n}\n',
      },
    );
    const { findings } = await scanWithAnchors(repo, d);
    expect(findings.map((f) => [f.title, f.severity, f.verified])).toEqual([
      ['Environment variable `ENGINE_HOME` you read was removed upstream', 'high', true],
    ]);
  });

  it('reports a value as removed only once it left every upstream file it was in, tests included', async () => {
    // `medium` is in three upstream files at v1: the release drops it from one, or from all three.
    const d = await downstream({ 'lib/models.ts': MODELS_TS }, [
      ['literal', 'medium', 'lib/models.ts', 3, 3],
    ]);
    const v1 = {
      'src/level.rs': 'fn level() -> &str {\n    "medium"\n}\n',
      'src/effort.rs': 'fn effort() -> &str {\n    "medium"\n}\n',
      'tests/level_test.rs': 'fn t() {\n    assert_eq!(level(), "medium");\n}\n',
    };
    const scan = async (v2: Record<string, string>) => {
      const repo = await twoReleases(createFixtureRepo, v1, v2);
      const { findings } = await scanWithAnchors(repo, d);
      return findings.map((f) => [f.title, f.severity]);
    };
    expect(await scan({ 'src/level.rs': 'fn level() -> &str {\n    "high"\n}\n' })).toEqual([]);
    expect(
      await scan({
        'src/level.rs': 'fn level() -> &str {\n    level::HIGH\n}\n',
        'src/effort.rs': 'fn effort() -> &str {\n    effort::HIGH\n}\n',
        'tests/level_test.rs': 'fn t() {\n    assert_eq!(level(), level::HIGH);\n}\n',
      }),
    ).toEqual([['Value `medium` you use was removed upstream', 'high']]);
  });

  it('a file the downstream fetches in code is medium when modified; one its docs only link to is low', async () => {
    const files = {
      'index.ts': "const url = 'https://raw.githubusercontent.com/o/engine/' + tag + '/docs/guide.md';\n",
      'README.md': 'See [the guide](https://github.com/o/engine/blob/main/docs/guide.md).\n',
    };
    const repo = await twoReleases(
      createFixtureRepo,
      { 'docs/guide.md': '# Guide\nOld advice.\n' },
      { 'docs/guide.md': '# Guide\nNew advice.\n' },
    );
    const severityWhenUsedIn = async (path: string) => {
      const d = await downstream(files, [['upstream-path', 'docs/guide.md', path, 1]]);
      const { findings } = await scanWithAnchors(repo, d);
      return findings.map((f) => [f.title, f.severity]);
    };
    expect(await severityWhenUsedIn('index.ts')).toEqual([
      ['File `docs/guide.md` that you fetch was modified', 'medium'],
    ]);
    expect(await severityWhenUsedIn('README.md')).toEqual([
      ['File `docs/guide.md` that you name was modified', 'low'],
    ]);
  });

  it('a new variant beside common words needs three of them named: effort levels yes, error and warning no', async () => {
    const common = (value: string, path: string) =>
      ['literal', value, 'lib/models.ts', 2, 40, [path]] as [
        Anchor['kind'],
        string,
        string,
        number,
        number,
        string[],
      ];
    const files = {
      'lib/models.ts':
        "// levels\nconst known = ['engine-max', 'minimal', 'low', 'medium', 'high', 'Error', 'error', 'warning'];\n",
    };
    const repo = await twoReleases(
      createFixtureRepo,
      {
        'src/effort.rs': 'pub enum Effort {\n    Minimal,\n    Low,\n    Medium,\n    High,\n}\n',
        'src/event.rs':
          'pub const MODEL: &str = "engine-max";\npub enum Event {\n    Error,\n    Warning,\n}\n',
      },
      {
        'src/effort.rs': 'pub enum Effort {\n    Minimal,\n    Low,\n    Medium,\n    High,\n    XHigh,\n}\n',
        'src/event.rs':
          'pub const MODEL: &str = "engine-max";\npub enum Event {\n    Error,\n    Warning,\n    McpStartup,\n}\n',
      },
    );
    const d = await downstream(files, [
      ...['minimal', 'low', 'medium', 'high'].map((v) => common(v, 'src/effort.rs')),
      ...['Error', 'error', 'warning'].map((v) => common(v, 'src/event.rs')),
      // Rare values make both files worth parsing.
      ['literal', 'engine-max', 'lib/models.ts', 1, 1, ['src/effort.rs', 'src/event.rs']],
    ]);
    const { findings } = await scanWithAnchors(repo, d);
    expect(findings.map((f) => [f.evidence[0]!.path, f.severity])).toEqual([['src/effort.rs', 'medium']]);
  });

  it('a prefix a match arm tests for is no new option; a new model slug beside the mapped ones is', async () => {
    const files = {
      'lib/model-config.ts':
        "export function family(m: string) {\n  if (m === 'engine-max') return 'engine-max';\n  if (m === 'engine-large') return 'engine-large';\n  return 'engine-mini';\n}\n",
    };
    const info = (extra: string) =>
      `pub fn info(slug: &str) -> Option<u32> {\n    match slug {\n        "engine-max" => Some(1),\n        "engine-large" => Some(2),\n        "engine-mini" => Some(3),\n${extra}        _ => None,\n    }\n}\n`;
    const repo = await twoReleases(
      createFixtureRepo,
      { 'src/info.rs': info('') },
      {
        'src/info.rs': info(
          '        _ if slug.starts_with("exp-") => Some(4),\n        "engine-ultra" => Some(5),\n',
        ),
      },
    );
    const d = await downstream(files, [
      ['literal', 'engine-max', 'lib/model-config.ts', 2],
      ['literal', 'engine-large', 'lib/model-config.ts', 3],
      ['literal', 'engine-mini', 'lib/model-config.ts', 4],
    ]);
    const { findings } = await scanWithAnchors(repo, d);
    expect(findings.map((f) => f.title)).toEqual([
      'New match arm `engine-ultra` beside `engine-max`, `engine-large`, `engine-mini` you map',
    ]);
    // The same values named together only in a test's fixtures: the downstream maps no set of them.
    const fixtures = { 'test/family.test.ts': files['lib/model-config.ts'] };
    const inTests = await downstream(fixtures, [
      ['literal', 'engine-max', 'test/family.test.ts', 2],
      ['literal', 'engine-large', 'test/family.test.ts', 3],
      ['literal', 'engine-mini', 'test/family.test.ts', 4],
    ]);
    expect((await scanWithAnchors(repo, inTests)).findings).toEqual([]);
  });

  it('a new string constant beside untouched ones the downstream maps, with items between them', async () => {
    const files = {
      'lib/model-config.ts':
        "export function family(m: string) {\n  if (m === 'engine-max') return 'engine-max';\n  if (m === 'engine-large') return 'engine-large';\n  return 'engine-mini';\n}\n",
    };
    // Only the end of the file changes: the constants the downstream names sit in items the diff does
    // not touch, and they still count as the set the new one joins.
    const models = (extra: string) =>
      `pub const MAX: &str = "engine-max";\n\nfn helper() -> u8 {\n    1\n}\n\npub const LARGE: &str = "engine-large";\n\npub struct Unused {\n    pub x: u8,\n}\n\npub const MINI: &str = "engine-mini";\n${extra}`;
    const repo = await twoReleases(
      createFixtureRepo,
      { 'src/models.rs': models('') },
      { 'src/models.rs': models('\npub const ULTRA: &str = "engine-ultra";\n') },
    );
    const d = await downstream(files, [
      ['literal', 'engine-max', 'lib/model-config.ts', 2],
      ['literal', 'engine-large', 'lib/model-config.ts', 3],
      ['literal', 'engine-mini', 'lib/model-config.ts', 4],
    ]);
    const { findings } = await scanWithAnchors(repo, d);
    expect(
      findings.map((f) => [f.evidence[0]!.path, f.severity, f.title.includes('`engine-ultra`')]),
    ).toEqual([['src/models.rs', 'medium', true]]);
  });

  it('a new sibling counts only beside values the downstream names together in one construct of its own', async () => {
    const repo = await twoReleases(
      createFixtureRepo,
      {
        'src/plan.rs': 'pub enum PlanType {\n    Free,\n    Pro,\n}\n',
        'src/outcome.rs': 'pub enum Outcome {\n    Accepted,\n}\n',
        'web/plan.ts': "export type Plan = 'free' | 'pro';\n",
      },
      {
        // The same new value in a second container: the new plan type is one thing, one finding.
        'web/plan.ts': "export type Plan = 'free' | 'pro' | 'guest';\n",
        'src/plan.rs': 'pub enum PlanType {\n    Free,\n    Pro,\n    Guest,\n}\n',
        'src/outcome.rs': 'pub enum Outcome {\n    Accepted,\n    Rejected,\n}\n',
      },
    );
    const rare = (value: string, path: string, line: number, file: string) =>
      ['literal', value, path, line, 1, [file]] as [Anchor['kind'], string, string, number, number, string[]];
    // `free` and `pro` each named on its own (two separate checks), and one value of `Outcome` named.
    const apart = await downstream(
      {
        'lib/plan.ts':
          "export const isFree = (plan: string) => plan === 'free';\nexport const PRO = 'pro';\nexport const OK = 'accepted';\n",
      },
      [
        rare('free', 'lib/plan.ts', 1, 'src/plan.rs'),
        rare('pro', 'lib/plan.ts', 2, 'src/plan.rs'),
        rare('accepted', 'lib/plan.ts', 3, 'src/outcome.rs'),
      ],
    );
    expect((await scanWithAnchors(repo, apart)).findings).toEqual([]);
    // The same two values in one array of its own: the plan types it maps.
    const together = await downstream(
      { 'lib/plan.ts': "export const PAID = ['free', 'pro'].map((plan) => plan.toUpperCase());\n" },
      [rare('free', 'lib/plan.ts', 1, 'src/plan.rs'), rare('pro', 'lib/plan.ts', 1, 'src/plan.rs')],
    );
    const { findings } = await scanWithAnchors(repo, together);
    expect(findings.map((f) => [f.title, f.severity, f.verified])).toEqual([
      ['New `PlanType` variant `Guest` beside `free`, `pro` you map', 'medium', true],
    ]);
    expect(findings[0]!.evidence.filter((e) => e.ref === 'to').map((e) => e.path)).toEqual([
      'src/plan.rs',
      'web/plan.ts',
    ]);
  });

  it('reads the sets a downstream file names together: unions, maps, conditions, branches, returns, JSON', async () => {
    const { tsValueGroups } = await import('../../../src/analysis/scanners/siblings-ts.js');
    const source = `type Effort = 'low' | 'high';
const MAP = { a: 'm-1', b: 'm-2' };
const pick = (x: string) => (x === 'e-1' || x === 'e-2' ? 'yes' : 'no');
function model(x: string) { if (x) return 'r-1'; const f = () => 'inner'; return 'r-2'; }
const alone = 'single';
`;
    const words = (groups: { value: string }[][]) => groups.map((g) => g.map((v) => v.value).join(' '));
    const groups = words(tsValueGroups(source, 'lib/a.ts'));
    expect(groups).toEqual(expect.arrayContaining(['low high', 'm-1 m-2', 'e-1 e-2', 'yes no', 'r-1 r-2']));
    expect(groups.some((g) => g.includes('single') || g.includes('inner'))).toBe(false);
    const json = tsValueGroups('{ "models": { "m-1": {}, "m-2": {} }, "list": ["x", "y"] }\n', 'config.json');
    expect(words(json)).toEqual(expect.arrayContaining(['m-1 m-2', 'x y']));
    // A chain of conditions or of nested conditionals is one set, not one per sub-expression too.
    const chains = `export function f(x: string, m: boolean, n: boolean) {
  if (x === 'a' || x === 'b' || x === 'c') g();
  const v = m ? 'p' : n ? 'q' : 'r';
}
`;
    expect(words(tsValueGroups(chains, 'lib/f.ts'))).toEqual(['a b c', 'p q r']);
    // Each value with its line: the downstream evidence is the lines of the construct.
    expect(tsValueGroups(source, 'lib/a.ts')).toContainEqual([
      { value: 'r-1', line: 4 },
      { value: 'r-2', line: 4 },
    ]);
  });

  it('is silent without anchors, and then leaves other rules as they are', async () => {
    const repo = await twoReleases(
      createFixtureRepo,
      { 'src/api.rs': 'fn f() { client.header("X-Engine-Beta", "1"); }\n' },
      { 'src/api.rs': 'fn f() { client.header("X-Engine-Gamma", "1"); }\n' },
    );
    const { findings } = await scanFixture(repo, { from: 'v1', to: 'v2', rules: RULES });
    expect(findings.map((f) => [f.id.split('-')[0], f.severity])).toEqual([['wire', 'medium']]);
  });

  it('caps a finding nothing the downstream uses reaches at low, and keeps one an anchor reaches', async () => {
    const d = await downstream({ 'lib/models.ts': MODELS_TS }, [['literal', 'medium', 'lib/models.ts', 3]]);
    const repo = await twoReleases(
      createFixtureRepo,
      {
        'src/api.rs': 'fn f() { client.header("X-Engine-Beta", "1"); }\n',
        'src/level.rs': 'fn g() { client.header("X-Level", "medium"); }\n',
      },
      {
        'src/api.rs': 'fn f() { client.header("X-Engine-Gamma", "1"); }\n',
        'src/level.rs': 'fn g() { client.header("X-Level-2", "medium"); }\n',
      },
    );
    const { findings } = await scanWithAnchors(repo, d, [wireRule]);
    const byPath = Object.fromEntries(findings.map((f) => [f.evidence[0]!.path, f]));
    expect(byPath['src/api.rs']).toMatchObject({ severity: 'low' });
    expect(byPath['src/api.rs']!.description).toContain('at most low');
    expect(byPath['src/level.rs']).toMatchObject({ severity: 'medium' });
  });

  it('reaches a moved or deleted surface file by its path, not by a value among its first lines', async () => {
    const d = await downstream(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the downstream file's own template literal
      { 'lib/prompts.ts': 'const verb = "Analyze";\nconst url = `${RAW}/core/prompts/plan.md`;\n' },
      [
        ['literal', 'Analyze', 'lib/prompts.ts', 1],
        ['upstream-path', 'core/prompts/plan.md', 'lib/prompts.ts', 2],
      ],
    );
    const repo = await createFixtureRepo();
    await repo.commit({
      'core/prompts/review.md': 'Analyze the diff carefully.\n',
      'core/prompts/plan.md': 'Plan the work.\n',
      'core/prompts/old.md': 'Analyze nothing.\n',
    });
    await repo.tag('v1');
    await repo.rename('core/prompts/review.md', 'core/templates/review.md');
    await repo.rename('core/prompts/plan.md', 'core/templates/plan.md');
    await repo.commit({ 'core/prompts/old.md': null });
    await repo.tag('v2');
    const { findings } = await scanFixture(repo, {
      from: 'v1',
      to: 'v2',
      surfaces: { prompts: ['core/**'] },
      rules: [surfaceRule],
      anchors: d.anchors,
      downstream: d.reader,
    });
    const byPath = Object.fromEntries(findings.map((f) => [f.evidence[0]!.path, f]));
    expect(byPath['core/prompts/plan.md']).toMatchObject({ severity: 'high' });
    for (const path of ['core/prompts/review.md', 'core/prompts/old.md']) {
      expect(byPath[path]).toMatchObject({ severity: 'low' });
      expect(byPath[path]!.description).toContain('at most low');
    }
  });
});

describe('sibling containers', () => {
  it('reads Rust enums (with serde names), arrays and vec! of struct literals, match arms and string constants', async () => {
    const source = `#[serde(rename_all = "lowercase")]
pub enum Effort { Low, #[serde(rename = "x-high")] XHigh }
const PRESETS: &[Preset] = &[Preset { slug: "a", n: 1 }, Preset { slug: "b", n: 2 }];
fn list() -> Vec<Preset> { vec![Preset { slug: "c" }, Preset { slug: "d" }] }
fn pick(e: Effort) -> &'static str { match e { Effort::Low => "low", Effort::XHigh => "xhigh" } }
fn name(s: &str) -> u8 { match s { "one" | "two" => 1, _ => 0 } }
pub const DEFAULT: &str = "a";
`;
    const byKey = Object.fromEntries(
      (await containersOf('x.rs', source)).map((c) => [c.key, c.values.map((v) => v.value)]),
    );
    expect(byKey).toMatchObject({
      '/Effort::': ['Low', 'XHigh', 'x-high'],
      '/PRESETS[].slug': ['a', 'b'],
      '/list[].slug': ['c', 'd'],
      '/pick/match e': ['Low', 'XHigh'],
      '/name/match s': ['one', 'two'],
      '/const': ['a'],
    });
  });

  it('reads TS unions, enums, arrays of strings and objects, object keys and switch cases', async () => {
    const source = `export type Mode = 'fast' | 'slow';
export enum Level { Low = 'low', High = 'high' }
export const PRESETS = [{ id: 'a', label: 'A' }, { id: 'b' }];
export const HEADERS = ['Engine-Beta', 'originator'];
const MAP = { large: 1, mini: 2 };
function f(x: string) { switch (x) { case 'p': return 1; case 'q': return 2; } }
`;
    const byKey = Object.fromEntries(
      (await containersOf('x.ts', source)).map((c) => [c.key, c.values.map((v) => v.value)]),
    );
    expect(byKey).toMatchObject({
      '/Mode|': ['fast', 'slow'],
      '/Level::': ['Low', 'low', 'High', 'high'],
      '/PRESETS[].id': ['a', 'b'],
      '/HEADERS[]': ['Engine-Beta', 'originator'],
      '/MAP{}': ['large', 'mini'],
      '/f/switch x': ['p', 'q'],
    });
    // Keys of the objects in an array are fields, not options.
    expect(byKey['/PRESETS{}']).toBeUndefined();
  });
});

describe('what a named file is called', () => {
  it('calls a text file a prompt when its name says so, never code or a test about prompts', () => {
    const text = { code: false, test: false };
    expect(fileNoun('codex-rs/core/gpt_5_codex_prompt.md', text)).toBe('Prompt file');
    expect(fileNoun('codex-rs/core/review_instructions.txt', text)).toBe('Prompt file');
    expect(fileNoun('codex-rs/core/tests/suite/prompt_caching.rs', { code: true, test: true })).toBe('File');
    expect(fileNoun('packages/opencode/src/session/prompt.ts', { code: true, test: false })).toBe('File');
    expect(fileNoun('AGENTS.md', text)).toBe('File');
  });
});
