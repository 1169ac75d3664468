import type { ChangedFile } from '../../artifacts/schema.js';
import { type RepoReader, type Side, splitLines } from '../../git/reader.js';
import { addTo } from '../../util/group.js';
import { ownCopy } from '../../util/own-copy.js';
import { normalizeWhitespace } from '../evidence.js';
import { keepTouched } from '../parse/rust-segments.js';
import { surfaceOf } from '../patch/classify.js';
import { type FileDiff, touchedLines } from '../patch/patch.js';
import type { Evidence } from '../schema.js';
import type { ParseBudget } from './budget.js';
import { linesEvidence } from './evidence.js';
import { applyCase, attrValues, hasAttrKey, type RustItem, readRust } from './rust-items.js';

/** The JSON names one serde field or variant goes by: its rename (or cased name) first, then aliases. */
interface SerdeMember {
  item: string;
  ident: string;
  names: string[];
  /** Its type (a variant: its fields) as written, comments and spacing aside: what a rename keeps. */
  shape: string;
  startLine: number;
  endLine: number;
}

const SERDE = ['serde'];
const DERIVES = new Set(['Serialize', 'Deserialize']);

/** JSON field (and variant) names of the serde structs and enums of a file. */
function serdeMembers(items: readonly RustItem[]): SerdeMember[] {
  const members: SerdeMember[] = [];
  for (const item of items) {
    const derives = item.attrs.filter((a) => a.name === 'derive').flatMap((a) => a.entries.map((e) => e.key));
    if (!derives.some((d) => DERIVES.has(d))) continue;
    // Untagged enums put no variant name on the wire.
    if (item.kind === 'enum' && hasAttrKey(item.attrs, SERDE, 'untagged')) continue;
    const casing = attrValues(item.attrs, SERDE, 'rename_all').flatMap((e) => e.values)[0];
    for (const member of item.members) {
      const has = (key: string) => hasAttrKey(member.attrs, SERDE, key);
      if (has('skip') || has('flatten') || (has('skip_serializing') && has('skip_deserializing'))) continue;
      const values = (key: string) => attrValues(member.attrs, SERDE, key).flatMap((e) => e.values);
      const primary = values('rename')[0] ?? (casing ? applyCase(member.name, casing) : member.name);
      // Kept for the whole analysis: own copies, not slices of the file's text.
      members.push({
        item: ownCopy(item.name),
        ident: ownCopy(member.name),
        names: [primary, ...values('alias')].map(ownCopy),
        shape: normalizeWhitespace(member.type.replace(/\/\/[^\n]*/g, '')),
        startLine: member.startLine,
        endLine: member.endLine,
      });
    }
  }
  return members;
}

interface Seen extends SerdeMember {
  path: string;
  surface: string;
  /** Its lines at that side (taken now: the file's text is not kept). */
  evidence: Evidence;
}

interface SerdeChange {
  item: string;
  from: string;
  /** The name the same field now goes by (a rename); undefined when it is gone. */
  to?: string;
  path: string;
  surface: string;
  evidence: Evidence[];
}

const MAX_EVIDENCE_LINES = 12;
const SERDE_HINT = /\b(?:Serialize|Deserialize)\b/;

/** Serde members of the struct/enum/mod segments holding a touched line, from a parse of them alone. */
async function touchedMembers(text: string, touched: readonly number[]): Promise<SerdeMember[]> {
  const kept = keepTouched(text, touched, (s, hit) => hit && s.types);
  return kept === undefined ? [] : serdeMembers((await readRust(kept)).items);
}

/**
 * Serde names across one analysis: both sides of each changed Rust file that derives serde traits,
 * then the names a struct no longer answers to (the struct may have moved to another changed file).
 */
export function serdeTracker(reader: RepoReader, budget: ParseBudget) {
  const sides: Record<Side, Seen[]> = { from: [], to: [] };
  return {
    /**
     * Reads a changed Rust file that uses serde; true when it did (its serde names are known). Only
     * names the `from` side had can go missing: the `to` side is parsed only when a hunk touches one
     * of its serde items (an untouched item is unchanged).
     */
    async file(meta: ChangedFile, diff: FileDiff): Promise<boolean> {
      if (meta.status === 'added' || meta.status === 'copied' || !budget.open(meta)) return false;
      if (!diff.hunks.some((h) => h.lines.some((l) => l[0] === '-' || l[0] === '+'))) return false;
      const oldPath = meta.oldPath ?? meta.path;
      const before = await reader.readFile('from', oldPath);
      if (before === undefined || !SERDE_HINT.test(before) || !budget.take(meta, before.length)) return false;
      // Only the type items a change touches are parsed: an untouched item is unchanged.
      const from = await touchedMembers(before, touchedLines(diff, 'from'));
      if (from.length === 0) return true;
      const after = meta.status !== 'deleted' ? await reader.readFile('to', meta.path) : undefined;
      if (after !== undefined && !budget.take(meta, after.length)) return false;
      const keep = (ref: Side, path: string, text: string, members: SerdeMember[]) => {
        const lines = splitLines(text);
        for (const m of members) {
          const last = Math.min(m.endLine, m.startLine + MAX_EVIDENCE_LINES - 1);
          sides[ref].push({
            ...m,
            path,
            surface: surfaceOf(meta),
            evidence: linesEvidence(path, ref, lines, m.startLine, last),
          });
        }
      };
      keep('from', oldPath, before, from);
      if (after !== undefined)
        keep('to', meta.path, after, await touchedMembers(after, touchedLines(diff, 'to')));
      return true;
    },
    finish(): SerdeChange[] {
      const group = (members: Seen[]) => {
        const map = new Map<string, Seen[]>();
        for (const m of members) addTo(map, m.item, m);
        return map;
      };
      const after = group(sides.to);
      const changes: SerdeChange[] = [];
      for (const [item, before] of group(sides.from)) {
        const now = after.get(item);
        // A struct gone from every changed file was moved or dropped whole: not a field change.
        if (!now) continue;
        const had = new Set(before.flatMap((m) => m.names));
        // New members: no name they had before.
        const fresh = now.filter(
          (m) => !m.names.some((n) => had.has(n)) && !before.some((b) => b.ident === m.ident),
        );
        /**
         * What a member whose name is gone became: the same field under a new serde name, or else the
         * next new member of its type (a rename keeps the type; in order, as written). A new field of
         * another type beside it is no rename: the old one is gone.
         */
        const successorOf = (old: Seen) => {
          const same = now.find((m) => m.ident === old.ident);
          if (same) return same;
          const at = fresh.findIndex((m) => m.shape === old.shape);
          return at === -1 ? undefined : fresh.splice(at, 1)[0];
        };
        for (const old of before) {
          old.names.forEach((name, i) => {
            if (now.some((m) => m.names.includes(name))) return;
            const successor = i === 0 ? successorOf(old) : undefined;
            changes.push({
              item,
              from: name,
              ...(successor ? { to: successor.names[0]! } : {}),
              path: old.path,
              surface: old.surface,
              evidence: successor ? [old.evidence, successor.evidence] : [old.evidence],
            });
          });
        }
      }
      return changes;
    },
  };
}
