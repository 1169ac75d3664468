import { type Side, splitLines } from '../../git/reader.js';
import { keepSegments } from '../parse/rust-segments.js';
import { isScriptExtension, isScriptPath, surfaceOf } from '../patch/classify.js';
import { linesEvidence } from './evidence.js';
import { type Attr, applyCase, attrValues, type BuilderCall, hasAttrKey, readRust } from './rust-items.js';
import type { CliDefinitions, CliName, KindOf, Observation, Rule } from './types.js';

type Kind = KindOf<'cli'>;

const CLAP = ['arg', 'clap', 'command'];
const ALIASES = ['alias', 'aliases', 'visible_alias', 'visible_aliases'];
const SHORT_ALIASES = ['short_alias', 'short_aliases', 'visible_short_alias', 'visible_short_aliases'];

/** The type a field holds, unwrapped from Option<…> and paths: `Option<a::Shared>` → `Shared`. */
const typeName = (type: string) => /^(?:Option\s*<\s*)?(?:[\w]+::)*([A-Za-z_]\w*)/.exec(type)?.[1];

/** Flags and subcommands of a Rust file: clap derive (fields, Subcommand variants) and clap builder calls. */
export async function rustCliNames(text: string): Promise<CliDefinitions> {
  const { items, constants, builders } = await readRust(text);
  const names: CliName[] = [];
  const flattens: CliDefinitions['flattens'] = [];
  /** An attribute's values, a constant given by name resolved (`long = FLAG`). */
  const valuesOf = (attrs: readonly Attr[], key: string) =>
    attrValues(attrs, CLAP, key).flatMap((e) =>
      e.values.length > 0 ? e.values : e.ref && constants.has(e.ref) ? [constants.get(e.ref)!] : [],
    );
  for (const item of items) {
    const derived = new Set(
      item.attrs.filter((a) => a.name === 'derive').flatMap((a) => a.entries.map((e) => e.key)),
    );
    const casing = valuesOf(item.attrs, 'rename_all')[0] ?? 'kebab-case';
    const program = valuesOf(item.attrs, 'name')[0] ?? valuesOf(item.attrs, 'bin_name')[0];
    for (const member of item.members) {
      const at = {
        scope: item.name,
        ...(program ? { program } : {}),
        ident: member.name,
        startLine: member.startLine,
        endLine: member.endLine,
      };
      const values = (key: string) => valuesOf(member.attrs, key);
      const has = (key: string) => hasAttrKey(member.attrs, CLAP, key);
      const push = (kind: CliName['kind'], primary: string, aliases: string[]) => {
        for (const name of [primary, ...aliases]) names.push({ ...at, kind, name, primary });
      };
      if (item.kind === 'struct') {
        const flattened = typeName(member.type);
        if (has('flatten') && flattened) flattens.push({ scope: item.name, type: flattened });
        if (has('long')) {
          const long = `--${values('long')[0] ?? applyCase(member.name, casing)}`;
          push(
            'flag',
            long,
            ALIASES.flatMap(values).map((a) => `--${a}`),
          );
        }
        if (has('short')) {
          const short = `-${values('short')[0] ?? member.name.charAt(0)}`;
          push(
            'flag',
            short,
            SHORT_ALIASES.flatMap(values).map((a) => `-${a}`),
          );
        }
      } else if (derived.has('Subcommand')) {
        if (['skip', 'flatten', 'external_subcommand'].some(has)) continue;
        const name = values('name')[0] ?? applyCase(member.name, casing);
        push('subcommand', name, ALIASES.flatMap(values));
      }
    }
  }
  const scopeOf = (call: BuilderCall): string =>
    call.parent === undefined ? call.id : `${scopeOf(builders[call.parent]!)} ${call.id}`;
  for (const call of builders) {
    const parent = call.parent === undefined ? undefined : builders[call.parent]!;
    const scope = parent ? scopeOf(parent) : call.fn ? `fn ${call.fn}` : 'builder';
    const at = {
      scope,
      ...(parent ? { program: scopeOf(parent) } : {}),
      ident: call.id,
      startLine: call.startLine,
      endLine: call.endLine,
    };
    const method = (...which: string[]) =>
      call.methods.filter((m) => which.includes(m.name)).flatMap((m) => m.values);
    const push = (kind: CliName['kind'], spelled: string[]) => {
      for (const name of spelled) names.push({ ...at, kind, name, primary: spelled[0]! });
    };
    if (call.kind === 'arg') {
      const long = method('long');
      if (long.length > 0)
        push(
          'flag',
          [...long, ...method(...ALIASES)].map((n) => `--${n}`),
        );
      const short = method('short');
      if (short.length > 0)
        push(
          'flag',
          [...short, ...method(...SHORT_ALIASES)].map((n) => `-${n}`),
        );
    } else if (parent) {
      // A subcommand: `Command::new("sub")` attached to its parent with `.subcommand(…)`.
      push('subcommand', [call.id, ...method(...ALIASES)]);
    }
  }
  return { names, flattens };
}

const RUST_CLI =
  /#\[(?:arg|clap|command)\s*\(|derive\([^)]*\b(?:Parser|Subcommand|Args)\b|\b(?:Arg|Command|App|SubCommand)::(?:new|with_name)\s*\(/;
const JS_CLI = /\.(?:option|options|requiredOption|command)\s*\(/;
/**
 * A line every text either gate finds has (as bytes): each match of RUST_CLI or JS_CLI starts on a
 * line this matches, where `\s*\(` is the line's end, a `(`, or a byte that is not printable ASCII
 * (Unicode spaces among them), and `derive(…)` may span lines but names its trait on one.
 * A file none of whose lines match defines no CLI; git grep says which do.
 */
const CALL = '([(]|[^!-~]|$)';
export const CLI_GATE_LINE = [
  `#\\[(arg|clap|command)${CALL}`,
  '(^|[^A-Za-z0-9_])(Parser|Subcommand|Args)([^A-Za-z0-9_]|$)',
  `(Arg|Command|App|SubCommand)::(new|with_name)${CALL}`,
  `\\.(option|options|requiredOption|command)${CALL}`,
].join('|');
/** The cheap test a file's text passes when it may define a CLI: clap's in Rust, yargs/commander's in JS. */
export const cliGate = (path: string) => (path.toLowerCase().endsWith('.rs') ? RUST_CLI : JS_CLI);
/** Items that may hold a value a clap attribute names (`long = FLAG`). */
const CONSTANTS = /\b(?:const|static)\b/;

/**
 * The items of a Rust file that say something of its CLI: those the gate finds a clap attribute,
 * derive or builder call in, and the constants they may name; every other line is left empty, so a
 * parse of the rest gives the same flags at the same lines.
 */
export const cliSegments = (text: string): string =>
  keepSegments(text, (item) => RUST_CLI.test(item) || CONSTANTS.test(item)) ?? '';
const MAX_EVIDENCE_LINES = 12;

/** Removed or renamed CLI flags and subcommands (clap derive in Rust; yargs/commander in JS). */
export const cliRule: Rule<'cli'> = {
  id: 'cli',
  title: 'CLI flag or subcommand removed',
  recommendation:
    'Check scripts, docs and code of the downstream that invoke the upstream CLI with these flags or subcommands.',
  confidence: 0.8,
  create({ reader, files }) {
    // The `from` sides that may define a CLI, once git grep has answered: the others are not read
    // (most changed files define none). Until it answers, or when the reader cannot ask, all are.
    let mayDefine: Set<string> | undefined;
    const sources = files
      .filter((f) => f.path.toLowerCase().endsWith('.rs') || isScriptPath(f.path))
      .map((f) => f.oldPath ?? f.path);
    reader.filesMatching?.('from', sources, CLI_GATE_LINE).then(
      (found) => {
        mayDefine = found;
      },
      () => undefined,
    );
    interface Seen extends CliName {
      path: string;
      surface: string;
      lines: string[];
    }
    const sides: Record<Side, Seen[]> = { from: [], to: [] };
    const flattens: Record<Side, CliDefinitions['flattens']> = { from: [], to: [] };
    return {
      async file({ meta, class: cls, diff }) {
        if (cls.excluded || cls.test || (cls.ext !== '.rs' && !isScriptExtension(cls.ext))) return;
        const gate = cliGate(meta.path);
        /** Reads one side; false when it defines no CLI (the cheap gate: most changed files define none). */
        const read = async (ref: Side, path: string) => {
          if (ref === 'from' && mayDefine && !mayDefine.has(path)) return false;
          const text = await reader.readFile(ref, path);
          if (text === undefined || !gate.test(text)) return false;
          // The TypeScript parser is loaded only when a JS/TS file needs it (it takes about a second).
          const found =
            cls.ext === '.rs'
              ? await rustCliNames(cliSegments(text))
              : (await import('./js-cli.js')).jsCliNames(text, path);
          const lines = splitLines(text);
          for (const n of found.names) sides[ref].push({ ...n, path, surface: surfaceOf(meta), lines });
          flattens[ref].push(...found.flattens);
          return true;
        };
        const before =
          meta.status !== 'added' &&
          meta.status !== 'copied' &&
          (await read('from', meta.oldPath ?? meta.path));
        // A file without CLI definitions gains some only through added lines that show them.
        const gains = !diff || diff.hunks.some((h) => h.lines.some((l) => l[0] === '+' && gate.test(l)));
        if (meta.status !== 'deleted' && (before || gains)) await read('to', meta.path);
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
        /** Spellings of one field or variant that went together: `--sandbox` and `-s` are one removal. */
        const together = new Map<string, { before: Seen; spellings: string[]; successor?: Seen }>();
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
          const group = renamed
            ? `${key}\0renamed`
            : `${before.kind}\0${before.path}\0${before.scope}\0${before.ident}\0removed`;
          const entry = together.get(group);
          if (entry) entry.spellings.push(before.name);
          else together.set(group, { before, spellings: [before.name], ...(renamed ? { successor } : {}) });
        }
        const observations: Observation<Kind>[] = [];
        // In source order (a chained builder is walked outermost call first).
        const removals = [...together.values()].sort(
          (a, b) => a.before.path.localeCompare(b.before.path) || a.before.startLine - b.before.startLine,
        );
        for (const { before, spellings, successor } of removals) {
          // Long spellings first: `--sandbox` (`-s`).
          const [main, ...also] = [...spellings].sort(
            (a, b) => Number(b.startsWith('--')) - Number(a.startsWith('--')),
          );
          const noun = before.kind === 'flag' ? 'flag' : 'subcommand';
          const what = `${noun} \`${main}\`${also.length > 0 ? ` (${also.map((a) => `\`${a}\``).join(', ')})` : ''}`;
          const program = before.program ?? (before.scope === 'js' ? before.path : before.scope);
          observations.push({
            kind: `${before.kind}-${successor ? 'renamed' : 'removed'}`,
            path: before.path,
            surface: before.surface,
            subject: `${program} ${main}`,
            title: successor
              ? `CLI ${what} of \`${program}\` renamed to \`${successor.name}\``
              : `CLI ${what} removed from \`${program}\``,
            detail: `${what} of \`${program}\` ${successor ? `renamed to \`${successor.name}\`` : 'removed'}`,
            evidence: [
              linesEvidence(
                before.path,
                'from',
                before.lines,
                before.startLine,
                Math.min(before.endLine, before.startLine + MAX_EVIDENCE_LINES - 1),
              ),
              ...(successor
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
