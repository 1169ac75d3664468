import { plural } from '../../util/plural.js';
import { ANCHOR_KINDS, type Anchor, type UpstreamAnchors } from './types.js';

const USES_SHOWN = 3;
const SAMPLE_SHOWN = 2;

/** Text for `release-watch anchors`: per upstream, per kind, heaviest first, with both sides. */
export function renderAnchors(results: readonly UpstreamAnchors[]): string {
  const lines: string[] = [];
  for (const result of results) {
    const commit = result.downstreamCommit === 'worktree' ? 'worktree' : result.downstreamCommit.slice(0, 12);
    lines.push(
      `${result.upstream} at ${result.from} (downstream ${commit}): ${result.anchors.length} anchors`,
    );
    for (const kind of ANCHOR_KINDS) {
      const anchors = result.anchors.filter((anchor) => anchor.kind === kind);
      if (anchors.length === 0) continue;
      lines.push(`  ${kind} (${anchors.length})`);
      for (const anchor of [...anchors].sort(
        (a, b) => b.weight - a.weight || a.value.localeCompare(b.value),
      )) {
        lines.push(`    ${anchor.weight.toFixed(2)}  ${label(anchor)}`);
        lines.push(`          downstream: ${downstreamUses(anchor)}`);
        lines.push(`          upstream:   ${upstreamFiles(anchor)}`);
      }
    }
  }
  return lines.join('\n');
}

function label(anchor: Anchor): string {
  const from = anchor.module ? ` (${anchor.module})` : anchor.repo ? ` (${anchor.repo})` : '';
  return `${anchor.value}${from}${anchor.included ? ' [included]' : ''}`;
}

function downstreamUses(anchor: Anchor): string {
  if (anchor.uses.length === 0) return '(none: kept by anchors.include)';
  const shown = anchor.uses.slice(0, USES_SHOWN).map((use) => `${use.path}:${use.line}`);
  const more = anchor.uses.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (+${more})` : ''}`;
}

function upstreamFiles(anchor: Anchor): string {
  if (anchor.upstreamFiles === 0) return '(not found: kept by anchors.include)';
  const shown = anchor.upstreamSample.slice(0, SAMPLE_SHOWN);
  const more = anchor.upstreamFiles - shown.length;
  return `${plural(anchor.upstreamFiles, 'file')}: ${shown.join(', ')}${more > 0 ? ` (+${more})` : ''}`;
}

/** One line saying which upstream files were not searched, for notes and coverage. */
export function unreadNote(
  result: Pick<UpstreamAnchors, 'upstream' | 'from' | 'unread'>,
): string | undefined {
  const unread = result.unread ?? [];
  if (unread.length === 0) return undefined;
  const shown = unread.slice(0, 3).join(', ');
  const more = unread.length > 3 ? ` (+${unread.length - 3})` : '';
  return `${result.upstream}: ${plural(unread.length, 'upstream file')} at ${result.from} not searched for anchors, the remote could not serve ${unread.length === 1 ? 'its blob' : 'their blobs'}: ${shown}${more}`;
}
