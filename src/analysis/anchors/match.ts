import picomatch from 'picomatch';
import { cacheGit, ensureTrees, fetchAvailableObjects, type UpstreamCache } from '../../git/cache.js';
import { forEachBlob } from '../../git/reader.js';
import { addTo } from '../../util/group.js';
import { NameFinder, type Needle } from './find.js';
import { needlesId, readMatches, writeMatches } from './match-store.js';
import { anchorKey } from './store.js';
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
  /** Folder keeping which anchors each blob holds (match-store.ts); without it every blob is read. */
  storeDir?: string;
}

/** HTTP header names are case-insensitive; upstream code writes them in any case. */
const CASE_INSENSITIVE = new Set<AnchorKind>(['header']);
/** Bytes git looks at to tell a binary file (`git grep -I`). */
const BINARY_SNIFF = 8000;
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
 * existence, everything else by one read of its text blobs), weighted by rarity, curated by
 * include/exclude. Makes the tree's blobs local first, in one request; files whose blobs the remote
 * cannot serve are not searched and come back as `unread`.
 */
export async function matchAnchors(
  mined: readonly MinedAnchor[],
  options: MatchOptions,
): Promise<{ anchors: Anchor[]; unread: string[] }> {
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
  const unread: string[] = [];
  if (searched.length > 0) {
    const needles = searched.map((anchor) => ({
      key: anchorKey(anchor),
      value: anchor.value,
      anyCase: CASE_INSENSITIVE.has(anchor.kind),
    }));
    const storeId = options.storeDir ? needlesId(needles) : '';
    const stored = options.storeDir ? await readMatches(options.storeDir, storeId) : undefined;
    const readable = counted.filter((entry) => !isBinaryPath(entry.path));
    const unknown = [...new Set(readable.map((entry) => entry.id))].filter((id) => !stored?.blobs.has(id));
    // One request for the blobs to read; a partial clone would otherwise fetch each on its own.
    const { unavailable } = await fetchAvailableObjects(options.cache, unknown);
    const lacking = new Set(unavailable);
    const fresh = await findInBlobs(
      options.cache,
      unknown.filter((id) => !lacking.has(id)),
      needles,
    );
    const keysOf = (id: string): readonly string[] =>
      fresh.get(id) ?? (stored?.blobs.get(id) ?? []).map((at) => stored!.keys[at]!);
    for (const entry of readable) {
      if (lacking.has(entry.id)) {
        unread.push(entry.path);
        continue;
      }
      for (const key of keysOf(entry.id)) addTo(found, key, entry.path);
    }
    if (options.storeDir && fresh.size > 0) {
      const keys = needles.map((n) => n.key);
      const at = new Map(keys.map((key, index) => [key, index]));
      const blobs = new Map<string, number[]>();
      // Only blobs searched now or before: one the cache could not hand out is searched next time.
      for (const { id } of readable)
        if (fresh.has(id) || stored?.blobs.has(id))
          blobs.set(
            id,
            keysOf(id).map((key) => at.get(key)!),
          );
      await writeMatches(options.storeDir, storeId, { keys, blobs });
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
  anchors.sort(
    (a, b) => b.weight - a.weight || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value),
  );
  return { anchors, unread: unread.sort() };
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

/**
 * The needles each blob holds, as whole names (headers in any case): every blob read once through
 * one `git cat-file --batch`, each searched for all needles in one pass. Binary blobs (a NUL in the
 * first 8000 bytes, as git decides) hold none.
 */
async function findInBlobs(
  cache: UpstreamCache,
  ids: readonly string[],
  needles: readonly Needle<string>[],
): Promise<Map<string, string[]>> {
  const finder = new NameFinder(needles);
  const held = new Map<string, string[]>();
  await forEachBlob(cache, ids, (id, content) => {
    held.set(id, content.subarray(0, BINARY_SNIFF).includes(0) ? [] : [...finder.find(content)]);
  });
  return held;
}
