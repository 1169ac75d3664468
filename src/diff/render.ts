import { plural } from '../util/plural.js';
import type { DiffResult } from './service.js';

/** What `diff` prints: the range, the counts, the surfaces touched and where the artifacts are. */
export function renderDiff(result: DiffResult): string {
  const { counts } = result;
  const extra = [
    counts.ignored > 0 ? `${counts.ignored} ignored` : '',
    counts.binary > 0 ? `${counts.binary} binary` : '',
  ].filter(Boolean);
  const surfaces = result.surfacesTouched.map((name) => `${name} (${result.surfaceFiles[name]})`);
  return [
    `${result.upstream}: ${result.from.tag} → ${result.to.tag}: ${plural(counts.commits, 'commit')}, ${plural(counts.releases, 'release')}`,
    `  ${plural(counts.files, 'file')} changed (+${counts.additions} −${counts.deletions})${extra.length > 0 ? `, ${extra.join(', ')}` : ''}`,
    `  surfaces touched: ${surfaces.length > 0 ? surfaces.join(', ') : 'none'}`,
    `  artifacts: ${result.dir}`,
  ].join('\n');
}
