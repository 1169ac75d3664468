import { ownCopy } from '../../util/own-copy.js';
import { surfaceOf } from '../patch/classify.js';
import type { Evidence } from '../schema.js';
import { lineEvidence } from './evidence.js';
import { serdeTracker } from './serde.js';
import type { KindOf, Observation, Rule } from './types.js';

type Kind = KindOf<'wire'>;
export type WireCategory = 'url' | 'header' | 'env' | 'oauth' | 'scope' | 'json-field';

export interface WireValue {
  category: WireCategory;
  value: string;
}

/**
 * How a value is told apart, and the subject of its finding: header names are case-insensitive on the
 * wire. The anchor rule folds the wire rule's sighting of a value it reports by this key.
 */
export const wireKey = (v: WireValue) => (v.category === 'header' ? v.value.toLowerCase() : v.value);

const KNOWN_HEADERS = new Set([
  'authorization',
  'user-agent',
  'content-type',
  'accept',
  'originator',
  'session_id',
  'session-id',
  'openai-beta',
  'openai-organization',
  'openai-project',
  'chatgpt-account-id',
  'version',
  'conversation_id',
]);

const URL = /^(?:https?|wss?):\/\/[^\s"'`<>]+$/i;
const PATH = /^\/[A-Za-z0-9._~{}:-]+(?:\/[A-Za-z0-9._~{}:-]+)*\/?$/;
const HTTP_CONTEXT = /url|endpoint|route|\bapi\b|fetch|request|http|\bget\b|\bpost\b/i;
/** Filesystem paths, not endpoints. */
const FS_PATH =
  /^\/(?:tmp|usr|opt|home|etc|var|bin|sbin|dev|proc|sys|Users|Applications|Library|System|private|mnt|root|workspace|any|path)(?:\/|$)|\.[a-z0-9]{1,5}$/i;
const OAUTH_CONTEXT =
  /client[_-]?id|clientid|oauth|\bscopes?\b|redirect_uri|grant_type|code_challenge|\bissuer\b|\baudience\b/i;
/** A literal that names the OAuth context (a key like `"scope"`), not a value of it. */
const OAUTH_KEY =
  /^(?:client[_-]?id|clientid|oauth|scopes?|redirect_uri|grant_type|code_challenge|issuer|audience)$/i;
/** A client id, token or URL (no spaces); a scope list ("openid profile email") where scopes are named. */
const OAUTH_TOKEN = /^[\w.:/@+-]+$/;
const SCOPE_LIST = /^[a-z][\w.:/-]*(?: [a-z][\w.:/-]*)+$/;
/** Where Rust unit tests start inside a source file. */
const RUST_TESTS = /^\s*(?:#\[cfg\(test\)\]|mod tests\b)/;

/**
 * Whether a line of a Rust hunk (its `+`, `-` or ` ` first) opens the unit tests. Most lines start
 * with neither `#` nor `m` once indented: those are answered without the regex.
 */
function opensRustTests(raw: string): boolean {
  let i = 1;
  while (raw.charCodeAt(i) === 32 || raw.charCodeAt(i) === 9) i++;
  const c = raw.charCodeAt(i);
  // `#`, `m`, or any other space the regex's \s takes (and the end of the line): the regex decides.
  const maybe = c === 35 || c === 109 || !(c > 32 && c < 127);
  return maybe && RUST_TESTS.test(raw.slice(1));
}
const HEADER_TOKEN = /^[A-Za-z][A-Za-z0-9_-]{1,60}$/;
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

const isCommentLine = (trimmed: string) =>
  trimmed.startsWith('//') ||
  trimmed.startsWith('/*') ||
  trimmed.startsWith('*') ||
  (trimmed.startsWith('#') && !trimmed.startsWith('#[') && !trimmed.startsWith('#!['));

/** A source line with its trailing comment dropped, and the string literals on it. */
export interface LineLiterals {
  code: string;
  /** Each literal's text between its quotes (escapes as written), where it starts (its opening quote) and ends. */
  literals: { value: string; start: number; end: number }[];
}

const NONE: LineLiterals = { code: '', literals: [] };

/** Whether a line may hold a string literal: a quote of its language is on it. */
const hasLiteral = (line: string, rust: boolean) =>
  line.includes('"') || (!rust && (line.includes("'") || line.includes('`')));

const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Where the string opened by the quote at `open` ends (the index after its closing quote), or -1 on this line. */
function quotedEnd(line: string, open: number): number {
  const quote = line.charCodeAt(open);
  for (let i = open + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

/**
 * Where the JS template opened at `open` ends (the index after its closing backtick, or -1 on this
 * line), and whether it has substitutions: `${…}` is code, read as code (strings and templates in it
 * are skipped whole), up to the brace that closes it.
 */
function templateEnd(line: string, open: number): { end: number; substitutions: boolean } {
  let substitutions = false;
  for (let i = open + 1; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 96) return { end: i + 1, substitutions };
    else if (c === 36 && line.charCodeAt(i + 1) === 123) {
      substitutions = true;
      let depth = 0;
      for (i += 1; i < line.length; i++) {
        const d = line.charCodeAt(i);
        if (d === 123) depth++;
        else if (d === 125 && --depth === 0) break;
        else if (d === 34 || d === 39 || d === 96) {
          const next = d === 96 ? templateEnd(line, i).end : quotedEnd(line, i);
          if (next === -1) return { end: -1, substitutions };
          i = next - 1;
        }
      }
    }
  }
  return { end: -1, substitutions };
}

/** A Rust raw string (`r"…"`, `r#"…"#`, `br#"…"#`) starting at `at`: its contents and end, or undefined. */
function rustRawString(line: string, at: number): { value: string; end: number } | undefined {
  if (at > 0 && isWordChar(line.charCodeAt(at - 1))) return undefined;
  let i = line.charCodeAt(at) === 98 ? at + 1 : at;
  if (line.charCodeAt(i) !== 114) return undefined;
  let hashes = 0;
  for (i++; line.charCodeAt(i) === 35; i++) hashes++;
  if (line.charCodeAt(i) !== 34) return undefined;
  const close = `"${'#'.repeat(hashes)}`;
  const end = line.indexOf(close, i + 1);
  return end === -1 ? { value: '', end: -1 } : { value: line.slice(i + 1, end), end: end + close.length };
}

/**
 * Reads one line of code as its language's lexer does, from the line's start: strings in double
 * quotes (and in single quotes outside Rust), JS templates (one literal when they have no `${…}`:
 * quotes inside a template are its text, not literals of their own), Rust raw strings, and Rust char
 * literals and lifetimes (`'"'` holds no string); the code ends at a `//` comment, and a block comment is
 * skipped. A string still open at the line's end takes the rest of the line. A line that starts
 * inside a multi-line string or comment is read as code: one line is all there is to read.
 */
function lexLine(line: string, rust: boolean): LineLiterals {
  const literals: LineLiterals['literals'] = [];
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 47) {
      const next = line.charCodeAt(i + 1);
      if (next === 47) return { code: line.slice(0, i), literals };
      if (next === 42) {
        const close = line.indexOf('*/', i + 2);
        if (close === -1) return { code: line.slice(0, i), literals };
        i = close + 1;
      }
    } else if (c === 34 || (c === 39 && !rust)) {
      const end = quotedEnd(line, i);
      if (end === -1) break;
      literals.push({ value: line.slice(i + 1, end - 1), start: i, end });
      i = end - 1;
    } else if (c === 96 && !rust) {
      const { end, substitutions } = templateEnd(line, i);
      if (end === -1) break;
      if (!substitutions) literals.push({ value: line.slice(i + 1, end - 1), start: i, end });
      i = end - 1;
    } else if (rust && (c === 114 || c === 98)) {
      const raw = rustRawString(line, i);
      if (raw?.end === -1) break;
      if (raw) {
        literals.push({ value: raw.value, start: i, end: raw.end });
        i = raw.end - 1;
      }
    } else if (rust && c === 39) {
      // A char literal (`'"'`, `'\''`, `'\u{22}'`) is skipped whole; a lifetime (`'a`) is a quote alone.
      if (line.charCodeAt(i + 1) === 92) {
        const close = line.indexOf("'", i + 3);
        if (close !== -1) i = close;
      } else {
        const width = line.codePointAt(i + 1)! > 0xffff ? 2 : 1;
        if (line.charCodeAt(i + 1 + width) === 39) i += 1 + width;
      }
    }
  }
  return { code: line, literals };
}

/** String literals of one source line, comments skipped. */
export function stringLiterals(line: string, rust: boolean): LineLiterals {
  // Most lines have no literal at all: answer those without reading them.
  if (!hasLiteral(line, rust)) {
    return line.includes('process.env') ? { code: line, literals: [] } : NONE;
  }
  const trimmed = line.trim();
  if (trimmed === '' || isCommentLine(trimmed)) return NONE;
  return lexLine(line, rust);
}

/**
 * The words of a line that say what its literals are: its code, and the literals that are one word
 * (a key like `"scope"`); other literals' text (a message naming `@scope/pkg`) says nothing.
 */
function contextWords(code: string, literals: LineLiterals['literals']): string {
  let words = '';
  let at = 0;
  for (const { value, start, end } of literals) {
    words += code.slice(at, start);
    words += /^[A-Za-z_][\w-]*$/.test(value) ? ` ${value} ` : ' ';
    at = end;
  }
  return words + code.slice(at);
}

/** Whether the literal starting at `start` is a key of an object or map: first on its line, or after `{` or `,`. */
function atKeyPosition(code: string, start: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const c = code.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    return c === 123 || c === 44;
  }
  return true;
}

/**
 * Wire values on one source line: URLs and endpoint paths, header names, environment variable
 * names, OAuth client ids/scopes and JSON field names, from its string literals (comments skipped).
 */
export function wireValues(line: string, rust: boolean, found = stringLiterals(line, rust)): WireValue[] {
  const { code, literals } = found;
  if (code === '') return [];
  if (code.includes('#[serde(')) {
    // Only the names a field or variant goes by on the wire, not rename_all's casing or other options.
    return [...code.matchAll(/\b(?:rename|alias|serialize|deserialize)\s*=\s*"([^"]+)"/g)].map((m) => ({
      category: 'json-field' as const,
      value: m[1]!,
    }));
  }
  const values: WireValue[] = [];
  // The words around a literal, read once per line; on very long lines (generated code, minified
  // data) they say nothing about any one literal.
  const near = code.length <= 300 ? contextWords(code, literals) : '';
  const context =
    literals.length === 0
      ? undefined
      : {
          oauth: OAUTH_CONTEXT.test(near),
          scope: /\bscopes?\b/i.test(near),
          http: HTTP_CONTEXT.test(near),
          header: /header/i.test(near),
          env: /env/i.test(near),
        };
  for (const { value, start, end } of literals) {
    if (value.length < 2 || value.length > 200 || !context) continue;
    let category: WireCategory | undefined;
    // A URL is a URL in any context: it pairs with URLs only, never with a scope or client id.
    if (URL.test(value)) category = 'url';
    else if (context.oauth && SCOPE_LIST.test(value) && (context.scope || /\bopenid\b/.test(value)))
      category = 'scope';
    else if (context.oauth && OAUTH_TOKEN.test(value) && !OAUTH_KEY.test(value))
      category = context.scope ? 'scope' : 'oauth';
    else if (context.http && PATH.test(value) && !FS_PATH.test(value)) category = 'url';
    else if (
      /^x-[a-z0-9-]+$/i.test(value) ||
      (context.header &&
        HEADER_TOKEN.test(value) &&
        (value.includes('-') || KNOWN_HEADERS.has(value.toLowerCase())))
    )
      category = 'header';
    else if (context.env && ENV_NAME.test(value)) category = 'env';
    else if (
      /^\s*:(?!:)/.test(code.slice(end, end + 4)) &&
      /^[A-Za-z_][\w.-]*$/.test(value) &&
      atKeyPosition(code, start)
    )
      category = 'json-field';
    if (category) values.push({ category, value });
  }
  if (code.includes('process.env')) {
    for (const match of code.matchAll(
      /process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
    )) {
      values.push({ category: 'env', value: (match[1] ?? match[2])! });
    }
  }
  return values;
}

const NOUN: Record<WireCategory, string> = {
  url: 'URL',
  header: 'header',
  env: 'environment variable',
  oauth: 'OAuth value',
  scope: 'OAuth scope',
  'json-field': 'JSON field',
};

const code = (text: string) => `\`${text}\``;
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What became of a removed value, as a detail line and a title that names it. */
function describeChange(category: WireCategory, from: string, to: string | undefined) {
  if (category === 'scope') {
    const before = new Set(from.split(' '));
    const after = new Set((to ?? '').split(' ').filter(Boolean));
    const added = [...after].filter((s) => !before.has(s));
    const dropped = [...before].filter((s) => !after.has(s));
    const list = (scopes: string[]) => scopes.map(code).join(', ');
    const plural = (scopes: string[]) => (scopes.length === 1 ? 'scope' : 'scopes');
    const title =
      to === undefined
        ? `OAuth ${plural(dropped)} ${list(dropped)} no longer requested`
        : dropped.length === 0
          ? `OAuth ${plural(added)} ${list(added)} added to ${code(from)}`
          : added.length === 0
            ? `OAuth ${plural(dropped)} ${list(dropped)} dropped from ${code(from)}`
            : `OAuth scopes ${code(from)} → ${code(to)}`;
    const parts = [
      ...(added.length > 0 ? [`adds ${list(added)}`] : []),
      ...(dropped.length > 0 ? [`drops ${list(dropped)}`] : []),
    ].join(', ');
    return {
      subject: [...added.map((a) => `+${a}`), ...dropped.map((d) => `-${d}`)].join(' ') || from,
      title,
      detail:
        to === undefined
          ? `OAuth scopes ${code(from)} removed`
          : `OAuth scopes ${code(from)} → ${code(to)} (${parts})`,
    };
  }
  const noun = NOUN[category];
  const removedTitle: Record<WireCategory, string> = {
    url: `URL ${code(from)} no longer used`,
    header: `Header ${code(from)} no longer sent`,
    env: `Environment variable ${code(from)} no longer read`,
    oauth: `OAuth value ${code(from)} removed`,
    scope: '',
    'json-field': `JSON field ${code(from)} removed`,
  };
  return {
    subject: wireKey({ category, value: from }),
    title: to === undefined ? removedTitle[category] : `${cap(noun)} ${code(from)} changed to ${code(to)}`,
    detail: to === undefined ? `${noun} ${code(from)} removed` : `${noun} ${code(from)} → ${code(to)}`,
  };
}

/** A value on one changed line; the evidence is made only for the values that get reported. */
interface Sided extends WireValue {
  line: number;
  text: string;
}

/**
 * Pairs removed values with added ones of the same category, by position within one hunk: the first
 * removed URL with the first added URL, never a scope with a URL. Values on both sides are no change.
 */
function pairInHunk<T extends Sided>(removed: readonly T[], added: readonly Sided[]) {
  const before = new Set(removed.map((r) => `${r.category}\0${wireKey(r)}`));
  const after = new Set(added.map((a) => `${a.category}\0${wireKey(a)}`));
  const gone = removed.filter((r) => !after.has(`${r.category}\0${wireKey(r)}`));
  const fresh = added.filter((a) => !before.has(`${a.category}\0${wireKey(a)}`));
  const used = new Map<WireCategory, number>();
  return gone.map((r) => {
    const index = used.get(r.category) ?? 0;
    const next = fresh.filter((a) => a.category === r.category)[index];
    if (next) used.set(r.category, index + 1);
    return { removed: r, replacement: next };
  });
}

/**
 * Wire surface: a URL, header, environment variable, OAuth value, scope or JSON field name on a
 * removed line that is not added back anywhere in the release (paired with what replaced it in the
 * same hunk), and serde field names a Rust struct no longer answers to.
 */
export const wireRule: Rule<'wire'> = {
  id: 'wire',
  title: 'Wire value changed',
  recommendation:
    'Check whether the downstream sends, reads or matches this value (requests it builds, headers it sets, env vars it documents) and follow the change.',
  confidence: 0.6,
  create({ reader, budget }) {
    interface Removed extends WireValue {
      path: string;
      surface: string;
      evidence: Evidence;
      replacement?: WireValue & { evidence: Evidence };
    }
    const removed: Removed[] = [];
    /** Every string literal on an added line, whatever it looks like: a value may come back as a constant. */
    const added = new Set<string>();
    const serde = serdeTracker(reader, budget);
    return {
      async file({ meta, diff, class: cls }) {
        if (!diff || cls.excluded || cls.test || !cls.code) return;
        const rust = cls.ext === '.rs';
        // Serde names of a parsed Rust file come from its structs (rename_all included), not line by line.
        const parsedSerde = rust && (await serde.file(meta, diff));
        for (const hunk of diff.hunks) {
          // Rust unit tests live beside the code: skip hunks inside `mod tests` (git names it in the hunk
          // header) and the rest of a hunk once it reaches one.
          if (/\bmod tests\b|#\[cfg\(test\)\]/.test(hunk.header)) continue;
          const hunkRemoved: Sided[] = [];
          const hunkAdded: Sided[] = [];
          // A plain walk over the hunk's lines (no per-line objects): most lines are context.
          let oldLine = hunk.oldStart;
          let newLine = hunk.newStart;
          for (const raw of hunk.lines) {
            const kind = raw[0];
            if (rust && opensRustTests(raw)) break;
            if (kind === ' ') {
              oldLine++;
              newLine++;
              continue;
            }
            if (kind !== '+' && kind !== '-') continue;
            const line = kind === '+' ? newLine++ : oldLine++;
            // Most changed lines hold no literal and name no env var: nothing on them to read.
            if (!hasLiteral(raw, rust) && !raw.includes('process.env')) continue;
            const text = raw.slice(1);
            const found = stringLiterals(text, rust);
            if (found.code === '') continue;
            if (kind === '+') {
              for (const { value } of found.literals) {
                if (added.has(value)) continue;
                const own = ownCopy(value);
                added.add(own);
                added.add(own.toLowerCase());
              }
            }
            if (parsedSerde && found.code.includes('#[serde(')) continue;
            for (const value of wireValues(text, rust, found)) {
              (kind === '+' ? hunkAdded : hunkRemoved).push({ ...value, line, text });
            }
          }
          if (hunkRemoved.length === 0) continue;
          // Kept until finish: own copies of the values, not slices of this file's diff.
          for (const { removed: r, replacement } of pairInHunk(hunkRemoved, hunkAdded)) {
            removed.push({
              category: r.category,
              value: ownCopy(r.value),
              path: meta.path,
              surface: surfaceOf(meta),
              evidence: lineEvidence(diff.oldPath, 'from', r.line, r.text),
              ...(replacement
                ? {
                    replacement: {
                      category: replacement.category,
                      value: ownCopy(replacement.value),
                      evidence: lineEvidence(diff.newPath, 'to', replacement.line, replacement.text),
                    },
                  }
                : {}),
            });
          }
        }
      },
      finish() {
        const observations: Observation<Kind>[] = [];
        const reported = new Set<string>();
        for (const r of removed) {
          const key = `${r.path}\0${r.category}\0${wireKey(r)}`;
          if (added.has(wireKey(r)) || reported.has(key)) continue;
          reported.add(key);
          const changed = r.replacement !== undefined;
          observations.push({
            kind: `${r.category}-${changed ? 'changed' : 'removed'}`,
            path: r.path,
            surface: r.surface,
            ...describeChange(r.category, r.value, r.replacement?.value),
            evidence: changed ? [r.evidence, r.replacement!.evidence] : [r.evidence],
          });
        }
        for (const change of serde.finish()) {
          observations.push({
            kind: change.to ? 'json-field-changed' : 'json-field-removed',
            path: change.path,
            surface: change.surface,
            subject: `${change.item}.${change.from}`,
            title: `JSON field ${code(change.from)} of \`${change.item}\` ${change.to ? `renamed to ${code(change.to)}` : 'removed'}`,
            detail: `JSON field ${code(change.from)} of \`${change.item}\` ${change.to ? `renamed to ${code(change.to)}` : 'removed'}`,
            evidence: change.evidence,
          });
        }
        return observations;
      },
    };
  },
};
