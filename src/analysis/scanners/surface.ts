import type { Side } from '../../git/reader.js';
import { surfaceOf } from '../patch/classify.js';
import type { Evidence } from '../schema.js';
import { fileHeadEvidence, hunkEvidence } from './evidence.js';
import type { KindOf, Observation, Rule } from './types.js';

type Kind = KindOf<'surface'>;

/** Changes to files in configured surfaces; a deleted or moved file breaks whoever fetches it by path. */
export const surfaceRule: Rule<'surface'> = {
  id: 'surface',
  title: 'Surface file changed',
  recommendation:
    'Check what the downstream takes from this file (fetched by path, imported, copied) and follow the change.',
  confidence: 0.9,
  create({ reader }) {
    const observations: Observation<Kind>[] = [];
    const head = async (ref: Side, path: string) =>
      fileHeadEvidence(path, ref, await reader.readFile(ref, path));
    return {
      async file({ meta, diff }) {
        if (meta.surfaces.length === 0 || meta.ignored) return;
        const oldPath = meta.oldPath ?? meta.path;
        const change = `+${meta.additions} −${meta.deletions}`;
        let detail: string;
        let evidence: Evidence[];
        if (meta.status === 'deleted') {
          detail = `\`${meta.path}\` deleted (${change})`;
          evidence = await head('from', meta.path);
        } else if (meta.status === 'renamed') {
          detail = `\`${oldPath}\` moved to \`${meta.path}\` (${change})`;
          evidence = [...(await head('from', oldPath)), ...(await head('to', meta.path))];
        } else if (meta.status === 'added' || meta.status === 'copied') {
          detail = `\`${meta.path}\` added (${change})`;
          evidence = await head('to', meta.path);
        } else {
          detail = `\`${meta.path}\` changed (${change}${meta.binary ? ', binary' : ''})`;
          evidence = diff && diff.hunks.length > 0 ? hunkEvidence(diff, 5) : await head('to', meta.path);
        }
        observations.push({
          kind: `file-${meta.status}`,
          path: oldPath,
          surface: surfaceOf(meta),
          detail,
          evidence,
        });
      },
      finish: () => observations,
    };
  },
};
