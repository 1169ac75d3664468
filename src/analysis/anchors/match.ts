import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { cacheGit, ensureTrees, fetchMissingObjects, type UpstreamCache } from '../../git/cache.js';
import { anchorKey } from './mine.js';
import { ANCHOR_KINDS, type Anchor, type AnchorKind, type MinedAnchor } from './types.js';

export interface MatchOptions {
  cache: UpstreamCache;
  /** Full commit id of the upstream's `from` tag. */
  commit: string;
  /** The upstream's `owner/name`: upstream-path anchors naming another repository are not its. */
  repo: string;
  /** Globs of upstream files whose occurrences do not count (the upstream's `ignore`). */
  ignore?: readonly string[];
  include?: readonly string[];
  exclude?: readonly string[];
}

/** HTTP header names are case-insensitive; upstream code writes them in any case. */
const CASE_INSENSITIVE = new Set<AnchorKind>(['header']);
/** Characters that continue a name: `gpt-5.1-codex` is not found inside `gpt-5.1-codex-max` nor `allow` in `low`. */
const NAME_CHAR = '[A-Za-z0-9_-]';
/** Alternatives per PCRE pattern: one compiled pattern must stay under PCRE2's 64 KiB default link size. */
const ALTERNATIVES_PER_PATTERN = 400;
const SAMPLE_SIZE = 5;
/** Extensions never read for anchors: their blobs are neither fetched nor grepped. */
const BINARY_EXTENSIONS = [
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'ico',
  'icns',
  'bmp',
  'svg',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'eot',
  'zip',
  'gz',
  'tgz',
  'xz',
  'zst',
  'jar',
  'wasm',
  'pdf',
  'mp3',
  'mp4',
  'mov',
  'webm',
  'wav',
  'ogg',
  'exe',
  'dll',
  'so',
  'dylib',
  'bin',
];

/** `value` or `kind:value`. */
interface Selector {
  kind?: AnchorKind;
  value: string;
}

function parseSelector(entry: string): Selector {
  const colon = entry.indexOf(':');
  const kind = colon > 0 ? (entry.slice(0, colon) as AnchorKind) : undefined;
  return kind && (ANCHOR_KINDS as readonly string[]).includes(kind)
    ? { kind, value: entry.slice(colon + 1) }
    : { value: entry };
}

const selects = (selector: Selector, anchor: Pick<MinedAnchor, 'kind' | 'value'>) =>
  selector.value === anchor.value && (selector.kind === undefined || selector.kind === anchor.kind);

/** Rarity upstream: 1 for an anchor found in one file or none, falling slowly with the file count. */
export const anchorWeight = (files: number) => 1 / (1 + Math.log2(1 + files));

/**
 * The anchors of one upstream: those of `mined` that occur in its tree at `commit` (paths by
 * existence, everything else by one batched `git grep`), weighted by rarity, curated by
 * include/exclude. Makes the tree's blobs local first, in one request.
 */
export async function matchAnchors(mined: readonly MinedAnchor[], options: MatchOptions): Promise<Anchor[]> {
  const exclude = (options.exclude ?? []).map(parseSelector);
  const include = (options.include ?? []).map(parseSelector);
  const excluded = (anchor: MinedAnchor) => exclude.some((selector) => selects(selector, anchor));
  const candidates = mined.filter((anchor) => !excluded(anchor));
  // An include that names nothing mined is watched all the same, without downstream uses.
  for (const selector of include) {
    const extra: MinedAnchor = { kind: selector.kind ?? 'literal', value: selector.value, uses: [] };
    if (!candidates.some((anchor) => selects(selector, anchor)) && !excluded(extra)) candidates.push(extra);
  }
  const isIncluded = (anchor: MinedAnchor) => include.some((selector) => selects(selector, anchor));
  const repo = options.repo.toLowerCase();
  const paths = candidates.filter(
    (anchor) => anchor.kind === 'upstream-path' && (!anchor.repo || anchor.repo.toLowerCase() === repo),
  );
  const searched = candidates.filter((anchor) => anchor.kind !== 'upstream-path');
  const ignored = options.ignore?.length ? picomatch([...options.ignore], { dot: true }) : () => false;

  await ensureTrees(options.cache, [options.commit]);
  const tree = await listTree(options.cache, options.commit);
  const counted = tree.filter((entry) => !ignored(entry.path));
  const found = new Map<string, string[]>();
  const files = new Set(counted.map((entry) => entry.path));
  const folders = new Set(counted.flatMap((entry) => parentFolders(entry.path)));
  for (const anchor of paths) {
    if (files.has(anchor.value)) found.set(anchorKey(anchor), [anchor.value]);
    else if (folders.has(anchor.value)) {
      found.set(
        anchorKey(anchor),
        counted.filter((entry) => entry.path.startsWith(`${anchor.value}/`)).map((entry) => entry.path),
      );
    }
  }
  if (searched.length > 0) {
    // One request for the blobs grep will read; a partial clone would otherwise fetch each on its own.
    await fetchMissingObjects(
      options.cache,
      tree.filter((entry) => !isBinaryPath(entry.path)).map((entry) => entry.id),
    );
    for (const [key, hits] of await grepAnchors(options.cache, options.commit, searched)) {
      const kept = hits.filter((path) => !ignored(path));
      if (kept.length > 0) found.set(key, kept);
    }
  }

  const anchors: Anchor[] = [];
  for (const anchor of candidates) {
    const hits = found.get(anchorKey(anchor));
    const wanted = isIncluded(anchor);
    if (!hits && !wanted) continue;
    const sorted = [...new Set(hits ?? [])].sort();
    anchors.push({
      ...anchor,
      weight: anchorWeight(sorted.length),
      upstreamFiles: sorted.length,
      upstreamSample: sorted.slice(0, SAMPLE_SIZE),
      ...(hits ? {} : { included: true }),
    });
  }
  return anchors.sort(
    (a, b) => b.weight - a.weight || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value),
  );
}

interface TreeEntry {
  path: string;
  id: string;
}

function parentFolders(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** Every file of the tree with its blob id (submodules left out). */
async function listTree(cache: UpstreamCache, commit: string): Promise<TreeEntry[]> {
  const { stdout } = await cacheGit(cache, [
    'ls-tree',
    '-r',
    '-z',
    '--full-tree',
    '--end-of-options',
    commit,
  ]);
  const entries: TreeEntry[] = [];
  for (const record of stdout.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab === -1) continue;
    const [, type, id] = record.slice(0, tab).split(' ');
    if (type === 'blob' && id) entries.push({ path: record.slice(tab + 1), id });
  }
  return entries;
}

const isBinaryPath = (path: string) => {
  const dot = path.lastIndexOf('.');
  return dot !== -1 && BINARY_EXTENSIONS.includes(path.slice(dot + 1));
};

/** A PCRE alternative matching `value` as a whole name (and in any case for headers). */
function alternative(anchor: MinedAnchor): string {
  const escaped = anchor.value.replace(/[^A-Za-z0-9]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`));
  const before = /^[A-Za-z0-9_]/.test(anchor.value) ? `(?<!${NAME_CHAR})` : '';
  const after = /[A-Za-z0-9_]$/.test(anchor.value) ? `(?!${NAME_CHAR})` : '';
  const body = `${before}${escaped}${after}`;
  return CASE_INSENSITIVE.has(anchor.kind) ? `(?i:${body})` : body;
}

/**
 * Files of the tree each anchor occurs in, from one `git grep -P -o` over the tree: the anchors are
 * alternatives of a few PCRE patterns, longest first so a longer name wins where two start together.
 */
async function grepAnchors(
  cache: UpstreamCache,
  commit: string,
  anchors: readonly MinedAnchor[],
): Promise<Map<string, string[]>> {
  const exact = new Map<string, string[]>();
  const folded = new Map<string, string[]>();
  const alternatives = new Set<string>();
  for (const anchor of [...anchors].sort((a, b) => b.value.length - a.value.length)) {
    const key = anchorKey(anchor);
    const index = CASE_INSENSITIVE.has(anchor.kind) ? folded : exact;
    const lookup = CASE_INSENSITIVE.has(anchor.kind) ? anchor.value.toLowerCase() : anchor.value;
    index.set(lookup, [...(index.get(lookup) ?? []), key]);
    alternatives.add(alternative(anchor));
  }
  const patterns: string[] = [];
  const all = [...alternatives];
  for (let start = 0; start < all.length; start += ALTERNATIVES_PER_PATTERN) {
    patterns.push(all.slice(start, start + ALTERNATIVES_PER_PATTERN).join('|'));
  }
  const dir = await mkdtemp(join(tmpdir(), 'rw-anchors-'));
  try {
    const patternFile = join(dir, 'patterns');
    await writeFile(patternFile, `${patterns.join('\n')}\n`);
    const { stdout } = await cacheGit(
      cache,
      [
        'grep',
        '-P',
        '-o',
        '-I',
        '-z',
        '--no-color',
        '--full-name',
        '-f',
        patternFile,
        // A full commit id (checked by the caller's peel), so never an option; grep lacks --end-of-options in git 2.39.
        commit,
        '--',
        '.',
        ...BINARY_EXTENSIONS.map((extension) => `:(exclude,glob)**/*.${extension}`),
      ],
      { okExitCodes: [1] },
    );
    const hits = new Map<string, Set<string>>();
    const prefix = `${commit}:`;
    for (const line of stdout.split('\n')) {
      const nul = line.indexOf('\0');
      if (nul === -1 || !line.startsWith(prefix)) continue;
      const path = line.slice(prefix.length, nul);
      const text = line.slice(nul + 1);
      for (const key of [...(exact.get(text) ?? []), ...(folded.get(text.toLowerCase()) ?? [])]) {
        const files = hits.get(key) ?? new Set<string>();
        files.add(path);
        hits.set(key, files);
      }
    }
    return new Map([...hits].map(([key, files]) => [key, [...files]]));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
