import { type Side, splitLines } from '../../git/reader.js';
import { surfaceOf } from '../patch/classify.js';
import { linesEvidence } from './evidence.js';
import { applyCase, attrValues, hasAttrKey, rustItems } from './rust-items.js';
import type { CliDefinitions, CliName, KindOf, Observation, Rule } from './types.js';

type Kind = KindOf<'cli'>;

const CLAP = ['arg', 'clap', 'command'];
const single = (values: string[]) => values[0];

/** The type a field holds, unwrapped from Option<…> and paths: `Option<a::Shared>` → `Shared`. */
const typeName = (type: string) => /^(?:Option\s*<\s*)?(?:[\w]+::)*([A-Za-z_]\w*)/.exec(type)?.[1];

/** Flags (clap derive fields) and subcommands (clap Subcommand enum variants) of a Rust file. */
export function rustCliNames(text: string): CliDefinitions {
  const names: CliName[] = [];
  const flattens: CliDefinitions['flattens'] = [];
  for (const item of rustItems(text)) {
    const derived = new Set(
      item.attrs.filter((a) => a.name === 'derive').flatMap((a) => a.entries.map((e) => e.key)),
    );
    const casing =
      single(attrValues(item.attrs, CLAP, 'rename_all').flatMap((e) => e.values)) ?? 'kebab-case';
    for (const member of item.members) {
      const at = {
        scope: item.name,
        ident: member.name,
        startLine: member.startLine,
        endLine: member.endLine,
      };
      const values = (key: string) => attrValues(member.attrs, CLAP, key).flatMap((e) => e.values);
      const push = (kind: CliName['kind'], primary: string, aliases: string[]) => {
        for (const name of [primary, ...aliases]) names.push({ ...at, kind, name, primary });
      };
      if (item.kind === 'struct') {
        const flattened = typeName(member.type);
        if (hasAttrKey(member.attrs, CLAP, 'flatten') && flattened)
          flattens.push({ scope: item.name, type: flattened });
        if (!hasAttrKey(member.attrs, CLAP, 'long') && !hasAttrKey(member.attrs, CLAP, 'short')) continue;
        if (hasAttrKey(member.attrs, CLAP, 'long')) {
          const long = `--${single(values('long')) ?? applyCase(member.name, casing)}`;
          const aliases = ['alias', 'aliases', 'visible_alias', 'visible_aliases'].flatMap(values);
          push(
            'flag',
            long,
            aliases.map((a) => `--${a}`),
          );
        }
        if (hasAttrKey(member.attrs, CLAP, 'short')) {
          const short = `-${single(values('short')) ?? member.name.charAt(0)}`;
          const aliases = [
            'short_alias',
            'short_aliases',
            'visible_short_alias',
            'visible_short_aliases',
          ].flatMap(values);
          push(
            'flag',
            short,
            aliases.map((a) => `-${a}`),
          );
        }
      } else if (derived.has('Subcommand')) {
        if (['skip', 'flatten', 'external_subcommand'].some((k) => hasAttrKey(member.attrs, CLAP, k)))
          continue;
        const name = single(values('name')) ?? applyCase(member.name, casing);
        push('subcommand', name, ['alias', 'aliases', 'visible_alias', 'visible_aliases'].flatMap(values));
      }
    }
  }
  return { names, flattens };
}

const RUST_CLI = /#\[(?:arg|clap|command)\s*\(|derive\([^)]*\b(?:Parser|Subcommand|Args)\b/;
const JS_CLI = /\.(?:option|options|requiredOption|command)\s*\(/;
const JS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
const MAX_EVIDENCE_LINES = 12;

/** Removed or renamed CLI flags and subcommands (clap derive in Rust; yargs/commander in JS). */
export const cliRule: Rule<'cli'> = {
  id: 'cli',
  title: 'CLI flag or subcommand removed',
  recommendation:
    'Check scripts, docs and code of the downstream that invoke the upstream CLI with these flags or subcommands.',
  confidence: 0.8,
  create({ reader }) {
    interface Seen extends CliName {
      path: string;
      surface: string;
      lines: string[];
    }
    const sides: Record<Side, Seen[]> = { from: [], to: [] };
    const flattens: Record<Side, CliDefinitions['flattens']> = { from: [], to: [] };
    return {
      async file({ meta, class: cls }) {
        if (cls.excluded || cls.test || (cls.ext !== '.rs' && !JS.has(cls.ext))) return;
        const read = async (ref: Side, path: string) => {
          const text = await reader.readFile(ref, path);
          if (text === undefined) return;
          // Cheap gate: most changed files define no CLI at all.
          if (!(cls.ext === '.rs' ? RUST_CLI : JS_CLI).test(text)) return;
          // The TypeScript parser is loaded only when a JS/TS file needs it (it takes about a second).
          const found =
            cls.ext === '.rs' ? rustCliNames(text) : (await import('./js-cli.js')).jsCliNames(text, path);
          const lines = splitLines(text);
          for (const n of found.names) sides[ref].push({ ...n, path, surface: surfaceOf(meta), lines });
          flattens[ref].push(...found.flattens);
        };
        if (meta.status !== 'added' && meta.status !== 'copied')
          await read('from', meta.oldPath ?? meta.path);
        if (meta.status !== 'deleted') await read('to', meta.path);
      },
      finish() {
        const names = new Map<string, Set<string>>();
        for (const n of sides.to) {
          const key = `${n.kind}\0${n.scope}`;
          names.set(key, (names.get(key) ?? new Set()).add(n.name));
        }
        const fromScopes = new Set(sides.from.map((n) => n.scope));
        const everywhere = new Set(sides.to.map((n) => `${n.kind}\0${n.name}`));
        const inNewScope = new Set(
          sides.to.filter((n) => !fromScopes.has(n.scope)).map((n) => `${n.kind}\0${n.name}`),
        );
        /** Whether `scope` (or a struct flattened into it) still takes `name` on the `to` side. */
        const accepts = (kind: string, scope: string, name: string, seen = new Set<string>()): boolean => {
          if (seen.has(scope)) return false;
          seen.add(scope);
          if (names.get(`${kind}\0${scope}`)?.has(name)) return true;
          return flattens.to.some((f) => f.scope === scope && accepts(kind, f.type, name, seen));
        };
        const scopes = new Set(sides.to.map((n) => n.scope));
        const observations: Observation<Kind>[] = [];
        const seen = new Set<string>();
        for (const before of sides.from) {
          const spelled = `${before.kind}\0${before.name}`;
          // Still taken by its scope (or a flattened struct), or moved into a new struct; a scope that is
          // gone entirely was probably renamed, so then any scope taking the name will do.
          if (accepts(before.kind, before.scope, before.name) || inNewScope.has(spelled)) continue;
          if (!scopes.has(before.scope) && everywhere.has(spelled)) continue;
          const key = `${before.kind}\0${before.scope}\0${before.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const successor = sides.to.find(
            (n) =>
              n.kind === before.kind &&
              n.scope === before.scope &&
              n.ident === before.ident &&
              n.name === n.primary,
          );
          // Renamed: the same field/variant now answers to another primary name (dropping an alias is a removal).
          const renamed =
            successor &&
            before.name === before.primary &&
            successor.name.startsWith('--') === before.name.startsWith('--');
          const what = before.kind === 'flag' ? `flag \`${before.name}\`` : `subcommand \`${before.name}\``;
          observations.push({
            kind: `${before.kind}-${renamed ? 'renamed' : 'removed'}`,
            path: before.path,
            surface: before.surface,
            detail: `${what} of \`${before.scope}\` ${renamed ? `renamed to \`${successor.name}\`` : 'removed'}`,
            evidence: [
              linesEvidence(
                before.path,
                'from',
                before.lines,
                before.startLine,
                Math.min(before.endLine, before.startLine + MAX_EVIDENCE_LINES - 1),
              ),
              ...(renamed
                ? [
                    linesEvidence(
                      successor.path,
                      'to',
                      successor.lines,
                      successor.startLine,
                      successor.endLine,
                    ),
                  ]
                : []),
            ],
          });
        }
        return observations;
      },
    };
  },
};
