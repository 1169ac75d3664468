import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UpstreamAnchors } from '../../src/analysis/anchors/types.js';
import {
  createEngineUpstream,
  createPluginDownstream,
  PROMPT_PATH,
  UPSTREAM_REPO,
} from '../helpers/anchors-fixture.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { servedWithoutBlobs } from '../helpers/git-fixture.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The plugin checkout with a config beside it (untracked) for the engine upstream, released twice;
 * served through a mirror that lacks the blobs of `lacking` (at v1.1.0), if any.
 */
async function project(extra: Record<string, unknown> = {}, lacking: string[] = []) {
  const [engine, downstream] = await Promise.all([createEngineUpstream(), createPluginDownstream()]);
  await engine.commit({ 'core/src/models.rs': 'pub const PRESETS: &[&str] = &["engine-large"];\n' }, 'drop');
  await engine.tag('v1.1.0');
  const upstream = lacking.length > 0 ? await servedWithoutBlobs(engine, lacking) : engine;
  await writeFile(
    join(downstream.dir, 'release-watch.config.json'),
    JSON.stringify({
      upstreams: { engine: { repo: UPSTREAM_REPO, tags: 'v*', source: 'git-tags', url: upstream.url } },
      ...extra,
    }),
  );
  return downstream.dir;
}

describe('release-watch anchors', () => {
  it('--json lists the anchors kept per upstream, read at the newest release by default', async () => {
    const cwd = await project();
    const result = await runCli(['anchors', '--json'], { cwd });
    expect(result.exitCode).toBe(0);
    const [engine, ...rest] = parseJson<UpstreamAnchors[]>(result);
    expect(rest).toEqual([]);
    expect(engine).toMatchObject({ upstream: 'engine', from: 'v1.1.0' });
    const values = engine!.anchors.map((anchor) => `${anchor.kind}:${anchor.value}`);
    expect(values).toEqual(expect.arrayContaining([`upstream-path:${PROMPT_PATH}`, 'literal:engine-large']));
    // v1.1.0 no longer names these models.
    expect(values).not.toContain('literal:engine-mini');
    expect(engine!.anchors.find((anchor) => anchor.value === PROMPT_PATH)).toMatchObject({
      uses: [{ path: 'index.ts', line: 5 }],
      upstreamSample: [PROMPT_PATH],
    });
  });

  it('prints anchors grouped by kind with both sides, read at the last reviewed tag', async () => {
    const cwd = await project();
    await mkdir(join(cwd, '.github/release-watch'), { recursive: true });
    await writeFile(
      join(cwd, '.github/release-watch/state.json'),
      JSON.stringify({ version: 1, upstreams: { engine: { lastReviewed: 'v1.0.0' } } }),
    );
    const result = await runCli(['anchors', '--upstream', 'engine'], { cwd });
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^engine at v1\.0\.0 \(downstream [0-9a-f]{12}\): \d+ anchors$/);
    const literals = lines.indexOf(lines.find((line) => /^ {2}literal \(\d+\)$/.test(line))!);
    expect(literals).toBeGreaterThan(0);
    const mini = lines.findIndex((line) => line.endsWith('  engine-mini'));
    expect(lines[mini]).toBe('    0.50  engine-mini');
    expect(lines[mini + 1]).toBe('          downstream: lib/models.ts:3');
    expect(lines[mini + 2]).toBe('          upstream:   1 file: core/src/models.rs');
    expect(result.stdout).toContain(`    0.50  ${PROMPT_PATH} (${UPSTREAM_REPO})`);
    // Named in two upstream files (the interface and the engine's call site): it weighs less.
    expect(result.stdout).toContain('    0.39  chat.params (@opencode-ai/plugin)');
    expect(result.stderr).toContain('engine: reading acme/engine at v1.0.0');
  });

  it('lists what a mirror lacking some blobs can serve, warning about the files it could not search', async () => {
    const cwd = await project({}, ['core/src/headers.rs', 'core/src/env.rs']);
    const json = await runCli(['anchors', '--json'], { cwd });
    expect(json.exitCode).toBe(0);
    const [engine] = parseJson<UpstreamAnchors[]>(json);
    expect(engine!.unread).toEqual(['core/src/env.rs', 'core/src/headers.rs']);
    const values = engine!.anchors.map((anchor) => `${anchor.kind}:${anchor.value}`);
    expect(values).toContain('literal:engine-large');
    expect(values).not.toContain('env:ENGINE_HOME');

    const text = await runCli(['anchors'], { cwd });
    expect(text.exitCode).toBe(0);
    expect(text.stderr).toContain(
      'engine: 2 upstream files at v1.1.0 not searched for anchors, the remote could not serve their blobs: core/src/env.rs, core/src/headers.rs',
    );
  });

  it('refuses a downstream.path that is not a git repository, as JSON under --json', async () => {
    const cwd = await tempDir('rw-cli-');
    await writeFile(
      join(cwd, 'release-watch.config.json'),
      JSON.stringify({ upstreams: { engine: { repo: UPSTREAM_REPO, tags: 'v*', source: 'git-tags' } } }),
    );
    const result = await runCli(['anchors', '--json', '--from', 'v1.0.0'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(parseJson<{ error: { code: string; message: string } }>(result).error).toMatchObject({
      code: 'DOWNSTREAM_NOT_A_REPOSITORY',
      message: expect.stringContaining(cwd),
    });
  });

  it('shows examples in --help', async () => {
    const result = await runCli(['anchors', '--help'], { cwd: await tempDir('rw-cli-') });
    expect(result.stdout).toContain('anchors --upstream codex --from rust-v0.139.0');
    expect(result.stdout).toContain('--from');
  });
});
