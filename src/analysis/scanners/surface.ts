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

interface Changed {
  path: string;
  surface: string;
  added: boolean;
  changedLines: number;
  change: string;
  evidence: Evidence[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One observation per surface for its modified and added files that no other rule's finding explains:
 * how many, and the largest by changed lines (a release touches many surface files; one line each is noise).
 */
function foldChanged(changed: readonly Changed[], explained: (path: string) => boolean): Observation<Kind>[] {
  const perSurface = new Map<string, Changed[]>();
  for (const c of changed) {
    if (explained(c.path)) continue;
    addTo(perSurface, c.surface, c);
  }
  return [...perSurface].map(([surface, files]) => {
    const largest = [...files]
      .sort((a, b) => b.changedLines - a.changedLines || a.path.localeCompare(b.path))
      .slice(0, LARGEST_SHOWN);
    const added = files.filter((f) => f.added).length;
    const count = `${plural(files.length, 'file')} changed${added > 0 ? ` (${added} added)` : ''}`;
    const names = largest.map((f) => `\`${f.path}\` (${f.change})`).join(', ');
    const more = files.length - largest.length;
    return {
      kind: 'files-changed',
      path: largest[0]!.path,
      surface,
      subject: surface,
      title:
        files.length === 1
          ? `Surface \`${surface}\`: \`${largest[0]!.path}\` ${added > 0 ? 'added' : 'changed'}`
          : `Surface \`${surface}\`: ${count}`,
      detail: `${count} in \`${surface}\` that no other finding explains${files.length > 1 ? `; the largest: ${names}${more > 0 ? `, and ${more} more` : ''}` : ` (${largest[0]!.change})`}`,
      evidence: largest.flatMap((f) => f.evidence.slice(0, EVIDENCE_PER_FILE)),
    };
  });
}

/** Changes to files in configured surfaces; a deleted or moved file breaks whoever fetches it by path. */
export const surfaceRule: Rule<'surface'> = {
  id: 'surface',
  title: 'Surface file changed',
  recommendation:
    'Check what the downstream takes from these files (fetched by path, imported, copied) and follow the change.',
  confidence: 0.9,
  last: true,
  create({ reader }) {
    const observations: Observation<Kind>[] = [];
    const changed: Changed[] = [];
    const head = async (ref: Side, path: string) =>
      fileHeadEvidence(path, ref, await reader.readFile(ref, path));
    return {
      async file({ meta, diff }) {
        if (meta.surfaces.length === 0 || meta.ignored) return;
        const oldPath = meta.oldPath ?? meta.path;
        const change = `+${meta.additions} −${meta.deletions}${meta.binary ? ', binary' : ''}`;
        const surface = surfaceOf(meta);
        const base = { path: oldPath, surface, subject: oldPath };
        if (meta.status === 'deleted') {
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
            changedLines: meta.additions + meta.deletions,
            change,
            evidence:
              !added && diff && diff.hunks.length > 0
                ? hunkEvidence(diff, EVIDENCE_PER_FILE)
                : await head('to', meta.path),
          });
        }
      },
      finish: (explained) => [...observations, ...foldChanged(changed, (p) => explained?.has(p) ?? false)],
    };
  },
};
