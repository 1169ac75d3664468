import { type Side, splitLines } from '../../git/reader.js';
import { isScriptExtension, surfaceOf } from '../patch/classify.js';
import type { Evidence } from '../schema.js';
import { linesEvidence } from './evidence.js';
import type { ApiChange, ApiEntry } from './ts-api.js';
import type { Observation, Rule } from './types.js';

const MAX_EVIDENCE_LINES = 40;

/** Where two signatures start to differ, with a little context on each side. */
export function difference(before: string, after: string, width = 70): [string, string] {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  const from = Math.max(0, start - 20);
  const cut = (s: string) =>
    `${from > 0 ? '…' : ''}${s.slice(from, from + width)}${s.length > from + width ? '…' : ''}`;
  return [cut(before), cut(after)];
}

function detailOf(change: ApiChange): string {
  const name = `\`${(change.before ?? change.after)!.name}\``;
  switch (change.kind) {
    case 'export-removed':
      return `export ${name} removed`;
    case 'member-removed':
      return `${name} removed`;
    case 'export-renamed':
    case 'member-renamed':
      return `${name} renamed to \`${change.after!.name}\``;
    case 'member-now-required':
      return `${name} is now required`;
    case 'member-added-required':
      return `required member ${name} added`;
    default: {
      const [before, after] = difference(change.before!.signature, change.after!.signature);
      return `${name} changed: \`${before}\` → \`${after}\``;
    }
  }
}

/** Removed, renamed or reshaped exports (and members of exported types) of TypeScript/JavaScript modules. */
export const tsExportsRule: Rule<'ts-exports'> = {
  id: 'ts-exports',
  title: 'Exported TypeScript API changed',
  recommendation:
    'Check the downstream for uses or implementations of these exports (imports, hook implementations, option objects) and update them to the new shape.',
  confidence: 0.85,
  create({ reader, budget }) {
    const observations: Observation<ApiChange['kind']>[] = [];
    return {
      async file({ meta, class: cls }) {
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
        const { compareApi, extractApi } = await import('./ts-api.js');
        for (const change of compareApi(extractApi(before, oldPath), extractApi(after, meta.path))) {
          observations.push({
            kind: change.kind,
            path: meta.path,
            surface: surfaceOf(meta),
            detail: detailOf(change),
            // The new shape first: that is what the downstream has to match.
            evidence: [...evidence('to', change.after), ...evidence('from', change.before)],
          });
        }
      },
      finish: () => observations,
    };
  },
};
