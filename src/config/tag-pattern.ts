import picomatch from 'picomatch';
import semver from 'semver';

export type TagPatternInput = string | RegExp;

export interface TagPattern {
  /** How the pattern reads in messages: the glob, or `/regex/flags`. */
  readonly display: string;
  readonly kind: 'glob' | 'regex';
  matches(tag: string): boolean;
  /** The semver version a matching tag stands for, or undefined (malformed tags never get one). */
  versionOf(tag: string): string | undefined;
  /** The tag a version maps to (npm versions → git tags), when the pattern allows inverting. */
  tagFor(version: string): string | undefined;
}

const REGEX_STRING = /^\/(.+)\/([dgimsuvy]*)$/;
const SEMVER = String.raw`\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?`;
/**
 * A version at the end of a tag, standing at the start or right after a separator, with at most one
 * `v` before it: `rust-v0.1.0` and `pkg@1.2.3` yield one, `rust-vv0.99.0-alpha.8` does not.
 */
const SEMVER_TAIL = new RegExp(`(?:^|[-_/@])v?(${SEMVER})$`);

/** A version string that is exactly semver: no `v` prefix, no loose forms (build metadata allowed). */
function exactSemver(text: string | undefined): string | undefined {
  if (!text || !/^\d/.test(text)) return undefined;
  const parsed = semver.parse(text);
  if (!parsed) return undefined;
  const canonical = parsed.build.length > 0 ? `${parsed.version}+${parsed.build.join('.')}` : parsed.version;
  return canonical === text ? text : undefined;
}

/**
 * The literal text a glob starts with, up to its first wildcard. Extglob characters (`@ ! +`) only
 * count as wildcards before `(`, so `@scope/pkg@*` keeps its whole prefix.
 */
function literalPrefix(glob: string): string {
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if ('*?[]{}()\\'.includes(char)) return glob.slice(0, i);
    if ('@!+'.includes(char) && glob[i + 1] === '(') return glob.slice(0, i);
    if (char === '!' && i === 0) return '';
  }
  return glob;
}

/** Compiles a config tag pattern: a glob, a RegExp, or a `/regex/flags` string (for JSON configs). Throws on invalid input. */
export function compileTagPattern(input: TagPatternInput): TagPattern {
  if (typeof input === 'string') {
    const asRegex = REGEX_STRING.exec(input);
    if (asRegex) return regexPattern(new RegExp(asRegex[1]!, asRegex[2]!.replace(/[gy]/g, '')));
    return globPattern(input);
  }
  return regexPattern(new RegExp(input.source, input.flags.replace(/[gy]/g, '')));
}

function globPattern(glob: string): TagPattern {
  if (glob.trim() === '' || /\s/.test(glob))
    throw new Error('a tag glob must be non-empty and contain no spaces');
  const regex = picomatch.makeRe(glob, { strictBrackets: true });
  // The version starts where the literal prefix stops being part of it: `v1.*` keeps `1.` in the version.
  const literal = literalPrefix(glob);
  const prefix = literal.replace(/[0-9.]+$/, '');
  // After an empty prefix or a separator one `v` may stand before the version (`release-v1.2.3`);
  // after a prefix that already ends in `v` (`rust-v`) it may not, so `rust-vv0.1.0` yields nothing.
  const optionalV = prefix === '' || /[-_/@]$/.test(prefix);
  const matches = (tag: string) => regex.test(tag);
  const versionOf = (tag: string) => {
    if (!matches(tag) || !tag.startsWith(prefix)) return undefined;
    const rest = tag.slice(prefix.length);
    return exactSemver(optionalV && /^v\d/.test(rest) ? rest.slice(1) : rest);
  };
  return {
    display: glob,
    kind: 'glob',
    matches,
    versionOf,
    tagFor: (version) => {
      const tag = `${prefix}${version}`;
      return exactSemver(version) && versionOf(tag) === version ? tag : undefined;
    },
  };
}

function regexPattern(regex: RegExp): TagPattern {
  const hasVersionGroup = /\(\?<version>/.test(regex.source);
  return {
    display: `/${regex.source}/${regex.flags}`,
    kind: 'regex',
    matches: (tag) => regex.test(tag),
    versionOf: (tag) => {
      const match = regex.exec(tag);
      if (!match) return undefined;
      return exactSemver(hasVersionGroup ? match.groups?.version : SEMVER_TAIL.exec(tag)?.[1]);
    },
    tagFor: () => undefined,
  };
}

/** Why a pattern is invalid, or undefined when it compiles. */
export function tagPatternProblem(input: unknown): string | undefined {
  if (typeof input !== 'string' && !(input instanceof RegExp)) return 'expected a string or RegExp';
  try {
    compileTagPattern(input);
    return undefined;
  } catch (error) {
    return `invalid tag pattern: ${(error as Error).message}`;
  }
}
