import type { AnchorKind } from './types.js';

/** One thing a string names, before uses are attached. */
export interface Named {
  kind: AnchorKind;
  value: string;
  repo?: string;
  module?: string;
}

/** Stands for an interpolated `${…}` part of a template literal when the static parts are joined. */
export const HOLE = '\u0000';

/** The shapes the classifier accepts; conservative on purpose, the upstream check does the rest. */
const ENV = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*$/;
/** `Content-Type`, `OpenAI-Beta`, `x-api-key`: dashed segments, each capitalised, or an `x-` prefix. */
const HEADER = /^(?:[xX]-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*|[A-Z][A-Za-z0-9]*(?:-[A-Z][A-Za-z0-9]*)+)$/;
const REPO_PATH = /^[\w@-][\w.@-]*(?:\/[\w.@-]+)+\/?$/;
const URL_PATH = /^(?:\/[\w.~-]+)+\/?$/;
const SCHEME = /^(?:https?|wss?):\/\//i;
const MIN_LENGTH = 3;
const MAX_LENGTH = 200;

const GITHUB_HOSTS = new Set(['github.com', 'www.github.com']);
const RAW_HOSTS = new Set(['raw.githubusercontent.com']);

/** Whether a string may name an HTTP header when its position says it is one (any token without spaces). */
export function isHeaderToken(text: string): boolean {
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(text) && text.length >= 2;
}

export function isEnvName(text: string): boolean {
  return ENV.test(text);
}

/**
 * What a free-standing string in the downstream names: a URL (and the upstream file a raw/blob URL
 * points at), a repository path, an env var, a header-shaped token, or an identifier-like literal.
 * Template parts are joined with HOLE; only fully static pieces become values.
 */
export function classifyString(text: string): Named[] {
  if (text.length < MIN_LENGTH || text.length > MAX_LENGTH) return [];
  if (SCHEME.test(text)) return classifyUrl(text);
  if (/\s/.test(text)) return [];
  if (text.includes(HOLE)) return classifyPieces(text);
  if (ENV.test(text)) return [{ kind: 'env', value: text }];
  if (URL_PATH.test(text)) return urlPath(text);
  if (REPO_PATH.test(text)) return repoPath(text);
  if (HEADER.test(text)) return [{ kind: 'header', value: text }];
  if (IDENTIFIER.test(text)) return [{ kind: 'literal', value: text }];
  return [];
}

/** Static pieces of a template (`${base}/codex/responses`, `codex-rs/core/${name}`): paths only. */
function classifyPieces(text: string): Named[] {
  return text.split(HOLE).flatMap((piece) => {
    if (URL_PATH.test(piece) && piece.split('/').filter(Boolean).length >= 2) return urlPath(piece);
    const trimmed = piece.replace(/^\/+|\/+$/g, '');
    return trimmed.includes('/') && REPO_PATH.test(trimmed) ? repoPath(trimmed) : [];
  });
}

function urlPath(text: string): Named[] {
  const value = text.length > 1 ? text.replace(/\/+$/, '') : text;
  return value.length >= MIN_LENGTH ? [{ kind: 'url', value }] : [];
}

function repoPath(text: string): Named[] {
  // `@scope/name` is a package; `./x` and `../x` are the downstream's own files.
  if (text.startsWith('@') || text.startsWith('.')) return [];
  const value = text.replace(/\/+$/, '');
  if (value.split('/').some((segment) => segment === '..' || segment === '.')) return [];
  return [{ kind: 'upstream-path', value }];
}

/**
 * A URL: `host/path` as a `url` anchor (and the path alone, as upstreams often join base and path),
 * or, for raw/blob URLs of a GitHub repository, the file they name as an `upstream-path` with `repo`.
 * A hole stands for an interpolated part: in a raw/blob URL only the ref may be one.
 */
function classifyUrl(text: string): Named[] {
  const schemeEnd = text.indexOf('://') + 3;
  const rest = text.slice(schemeEnd).split(/[?#\s]/, 1)[0]!;
  const slash = rest.indexOf('/');
  const host = (slash === -1 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? '' : rest.slice(slash);
  if (host === '' || host.includes(HOLE) || !/^[a-z0-9.-]+(?::\d+)?$/.test(host)) return [];
  const segments = path.split('/').filter(Boolean);
  if (RAW_HOSTS.has(host)) return githubFile(segments.slice(0, 2), segments.slice(3));
  if (GITHUB_HOSTS.has(host) && (segments[2] === 'blob' || segments[2] === 'tree')) {
    return githubFile(segments.slice(0, 2), segments.slice(4));
  }
  const staticPath = path.split(HOLE, 1)[0]!.replace(/\/+$/, '');
  const found: Named[] = [{ kind: 'url', value: `${host}${staticPath}` }];
  if (staticPath.split('/').filter(Boolean).length >= 2) found.push({ kind: 'url', value: staticPath });
  return found;
}

function githubFile(ownerRepo: string[], pathSegments: string[]): Named[] {
  if (ownerRepo.length < 2 || ownerRepo.some((part) => part.includes(HOLE))) return [];
  if (pathSegments.length === 0 || pathSegments.some((part) => part.includes(HOLE))) return [];
  const path = pathSegments.map(safeDecode).join('/');
  if (!REPO_PATH.test(path) && !/^[\w.@-]+$/.test(path)) return [];
  return [{ kind: 'upstream-path', value: path, repo: ownerRepo.join('/') }];
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Module specifiers that name a package, not a file of the downstream or a Node built-in. */
export function isPackageSpecifier(specifier: string, builtins: ReadonlySet<string>): boolean {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/')) return false;
  if (specifier.startsWith('node:') || SCHEME.test(specifier)) return false;
  return !builtins.has(specifier.split('/')[0]!);
}
