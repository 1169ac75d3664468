import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analysis, Finding } from '../../../src/analysis/schema.js';
import { analyzeRelease } from '../../../src/analysis/service.js';
import { loadConfig } from '../../../src/config/load.js';
import { githubEnv } from '../../../src/github/env.js';
import { createAnalyzeDeps } from '../../../src/run/deps.js';
import { createSourceDeps } from '../../../src/sources/deps.js';
import {
  createEngineUpstream,
  createPluginDownstream,
  HOOKS,
  PROMPT_PATH,
} from '../../helpers/anchors-fixture.js';
import type { FixtureRepo } from '../../helpers/git-fixture.js';
import { tempDir } from '../../helpers/tmp.js';

/** The hook's input with `model` retyped (and `sessionID` gained); the engine's call site passes the new shape. */
const HOOKS_RETYPED = HOOKS.replace(
  'input: { model: string; provider: string }',
  'input: { sessionID: string; model: { providerID: string; modelID: string }; provider: string }',
);
const SESSION_RETYPED = `export async function prompt(trigger: Trigger, model: string, provider: string) {
  await trigger('chat.params', { sessionID: 's', model: { providerID: provider, modelID: model }, provider }, { options: {} });
}
`;
/** The hook's input only gains `sessionID`. */
const HOOKS_GAINED = HOOKS.replace(
  'input: { model: string; provider: string }',
  'input: { sessionID: string; model: string; provider: string }',
);
const SESSION_GAINED = `export async function prompt(trigger: Trigger, model: string, provider: string) {
  await trigger('chat.params', { sessionID: 's', model, provider }, { options: {} });
}
`;

/** Things the plugin does not use: an SDK package it does not depend on, and a TUI component. */
const UNUSED_FILES = {
  'packages/sdk/package.json': '{ "name": "@engine/sdk" }\n',
  'packages/sdk/src/index.ts':
    'export function createClient(url: string) { return { url }; }\nexport const VERSION = "1";\n',
  'tui/dialog.ts': 'export function Dialog(props: { title: string }) { return props.title; }\n',
};

/** Releases of the engine, each one change on top of v1.1.0. */
const RELEASES: Record<string, Record<string, string | null>> = {
  // (a) the prompt file the plugin fetches is deleted
  'v1.1.1': { [PROMPT_PATH]: null },
  // (b) it is modified (and a surface file the plugin does not use changes too)
  'v1.1.2': {
    [PROMPT_PATH]: 'You are the engine. Answer briefly and cite files.\n',
    'tui/theme.ts': 'export const theme = { accent: "red" };\n',
  },
  // (c) a header the plugin sends is renamed
  'v1.1.3': {
    'core/src/headers.rs':
      'pub const BETA: &str = "Engine-Beta-2";\npub const ACCOUNT: &str = "Engine-Account-Id";\n',
  },
  // (d) a fourth model beside the three it maps, in a Rust array of struct literals
  'v1.1.4': {
    'core/src/models.rs': `pub const PRESETS: &[Preset] = &[
    Preset { id: "engine-large", model: "engine-large", effort: Effort::Low },
    Preset { id: "engine-mini", model: "engine-mini", effort: Effort::Low },
    Preset { id: "engine-max", model: "engine-max", effort: Effort::XHigh },
    Preset { id: "engine-ultra", model: "engine-ultra", effort: Effort::XHigh },
];
`,
  },
  // (e) an enum variant beside the ones it maps
  'v1.1.5': {
    'core/src/effort.rs':
      '#[serde(rename_all = "lowercase")]\npub enum Effort { Low, High, XHigh, Max }\n// "xhigh" "low"\n',
  },
  // (f) the hook it implements changes signature: a member of its input retyped (and one gained)
  'v1.1.6': {
    'packages/plugin/src/index.ts': HOOKS_RETYPED,
    'packages/engine/src/session.ts': SESSION_RETYPED,
  },
  // (f) the hook's input only gains a member
  'v1.1.8': {
    'packages/plugin/src/index.ts': HOOKS_GAINED,
    'packages/engine/src/session.ts': SESSION_GAINED,
  },
  // a hook it does not implement (of the interface it does) changes signature
  'v1.1.9': {
    'packages/plugin/src/index.ts': HOOKS.replace(
      'input: { sessionID: string }',
      'input: { sessionID: number }',
    ),
  },
  // (g) only code it does not use: an SDK export removed, a TUI component deleted and one changed
  'v1.1.7': {
    'packages/sdk/src/index.ts': 'export function createClient(url: string) { return { url }; }\n',
    'tui/dialog.ts': null,
    'tui/theme.ts': 'export const theme = { accent: "blue" };\n',
  },
};

interface Project {
  root: string;
  upstream: FixtureRepo;
  downstream: FixtureRepo;
}

async function project(release: string): Promise<Project> {
  const upstream = await createEngineUpstream();
  await upstream.commit({ ...UNUSED_FILES, 'tui/theme.ts': 'export const theme = {};\n' }, 'engine 1.1');
  await upstream.tag('v1.1.0');
  await upstream.commit(RELEASES[release]!, release);
  await upstream.tag(release);
  const downstream = await createPluginDownstream();
  const root = await tempDir('rw-anchor-project-');
  await writeFile(
    join(root, 'release-watch.config.json'),
    JSON.stringify({
      downstream: { path: downstream.dir },
      artifacts: 'artifacts',
      cache: 'cache',
      agent: { kind: 'none' },
      upstreams: {
        engine: {
          repo: 'acme/engine',
          url: upstream.url,
          source: 'git-tags',
          tags: 'v*',
          // Configured surfaces: without anchors, changes here would be high.
          surfaces: { sdk: ['packages/sdk/**'], tui: ['tui/**'], 'plugin-hooks': ['packages/plugin/**'] },
        },
      },
    }),
  );
  return { root, upstream, downstream };
}

/** A fresh project (temp folders live for one test) whose upstream has v1.1.0 and `tag`, analyzed. */
async function analyze(tag: string) {
  const p = await project(tag);
  const config = await loadConfig({ cwd: p.root });
  const notes: string[] = [];
  const sources = createSourceDeps({
    env: githubEnv({}),
    cacheDir: config.cache,
    onNote: (m) => notes.push(m),
  });
  const result = await analyzeRelease(
    config,
    { upstream: 'engine', tag, from: 'v1.1.0', agent: 'none' },
    createAnalyzeDeps(sources),
  );
  const analysis = JSON.parse(await readFile(result.path, 'utf8')) as Analysis;
  const context = await readFile(result.context, 'utf8');
  return { analysis, context, notes };
}

const anchorFindings = (analysis: Analysis) => analysis.findings.filter((f) => f.id.startsWith('anchor-'));

/** One verified anchor finding, with evidence on the upstream side and on the downstream side. */
function theOne(analysis: Analysis): Finding {
  const found = anchorFindings(analysis);
  expect(found.map((f) => f.title)).toHaveLength(1);
  const finding = found[0]!;
  expect(finding.verified).toBe(true);
  expect(finding.evidence.some((e) => e.ref === 'from' || e.ref === 'to')).toBe(true);
  expect(finding.evidence.some((e) => e.ref === 'downstream')).toBe(true);
  return finding;
}

describe('anchor rule through analyze --agent none (real git, real anchors)', () => {
  it('(a) a fetched prompt file deleted upstream is breaking', async () => {
    const { analysis, notes } = await analyze('v1.1.1');
    expect(notes.some((n) => /anchors of/.test(n))).toBe(true);
    const finding = theOne(analysis);
    expect(finding.severity).toBe('breaking');
    expect(finding.title).toBe(`Prompt file \`${PROMPT_PATH}\` that you fetch was deleted upstream`);
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({
        ref: 'from',
        path: PROMPT_PATH,
        excerpt: 'You are the engine. Answer briefly.',
      }),
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'downstream', path: 'index.ts', startLine: 5 }),
    );
  });

  it('(b) a fetched prompt file modified is medium, with the hunk', async () => {
    const { analysis, context } = await analyze('v1.1.2');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('medium');
    expect(finding.title).toBe(`Prompt file \`${PROMPT_PATH}\` that you fetch was modified`);
    expect(finding.description).toContain('content you copy changed');
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({
        ref: 'to',
        path: PROMPT_PATH,
        excerpt: 'You are the engine. Answer briefly and cite files.',
      }),
    );
    // The anchor hunk leads the changes in context.md, ahead of the surface file, with the downstream
    // lines that depend on it.
    const changes = context.slice(context.indexOf('## Changes'));
    const headings = [...changes.matchAll(/^### `([^`]+)`/gm)].map((m) => m[1]);
    expect(headings).toEqual([PROMPT_PATH, 'tui/theme.ts']);
    const prompt = changes.slice(0, changes.indexOf('### `tui/theme.ts`'));
    expect(prompt).toContain('`index.ts:5`');
    expect(prompt).toContain('raw.githubusercontent.com');
  });

  it('(c) a header the plugin sends renamed upstream is high', async () => {
    const { analysis } = await analyze('v1.1.3');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('high');
    expect(finding.title).toBe('Header `Engine-Beta` you send was changed upstream to `Engine-Beta-2`');
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'from', path: 'core/src/headers.rs', startLine: 1 }),
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'downstream', path: 'lib/request.ts', startLine: 6 }),
    );
  });

  it('(d) a fourth model beside the three it maps, in a Rust array of struct literals, is medium', async () => {
    const { analysis } = await analyze('v1.1.4');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('medium');
    expect(finding.title).toBe(
      'New preset `engine-ultra` beside `engine-large`, `engine-mini`, `engine-max` you map',
    );
    expect(finding.description).toContain('a new option the downstream may need to support');
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'to', path: 'core/src/models.rs', startLine: 5 }),
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'downstream', path: 'lib/models.ts' }),
    );
  });

  it('(e) an enum variant beside the ones it maps is medium', async () => {
    const { analysis } = await analyze('v1.1.5');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('medium');
    expect(finding.title).toMatch(/^New `Effort` variant `Max` beside .*`xhigh`.* you map$/);
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'to', path: 'core/src/effort.rs', startLine: 2 }),
    );
  });

  it('(f) the signature of a hook it implements changed is high: one finding, from the anchor rule', async () => {
    const { analysis } = await analyze('v1.1.6');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('high');
    expect(finding.title).toBe(
      'Hook `chat.params` you implement changed signature: `input` gains `sessionID`, `input.model` is now `{ providerID: string; modelID: string; }`',
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'to', path: 'packages/plugin/src/index.ts', startLine: 2 }),
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'from', path: 'packages/plugin/src/index.ts', startLine: 2 }),
    );
    expect(finding.evidence).toContainEqual(
      expect.objectContaining({ ref: 'downstream', path: 'index.ts', startLine: 8 }),
    );
    // Not again as ts-exports' member change, nor as the call site's new keys (`sessionID`, `providerID`).
    expect(analysis.findings.map((f) => f.title)).toEqual([finding.title]);
  });

  it('(f) a hook whose input only gains a member is low, once: the plugin keeps working', async () => {
    const { analysis } = await analyze('v1.1.8');
    const finding = theOne(analysis);
    expect(finding.severity).toBe('low');
    expect(finding.title).toBe('Hook `chat.params` you implement receives more: `input` gains `sessionID`');
    expect(finding.description).toContain('nothing you implement breaks');
    expect(analysis.findings.map((f) => f.title)).toEqual([finding.title]);
  });

  it('a hook of the interface it implements, but not one it implements, changing is at most low', async () => {
    const { analysis } = await analyze('v1.1.9');
    expect(anchorFindings(analysis)).toEqual([]);
    expect(analysis.findings.map((f) => [f.title, f.severity])).toEqual([
      ["`Hooks['chat.message']` signature changed: `input.sessionID` is now `number`", 'low'],
    ]);
    expect(analysis.findings[0]!.description).toContain(
      'at most low: the downstream implements `Hooks` but not `chat.message`',
    );
  });

  it('(g) changes only to code it does not use give nothing at medium or above', async () => {
    const { analysis } = await analyze('v1.1.7');
    expect(anchorFindings(analysis)).toEqual([]);
    // The scanners did see them (surfaces, a removed export), but nothing the downstream uses reaches them.
    expect(analysis.findings.length).toBeGreaterThan(0);
    expect(analysis.findings.filter((f) => f.severity !== 'low' && f.severity !== 'none')).toEqual([]);
    expect(analysis.findings.some((f) => f.description.includes('at most low'))).toBe(true);
  });
});
