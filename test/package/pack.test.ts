import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** npm and the CLI with the caller's GitHub Actions settings scrubbed, as in test/helpers/cli.ts. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^(GITHUB_|GH_|RUNNER_|ACTIONS_|npm_)/i.test(key) || key === 'CI') delete env[key];
  }
  return env;
}

const run = (command: string, args: string[], cwd: string) =>
  execa(command, args, { cwd, env: cleanEnv(), extendEnv: false, timeout: 240_000 });

/** A copy of the repository as a fresh clone would have it (tracked and new files, nothing ignored). */
async function copyOfRepository(): Promise<string> {
  const copy = await tempDir('rw-pack-src-');
  const { stdout } = await execa('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
  });
  // node_modules is linked in below (a symlinked one is not matched by the `node_modules/` ignore rule).
  const files = stdout.split('\0').filter((f) => f && f !== 'node_modules');
  for (const file of files) await cp(join(ROOT, file), join(copy, file), { recursive: true });
  if (!files.includes('README.md')) {
    // The README is the lead's; until it is here, one with oclif's markers stands in for it.
    await writeFile(
      join(copy, 'README.md'),
      '# release-watch\n\n## Commands\n<!-- commands -->\n<!-- commandsstop -->\n',
    );
  }
  await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  // What must never be shipped, present as it would be in a working copy.
  await mkdir(join(copy, '.release-watch/artifacts/codex/rust-v1.0.0'), { recursive: true });
  await writeFile(join(copy, '.release-watch/artifacts/codex/rust-v1.0.0/analysis.json'), '{}');
  return copy;
}

describe('the npm package (slow: builds, packs and installs)', () => {
  it('packs dist, bin, manifest, schemas, templates, agent file and README, and runs once installed', async () => {
    const copy = await copyOfRepository();
    const out = await tempDir('rw-pack-out-');
    const readmeBefore = await readFile(join(copy, 'README.md'), 'utf8');
    const packed = await run('npm', ['pack', '--json', '--pack-destination', out], copy);
    const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = info!.files.map((f) => f.path).sort();
    for (const shipped of [
      'package.json',
      'README.md',
      'bin/run.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/commands/init.js',
      'oclif.manifest.json',
      'schema/analysis.schema.json',
      'templates/release-watch.yml',
      '.opencode/agent/release-impact.md',
    ]) {
      expect(paths, shipped).toContain(shipped);
    }
    expect(
      paths.filter((p) => /^(test|src|bench|scripts|node_modules|\.release-watch|\.github)\//.test(p)),
    ).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.test.js') || p.endsWith('.tgz'))).toEqual([]);

    // Packing leaves the tracked files as they were: the command reference is committed, not written
    // at prepack; the manifest that the build wrote stays (git ignores it) and keeps the CLI start fast.
    expect(await readFile(join(copy, 'README.md'), 'utf8')).toBe(readmeBefore);
    expect(readmeBefore).toContain('## `release-watch init`');
    await expect(readFile(join(copy, 'oclif.manifest.json'), 'utf8')).resolves.toContain('"commands"');

    const consumer = await tempDir('rw-pack-install-');
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', join(out, info!.filename)],
      consumer,
    );
    const help = await run('npx', ['--no-install', 'release-watch', '--help'], consumer);
    for (const command of ['analyze', 'check', 'diff', 'init', 'report', 'run', 'state']) {
      expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, 'm'));
    }

    // The Rust grammar (wasm) loads from the installed package, wherever npm put tree-sitter-rust.
    const parsed = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { parseRust } = await import(${JSON.stringify(join(consumer, 'node_modules/release-watch/dist/analysis/parse/rust.js'))});\nconst tree = await parseRust('fn main() {}');\nconsole.log(tree.rootNode.type);`,
      ],
      consumer,
    );
    expect(parsed.stdout.trim()).toBe('source_file');

    // init from the installed package (its templates and agent file), then a command reads that config.
    await run(
      'npx',
      [
        '--no-install',
        'release-watch',
        'init',
        '--yes',
        '-u',
        'codex=openai/codex:rust-v*',
        '--downstream',
        'me/plugin',
      ],
      consumer,
    );
    const config = await readFile(join(consumer, 'release-watch.config.ts'), 'utf8');
    expect(config).toContain("import { defineConfig } from 'release-watch';");
    expect(await readFile(join(consumer, '.github/workflows/release-watch.yml'), 'utf8')).toContain(
      'run: npm ci\n',
    );
    const show = await run('npx', ['--no-install', 'release-watch', 'state', 'show', '--json'], consumer);
    expect(JSON.parse(show.stdout)).toEqual([{ id: 'codex', repo: 'openai/codex', lastReviewed: null }]);

    // The offline demo from the installed package: the whole pipeline, no token, no network.
    const demo = await run(
      'npx',
      ['--no-install', 'release-watch', 'demo', '--dir', join(consumer, 'demo')],
      consumer,
    );
    expect(demo.stdout).toMatch(/\[high\] CLI flag `--print-logs` removed from `sample-host`/);
    // The installed package mines the demo plugin's anchors too: the hook change names its line.
    expect(demo.stdout).toMatch(
      /\[high\] Hook `chat\.params` you implement changed signature: .*, your src\/index\.ts:4\)/,
    );
  }, 300_000);
});
