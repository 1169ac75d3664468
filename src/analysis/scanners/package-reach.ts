import { posix } from 'node:path';
import type { RepoReader } from '../../git/reader.js';
import { isScriptPath } from '../patch/classify.js';
import { importsPackage, packageInfoResolver, type UpstreamPackage } from './anchor-index.js';

/** Extensions a relative import may leave out or write as `.js`, in the order TypeScript tries them. */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** Files the walk reads at most (over all packages); past it, every imported package counts as reached whole. */
const MAX_WALK = 2_000;

/** The first file a package.json target names: a path, or the first path among its conditions. */
function targetOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(targetOf).find((t) => t !== undefined);
  if (value && typeof value === 'object') {
    const conditions = value as Record<string, unknown>;
    for (const key of ['types', 'import', 'module', 'default', 'require', 'node'])
      if (key in conditions) {
        const target = targetOf(conditions[key]);
        if (target) return target;
      }
  }
  return undefined;
}

/**
 * The entry file of each subpath of a package (`.`, `./v2`), from `exports` (else `module`, `main`,
 * `types`); undefined when `exports` has patterns (`./*`), which name no one file.
 */
function entriesOf(manifest: Record<string, unknown>): Map<string, string> | undefined {
  const entries = new Map<string, string>();
  const exports = manifest.exports;
  const bySubpath =
    exports &&
    typeof exports === 'object' &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((k) => k.startsWith('.'))
      ? (exports as Record<string, unknown>)
      : exports !== undefined
        ? { '.': exports }
        : { '.': manifest.module ?? manifest.main ?? manifest.types ?? './index.js' };
  for (const [subpath, value] of Object.entries(bySubpath)) {
    if (subpath.includes('*')) return undefined;
    const target = targetOf(value);
    if (target) entries.set(subpath, target);
  }
  return entries;
}

/** The upstream package an import specifier names (`@scope/name/sub` → `@scope/name`), and the subpath. */
function packageOfSpecifier(
  byName: ReadonlyMap<string, UpstreamPackage>,
  specifier: string,
): { pkg: UpstreamPackage; subpath: string } | undefined {
  const parts = specifier.split('/');
  for (let n = specifier.startsWith('@') ? 2 : 1; n <= parts.length; n++) {
    const pkg = byName.get(parts.slice(0, n).join('/'));
    if (pkg) return { pkg, subpath: n === parts.length ? '.' : `./${parts.slice(n).join('/')}` };
  }
  return undefined;
}

/**
 * What an import specifier of an upstream file names: a script of the upstream; no API of it (another
 * package, an asset); or an upstream package whose entry is no file here (`missing`: its folder).
 */
export type Resolved = { file: string } | { external: true } | { missing: string };

/**
 * The upstream's JS/TS modules at `from`: its npm packages by name (every package.json of the tree;
 * undefined when the reader cannot list it) and what an import specifier in one of its files names,
 * both looked up in one listing of the tree.
 */
export function upstreamModules(reader: RepoReader) {
  const packageOf = packageInfoResolver(reader);
  /** Every file of the tree at `from` (one `git ls-tree`); undefined when the reader cannot list it. */
  let listing: Promise<Set<string> | undefined> | undefined;
  const tree = () =>
    (listing ??= (reader.listFiles?.('from') ?? Promise.resolve(undefined)).then(
      (paths) => (paths ? new Set(paths) : undefined),
      () => undefined,
    ));
  /** A script of the tree that a relative import from `from` names, if any (looked up in the listing, not read). */
  const relative = async (from: string, specifier: string): Promise<string | undefined> => {
    const files = await tree();
    const base = posix.join(posix.dirname(from), specifier);
    const stem = base.replace(/\.(?:[cm]?js|jsx)$/, '');
    return [
      base,
      ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
      ...SOURCE_EXTENSIONS.map((ext) => `${base}/index${ext}`),
    ].find((candidate) => isScriptPath(candidate) && files?.has(candidate));
  };
  let byName: Promise<Map<string, UpstreamPackage> | undefined> | undefined;
  const packages = () =>
    (byName ??= (async () => {
      const files = await tree();
      if (!files) return undefined;
      const found = new Map<string, UpstreamPackage>();
      for (const path of files) {
        if (path !== 'package.json' && !path.endsWith('/package.json')) continue;
        const pkg = await packageOf(path);
        if (pkg && `${pkg.dir ? `${pkg.dir}/` : ''}package.json` === path && !found.has(pkg.name))
          found.set(pkg.name, pkg);
      }
      return found;
    })());
  /** The file an upstream package's subpath (`@scope/name/sub`) enters at; `missing` names a package dir reached whole. */
  const entry = async (specifier: string): Promise<Resolved> => {
    const named = packageOfSpecifier((await packages()) ?? new Map(), specifier);
    if (!named) return { external: true };
    const target = entriesOf(named.pkg.manifest)?.get(named.subpath);
    const file =
      target === undefined ? undefined : await relative(posix.join(named.pkg.dir, 'package.json'), target);
    return file === undefined ? { missing: named.pkg.dir } : { file };
  };
  return {
    packageOf,
    packages,
    entry,
    /** What an import in the upstream file `from` names. */
    async resolve(from: string, specifier: string): Promise<Resolved> {
      if (!specifier.startsWith('.')) return entry(specifier);
      // A relative import that names no script (JSON, CSS, a file gone) leads to no API.
      const file = await relative(from, specifier);
      return file === undefined ? { external: true } : { file };
    },
  };
}

/**
 * Which upstream files the downstream reaches through the npm packages of the upstream it imports:
 * the entry files of the subpaths it imports (package.json `exports`, else `module`/`main`/`types`)
 * and all they import, at `from`: relative imports, and imports of the upstream's own packages
 * (`@opencode-ai/plugin` importing types from `@opencode-ai/sdk/v2` reaches those too). A package
 * whose entry is no file of the repository (built files, `exports` patterns) is reached whole; a
 * reader that cannot list the tree, or a walk past MAX_WALK files, makes every imported package so.
 */
export function packageReach(
  reader: RepoReader,
  modules: ReadonlySet<string>,
  upstream = upstreamModules(reader),
) {
  const walk = async (): Promise<{ files: Set<string>; whole: Set<string> } | undefined> => {
    if (!(await upstream.packages())) return undefined;
    const { ts } = await import('../parse/typescript.js');
    const files = new Set<string>();
    /** Packages reached whole (by dir): an entry that is no file here. */
    const whole = new Set<string>();
    const entered = new Set<string>();
    const queue: string[] = [];
    const follow = (resolved: Resolved) => {
      if ('file' in resolved) queue.push(resolved.file);
      else if ('missing' in resolved) whole.add(resolved.missing);
    };
    for (const m of modules) {
      if (entered.has(m)) continue;
      entered.add(m);
      follow(await upstream.entry(m));
    }
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      if (files.has(file)) continue;
      if (files.size >= MAX_WALK) return undefined;
      files.add(file);
      const text = await reader.readFile('from', file);
      if (text === undefined) continue;
      for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
        if (!fileName.startsWith('.')) {
          if (entered.has(fileName)) continue;
          entered.add(fileName);
        }
        follow(await upstream.resolve(file, fileName));
      }
    }
    return { files, whole };
  };
  let walked: Promise<{ files: Set<string>; whole: Set<string> } | undefined> | undefined;
  return async (path: string): Promise<boolean> => {
    const pkg = await upstream.packageOf(path);
    if (!pkg) return false;
    const imported = importsPackage(modules, pkg.name);
    // A package the downstream does not import may still be reached through one it does (its scripts).
    if (!imported && !isScriptPath(path)) return false;
    walked ??= walk();
    const reached = await walked;
    if (!reached) return imported;
    if (reached.whole.has(pkg.dir)) return true;
    return isScriptPath(path) ? reached.files.has(path) : imported;
  };
}
