import type { Side } from '../../git/reader.js';
import { addTo } from '../../util/group.js';
import { surfaceOf } from '../patch/classify.js';
import type { Evidence } from '../schema.js';
import { fileHeadEvidence, hunkEvidence } from './evidence.js';
import type { KindOf, Observation, Rule } from './types.js';

type Kind = KindOf<'surface'>;

/** Files named in a folded finding; the rest are counted. */
export const LARGEST_SHOWN = 5;
/** Evidence per file named in a folded finding. */
const EVIDENCE_PER_FILE = 2;

/** A surface file folded into its surface's finding. */
interface Folded {
  path: string;
  surface: string;
  /** What orders the largest first: lines changed (modified, added), or deleted (gone). */
  lines: number;
  /** How it changed, as listed: `+3 −1`, `moved to …`. */
  change: string;
}

interface Changed extends Folded {
  added: boolean;
  evidence: Evidence[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Per surface, its files that no other rule's finding explains, the LARGEST_SHOWN largest first, and
 * those listed for a detail line (`\`a\` (+3 −1), \`b\` (+1 −0), and 4 more`).
 */
function perSurface<T extends Folded>(files: readonly T[], explained: (path: string) => boolean) {
  const groups = new Map<string, T[]>();
  for (const f of files) if (!explained(f.path)) addTo(groups, f.surface, f);
  return [...groups].map(([surface, all]) => {
    const largest = [...all]
      .sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path))
      .slice(0, LARGEST_SHOWN);
    const more = all.length - largest.length;
    const listed = `${largest.map((f) => `\`${f.path}\` (${f.change})`).join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
    return { surface, files: all, largest, first: largest[0]!, listed };
  });
}

/**
 * One observation per surface for its modified and added files that no other rule's finding explains:
 * how many, and the largest by changed lines (a release touches many surface files; one line each is noise).
 */
function foldChanged(changed: readonly Changed[], explained: (path: string) => boolean): Observation<Kind>[] {
  return perSurface(changed, explained).map(({ surface, files, largest, first, listed }) => {
    const added = files.filter((f) => f.added).length;
    const count = `${plural(files.length, 'file')} changed${added > 0 ? ` (${added} added)` : ''}`;
    return {
      kind: 'files-changed',
      path: first.path,
      surface,
      subject: surface,
      title:
        files.length === 1
          ? `Surface \`${surface}\`: \`${first.path}\` ${added > 0 ? 'added' : 'changed'}`
          : `Surface \`${surface}\`: ${count}`,
      detail: `${count} in \`${surface}\` that no other finding explains${files.length > 1 ? `; the largest: ${listed}` : ` (${first.change})`}`,
      evidence: largest.flatMap((f) => f.evidence.slice(0, EVIDENCE_PER_FILE)),
    };
  });
}

interface Gone extends Folded {
  /** Where it moved, when it did. */
  to?: string;
}

/**
 * One observation per surface for its source files that were deleted or moved and that no other
 * rule's finding explains: a downstream fetches prompts, schemas and templates by path, and those
 * keep a finding each, but a crate split moves a hundred source files that no one fetches (what they
 * exported, the API rules report). Evidence: the head of the largest (by lines deleted) at `from`.
 */
async function foldGone(
  gone: readonly Gone[],
  explained: (path: string) => boolean,
  head: (ref: Side, path: string) => Promise<Evidence[]>,
): Promise<Observation<Kind>[]> {
  const folds: Observation<Kind>[] = [];
  for (const { surface, files, largest, first, listed } of perSurface(gone, explained)) {
    const moved = files.filter((f) => f.to !== undefined).length;
    const deleted = files.length - moved;
    const what = [
      ...(deleted > 0 ? [`${deleted} deleted`] : []),
      ...(moved > 0 ? [`${moved} moved`] : []),
    ].join(', ');
    const one = `\`${first.path}\` ${first.to === undefined ? 'deleted' : `moved to \`${first.to}\``}`;
    const evidence = (await Promise.all(largest.slice(0, 2).map((f) => head('from', f.path)))).flat();
    folds.push({
      kind: 'source-files-gone',
      path: first.path,
      surface,
      subject: surface,
      title:
        files.length === 1
          ? `Surface \`${surface}\`: source file ${one}`
          : `Surface \`${surface}\`: ${plural(files.length, 'source file')} deleted or moved (${what})`,
      detail:
        files.length === 1
          ? `${one} (${first.change}); no other finding explains it`
          : `${plural(files.length, 'source file')} of \`${surface}\` deleted or moved (${what}) that no other finding explains; the largest: ${listed}`,
      evidence,
    });
  }
  return folds;
}

/**
 * Changes to files in configured surfaces; a deleted or moved file breaks whoever fetches it by path
 * (source files deleted or moved are folded per surface, as modified ones are).
 */
export const surfaceRule: Rule<'surface'> = {
  id: 'surface',
  title: 'Surface file changed',
  recommendation:
    'Check what the downstream takes from these files (fetched by path, imported, copied) and follow the change.',
  confidence: 0.9,
  last: true,
  reachedBy: 'path',
  create({ reader }) {
    const observations: Observation<Kind>[] = [];
    const changed: Changed[] = [];
    const gone: Gone[] = [];
    const head = async (ref: Side, path: string) =>
      fileHeadEvidence(path, ref, await reader.readFile(ref, path));
    return {
      async file({ meta, diff, class: cls }) {
        // A test file, even in a surface, is nothing a downstream takes (one it names, the anchor rule reports).
        if (meta.surfaces.length === 0 || meta.ignored || cls.test) return;
        const oldPath = meta.oldPath ?? meta.path;
        const change = `+${meta.additions} −${meta.deletions}${meta.binary ? ', binary' : ''}`;
        const surface = surfaceOf(meta);
        const base = { path: oldPath, surface, subject: oldPath };
        if ((meta.status === 'deleted' || meta.status === 'renamed') && cls.code) {
          gone.push({
            path: oldPath,
            surface,
            ...(meta.status === 'renamed' ? { to: meta.path } : {}),
            lines: meta.deletions,
            change: meta.status === 'renamed' ? `moved to \`${meta.path}\`, ${change}` : `deleted, ${change}`,
          });
        } else if (meta.status === 'deleted') {
          observations.push({
            ...base,
            kind: 'file-deleted',
            title: `Surface file \`${oldPath}\` deleted`,
            detail: `\`${oldPath}\` deleted (${change})`,
            evidence: await head('from', oldPath),
          });
        } else if (meta.status === 'renamed') {
          observations.push({
            ...base,
            kind: 'file-renamed',
            title: `Surface file \`${oldPath}\` moved to \`${meta.path}\``,
            detail: `\`${oldPath}\` moved to \`${meta.path}\` (${change})`,
            evidence: [...(await head('from', oldPath)), ...(await head('to', meta.path))],
          });
        } else if (meta.status === 'type-changed') {
          observations.push({
            ...base,
            kind: 'file-type-changed',
            title: `Surface file \`${oldPath}\` changed type`,
            detail: `\`${oldPath}\` changed type (${change})`,
            evidence: await head('to', meta.path),
          });
        } else {
          const added = meta.status === 'added' || meta.status === 'copied';
          changed.push({
            path: meta.path,
            surface,
            added,
            lines: meta.additions + meta.deletions,
            change,
            evidence:
              !added && diff && diff.hunks.length > 0
                ? hunkEvidence(diff, EVIDENCE_PER_FILE)
                : await head('to', meta.path),
          });
        }
      },
      async finish(explained) {
        const isExplained = (p: string) => explained?.has(p) ?? false;
        return [
          ...observations,
          ...(await foldGone(gone, isExplained, head)),
          ...foldChanged(changed, isExplained),
        ];
      },
    };
  },
};
