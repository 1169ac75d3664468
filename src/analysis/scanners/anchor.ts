import { basename } from 'node:path';
import { type Side, splitLines } from '../../git/reader.js';
import { addTo, getOrCreate } from '../../util/group.js';
import type { Anchor } from '../anchors/types.js';
import { keepTouched } from '../parse/rust-segments.js';
import { type FileClass, isScriptPath, isTestPath, surfaceOf } from '../patch/classify.js';
import { type FileDiff, type NumberedLine, numberedLines, touchedLines } from '../patch/patch.js';
import type { Evidence } from '../schema.js';
import { AnchorIndex, anchorKey, importsPackage, packageResolver, RARE_WEIGHT } from './anchor-index.js';
import type { ContainerValue } from './containers.js';
import { fileHeadEvidence, hunkEvidence, lineEvidence, linesEvidence } from './evidence.js';
import { type Container, containersOf, hasContainers } from './siblings.js';
import { displayName, onlyGains, signatureDelta, subjectOf } from './ts-exports.js';
import type { ChangedFileView, Claims, KindOf, Observation, OtherThing, Rule, ScanContext } from './types.js';
import { stringLiterals, wireKey } from './wire.js';

type Kind = KindOf<'anchor'>;

const MAX_USES = 3;
const MAX_SIBLINGS_NAMED = 3;
const NAME = /[A-Za-z_$][\w$]*/g;

/** Kinds whose removal or change on an upstream line the rule reports (endpoint, header, env var, config key or value). */
const VALUE_KINDS = ['header', 'env', 'url', 'literal'] as const;
const NO_ANCHORS: readonly Anchor[] = [];
type ValueKind = (typeof VALUE_KINDS)[number];
const isValueKind = (kind: Anchor['kind']): kind is ValueKind =>
  (VALUE_KINDS as readonly string[]).includes(kind);

const NOUN: Record<ValueKind, string> = {
  header: 'Header',
  env: 'Environment variable',
  url: 'Endpoint',
  literal: 'Value',
};
const USE: Record<ValueKind, string> = {
  header: 'you send',
  env: 'you read',
  url: 'you call',
  literal: 'you use',
};

/** Downstream evidence: the first few places that use an anchor. */
const usesEvidence = (anchors: readonly Anchor[]): Evidence[] =>
  anchors
    .flatMap((a) => a.uses.slice(0, MAX_USES))
    .slice(0, MAX_USES)
    .map((u) => lineEvidence(u.path, 'downstream', u.line, u.excerpt));

const usesText = (anchors: readonly Anchor[]) => {
  const uses = anchors.flatMap((a) => a.uses);
  const shown = uses.slice(0, MAX_USES).map((u) => `\`${u.path}:${u.line}\``);
  return `${shown.join(', ')}${uses.length > MAX_USES ? ` and ${uses.length - MAX_USES} more` : ''}`;
};

/** Siblings compare loosely when the container spells them as code names (`XHigh` ~ `xhigh` ~ `x_high`). */
const normal = (value: string, fuzzy: boolean) =>
  fuzzy ? value.toLowerCase().replace(/[^a-z0-9]/g, '') : value;

/**
 * Whether values the downstream names together are enough for a new sibling to matter: two distinct
 * ones with one of them rare, or three (`minimal`, `low`, `medium` of an effort enum); common words
 * alone (`error`, `warning`) are not a set it maps.
 */
function namesEnough(container: Container, named: readonly Anchor[]): boolean {
  const distinct = new Set(named.map((a) => normal(a.value, container.fuzzy))).size;
  return distinct >= 3 || (distinct === 2 && named.some((a) => a.weight >= RARE_WEIGHT));
}

/** Downstream files whose constructs can be read (TS/JS with the compiler, JSON as one object literal). */
const hasGroups = (path: string) => isScriptPath(path) || /\.json[5c]?$/i.test(path);

/** A container in a Rust unit-test module (`mod tests`) lists test cases, not options. */
const inTestModule = (container: Container) => /(^|\/)tests?\//.test(container.key);

interface ValueHit {
  anchor: Anchor & { kind: ValueKind };
  path: string;
  surface: string;
  evidence: Evidence;
  replacement?: { value: string; evidence: Evidence };
  /** Found in a test or excluded file: counts towards "gone everywhere", never reported itself. */
  countOnly?: boolean;
}

/** Change blocks of a hunk: each run of removed lines with the run of added lines that follows it. */
function* changeBlocks(
  hunk: FileDiff['hunks'][number],
): Generator<{ removed: NumberedLine[]; added: NumberedLine[] }> {
  let removed: NumberedLine[] = [];
  let added: NumberedLine[] = [];
  for (const line of numberedLines(hunk)) {
    if (line.kind === ' ') {
      if (removed.length + added.length > 0) yield { removed, added };
      removed = [];
      added = [];
    } else if (line.kind === '-') {
      if (added.length > 0) {
        yield { removed, added };
        removed = [];
        added = [];
      }
      removed.push(line);
    } else added.push(line);
  }
  if (removed.length + added.length > 0) yield { removed, added };
}

/**
 * A value that ends in a separator (`exp-` of `slug.starts_with("exp-")`) is a prefix a match tests
 * for, not an option a downstream could map: never a new sibling.
 */
const isPrefix = (value: string) => /[-_./:]$/.test(value);

/**
 * What a file the downstream names is called in titles: a prompt when its name says so and it is
 * text (a prompt or instructions file), not code or a test that merely mentions prompts
 * (`tests/suite/prompt_caching.rs`).
 */
export const fileNoun = (path: string, cls: Pick<FileClass, 'code' | 'test'>) =>
  !cls.code && !cls.test && /prompt|instruction/i.test(basename(path)) ? 'Prompt file' : 'File';

/**
 * Anchors: diff hunks that touch what the downstream's own code uses of the upstream (mined anchors)
 * become observations with evidence on both sides: the upstream lines (from/to) and the downstream
 * lines that depend on them (ref downstream). Without anchors (no downstream checkout) it is silent.
 */
export const anchorRule: Rule<'anchor'> = {
  id: 'anchor',
  title: 'Upstream change to something the downstream uses',
  recommendation:
    'Open the downstream lines cited as evidence and follow the upstream change there (or confirm they still hold).',
  confidence: 0.8,
  create(context: ScanContext) {
    const { reader } = context;
    const index = AnchorIndex.of(context.anchors ?? NO_ANCHORS);
    const observations: Observation<Kind>[] = [];
    /** Other rules' observations of a hook or symbol this rule reports (ts-exports' member change). */
    const folded: OtherThing[] = [];
    const unused: Claims['unused'] = [];
    /** Names a hook's signature gained: the call site's new object keys are that change again. */
    const gainedKeys = new Set<string>();
    /** Sibling observations with what they are a new value of, filtered once every file was seen. */
    const siblings: { observation: Observation<Kind>; key: boolean; value: string }[] = [];
    const removed: ValueHit[] = [];
    /** Anchor keys on added lines anywhere in the release: a value that comes back elsewhere was moved, not removed. */
    const readded = new Set<string>();
    const packageOf = packageResolver(reader);
    const apiAnchors = index.anchors.filter((a) => a.kind === 'symbol' || a.kind === 'hook');
    const siblingKinds = new Set<Anchor['kind']>(['literal', 'header', 'env']);
    const siblingAnchors = new Map<string, Anchor[]>();
    for (const a of index.anchors) {
      if (!siblingKinds.has(a.kind)) continue;
      for (const fuzzy of [false, true]) {
        const key = `${fuzzy}\0${normal(a.value, fuzzy)}`;
        addTo(siblingAnchors, key, a);
      }
    }
    // Parsing a file for siblings is the rule's dearest step: only rare named values (or the files
    // mining saw them in) make a file worth it; common ones still count once a file is parsed.
    const rare = index.anchors.filter((a) => siblingKinds.has(a.kind) && a.weight >= RARE_WEIGHT);
    const rareValues = new Set(rare);
    const sampled = new Set(rare.flatMap((a) => a.upstreamSample));

    const read = async (ref: Side, path: string) => {
      const text = await reader.readFile(ref, path);
      return text === undefined ? undefined : { text, lines: splitLines(text) };
    };

    const pathChanges = async ({ meta, diff, class: cls }: ChangedFileView) => {
      const oldPath = meta.oldPath ?? meta.path;
      const named = [...new Set([...index.pathAnchors(oldPath), ...index.pathAnchors(meta.path)])];
      if (named.length === 0) return;
      // Fetched or copied: code of the downstream that builds a URL or fetches it. A link in its docs only names the file.
      const fetched = named.some((a) =>
        a.uses.some((u) => isScriptPath(u.path) && /https?:\/\/|fetch|download|curl|wget/i.test(u.excerpt)),
      );
      const what = fileNoun(oldPath, cls);
      const verb = fetched ? 'that you fetch' : 'that you name';
      const downstream = usesEvidence(named);
      const base = { path: oldPath, surface: surfaceOf(meta), subject: oldPath };
      if (meta.status === 'deleted' || meta.status === 'renamed') {
        const renamed = meta.status === 'renamed';
        const head = fileHeadEvidence(oldPath, 'from', (await read('from', oldPath))?.text);
        const next = renamed ? fileHeadEvidence(meta.path, 'to', (await read('to', meta.path))?.text) : [];
        observations.push({
          ...base,
          kind: renamed ? 'path-renamed' : 'path-deleted',
          title: renamed
            ? `${what} \`${oldPath}\` ${verb} was moved to \`${meta.path}\``
            : `${what} \`${oldPath}\` ${verb} was deleted upstream`,
          detail: `\`${oldPath}\` ${renamed ? `moved to \`${meta.path}\`` : 'deleted'}; the downstream names it at ${usesText(named)}`,
          evidence: [...head, ...next, ...downstream],
        });
      } else if (meta.status === 'modified' || meta.status === 'type-changed') {
        const upstream =
          diff && diff.hunks.length > 0
            ? hunkEvidence(diff, 5)
            : fileHeadEvidence(meta.path, 'to', (await read('to', meta.path))?.text);
        observations.push({
          ...base,
          kind: fetched ? 'copied-file-modified' : 'named-file-modified',
          title: `${what} \`${meta.path}\` ${verb} was modified`,
          detail: `${fetched ? 'content you copy changed' : 'a file you name changed'} (+${meta.additions} −${meta.deletions}); the downstream names it at ${usesText(named)}`,
          evidence: [...upstream, ...downstream],
        });
      }
    };

    const valueChanges = ({ meta, diff, class: cls }: ChangedFileView, countOnly: boolean) => {
      if (!diff || !cls.code) return;
      const rust = cls.ext === '.rs';
      const literalsOf = (text: string) => stringLiterals(text, rust).literals.map((l) => l.value);
      /** Whether a value anchor is really on the line: as a string literal (a URL: inside one). */
      const onLine = (anchor: Anchor, literals: string[]) =>
        anchor.kind === 'url'
          ? literals.some(
              (l) => l.includes(anchor.value) || anchor.value.endsWith(l.replace(/^https?:\/\//, '')),
            )
          : literals.some((l) => anchorKey(anchor.kind, l) === anchorKey(anchor.kind, anchor.value));
      for (const hunk of diff.hunks) {
        // Most hunks hold no anchor at all: their lines were read once (the context asked first).
        if (!index.touches(hunk, meta.path)) continue;
        // Each line's anchors, as touches() found them.
        const lineAnchors = index.hunkLineAnchors(hunk, meta.path);
        for (const { removed: minus, added: plus } of changeBlocks(hunk)) {
          for (const line of plus)
            for (const a of lineAnchors[line.at]!)
              if (isValueKind(a.kind) && onLine(a, literalsOf(line.text)))
                readded.add(`${a.kind}\0${anchorKey(a.kind, a.value)}`);
          minus.forEach((line, i) => {
            const anchors = lineAnchors[line.at]!.filter((a): a is ValueHit['anchor'] => isValueKind(a.kind));
            if (anchors.length === 0) return;
            const literals = literalsOf(line.text);
            const pair = plus[i];
            const pairLiterals = pair ? literalsOf(pair.text) : [];
            for (const anchor of anchors) {
              if (!onLine(anchor, literals)) continue;
              // The replacement: the literal at the same place on the paired added line, when it differs.
              const at = literals.findIndex((l) => onLine(anchor, [l]));
              const next = pairLiterals[at];
              removed.push({
                anchor,
                path: meta.path,
                surface: surfaceOf(meta),
                evidence: lineEvidence(diff.oldPath, 'from', line.line, line.text),
                ...(countOnly ? { countOnly } : {}),
                ...(next !== undefined && next !== literals[at]
                  ? {
                      replacement: {
                        value: next,
                        evidence: lineEvidence(diff.newPath, 'to', pair!.line, pair!.text),
                      },
                    }
                  : {}),
              });
            }
          });
        }
      }
    };

    const signatureChanges = async ({ meta, diff }: ChangedFileView) => {
      if (
        apiAnchors.length === 0 ||
        !isScriptPath(meta.path) ||
        meta.status === 'added' ||
        meta.status === 'copied'
      )
        return;
      const oldPath = meta.oldPath ?? meta.path;
      const pkg = await packageOf(oldPath);
      const relevant = apiAnchors.filter((a) =>
        a.module && pkg ? importsPackage(new Set([a.module]), pkg) : !a.module,
      );
      if (relevant.length === 0) return;
      const [before, after] = await Promise.all([
        read('from', oldPath),
        meta.status === 'deleted' ? { text: '', lines: [] } : read('to', meta.path),
      ]);
      if (!before || !after) return;
      const { compareApi, extractApiPair } = await import('./ts-api.js');
      const [api, next] = extractApiPair(before.text, oldPath, after.text, meta.path, diff);
      const memberOf = (entry: { name: string; parent?: string }) =>
        entry.parent !== undefined && !entry.parent.includes('.')
          ? entry.name.slice(entry.parent.length + 1)
          : undefined;
      // Types the downstream implements: those with a member it implements as a hook (`Hooks` of `auth`).
      const hooks = new Set(relevant.filter((a) => a.kind === 'hook').map((a) => a.value));
      const implemented = new Set(
        [...api.values()].flatMap((e) => {
          const member = memberOf(e);
          return member !== undefined && hooks.has(member) ? [e.parent!] : [];
        }),
      );
      for (const change of compareApi(api, next)) {
        const entry = (change.before ?? change.after)!;
        const member = memberOf(entry);
        // A hook is a member of an upstream type; a symbol is a top-level export.
        const anchor = relevant.find((a) =>
          a.kind === 'hook' ? member === a.value : entry.parent === undefined && entry.name === a.value,
        );
        const other = { rule: 'ts-exports' as const, subject: subjectOf(entry, meta.path) };
        if (!anchor) {
          // An optional member of a type the downstream implements, which it does not implement: nothing of it to break.
          const optional = (change.before?.optional ?? true) && (change.after?.optional ?? true);
          if (member !== undefined && implemented.has(entry.parent!) && optional)
            unused.push({
              ...other,
              why: `the downstream implements \`${entry.parent}\` but not \`${member}\``,
            });
          continue;
        }
        const evidence = (ref: Side, e = ref === 'to' ? change.after : change.before): Evidence[] => {
          if (!e) return [];
          const lines = ref === 'to' ? after.lines : before.lines;
          return [
            linesEvidence(
              ref === 'to' ? meta.path : oldPath,
              ref,
              lines,
              e.startLine,
              Math.min(e.endLine, e.startLine + 20),
            ),
          ];
        };
        const hook = anchor.kind === 'hook';
        const shapes =
          change.before && change.after && change.kind.endsWith('changed')
            ? { before: change.before.shape(), after: change.after.shape() }
            : undefined;
        // What the hook receives only grew: a plugin ignores what it does not read.
        const gains = hook && shapes !== undefined && onlyGains(shapes.before, shapes.after);
        // Names the hook's types gained (`sessionID`, `providerID`): a call site's new keys of the same change.
        if (hook && shapes) {
          const had = new Set(shapes.before.text.match(NAME));
          for (const name of shapes.after.text.match(NAME) ?? []) if (!had.has(name)) gainedKeys.add(name);
        }
        const delta = shapes && signatureDelta(shapes.before, shapes.after);
        const how = change.kind.endsWith('removed')
          ? 'was removed'
          : change.kind.endsWith('renamed')
            ? `was renamed to \`${change.after!.name}\``
            : change.kind === 'member-now-required'
              ? 'is now required'
              : `${gains ? 'receives more' : 'changed signature'}${delta ? `: ${delta}` : ''}`;
        const name = hook ? `Hook \`${anchor.value}\`` : `\`${anchor.value}\``;
        folded.push(other);
        observations.push({
          kind: hook ? (gains ? 'hook-extended' : 'hook-changed') : 'symbol-changed',
          path: meta.path,
          surface: surfaceOf(meta),
          subject: `${anchor.module ?? pkg ?? ''}#${anchor.value}`,
          title: `${name} ${hook ? 'you implement' : `you import from \`${anchor.module ?? pkg}\``} ${how}`,
          detail: `\`${displayName(entry)}\` ${how}${shapes ? `: \`${shapes.before.text}\` → \`${shapes.after.text}\`` : ''}${gains ? ' (only more to read: nothing you implement breaks)' : ''}; ${hook ? 'implemented' : 'used'} at ${usesText([anchor])}`,
          evidence: [...evidence('to'), ...evidence('from'), ...usesEvidence([anchor])],
        });
      }
    };

    const groups = new Map<string, Promise<ContainerValue[][]>>();
    /** The sets of values one downstream file names together (siblings-ts.ts), read once per file. */
    const groupsOf = (path: string) =>
      getOrCreate(groups, path, async () => {
        const text = await context.downstream?.readFile(path);
        return text === undefined ? [] : (await import('./siblings-ts.js')).tsValueGroups(text, path);
      });

    /**
     * The named values of a container that the downstream names together in one construct of its own
     * (one union, array, object, switch, condition, function's returns): it maps that set, so a new
     * value beside them may need mapping too, with the downstream file that does. Undefined
     * when no construct holds enough of them: a value named alone, or common words, say nothing of a set.
     */
    const namedTogether = async (container: Container, named: readonly Anchor[]) => {
      const byValue = new Map<string, Anchor[]>();
      for (const a of named) addTo(byValue, normal(a.value, container.fuzzy), a);
      if (byValue.size < 2) return undefined;
      // Only a file that uses enough of them at all can name enough of them together: parse just those.
      const inFile = new Map<string, Anchor[]>();
      // A test lists values as fixtures; the set the downstream maps is in its code.
      for (const a of named)
        for (const path of new Set(a.uses.map((u) => u.path)))
          if (hasGroups(path) && !isTestPath(path)) addTo(inFile, path, a);
      let best: { anchors: Anchor[]; evidence: Evidence[]; weight: number } | undefined;
      for (const [path, anchors] of inFile) {
        if (!namesEnough(container, anchors)) continue;
        for (const group of await groupsOf(path)) {
          const mapped = group.filter((v) => byValue.has(normal(v.value, container.fuzzy)));
          const values = new Set(mapped.map((v) => normal(v.value, container.fuzzy)));
          if (values.size < 2) continue;
          const together = [...values].flatMap((v) => byValue.get(v)!);
          const weight = together.reduce((sum, a) => sum + a.weight, 0);
          // The fullest set it names together is the one to show, by the lines of that construct.
          if (!namesEnough(container, together) || weight <= (best?.weight ?? 0)) continue;
          const lines = new Set(mapped.map((v) => v.line));
          const at = together.map((a) => a.uses.filter((u) => u.path === path && lines.has(u.line)));
          // One line per value first: the lines show the set, not one value of it three times.
          const uses = [...at.flatMap((l) => l.slice(0, 1)), ...at.flatMap((l) => l.slice(1))];
          const evidence = [...new Map(uses.map((u) => [u.line, u])).values()]
            .slice(0, MAX_USES)
            .map((u) => lineEvidence(u.path, 'downstream', u.line, u.excerpt));
          best = { anchors: together, evidence, weight };
        }
      }
      return best;
    };

    const siblingChanges = async ({ meta, diff }: ChangedFileView) => {
      if (!diff || siblingAnchors.size === 0 || !hasContainers(meta.path) || meta.status !== 'modified')
        return;
      if (!diff.hunks.some((h) => h.lines.some((l) => l[0] === '+'))) return;
      // Parse only files that hold a named value near the change or where mining saw one.
      const near =
        sampled.has(meta.path) ||
        diff.hunks.some((h) =>
          index.hunkLineAnchors(h, meta.path).some((found) => found.some((a) => rareValues.has(a))),
        );
      if (!near) return;
      const [before, after] = await Promise.all([read('from', meta.path), read('to', meta.path)]);
      if (!before || !after) return;
      // Of a Rust file, only the items the change touches are parsed (and the constants and impls, whose
      // values gather across items): an untouched container gained nothing.
      const touched = async (ref: Side, text: string) => {
        if (!meta.path.endsWith('.rs')) return containersOf(meta.path, text);
        const kept = keepTouched(text, touchedLines(diff, ref), (s, hit) => hit || s.shared);
        return kept === undefined ? [] : containersOf(meta.path, kept);
      };
      const old = new Map((await touched('from', before.text)).map((c) => [c.key, c]));
      const seen = new Set<string>();
      for (const container of await touched('to', after.text)) {
        const previous = old.get(container.key);
        if (!previous || inTestModule(container)) continue;
        const was = new Set(previous.values.map((v) => normal(v.value, container.fuzzy)));
        const named = new Map<Anchor, number>();
        for (const v of previous.values) {
          for (const a of siblingAnchors.get(`${container.fuzzy}\0${normal(v.value, container.fuzzy)}`) ?? [])
            if (!named.has(a)) named.set(a, v.line);
        }
        const fresh = (v: { value: string }) => {
          const key = normal(v.value, container.fuzzy);
          return !was.has(key) && !siblingAnchors.has(`${container.fuzzy}\0${key}`);
        };
        // Reading the downstream's constructs is for containers that gained a value it does not name.
        if (named.size < 2 || !container.values.some(fresh)) continue;
        const together = await namedTogether(container, [...named.keys()]);
        if (!together) continue;
        for (const value of container.values) {
          const key = normal(value.value, container.fuzzy);
          // One new struct literal is one option, whichever of its fields (`id`, `model`, `display_name`) name it.
          const once = `${container.key.replace(/\[\]\..*$/, '[]')}\0${key}`;
          if (was.has(key) || seen.has(once) || isPrefix(value.value)) continue;
          seen.add(once);
          // A value the downstream already names is one it already supports.
          if (siblingAnchors.has(`${container.fuzzy}\0${key}`)) continue;
          const list = together.anchors.slice(0, MAX_SIBLINGS_NAMED).map((a) => `\`${a.value}\``);
          const beside = `${list.join(', ')}${together.anchors.length > MAX_SIBLINGS_NAMED ? ', …' : ''}`;
          const firstLine = named.get(together.anchors[0]!)!;
          const observation: Observation<Kind> = {
            kind: 'sibling-added',
            path: meta.path,
            surface: surfaceOf(meta),
            // The new value is the thing: a model added to the presets and to a match on model slugs is one finding.
            subject: `sibling:${normal(value.value, true)}`,
            title: `New ${container.noun} \`${value.value}\` beside ${beside} you map`,
            detail: `a new option the downstream may need to support: \`${value.value}\` added to \`${container.key.replace(/^\//, '')}\` beside ${beside}, which the downstream names together at ${together.evidence.map((e) => `\`${e.path}:${e.startLine}\``).join(', ')} (uses: ${usesText(together.anchors)})`,
            evidence: [
              linesEvidence(meta.path, 'to', after.lines, value.line),
              linesEvidence(meta.path, 'from', before.lines, firstLine),
              ...together.evidence,
            ],
          };
          siblings.push({ observation, key: container.kind === 'object', value: value.value });
        }
      }
    };

    return {
      async file(view) {
        if (index.size === 0 || view.meta.ignored) return;
        await pathChanges(view);
        const aside = view.class.excluded !== undefined || view.class.test;
        valueChanges(view, aside);
        if (aside) return;
        await signatureChanges(view);
        await siblingChanges(view);
      },
      finish() {
        const keyOf = (hit: ValueHit) =>
          `${hit.anchor.kind}\0${anchorKey(hit.anchor.kind, hit.anchor.value)}`;
        /** Files each value left: "removed upstream" means it left every file it was found in at `from`. */
        const leftFiles = new Map<string, Set<string>>();
        for (const hit of removed)
          leftFiles.set(keyOf(hit), (leftFiles.get(keyOf(hit)) ?? new Set()).add(hit.path));
        const reported = new Set<string>();
        for (const hit of removed) {
          const key = keyOf(hit);
          if (hit.countOnly || readded.has(key) || reported.has(key)) continue;
          // Still in other upstream files (`assistant` dropped from one match, kept in fifty): not removed.
          if (leftFiles.get(key)!.size < hit.anchor.upstreamFiles) continue;
          reported.add(key);
          const { kind, value } = hit.anchor;
          const changed = hit.replacement !== undefined;
          // The wire rule sees the same header, variable or URL leave: this finding, with the downstream's side, says it all.
          if (kind !== 'literal') folded.push({ rule: 'wire', subject: wireKey({ category: kind, value }) });
          observations.push({
            kind: `${kind}-${changed ? 'changed' : 'removed'}`,
            path: hit.path,
            surface: hit.surface,
            subject: `${kind}:${value}`,
            title: changed
              ? `${NOUN[kind]} \`${value}\` ${USE[kind]} was changed upstream to \`${hit.replacement!.value}\``
              : `${NOUN[kind]} \`${value}\` ${USE[kind]} was removed upstream`,
            detail: `${NOUN[kind].toLowerCase()} \`${value}\` ${changed ? `→ \`${hit.replacement!.value}\`` : 'removed'} in \`${hit.path}\`; the downstream uses it at ${usesText([hit.anchor])}`,
            evidence: [
              hit.evidence,
              ...(changed ? [hit.replacement!.evidence] : []),
              ...usesEvidence([hit.anchor]),
            ],
          });
        }
        // A new key at the call site of a hook whose parameters gained it is the hook change again.
        for (const sibling of siblings)
          if (!(sibling.key && gainedKeys.has(sibling.value))) observations.push(sibling.observation);
        return observations;
      },
      claims: () => ({ folded, unused }),
    };
  },
};
