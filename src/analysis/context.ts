import type { ChangedFile, ReleaseArtifact } from '../artifacts/schema.js';
import type { UpstreamConfig } from '../config/schema.js';
import { addTo } from '../util/group.js';
import type { Anchor } from './anchors/types.js';
import { defang } from './defang.js';
import { classify, type ExcludedReason } from './patch/classify.js';
import { type FileDiff, type Hunk, isAdditionOnly, isDeletionOnly } from './patch/patch.js';
import { AnchorIndex } from './scanners/anchor-index.js';
import type { Finding } from './schema.js';

/**
 * Share of the budget each fixed section may take at most. Hunks are selected against the whole
 * budget while streaming and trimmed (worst first) at render time to what the fixed sections leave.
 */
const SHARE = { notes: 0.15, findings: 0.15, notIncluded: 0.2 } as const;
const TIERS = 3;

/** Rank of hunks that touch what the downstream uses (anchors): ahead of every tier. */
const ANCHORED = 0;
const MAX_USES_SHOWN = 5;

/**
 * Lower is more relevant: hunks that touch anchors, then surface files, then product code, then the
 * rest; within each tier, removals first.
 */
function rankOf(slot: FileSlot, hunk: Hunk | undefined, anchored: boolean): number {
  if (anchored) return ANCHORED;
  const { meta, tier } = slot;
  const kind = !hunk
    ? meta.status === 'deleted' || meta.status === 'renamed'
      ? 0
      : 2
    : isDeletionOnly(hunk)
      ? 0
      : isAdditionOnly(hunk)
        ? 2
        : 1;
  return 1 + tier * TIERS + kind;
}

interface Item {
  file: number;
  hunk: number;
  rank: number;
  /** The hunk until selected, then its text. */
  text: string | Hunk;
  cost: number;
}

function newSlot(meta: ChangedFile, order: number): FileSlot {
  const cls = classify(meta);
  return {
    meta,
    order,
    tier: meta.surfaces.length > 0 ? 0 : cls.code && !cls.test ? 1 : 2,
    hunks: 0,
    selected: 0,
    headerCost: fileHeading(meta).length + 16,
    excluded: cls.excluded,
    oversized: false,
    seen: false,
  };
}

interface FileSlot {
  meta: ChangedFile;
  /** Index in the slot list. */
  order: number;
  /** Surface files 0, product code 1, the rest 2. */
  tier: number;
  hunks: number;
  selected: number;
  headerCost: number;
  excluded?: ExcludedReason;
  oversized: boolean;
  seen: boolean;
  /** Anchors its hunks touch: the downstream lines that depend on this file. */
  anchors?: Set<Anchor>;
}

export interface ContextCoverage {
  filesChanged: number;
  filesInContext: number;
  surfacesTouched: string[];
  truncated: boolean;
  /** Every changed file whose diff is not (wholly) in the context, with why. */
  notIncluded: { path: string; reason: string }[];
}

const fileHeading = (meta: ChangedFile) => {
  const from = meta.oldPath && meta.oldPath !== meta.path ? ` (from \`${meta.oldPath}\`)` : '';
  const surfaces = meta.surfaces.length > 0 ? ` — surfaces: ${meta.surfaces.join(', ')}` : '';
  return `### \`${meta.path}\`${from} — ${meta.status}, +${meta.additions} −${meta.deletions}${surfaces}`;
};

const fenceFor = (texts: string[]) => {
  let longest = 2;
  for (const text of texts)
    for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(longest + 1);
};

const clip = (text: string, max: number) =>
  text.length <= max
    ? text
    : `${text.slice(0, Math.max(0, max - 40))}\n… (${text.length - max + 40} characters left out)`;

/**
 * Builds context.md within `maxChars`: fed each file's diff once, it keeps only the hunks the budget
 * can take, preferring surface files, then product code, then the rest, and within each removals
 * (deletion-only hunks) first. Ignored files, lockfiles, generated and binary files are left out.
 * Memory stays at about the budget however large the patch is.
 */
export class ContextBuilder {
  private readonly slots: FileSlot[];
  private readonly index = new Map<string, number>();
  private readonly buckets: (Item & { text: string })[][] = Array.from({ length: 1 + TIERS * 3 }, () => []);
  private readonly anchors?: AnchorIndex;
  private readonly hunkBudget: number;
  private readonly maxHunk: number;
  private total = 0;

  constructor(
    files: readonly ChangedFile[],
    private readonly maxChars: number,
    anchors?: readonly Anchor[],
  ) {
    if (anchors && anchors.length > 0) this.anchors = AnchorIndex.of(anchors);
    this.slots = files.map((meta, order) => newSlot(meta, order));
    files.forEach((f, i) => {
      this.index.set(f.path, i);
    });
    this.hunkBudget = Math.max(0, maxChars - 4_000);
    this.maxHunk = Math.max(2_000, Math.floor(maxChars / 10));
  }

  /** The files.json entry of a parsed file diff (a file missing from files.json gets one made up). */
  slotOf(diff: FileDiff): FileSlot {
    let at = this.index.get(diff.path);
    if (at === undefined) {
      const meta: ChangedFile = {
        path: diff.path,
        ...(diff.oldPath !== diff.path ? { oldPath: diff.oldPath } : {}),
        status: diff.status,
        additions: 0,
        deletions: 0,
        binary: diff.binary,
        surfaces: [],
        ignored: false,
      };
      at = this.slots.length;
      this.slots.push(newSlot(meta, at));
      this.index.set(diff.path, at);
    }
    return this.slots[at]!;
  }

  add(diff: FileDiff): void {
    const slot = this.slotOf(diff);
    slot.seen = true;
    slot.oversized = diff.oversized;
    slot.hunks = diff.hunks.length;
    if (slot.excluded) return;
    const file = slot.order;
    const touched = this.anchors?.hunkAnchors(diff);
    if (touched && touched.size > 0)
      slot.anchors = new Set([...(slot.anchors ?? []), ...[...touched.values()].flat()]);
    if (diff.hunks.length === 0) {
      if (!diff.oversized)
        this.offer({
          file,
          hunk: -1,
          rank: rankOf(slot, undefined, touched?.has(-1) ?? false),
          text: '',
          cost: 0,
        });
      return;
    }
    diff.hunks.forEach((hunk, i) => {
      let size = hunk.header.length;
      for (const line of hunk.lines) size += line.length + 1;
      // Text is built only for hunks the budget takes; a clipped hunk is built up front to know its size.
      const text = size > this.maxHunk ? this.hunkText(hunk) : undefined;
      this.offer({
        file,
        hunk: i,
        rank: rankOf(slot, hunk, touched?.has(i) ?? false),
        text: text ?? hunk,
        cost: (text?.length ?? size) + 1,
      });
    });
  }

  private hunkText(hunk: Hunk): string {
    let size = hunk.header.length;
    const kept = [hunk.header];
    for (const line of hunk.lines) {
      if (size + line.length + 1 > this.maxHunk) {
        kept.push(`⋯ ${hunk.lines.length - kept.length + 1} more lines of this hunk left out`);
        break;
      }
      kept.push(line);
      size += line.length + 1;
    }
    return kept.join('\n');
  }

  /** Drops the least relevant selected hunk ranked worse than `rank`; returns its file, if any. */
  private evictWorse(rank: number): FileSlot | undefined {
    let worst = this.buckets.length - 1;
    while (worst > rank && this.buckets[worst]!.length === 0) worst--;
    if (worst <= rank) return undefined;
    // Within a rank, the last offered goes first: earlier files in patch order are kept.
    const evicted = this.buckets[worst]!.pop()!;
    const slot = this.slots[evicted.file]!;
    slot.selected--;
    this.total -= evicted.cost + (slot.selected === 0 ? slot.headerCost : 0);
    return slot;
  }

  private offer(item: Item): void {
    const slots = this.slots;
    const need = () => item.cost + (slots[item.file]!.selected === 0 ? slots[item.file]!.headerCost : 0);
    while (this.total + need() > this.hunkBudget) if (!this.evictWorse(item.rank)) return;
    const slot = slots[item.file]!;
    this.total += need();
    slot.selected++;
    const text =
      typeof item.text === 'string' ? item.text : [item.text.header, ...item.text.lines].join('\n');
    this.buckets[item.rank]!.push({ ...item, text });
  }

  coverage(): ContextCoverage {
    const notIncluded: ContextCoverage['notIncluded'] = [];
    let truncated = false;
    for (const slot of this.slots) {
      const reason = slot.excluded
        ? slot.excluded
        : slot.oversized
          ? 'diff too large to read'
          : !slot.seen
            ? 'not in diff.patch'
            : slot.selected === 0
              ? 'over the size budget'
              : slot.selected < slot.hunks
                ? `over the size budget after ${slot.selected} of ${slot.hunks} hunks`
                : undefined;
      if (!reason) continue;
      if (!slot.excluded) truncated = true;
      notIncluded.push({ path: slot.meta.path, reason });
    }
    return {
      filesChanged: this.slots.length,
      filesInContext: this.slots.filter((s) => s.selected > 0).length,
      surfacesTouched: [...new Set(this.slots.flatMap((s) => s.meta.surfaces))].sort(),
      truncated,
      notIncluded,
    };
  }

  /** context.md: release, notes, surfaces, scanner findings, the selected hunks, then what was left out. */
  render(input: {
    upstreamId: string;
    upstream: UpstreamConfig;
    release: ReleaseArtifact;
    findings: readonly Finding[];
  }) {
    const { release, upstream, findings } = input;
    const sections = [
      upstream.focus ? `## Focus\n\n${defang(upstream.focus)}\n` : '',
      this.renderNotes(release),
      this.renderSurfaces(upstream),
      this.renderFindings(findings),
      this.anchors
        ? '## Changes\n\nHunks in order of relevance: first those that touch what the downstream uses (each file with the downstream lines that depend on it), then surface files, removals first.\n'
        : '## Changes\n\nHunks in order of relevance: surface files first, removals first.\n',
    ].join('\n');
    // Trim the selection until the hunks, the fixed sections and the list of what is left out fit.
    const fixed = sections.length + 1_000;
    const lineSize = (path: string) => path.length + 60;
    let listSize = this.coverage().notIncluded.reduce((sum, f) => sum + lineSize(f.path), 0);
    while (fixed + Math.min(listSize, this.maxChars * SHARE.notIncluded) + this.total > this.maxChars) {
      const slot = this.evictWorse(-1);
      if (!slot) break;
      // A file that was wholly in the context now joins the list of what is left out.
      if (slot.selected + 1 >= Math.max(slot.hunks, 1)) listSize += lineSize(slot.meta.path);
    }
    const coverage = this.coverage();
    const head = [
      `# ${input.upstreamId}: ${release.from.tag} → ${release.to.tag}`,
      '',
      `- repository: ${release.repo}`,
      `- compare: ${release.compareUrl}`,
      `- commits: ${release.commits} (${release.from.commit.slice(0, 12)}..${release.to.commit.slice(0, 12)})`,
      `- files changed: ${coverage.filesChanged}; with hunks below: ${coverage.filesInContext}; left out: ${coverage.notIncluded.length} (listed at the end)`,
      '',
    ].join('\n');
    const text = [head, sections, this.renderHunks(), this.renderNotIncluded(coverage.notIncluded)].join(
      '\n',
    );
    return { text, coverage };
  }

  private renderNotes(release: ReleaseArtifact): string {
    const budget = this.maxChars * SHARE.notes;
    const parts = ['## Release notes', ''];
    let used = 0;
    const releases = [...release.releases].reverse();
    for (const [i, r] of releases.entries()) {
      const notes = defang(r.notes?.trim() || '(no notes)');
      const block = `### ${r.tag}${r.date ? ` (${r.date.slice(0, 10)})` : ''}\n\n${clip(notes, Math.max(1_000, (budget - used) / 2))}\n`;
      if (used + block.length > budget) {
        parts.push(`… notes of ${releases.length - i} older releases left out (see release.json).`, '');
        break;
      }
      parts.push(block);
      used += block.length;
    }
    if (releases.length === 0) parts.push('(none)', '');
    return parts.join('\n');
  }

  private renderSurfaces(upstream: UpstreamConfig): string {
    const parts = ['## Surfaces the downstream depends on', ''];
    const names = Object.keys(upstream.surfaces);
    if (names.length === 0) parts.push('(none configured)');
    for (const name of names) {
      const touched = this.slots.filter((s) => s.meta.surfaces.includes(name));
      parts.push(`- **${name}** (${upstream.surfaces[name]!.join(', ')}): ${touched.length} files changed`);
      for (const s of touched.slice(0, 20)) parts.push(`  - \`${s.meta.path}\` (${s.meta.status})`);
      if (touched.length > 20) parts.push(`  - … and ${touched.length - 20} more`);
    }
    parts.push('');
    return parts.join('\n');
  }

  private renderFindings(findings: readonly Finding[]): string {
    const budget = this.maxChars * SHARE.findings;
    const parts = [`## Scanner findings (${findings.length})`, ''];
    if (findings.length === 0) parts.push('(none)');
    let used = 0;
    for (const [i, f] of findings.entries()) {
      const evidence = f.evidence
        .slice(0, 3)
        .map((e) => `\`${e.path}\` ${e.startLine}-${e.endLine} @${e.ref}`)
        .join('; ');
      const block = [
        `- **${f.severity}** \`${f.id}\` ${f.verified ? '' : '(unverified) '}— ${f.title}`,
        ...f.description
          .split('\n')
          .slice(0, 6)
          .map((line) => `  ${line}`),
        `  evidence: ${evidence || '(none)'}`,
      ].join('\n');
      if (used + block.length > budget) {
        parts.push(`- … ${findings.length - i} more findings left out (see analysis.json)`);
        break;
      }
      parts.push(block);
      used += block.length;
    }
    parts.push('');
    return parts.join('\n');
  }

  private renderHunks(): string {
    const byFile = new Map<number, (Item & { text: string })[]>();
    for (const bucket of this.buckets) for (const item of bucket) addTo(byFile, item.file, item);
    const files = [...byFile.entries()].sort(
      ([a, ai], [b, bi]) =>
        Math.min(...ai.map((i) => i.rank)) - Math.min(...bi.map((i) => i.rank)) ||
        this.slots[a]!.order - this.slots[b]!.order,
    );
    const parts: string[] = [];
    for (const [file, items] of files) {
      const slot = this.slots[file]!;
      parts.push(fileHeading(slot.meta), '', ...this.renderUses(slot));
      const hunks = items.filter((i) => i.hunk >= 0).sort((a, b) => a.hunk - b.hunk);
      if (hunks.length === 0) {
        parts.push(slot.meta.binary ? '(binary file)' : '(no content changes)', '');
        continue;
      }
      const fence = fenceFor(hunks.map((h) => h.text));
      parts.push(`${fence}diff`, ...hunks.map((h) => h.text), fence, '');
    }
    return parts.join('\n');
  }

  /** The downstream lines that depend on a file whose hunks touch anchors. */
  private renderUses(slot: FileSlot): string[] {
    if (!slot.anchors) return [];
    const lines = [
      'Downstream uses that depend on this file (path:line in the downstream checkout, `ref: "downstream"`):',
    ];
    for (const anchor of slot.anchors) {
      for (const use of anchor.uses.slice(0, MAX_USES_SHOWN))
        lines.push(
          `- ${anchor.kind} \`${anchor.value}\`: \`${use.path}:${use.line}\` — \`${use.excerpt.slice(0, 200)}\``,
        );
      if (anchor.uses.length > MAX_USES_SHOWN)
        lines.push(`- … and ${anchor.uses.length - MAX_USES_SHOWN} more uses of \`${anchor.value}\``);
    }
    return [...lines, ''];
  }

  private renderNotIncluded(notIncluded: ContextCoverage['notIncluded']): string {
    const budget = this.maxChars * SHARE.notIncluded;
    const parts = [`## Changed files not (wholly) in this context (${notIncluded.length})`, ''];
    if (notIncluded.length === 0) parts.push('(none: every changed file is above)');
    let used = 0;
    for (const [i, f] of notIncluded.entries()) {
      const line = `- \`${f.path}\` — ${f.reason}`;
      if (used + line.length > budget / 2) {
        parts.push(...this.summarize(notIncluded.slice(i), budget / 2));
        break;
      }
      parts.push(line);
      used += line.length + 1;
    }
    parts.push('');
    return parts.join('\n');
  }

  /** The rest of a long list, counted per folder and reason, so coverage stays explicit within budget. */
  private summarize(rest: ContextCoverage['notIncluded'], budget: number): string[] {
    const groups = new Map<string, number>();
    for (const f of rest) {
      const folder = f.path.split('/').slice(0, -1).slice(0, 2).join('/') || '.';
      const key = `\`${folder}/\` — ${f.reason.replace(/after \d+ of \d+ hunks/, '(partly)')}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const lines: string[] = [];
    let used = 0;
    let counted = 0;
    for (const [key, count] of [...groups.entries()].sort((a, b) => b[1] - a[1])) {
      const line = `- ${count} files in ${key}`;
      if (used + line.length > budget) break;
      lines.push(line);
      used += line.length + 1;
      counted += count;
    }
    if (counted < rest.length) lines.push(`- … and ${rest.length - counted} more files (see files.json)`);
    return lines;
  }
}
