import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { onTestFinished } from 'vitest';
import { type Analysis, analysisSchema, type Finding, findingSchema } from '../../src/analysis/schema.js';
import { artifactPaths } from '../../src/artifacts/paths.js';
import { releaseArtifactSchema } from '../../src/artifacts/schema.js';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.js';
import { createGitHubClient, type GitHubEnv, githubEnv } from '../../src/github/client.js';
import type { ReportDeps } from '../../src/report/service.js';
import { writeJsonAtomically } from '../../src/util/fs.js';
import { type GitHubStandIn, startGitHubStandIn } from '../helpers/github-server.js';
import { tempDir } from '../helpers/tmp.js';

export const TOKEN = 'ghs_s3cretTokenValue0123456789abcdef';
export const DOWNSTREAM = 'acme/plugin';
export const UPSTREAM_REPO = 'openai/codex';

/** A valid finding (checked by the zod schema), high severity and verified unless overridden. */
export function finding(id: string, overrides: Partial<Finding> = {}): Finding {
  return findingSchema.parse({
    id,
    title: `Finding ${id}`,
    severity: 'high',
    surface: 'auth',
    description: `The upstream changed something about ${id}.`,
    recommendation: `Adapt to ${id}.`,
    confidence: 0.8,
    source: 'agent',
    verified: true,
    evidence: [
      {
        path: 'codex-rs/login/src/server.rs',
        ref: 'to',
        startLine: 10,
        endLine: 24,
        excerpt: 'fn token_endpoint() {}',
      },
    ],
    ...overrides,
  });
}

/** A downstream project: config file in a temp folder (JSON, as `init` could write it). */
export async function project(downstream: Record<string, unknown> = {}): Promise<ResolvedConfig> {
  const dir = await tempDir('rw-report-');
  const file = join(dir, 'release-watch.config.json');
  await writeFile(
    file,
    JSON.stringify({
      downstream: { repo: DOWNSTREAM, labels: ['release-watch'], minSeverity: 'medium', ...downstream },
      upstreams: {
        codex: { repo: UPSTREAM_REPO, tags: 'rust-v*', surfaces: { auth: ['codex-rs/login/**'] } },
        opencode: { repo: 'sst/opencode', tags: 'v[0-9]*' },
      },
    }),
  );
  return loadConfig({ file });
}

/** Writes release.json and analysis.json for `from` → `to`, both built through their zod schemas. */
export async function analyzed(
  config: ResolvedConfig,
  options: { from: string; to: string; findings: Finding[]; upstream?: string; impact?: Analysis['impact'] },
) {
  const upstream = options.upstream ?? 'codex';
  const repo = config.upstreams[upstream]!.repo;
  const paths = artifactPaths(config.artifacts, upstream, options.to);
  const commit = (tag: string) => Buffer.from(tag.padEnd(20, '0')).toString('hex').slice(0, 40);
  const release = releaseArtifactSchema.parse({
    schemaVersion: 1,
    upstream,
    repo,
    url: `https://git.example.test/${repo}.git`,
    from: { tag: options.from, commit: commit(options.from) },
    to: { tag: options.to, commit: commit(options.to) },
    releases: [
      {
        tag: options.to,
        version: options.to.replace(/^\D+/, ''),
        date: '2026-11-20T10:00:00Z',
        prerelease: false,
        notes: 'Thanks @someone for #42',
      },
    ],
    compareUrl: `https://git.example.test/${repo}/compare/${options.from}...${options.to}`,
    commits: 3,
    generatedAt: '2026-11-21T00:00:00Z',
  });
  const analysis = analysisSchema.parse({
    schemaVersion: 1,
    upstream: { id: upstream, repo, from: options.from, to: options.to },
    impact: options.impact ?? 'high',
    summary: `Release ${options.to} changes the login flow.`,
    findings: options.findings,
    coverage: { filesChanged: 4, filesInContext: 4, surfacesTouched: ['auth'], truncated: false },
    agent: { kind: 'none', durationMs: 0, tokens: 0, cost: 0 },
  });
  await writeJsonAtomically(paths.release, release);
  await writeJsonAtomically(paths.analysis, analysis);
  return paths;
}

export interface GitHubFixture {
  gh: GitHubStandIn;
  env: GitHubEnv;
  /** Environment for runCli: API, server and token pointing at the stand-in. */
  cliEnv: Record<string, string>;
  deps: ReportDeps;
}

/** The stand-in with the downstream repository, and deps whose client waits milliseconds, not seconds. */
export async function github(): Promise<GitHubFixture> {
  const gh = await startGitHubStandIn({ token: TOKEN });
  onTestFinished(() => gh.close());
  gh.repo(DOWNSTREAM);
  const cliEnv = { GITHUB_API_URL: gh.url, GITHUB_SERVER_URL: gh.webUrl, GITHUB_TOKEN: TOKEN };
  const env = githubEnv(cliEnv);
  const client = createGitHubClient({
    env,
    retries: 2,
    retryBaseMs: 1,
    writeGapMs: 0,
    notifyingWriteGapMs: 0,
  });
  const now = () => new Date('2026-11-23T09:00:00Z');
  return { gh, env, cliEnv, deps: { github: client, env, now, createRetry: { attempts: 3, delayMs: 1 } } };
}

export const readText = (file: string) => readFile(file, 'utf8');
export const writes = (gh: GitHubStandIn) => gh.requests.filter((r) => r.method !== 'GET');

/** How GitHub-flavoured markdown parses (small inputs only: the parser is slow on large ones). */
export const parseMarkdown = (markdown: string): Root =>
  fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });

/** Texts of the top-level headings of a document. */
export const headingsOf = (markdown: string) =>
  parseMarkdown(markdown).children.flatMap((n) =>
    n.type === 'heading' ? [n.children.map((c) => ('value' in c ? c.value : '')).join('')] : [],
  );
