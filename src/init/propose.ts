import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import hostedGitInfo from 'hosted-git-info';
import semver from 'semver';
import { mineAnchors } from '../analysis/anchors/index.js';
import { repoSchema, UPSTREAM_ID } from '../config/schema.js';
import { cloneUrl } from '../config/upstreams.js';
import { isReleaseWatchError } from '../errors.js';
import { remoteOf } from '../git/remote.js';
import type { GitRunner } from '../git/run.js';
import type { NpmRegistry } from '../sources/types.js';
import { DEFAULT_TAGS, type InitUpstream } from './config.js';

/** Why init proposes an upstream: each place the project names it. */
export interface ProposalReason {
  kind: 'url' | 'dependency';
  /** The file with the URL, or the package name. */
  where: string;
}

export interface ProposedUpstream extends InitUpstream {
  reasons: ProposalReason[];
  /** How the tag pattern was found: from the upstream's tags, or the default when they could not be listed. */
  tagsFrom: 'tags' | 'default';
}

export interface ProposeOptions {
  dir: string;
  /** The downstream itself (`owner/name`): never proposed as its own upstream. */
  downstream?: string;
  serverUrl: string;
  git: GitRunner;
  /** Asked for a dependency's metadata when it is not installed in node_modules. */
  npm?: () => Promise<NpmRegistry>;
}

/** Paths that hold tests and tool config: what they import is tooling, not what the project uses. */
const TOOLING_PATH =
  /(^|\/)(test|tests|__tests__|spec|e2e|scripts?)\/|\.(test|spec)\.[cm]?[jt]sx?$|\.config\.[cm]?[jt]s$/;
/** Files that import (package.json names its dependencies as module anchors too). */
const SCRIPT = /\.[cm]?[jt]sx?$/;
/** First path segments on github.com that are not an owner. */
const NOT_OWNERS = new Set([
  'sponsors',
  'orgs',
  'apps',
  'marketplace',
  'features',
  'topics',
  'settings',
  'login',
]);
const RAW_HOSTS = /^(raw\.githubusercontent\.com|github\.com|www\.github\.com)$/;

/**
 * The upstreams a project names: GitHub repositories in its tracked source (raw/blob URLs and
 * `github.com/OWNER/NAME` links, mined like anchors), and the GitHub repositories of the packages
 * it depends on and imports (peer dependencies count without an import: they are the host a plugin
 * extends). Each gets the tag pattern its tags follow and surfaces for the files the project names.
 */
export async function proposeUpstreams(options: ProposeOptions): Promise<ProposedUpstream[]> {
  const pkg = await readJson(join(options.dir, 'package.json'));
  // The project itself, named by the options or by its own package.json, is never its own upstream.
  const selves = new Set(
    [options.downstream, githubOf(pkg)?.repo].filter(Boolean).map((r) => r!.toLowerCase()),
  );
  const found = new Map<string, { reasons: ProposalReason[]; surfaces: Map<string, Set<string>> }>();
  type Entry = typeof found extends Map<string, infer E> ? E : never;
  const note = (repo: string, reason: ProposalReason, surface?: [string, string]) => {
    if (!repoSchema.safeParse(repo).success || selves.has(repo.toLowerCase())) return;
    const key = [...found.keys()].find((k) => k.toLowerCase() === repo.toLowerCase()) ?? repo;
    const entry: Entry = found.get(key) ?? { reasons: [], surfaces: new Map() };
    found.set(key, entry);
    if (!entry.reasons.some((r) => r.kind === reason.kind && r.where === reason.where))
      entry.reasons.push(reason);
    if (surface) {
      const globs = entry.surfaces.get(surface[0]) ?? new Set();
      entry.surfaces.set(surface[0], globs.add(surface[1]));
    }
  };

  // A folder that is not a git checkout has no tracked source to read; its package.json still counts.
  const anchors = await mineAnchors(options.dir, { git: options.git }).catch((error: unknown) => {
    if (isReleaseWatchError(error) && error.code === 'DOWNSTREAM_NOT_A_REPOSITORY') return [];
    throw error;
  });
  // Code names what it uses; docs and notes link to many repositories it only mentions.
  const inCode = (use: { path: string }) => SCRIPT.test(use.path) && !TOOLING_PATH.test(use.path);
  for (const anchor of anchors) {
    const where = anchor.uses.find(inCode)?.path;
    if (!where) continue;
    if (anchor.kind === 'upstream-path' && anchor.repo) {
      note(anchor.repo, { kind: 'url', where }, ['files', anchor.value]);
    } else if (anchor.kind === 'url') {
      const [host, owner, name] = anchor.value.split('/');
      if (host && owner && name && RAW_HOSTS.test(host) && !NOT_OWNERS.has(owner)) {
        note(`${owner}/${name.replace(/\.git$/, '')}`, { kind: 'url', where });
      }
    }
  }

  const imported = new Set(
    anchors
      .filter(
        (a) =>
          a.kind === 'module' && a.uses.some((use) => SCRIPT.test(use.path) && !TOOLING_PATH.test(use.path)),
      )
      .map((a) => packageName(a.value)),
  );

  const peers = Object.keys(objectAt(pkg, 'peerDependencies'));
  const declared = new Set([
    ...peers,
    ...Object.keys(objectAt(pkg, 'dependencies')),
    ...Object.keys(objectAt(pkg, 'devDependencies')),
  ]);
  const used = [...declared].filter((name) => peers.includes(name) || imported.has(name)).sort();
  const metadata = await Promise.all(used.map((name) => dependencyMetadata(options, name)));
  for (const [i, name] of used.entries()) {
    const github = githubOf(metadata[i]);
    if (!github) continue;
    const surface: [string, string] | undefined = github.directory
      ? [name.split('/').pop()!, `${github.directory.replace(/^\.?\/|\/$/g, '')}/**`]
      : undefined;
    note(github.repo, { kind: 'dependency', where: name }, surface);
  }

  const repos = [...found.keys()].sort();
  const tags = await Promise.all(repos.map((repo) => remoteTags(repo, options)));
  const ids = new Set<string>();
  return repos.map((repo, i) => {
    const entry = found.get(repo)!;
    const pattern = tags[i] && inferTagPattern(tags[i]);
    const surfaces = Object.fromEntries(
      [...entry.surfaces]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, globs]) => [name, [...globs].sort()]),
    );
    return {
      id: uniqueId(repo, ids),
      repo,
      tags: pattern ?? DEFAULT_TAGS,
      tagsFrom: pattern ? 'tags' : 'default',
      ...(Object.keys(surfaces).length > 0 ? { surfaces } : {}),
      reasons: entry.reasons,
    };
  });
}

/**
 * The glob a repository's release tags follow: the prefix shared by most of its version tags
 * (`rust-v0.1.0` → `rust-v*`, `v1.2.3` → `v*`, `1.2.3` → `[0-9]*`), counting stable releases first.
 */
export function inferTagPattern(tags: readonly string[]): string | undefined {
  const groups = new Map<string, { stable: number; all: number }>();
  for (const tag of tags) {
    const match = /^(.*?)(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag);
    if (!match || !semver.valid(match[2]!)) continue;
    const prefix = match[1]!;
    if (prefix !== '' && !/[-_/@v]$/.test(prefix)) continue;
    if (/[*?[\]{}!\\]/.test(prefix)) continue;
    const group = groups.get(prefix) ?? { stable: 0, all: 0 };
    group.all += 1;
    if (!semver.prerelease(match[2]!)) group.stable += 1;
    groups.set(prefix, group);
  }
  const best = [...groups].sort(
    ([pa, a], [pb, b]) => b.stable - a.stable || b.all - a.all || pa.localeCompare(pb),
  )[0];
  if (!best) return undefined;
  return best[0] === '' ? '[0-9]*' : `${best[0]}*`;
}

/** The repository's tags through `git ls-remote` (GITHUB_SERVER_URL), or undefined when they cannot be listed. */
async function remoteTags(repo: string, options: ProposeOptions): Promise<string[] | undefined> {
  const { url, config } = remoteOf(cloneUrl({ repo }, { serverUrl: options.serverUrl }));
  try {
    const { stdout } = await options.git(['ls-remote', '--tags', '--refs', '--', url], {
      config,
      network: true,
    });
    return stdout
      .split('\n')
      .map((line) => line.split('\t')[1]?.replace(/^refs\/tags\//, ''))
      .filter((tag): tag is string => Boolean(tag));
  } catch {
    return undefined;
  }
}

/** A dependency's package.json from node_modules, else its registry document. */
async function dependencyMetadata(options: ProposeOptions, name: string): Promise<unknown> {
  const installed = await readJson(join(options.dir, 'node_modules', name, 'package.json'));
  if (installed) return installed;
  if (!options.npm) return undefined;
  try {
    const document = (await (await options.npm()).document(name)) as {
      'dist-tags'?: { latest?: string };
      versions?: Record<string, unknown>;
    };
    // The document names the repository at the top; some registries only in each version's manifest.
    const latest = document?.versions?.[document['dist-tags']?.latest ?? ''];
    return githubOf(document) || !latest ? document : latest;
  } catch {
    return undefined;
  }
}

/** The GitHub repository (and folder in it) that package metadata names in `repository`, `homepage` or `bugs`. */
export function githubOf(metadata: unknown): { repo: string; directory?: string } | undefined {
  const repository = (metadata as { repository?: unknown })?.repository;
  const directory =
    typeof repository === 'object' &&
    repository &&
    typeof (repository as { directory?: unknown }).directory === 'string'
      ? ((repository as { directory: string }).directory as string)
      : undefined;
  const candidates = [
    typeof repository === 'string' ? repository : (repository as { url?: unknown })?.url,
    (metadata as { homepage?: unknown })?.homepage,
    (metadata as { bugs?: unknown })?.bugs,
    ((metadata as { bugs?: { url?: unknown } })?.bugs as { url?: unknown } | undefined)?.url,
  ];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') continue;
    // hosted-git-info reads repository URLs; a bugs URL ends in /issues, which it does not take.
    const info = hostedGitInfo.fromUrl(candidate.replace(/\/issues(?:[/?#].*)?$/, ''));
    if (info?.type === 'github' && info.user && info.project) {
      return { repo: `${info.user}/${info.project}`, ...(directory ? { directory } : {}) };
    }
  }
  return undefined;
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The repository name as an ID (`openai/codex` → `codex`), with the owner when two share a name. */
function uniqueId(repo: string, taken: Set<string>): string {
  const clean = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '');
  const [owner, name] = repo.split('/') as [string, string];
  let id = clean(name);
  if (taken.has(id) || !UPSTREAM_ID.test(id)) id = clean(`${owner}-${name}`);
  for (let n = 2; taken.has(id); n++) id = `${clean(`${owner}-${name}`)}-${n}`;
  taken.add(id);
  return id;
}

function objectAt(value: unknown, key: string): Record<string, unknown> {
  const inner = (value as Record<string, unknown> | undefined)?.[key];
  return inner && typeof inner === 'object' ? (inner as Record<string, unknown>) : {};
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}
