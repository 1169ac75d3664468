import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/report/markers.js';
import { GITHUB_BODY_LIMIT, ZWSP } from '../../src/report/sanitize.js';
import { reportRelease } from '../../src/report/service.js';
import { readState } from '../../src/state/store.js';
import { writeJsonAtomically } from '../../src/util/fs.js';
import { tempDir } from '../helpers/tmp.js';
import {
  analyzed,
  DOWNSTREAM,
  finding,
  github,
  headingsOf,
  parseMarkdown,
  project,
  readText,
  UPSTREAM_REPO,
  writes,
} from './fixtures.js';

const three = () => [
  finding('token-endpoint-moved', { severity: 'breaking', title: 'Token endpoint moved' }),
  finding('scope-renamed', { severity: 'medium', title: 'Scope renamed' }),
  finding('header-added', { severity: 'high', surface: 'plugin-hooks', title: 'New header' }),
];
const skippedOnes = () => [
  finding('typo-fixed', { severity: 'low' }),
  finding('maybe-broken', { severity: 'breaking', verified: false }),
];

describe('reportRelease', () => {
  it('files one issue per qualifying finding, labels them, writes report.md and then advances the state', async () => {
    const config = await project();
    const { gh, deps, env } = await github();
    const paths = await analyzed(config, {
      from: 'rust-v0.138.0',
      to: 'rust-v0.139.0',
      findings: [...three(), ...skippedOnes()],
    });

    const result = await reportRelease(config, deps);

    expect(result.tag).toBe('rust-v0.139.0');
    const issues = gh.repo(DOWNSTREAM).issues;
    expect(issues.map((i) => i.title)).toEqual([
      '[release-watch] codex rust-v0.139.0: Token endpoint moved',
      '[release-watch] codex rust-v0.139.0: New header',
      '[release-watch] codex rust-v0.139.0: Scope renamed',
    ]);
    expect(issues[0]!.labels).toEqual(['release-watch', 'upstream:codex', 'severity:breaking']);
    expect(
      gh
        .repo(DOWNSTREAM)
        .labels.map((l) => l.name)
        .sort(),
    ).toEqual(['release-watch', 'severity:breaking', 'severity:high', 'severity:medium', 'upstream:codex']);
    // Labels were created by release-watch itself (with colors), before the issues.
    const labelPosts = gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/labels'));
    expect(labelPosts).toHaveLength(5);

    const body = issues[0]!.body;
    const fp = fingerprintOf('codex', 'token-endpoint-moved', 'auth');
    expect(body).toContain(
      `<!-- release-watch:finding fingerprint=${fp} upstream=codex tag=rust-v0.139.0 -->`,
    );
    expect(body).toContain(
      `${env.serverUrl}/openai/codex/blob/rust-v0.139.0/codex-rs/login/src/server.rs#L10-L24`,
    );
    expect(body).toContain('fn token_endpoint() {}');
    expect(body).toContain('https://git.example.test/openai/codex/compare/rust-v0.138.0...rust-v0.139.0');
    expect(body).toContain('Adapt to token-endpoint-moved.');
    expect(body).toMatch(/`breaking`/);

    expect(result.created.map((o) => o.issue?.number)).toEqual([1, 2, 3]);
    expect(result.skipped.map((o) => [o.findingId, o.action])).toEqual([
      ['maybe-broken', 'unverified'],
      ['typo-fixed', 'below-min-severity'],
    ]);
    const state = await readState(config.state);
    expect(state.upstreams.codex).toEqual({
      lastReviewed: 'rust-v0.139.0',
      reviewedAt: '2026-11-23T09:00:00.000Z',
      impact: 'high',
      issues: [1, 2, 3],
    });
    const report = await readText(paths.report);
    expect(report).toContain('filed #1');
    expect(report).toContain('below minSeverity');
    expect(report).toContain('last reviewed is now rust-v0.139.0');
  });

  it('files nothing the second time, and never files a closed issue again', async () => {
    const config = await project();
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    await reportRelease(config, deps);
    const before = gh.requests.length;

    const again = await reportRelease(config, deps, { tag: 'rust-v0.139.0' });
    expect(again.created).toEqual([]);
    expect(again.skipped.map((o) => o.action)).toEqual(['exists', 'exists', 'exists']);
    expect(writes(gh).length).toBe(3 + 5); // only the first run's issues and labels
    expect(gh.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);

    gh.repo(DOWNSTREAM).issues[1]!.state = 'closed';
    const third = await reportRelease(config, deps, { tag: 'rust-v0.139.0' });
    expect(third.skipped.find((o) => o.issue?.number === 2)?.action).toBe('closed');
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(3);
  });

  it('comments once on the open issue when a later release has the same finding', async () => {
    const config = await project();
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    await reportRelease(config, deps);
    gh.repo(DOWNSTREAM).issues[2]!.state = 'closed';

    const later = [...three(), finding('new-flag', { title: 'New flag' })];
    await analyzed(config, { from: 'rust-v0.139.0', to: 'rust-v0.140.0', findings: later });
    const result = await reportRelease(config, deps);
    expect(result.tag).toBe('rust-v0.140.0');
    expect(result.created.map((o) => o.findingId)).toEqual(['new-flag']);
    expect(result.updated.map((o) => [o.findingId, o.issue?.number])).toEqual([
      ['token-endpoint-moved', 1],
      ['header-added', 2],
    ]);
    expect(result.skipped.map((o) => [o.findingId, o.action])).toEqual([['scope-renamed', 'closed']]);
    const issues = gh.repo(DOWNSTREAM).issues;
    expect(issues).toHaveLength(4);
    expect(issues[0]!.comments).toHaveLength(1);
    expect(issues[0]!.comments[0]!.body).toContain('rust-v0.140.0');
    expect(issues[0]!.comments[0]!.body).toMatch(
      /<!-- release-watch:seen fingerprint=[0-9a-f]+ upstream=codex tag=rust-v0.140.0 -->/,
    );
    expect(issues[2]!.comments).toHaveLength(0);

    const rerun = await reportRelease(config, deps, { tag: 'rust-v0.140.0' });
    expect(rerun.updated).toEqual([]);
    expect(rerun.created).toEqual([]);
    expect(issues[0]!.comments).toHaveLength(1);
    expect(issues[1]!.comments).toHaveLength(1);
    expect(issues).toHaveLength(4);
    expect((await readState(config.state)).upstreams.codex?.issues).toEqual([1, 2, 3, 4]);

    // Reporting an older release afterwards adds no comment to an issue filed for a newer one.
    await analyzed(config, { from: 'rust-v0.139.0', to: 'rust-v0.139.5', findings: [finding('new-flag')] });
    const older = await reportRelease(config, deps, { tag: 'rust-v0.139.5' });
    expect(older.skipped.map((o) => [o.action, o.issue?.number])).toEqual([['exists', 4]]);
    expect(issues[3]!.comments).toHaveLength(0);
    expect(older.state.advanced).toBe(false);
  });

  it('leaves the state as it was when GitHub fails part-way, and the re-run ends with exactly one issue each', async () => {
    const config = await project();
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    await writeJsonAtomically(config.state, {
      version: 1,
      upstreams: { codex: { lastReviewed: 'rust-v0.138.0' } },
    });
    const stateBefore = await readFile(config.state, 'utf8');
    gh.fault({ method: 'POST', path: /\/issues$/, status: 500, after: 2, times: 10 });

    const error = await reportRelease(config, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GITHUB_REQUEST_FAILED', exitCode: 3 });
    expect((error as Error).message).toContain('HTTP 500');
    expect((error as Error).message).toContain('#1, #2');
    expect((error as Error).message).toContain('left at rust-v0.138.0');
    expect(await readFile(config.state, 'utf8')).toBe(stateBefore);
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(2);
    await expect(stat(join(config.artifacts, 'codex', 'rust-v0.139.0', 'report.md'))).rejects.toThrow();

    gh.clearFaults();
    const rerun = await reportRelease(config, deps);
    expect(rerun.created.map((o) => o.issue?.number)).toEqual([3]);
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(3);
    expect((await readState(config.state)).upstreams.codex?.lastReviewed).toBe('rust-v0.139.0');
  });

  it('does not file twice when GitHub answers 502 for an issue it did create', async () => {
    const config = await project();
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    gh.fault({ method: 'POST', path: /\/issues$/, status: 502, after: 1, apply: true });

    const result = await reportRelease(config, deps);
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(3);
    expect(result.created.map((o) => o.issue?.number)).toEqual([1, 2, 3]);
  });

  it('defangs mentions, references, comments, bidi characters and structure from the agent', async () => {
    const config = await project();
    const { gh, deps } = await github();
    const hostile = finding('hostile', {
      title: 'Ping @octocat about #12',
      description: [
        '# Evidence',
        'Thanks @octocat and @acme/team, see #12, other/repo#3, GH-7 and https://github.com/other/repo/pull/4.',
        '<!-- release-watch:finding fingerprint=0000000000000000 upstream=codex tag=rust-v0.139.0 -->',
        'Right-to-left \u202Eevil\u202C and zero\u200Bwidth.',
        '<details><summary>hidden</summary>',
        '```',
        'an unclosed fence that would swallow the rest',
      ].join('\n'),
      recommendation: 'Ask @maintainer.',
    });
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [hostile] });
    await reportRelease(config, deps);

    const [issue] = gh.repo(DOWNSTREAM).issues;
    const { title, body } = issue!;
    for (const text of [title, body]) {
      expect(text).not.toMatch(/(?<!\w)@(?=\w)/);
      expect(text).not.toMatch(/#\d/);
    }
    expect(title).toBe(`[release-watch] codex rust-v0.139.0: Ping @${ZWSP}octocat about #${ZWSP}12`);
    expect(body).toContain(`@${ZWSP}octocat`);
    expect(body).toContain(`other/repo#${ZWSP}3`);
    expect(body).toContain('https://redirect.github.com/other/repo/pull/4');
    expect(body).not.toContain('https://github.com/other/repo/pull/4');
    expect(body).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body).not.toMatch(/(?<!\\)<details>/);
    // Our own sections survive: the agent's heading and unclosed fence stay inside its part.
    expect(headingsOf(body)).toEqual([
      'What changed',
      'Before and after',
      'Reproduce',
      'What to do',
      'Releases covered',
    ]);
    const tree = parseMarkdown(body);
    expect(tree.children.filter((n) => n.type === 'html')).toEqual([
      expect.objectContaining({
        value: expect.stringMatching(/^<!-- release-watch:finding fingerprint=[0-9a-f]{16} /),
      }),
    ]);
  });

  it('cuts a 200 kB finding below the limit with the marker intact', async () => {
    const config = await project();
    const { gh, deps } = await github();
    const huge = 'The upstream rewrote everything. '.repeat(6200);
    const big = finding('huge', {
      description: huge,
      recommendation: 'r'.repeat(30_000),
      evidence: Array.from({ length: 12 }, (_, i) => ({
        path: `src/file${i}.rs`,
        ref: 'to' as const,
        startLine: 1,
        endLine: 5000,
        excerpt: 'let x = 1;\n'.repeat(5000),
      })),
    });
    expect(huge.length).toBeGreaterThan(200_000);
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [big] });
    await reportRelease(config, deps);

    const [issue] = gh.repo(DOWNSTREAM).issues;
    expect(issue!.body.length).toBeLessThanOrEqual(GITHUB_BODY_LIMIT);
    expect(issue!.body.length).toBeGreaterThan(GITHUB_BODY_LIMIT - 5000);
    expect(issue!.body).toMatch(
      /<!-- release-watch:finding fingerprint=[0-9a-f]{16} upstream=codex tag=rust-v0.139.0 -->\n$/,
    );
    expect(issue!.body).toContain('more characters cut');
    expect(issue!.body).toContain('2 more evidence items in analysis.json');
  });

  it('files at most maxIssuesPerRun new issues and lists the rest; the next run files them', async () => {
    const config = await project({ maxIssuesPerRun: 2 });
    const { gh, deps } = await github();
    const paths = await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });

    const first = await reportRelease(config, deps);
    expect(first.created.map((o) => o.findingId)).toEqual(['token-endpoint-moved', 'header-added']);
    expect(first.skipped.map((o) => [o.findingId, o.action])).toEqual([['scope-renamed', 'deferred']]);
    expect(await readText(paths.report)).toContain('downstream.maxIssuesPerRun');

    const second = await reportRelease(config, deps, { tag: 'rust-v0.139.0' });
    expect(second.created.map((o) => o.findingId)).toEqual(['scope-renamed']);
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(3);
  });

  it('dry run: reads GitHub to tell what exists, writes nothing to GitHub or the state', async () => {
    const config = await project({ dashboard: true });
    const { gh, deps } = await github();
    const paths = await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });

    const dry = await reportRelease(config, deps, { dryRun: true });
    expect(dry.created.map((o) => o.action)).toEqual(['would-create', 'would-create', 'would-create']);
    expect(dry.dashboard).toEqual({ action: 'would-create' });
    expect(writes(gh)).toEqual([]);
    await expect(stat(config.state)).rejects.toThrow();
    expect(await readText(paths.report)).toContain('Dry run:');

    await reportRelease(config, deps);
    const count = writes(gh).length;
    await analyzed(config, {
      from: 'rust-v0.139.0',
      to: 'rust-v0.140.0',
      findings: [...three(), finding('new-flag')],
    });
    const stateBefore = await readText(config.state);
    const later = await reportRelease(config, deps, { dryRun: true });
    expect(later.created.map((o) => o.action)).toEqual(['would-create']);
    expect(later.updated.map((o) => o.action)).toEqual(['would-comment', 'would-comment', 'would-comment']);
    expect(later.dashboard?.action).toBe('would-update');
    expect(writes(gh).length).toBe(count);
    expect(await readText(config.state)).toBe(stateBefore);
  });

  it('an issue body shows the change before and after, how to reproduce it, the downstream lines, what to do', async () => {
    const config = await project();
    const { gh, deps } = await github();
    const changed = finding('header-renamed', {
      title: 'Header `OpenAI-Beta` no longer sent',
      recommendation: 'Stop sending `OpenAI-Beta`.',
      evidence: [
        {
          path: 'codex-rs/core/src/client.rs',
          ref: 'from',
          startLine: 7,
          endLine: 7,
          excerpt: '.header("OpenAI-Beta", "x")',
        },
        {
          path: 'codex-rs/core/src/client.rs',
          ref: 'to',
          startLine: 7,
          endLine: 8,
          excerpt: '.header("originator", "y")',
        },
        {
          path: 'lib/request.ts',
          ref: 'downstream',
          startLine: 41,
          endLine: 41,
          excerpt: "headers['OpenAI-Beta'] = beta;",
        },
      ],
    });
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [changed] });
    await reportRelease(config, deps);
    const { body } = gh.repo(DOWNSTREAM).issues[0]!;
    expect(headingsOf(body)).toEqual([
      'What changed',
      'Before and after',
      'Reproduce',
      'Downstream code that depends on it',
      'What to do',
      'Releases covered',
    ]);
    const web = `${gh.url}/${UPSTREAM_REPO}`;
    expect(body).toContain(
      `**Before:** [\`codex-rs/core/src/client.rs#L7\`](${web}/blob/rust-v0.138.0/codex-rs/core/src/client.rs#L7) at \`rust-v0.138.0\``,
    );
    expect(body).toContain(
      `**After:** [\`codex-rs/core/src/client.rs#L7-L8\`](${web}/blob/rust-v0.139.0/codex-rs/core/src/client.rs#L7-L8) at \`rust-v0.139.0\``,
    );
    expect(body.indexOf('**Before:**')).toBeLessThan(body.indexOf('**After:**'));
    expect(body).toContain('```sh\ngit diff rust-v0.138.0 rust-v0.139.0 -- codex-rs/core/src/client.rs\n```');
    // GitHub anchors a file in a compare view by the SHA-256 of its path.
    const anchor = createHash('sha256').update('codex-rs/core/src/client.rs').digest('hex');
    expect(body).toContain(
      `(https://git.example.test/${UPSTREAM_REPO}/compare/rust-v0.138.0...rust-v0.139.0#diff-${anchor})`,
    );
    expect(body).toContain("`lib/request.ts:41`\n\n```ts\nheaders['OpenAI-Beta'] = beta;\n```");
    expect(body).toContain('### What to do\n\nStop sending `OpenAI-Beta`.');
  });

  it('writes each would-be issue body to issues/<nn>-<id>.md, most severe first, and drops bodies of an earlier run', async () => {
    const config = await project();
    const { deps } = await github();
    const paths = await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    const dry = await reportRelease(config, deps, { dryRun: true });
    const issues = join(paths.dir, 'issues');
    expect(dry.issueFiles).toEqual([
      join(issues, '01-token-endpoint-moved.md'),
      join(issues, '02-header-added.md'),
      join(issues, '03-scope-renamed.md'),
    ]);
    expect(dry.created.map((o) => [o.bodyFile, o.labels])).toEqual([
      [dry.issueFiles[0], ['release-watch', 'upstream:codex', 'severity:breaking']],
      [dry.issueFiles[1], ['release-watch', 'upstream:codex', 'severity:high']],
      [dry.issueFiles[2], ['release-watch', 'upstream:codex', 'severity:medium']],
    ]);
    for (const o of dry.created) expect(await readText(o.bodyFile!)).toBe(o.body);
    expect(dry.created[0]!.body).toContain('<!-- release-watch:finding fingerprint=');
    // report.md lists the findings most severe first.
    const rows = (await readText(paths.report)).split('\n').filter((l) => /^\| (?!Finding|-)/.test(l));
    expect(rows.map((r) => r.split('|')[2]!.trim())).toEqual(['`breaking`', '`high`', '`medium`']);

    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [three()[1]!] });
    const again = await reportRelease(config, deps, { dryRun: true });
    expect(again.issueFiles).toEqual([join(issues, '01-scope-renamed.md')]);
    expect(await readdir(issues)).toEqual(['01-scope-renamed.md']);
  });

  it('dry run goes on, saying so, when GitHub cannot be read or no repository is known', async () => {
    const config = await project({ repo: undefined });
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });

    const noRepo = await reportRelease(config, deps, { dryRun: true });
    expect(noRepo.repo).toBeNull();
    expect(noRepo.notes.join('\n')).toContain('No downstream repository');
    await expect(reportRelease(config, deps)).rejects.toMatchObject({ code: 'DOWNSTREAM_REPO_MISSING' });

    gh.fault({ method: 'GET', path: /\/issues$/, status: 503, times: 10 });
    const env = { ...deps.env, repository: DOWNSTREAM };
    const unreadable = await reportRelease(config, { ...deps, env }, { dryRun: true });
    expect(unreadable.repo).toBe(DOWNSTREAM);
    expect(unreadable.created).toHaveLength(3);
    expect(unreadable.notes.join('\n')).toContain(`Could not read the issues of ${DOWNSTREAM}`);
    expect(writes(gh)).toEqual([]);
  });

  it('refuses to write without a token', async () => {
    const config = await project();
    const { deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    const env = { ...deps.env, token: undefined };
    await expect(reportRelease(config, { ...deps, env })).rejects.toMatchObject({
      code: 'GITHUB_TOKEN_MISSING',
    });
  });

  it('picks the newest analyzed tag after lastReviewed, the upstream from --tag, and keeps a newer state', async () => {
    const config = await project();
    const { deps } = await github();
    await analyzed(config, { from: 'rust-v0.137.0', to: 'rust-v0.138.0', findings: [] });
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: [] });
    await analyzed(config, { upstream: 'opencode', from: 'v1.0.0', to: 'v1.1.0', findings: [] });

    await expect(reportRelease(config, deps)).rejects.toMatchObject({ code: 'UPSTREAM_REQUIRED' });
    const newest = await reportRelease(config, deps, { upstream: 'codex' });
    expect(newest.tag).toBe('rust-v0.139.0');
    await expect(reportRelease(config, deps, { upstream: 'codex' })).rejects.toMatchObject({
      code: 'NOTHING_TO_REPORT',
    });
    await expect(reportRelease(config, deps, { upstream: 'codex', tag: '..' })).rejects.toMatchObject({
      code: 'INVALID_REF',
    });
    const byTag = await reportRelease(config, deps, { tag: 'v1.1.0' });
    expect(byTag.upstream).toBe('opencode');

    const older = await reportRelease(config, deps, { tag: 'rust-v0.138.0' });
    expect(older.state).toMatchObject({ advanced: false, lastReviewed: 'rust-v0.139.0' });
    expect((await readState(config.state)).upstreams.codex?.lastReviewed).toBe('rust-v0.139.0');
  });

  it('keeps one dashboard issue up to date in place', async () => {
    const config = await project({ dashboard: true });
    const { gh, deps } = await github();
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    const first = await reportRelease(config, deps);
    expect(first.dashboard).toMatchObject({ action: 'created', number: 4 });
    const dashboard = gh.repo(DOWNSTREAM).issues[3]!;
    expect(dashboard.title).toBe('release-watch dashboard');
    expect(dashboard.body).toContain('<!-- release-watch:dashboard -->');
    expect(dashboard.body).toMatch(/\| `codex` +\| openai\/codex +\| `rust-v0.139.0` .*\| 3 +\|/);

    gh.repo(DOWNSTREAM).issues[0]!.state = 'closed';
    await analyzed(config, { from: 'rust-v0.139.0', to: 'rust-v0.140.0', findings: [] });
    const second = await reportRelease(config, deps);
    expect(second.dashboard).toMatchObject({ action: 'updated', number: 4 });
    expect(gh.repo(DOWNSTREAM).issues).toHaveLength(4);
    expect(dashboard.body).toMatch(/\| `codex` +\| openai\/codex +\| `rust-v0.140.0` .*\| 2 +\|/);
    expect(dashboard.body).not.toContain('/issues/1)');

    const third = await reportRelease(config, deps, { tag: 'rust-v0.140.0' });
    expect(third.dashboard?.action).toBe('unchanged');
  });

  it('appends report.md to the job summary, not in a dry run', async () => {
    const config = await project();
    const { deps } = await github();
    const summary = join(await tempDir(), 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const env = { ...deps.env, stepSummary: summary };
    await analyzed(config, { from: 'rust-v0.138.0', to: 'rust-v0.139.0', findings: three() });
    await reportRelease(config, { ...deps, env }, { dryRun: true });
    expect(await readText(summary)).toBe('# earlier step\n');
    const result = await reportRelease(config, { ...deps, env });
    expect(await readText(summary)).toBe(`# earlier step\n${await readText(result.report)}\n`);
  });
});
