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
const GLOB_META = /[*?[\]{}()!+@]/;
const SEMVER_AT_END = /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/;

/** A version string that is exactly semver: no `v` prefix, no loose forms. */
function exactSemver(text: string | undefined): string | undefined {
  if (!text || !/^\d/.test(text)) return undefined;
  const valid = semver.valid(text);
  return valid === text ? valid : undefined;
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
  const metaAt = glob.search(GLOB_META);
  const prefix = metaAt === -1 ? glob : glob.slice(0, metaAt);
  const matches = (tag: string) => regex.test(tag);
  return {
    display: glob,
    kind: 'glob',
    matches,
    versionOf: (tag) => (matches(tag) ? exactSemver(tag.slice(prefix.length)) : undefined),
    tagFor: (version) => {
      const tag = `${prefix}${version}`;
      return matches(tag) && exactSemver(version) ? tag : undefined;
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
      return exactSemver(hasVersionGroup ? match.groups?.version : SEMVER_AT_END.exec(tag)?.[1]);
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
