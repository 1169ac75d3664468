import { type Side, splitLines } from '../../git/reader.js';
import { addTo } from '../../util/group.js';
import type { Anchor } from '../anchors/types.js';
import { isScriptExtension, surfaceOf } from '../patch/classify.js';
import type { Evidence } from '../schema.js';
import { packageResolver } from './anchor-index.js';
import { linesEvidence } from './evidence.js';
import type { ApiChange, ApiEntry, ApiParam, ApiShape } from './ts-api.js';
import type { Observation, Rule } from './types.js';

const MAX_EVIDENCE_LINES = 40;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How an entry is written in code: `Hooks.auth`, `Hooks['chat.params']`. */
export function displayName(entry: Pick<ApiEntry, 'name' | 'parent'>): string {
  if (entry.parent === undefined) return entry.name;
  const member = entry.name.slice(entry.parent.length + 1);
  return IDENTIFIER.test(member) || ['()', 'new()', '[index]'].includes(member)
    ? `${entry.parent}.${member}`
    : `${entry.parent}['${member.replaceAll("'", "\\'")}']`;
}

/** Where two signatures start to differ, with a little context on each side. */
export function difference(before: string, after: string, width = 70): [string, string] {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const from = Math.max(0, start - 20);
  const cut = (s: string) =>
    `${from > 0 ? '…' : ''}${s.slice(from, from + width)}${s.length > from + width ? '…' : ''}`;
  return [cut(before), cut(after)];
}

/** Signatures in descriptions are cut only past this many characters. */
const MAX_SIGNATURE = 1500;
const code = (text: string) => `\`${text}\``;
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const names = (list: readonly string[]) => list.map(code).join(', ');

/** Members one object-typed parameter gained, lost, and kept under another type. */
function memberDelta(was: ApiParam, now: ApiParam) {
  const before = was.members ?? new Map<string, string>();
  const after = now.members ?? new Map<string, string>();
  return {
    gained: [...after.keys()].filter((m) => !before.has(m)),
    lost: [...before.keys()].filter((m) => !after.has(m)),
    retyped: [...after].filter(([m, t]) => before.has(m) && before.get(m) !== t),
  };
}

/**
 * Whether a callable's new shape only adds to what its implementer receives: the same parameters
 * by position (more may follow), each of the same type or an object type that only gained members, and the same
 * return type. A hook implemented this way keeps working: it ignores what it does not read.
 */
export function onlyGains(before: ApiShape, after: ApiShape): boolean {
  if (!before.params || !after.params || before.returns !== after.returns) return false;
  const now = after.params;
  return (
    before.params.every((was, i) => {
      const next = now[i];
      if (!next) return false;
      if (next.type === was.type) return true;
      if (!was.members || !next.members) return false;
      const { lost, retyped } = memberDelta(was, next);
      return lost.length === 0 && retyped.length === 0;
    }) &&
    (now.length > before.params.length || before.params.some((was, i) => now[i]!.type !== was.type))
  );
}

/** What changed in a callable's parameters: new names and count, or which members each one gained or lost. */
function paramChanges(before: ApiParam[], after: ApiParam[]): string[] {
  const list = (params: ApiParam[]) => `(${params.map((p) => p.name).join(', ')})`;
  if (list(before) !== list(after)) return [`${code(list(before))} → ${code(list(after))}`];
  const parts: string[] = [];
  before.forEach((was, i) => {
    const now = after[i]!;
    if (was.type === now.type) return;
    if (!was.members || !now.members) {
      parts.push(`${code(was.name)}: ${code(clip(was.type, 60))} → ${code(clip(now.type, 60))}`);
      return;
    }
    const { gained, lost, retyped } = memberDelta(was, now);
    const members = [
      // What it lost first: that is what breaks the code that reads it.
      ...(lost.length > 0 ? [`loses ${names(lost)}`] : []),
      ...(gained.length > 0 ? [`gains ${names(gained)}`] : []),
    ];
    const what = [
      ...(members.length > 0 ? [`${code(was.name)} ${members.join(', ')}`] : []),
      ...retyped.map(([m, t]) => `${code(`${was.name}.${m}`)} is now ${code(clip(t, 40))}`),
    ];
    parts.push(what.join(', '));
  });
  return parts;
}

/** How a callable's parameters and return type changed, in words; undefined when it is not callable or they did not. */
export function signatureDelta(before: ApiShape, after: ApiShape): string | undefined {
  if (!before.params || !after.params) return undefined;
  const parts = paramChanges(before.params, after.params);
  if (before.returns !== after.returns)
    parts.push(
      `returns ${code(clip(before.returns ?? 'void', 40))} → ${code(clip(after.returns ?? 'void', 40))}`,
    );
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A title that names the entry and says how it changed, and the detail line with full signatures. */
function describeChange(change: ApiChange, path: string): { title: string; detail: string } {
  const entry = (change.before ?? change.after)!;
  const name = code(displayName(entry));
  const what = entry.parent === undefined ? 'Export' : 'Member';
  switch (change.kind) {
    case 'export-removed':
    case 'member-removed':
      return { title: `${what} ${name} removed from \`${path}\``, detail: `${name} removed` };
    case 'export-renamed':
    case 'member-renamed': {
      const next = code(displayName(change.after!));
      return { title: `${what} ${name} renamed to ${next}`, detail: `${name} renamed to ${next}` };
    }
    case 'member-now-required':
      return { title: `${name} is now required`, detail: `${name} is now required` };
    case 'member-added-required':
      return {
        title: `Required member ${name} added: implementations must provide it`,
        detail: `required member ${name} added: \`${clip(entry.shape().text, MAX_SIGNATURE)}\``,
      };
    default: {
      const [before, after] = [change.before!.shape(), change.after!.shape()];
      const detail = `${name}: ${code(clip(before.text, MAX_SIGNATURE))} → ${code(clip(after.text, MAX_SIGNATURE))}`;
      const delta = signatureDelta(before, after);
      if (delta) return { title: `${name} signature changed: ${delta}`, detail };
      const [a, b] = difference(before.text, after.text, 50);
      return { title: `${name} changed: ${code(a)} → ${code(b)}`, detail };
    }
  }
}

/** The thing changed: the entry's name, qualified by its module where the name alone says nothing. */
export const subjectOf = (entry: ApiEntry, path: string) =>
  /^(?:default|export=|\*)/.test(entry.name) ? `${path}#${displayName(entry)}` : displayName(entry);

/** The names the downstream imports from each module it imports by name (`import { A, B } from 'pkg'`). */
function namedImports(anchors: readonly Anchor[] | undefined): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const a of anchors ?? []) if (a.kind === 'symbol' && a.module) addTo(named, a.module, a.value);
  return named;
}

/**
 * Why a removed or renamed export cannot break the downstream, if it cannot: the downstream imports
 * names from this package (or its subpaths), and this one is not among them. A default or namespace
 * export is never so judged (a default import names no symbol).
 */
function unimported(name: string, pkg: string | undefined, named: Map<string, string[]>): string | undefined {
  if (pkg === undefined || /^(?:default|export=|\*)/.test(name)) return undefined;
  const names = [...named].filter(([m]) => m === pkg || m.startsWith(`${pkg}/`)).flatMap(([, n]) => n);
  if (names.length === 0 || names.includes(name)) return undefined;
  const shown = [...new Set(names)].slice(0, 3).map((n) => `\`${n}\``);
  return `the downstream imports ${shown.join(', ')}${names.length > 3 ? ', …' : ''} from \`${pkg}\`, never \`${name}\``;
}

/** Removed, renamed or reshaped exports (and members of exported types) of TypeScript/JavaScript modules. */
export const tsExportsRule: Rule<'ts-exports'> = {
  id: 'ts-exports',
  title: 'Exported TypeScript API changed',
  recommendation:
    'Check the downstream for uses or implementations of these exports (imports, hook implementations, option objects) and update them to the new shape.',
  confidence: 0.85,
  reachedBy: 'declaration',
  create({ reader, budget, anchors }) {
    const observations: Observation<ApiChange['kind']>[] = [];
    // With anchors: removed exports the downstream never imports (while it imports others of the package).
    const named = namedImports(anchors);
    const packageOf = packageResolver(reader);
    const gone: { observation: Observation<ApiChange['kind']>; name: string; path: string }[] = [];
    return {
      async file({ meta, class: cls, diff }) {
        if (!isScriptExtension(cls.ext) || cls.excluded || cls.test) return;
        if (meta.status === 'added' || meta.status === 'copied' || !budget.open(meta)) return;
        const oldPath = meta.oldPath ?? meta.path;
        const [before, after] = await Promise.all([
          reader.readFile('from', oldPath),
          meta.status === 'deleted' ? '' : reader.readFile('to', meta.path),
        ]);
        if (before === undefined || after === undefined) return;
        if (!budget.take(meta, before.length + after.length)) return;
        const lines = { from: splitLines(before), to: splitLines(after) };
        const evidence = (ref: Side, entry: ApiEntry | undefined): Evidence[] =>
          entry
            ? [
                linesEvidence(
                  ref === 'from' ? oldPath : meta.path,
                  ref,
                  lines[ref],
                  entry.startLine,
                  Math.min(entry.endLine, entry.startLine + MAX_EVIDENCE_LINES - 1),
                ),
              ]
            : [];
        // The TypeScript parser is loaded only when a JS/TS file needs it (it takes about a second).
        const { compareApi, extractApiPair } = await import('./ts-api.js');
        for (const change of compareApi(...extractApiPair(before, oldPath, after, meta.path, diff))) {
          const observation: Observation<ApiChange['kind']> = {
            kind: change.kind,
            path: meta.path,
            surface: surfaceOf(meta),
            subject: subjectOf((change.before ?? change.after)!, meta.path),
            ...describeChange(change, meta.path),
            // The new shape first: that is what the downstream has to match.
            evidence: [...evidence('to', change.after), ...evidence('from', change.before)],
          };
          observations.push(observation);
          if (named.size > 0 && (change.kind === 'export-removed' || change.kind === 'export-renamed'))
            gone.push({ observation, name: change.before!.name, path: oldPath });
        }
      },
      async finish() {
        for (const { observation, name, path } of gone) {
          const why = unimported(name, await packageOf(path), named);
          if (why) observation.atMostLow = why;
        }
        return observations;
      },
    };
  },
};
