import type { PhrasingContent, RootContent } from 'mdast';
import { severityRank } from '../config/severity.js';
import { renderTable } from '../util/table.js';
import {
  bulletList,
  code,
  emphasis,
  heading,
  link,
  paragraph,
  serializeMarkdown,
  strong,
  table,
  text,
  trusted,
} from './markdown.js';
import type { ReleaseContext } from './render.js';
import { sanitizeInline, sanitizeMarkdown } from './sanitize.js';
import type { FindingOutcome, ReportResult } from './types.js';

/** How each action reads in report.md and on the terminal. */
function actionText(o: FindingOutcome, maxIssuesPerRun: number): string {
  const n = o.issue ? `#${o.issue.number}` : '';
  switch (o.action) {
    case 'created':
      return `filed ${n}`;
    case 'would-create':
      return 'would file a new issue';
    case 'commented':
      return `commented on ${n}`;
    case 'would-comment':
      return `would comment on ${n}`;
    case 'exists':
      return `already filed: ${n}`;
    case 'closed':
      return `closed ${n}: not filed again`;
    case 'deferred':
      return `not filed: over downstream.maxIssuesPerRun (${maxIssuesPerRun})`;
    case 'below-min-severity':
      return 'below minSeverity';
    case 'unverified':
      return 'evidence not verified (pass --include-unverified)';
  }
}

/** Every finding's outcome, most severe first (the order report planned them in). */
const outcomes = (r: ReportResult) =>
  [...r.created, ...r.updated, ...r.skipped].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity),
  );

/** A title as inline markdown: its `code` spans kept as code, the rest as text. */
function titleNodes(title: string): PhrasingContent[] {
  return sanitizeInline(title, 200)
    .split(/(`[^`]+`)/)
    .filter(Boolean)
    .map((part) => (/^`[^`]+`$/.test(part) ? code(part.slice(1, -1)) : text(part)));
}

function stateText(r: ReportResult): string {
  if (r.dryRun) return 'unchanged (dry run)';
  if (r.state.advanced) return `last reviewed is now ${r.tag}`;
  return `kept at ${r.state.lastReviewed ?? '(never reviewed)'}, which is newer than ${r.tag}`;
}

/** report.md (and the job summary): what report filed or would file, as markdown. */
export function reportMarkdown(
  result: ReportResult,
  ctx: ReleaseContext,
  summary: string,
  maxIssuesPerRun: number,
): string {
  const all = outcomes(result);
  const deferred = all.filter((o) => o.action === 'deferred').length;
  const issueCell = (o: FindingOutcome) =>
    o.issue ? [link(o.issue.url, actionText(o, maxIssuesPerRun))] : [actionText(o, maxIssuesPerRun)];
  const nodes: RootContent[] = [
    heading(2, `release-watch: ${result.upstream} `, code(result.tag)),
    ...(result.dryRun
      ? [
          {
            type: 'blockquote',
            children: [paragraph(strong('Dry run:'), ' nothing was written to GitHub or to the state file.')],
          } satisfies RootContent,
        ]
      : []),
    paragraph(
      strong('Upstream:'),
      ' ',
      link(ctx.web, ctx.repo),
      ' ',
      code(result.from),
      ' → ',
      code(result.tag),
      ' (',
      link(ctx.release.compareUrl, 'compare'),
      `, ${ctx.release.commits} commits, releases: ${ctx.release.releases.map((r) => r.tag).join(', ') || result.tag})`,
    ),
    paragraph(
      strong('Impact:'),
      ' ',
      code(result.impact),
      ' · ',
      strong('Downstream:'),
      ' ',
      result.repo ?? emphasis('none'),
      ' · ',
      strong('Findings:'),
      ` ${all.length}, filed from severity `,
      code(result.minSeverity),
      ' up',
    ),
    ...(sanitizeMarkdown(summary) ? [trusted(sanitizeMarkdown(summary))] : []),
    ...(all.length > 0
      ? [
          table([
            ['Finding', 'Severity', 'Surface', 'Issue'],
            ...all.map((o) => [
              titleNodes(o.title),
              code(o.severity),
              code(sanitizeInline(o.surface, 100)),
              issueCell(o),
            ]),
          ]),
        ]
      : [paragraph(emphasis('No findings.'))]),
    ...(deferred > 0
      ? [
          paragraph(
            `${deferred} finding${deferred === 1 ? ' was' : 's were'} not filed because `,
            code('downstream.maxIssuesPerRun'),
            ` is ${maxIssuesPerRun}; run `,
            code(`release-watch report --upstream ${result.upstream} --tag ${result.tag}`),
            ' again to file them.',
          ),
        ]
      : []),
    ...(result.dashboard
      ? [
          paragraph(
            strong('Dashboard:'),
            ' ',
            result.dashboard.url && result.dashboard.number
              ? link(result.dashboard.url, `#${result.dashboard.number}`)
              : 'new issue',
            ` (${result.dashboard.action})`,
          ),
        ]
      : []),
    ...(result.notes.length > 0 ? [bulletList(result.notes.map((n) => [n]))] : []),
    paragraph(strong('State:'), ` ${stateText(result)}`),
  ];
  return `${serializeMarkdown(nodes)}\n`;
}

/** The terminal view of a report run (stdout, when not --json). */
export function reportLines(result: ReportResult, maxIssuesPerRun: number): string {
  const all = outcomes(result);
  const head = `${result.upstream} ${result.from} → ${result.tag}: impact ${result.impact}, ${all.length} finding${all.length === 1 ? '' : 's'}${result.dryRun ? ' (dry run: nothing written to GitHub or the state)' : ''}`;
  const rows = all.map((o) => [o.severity, sanitizeInline(o.title, 160), actionText(o, maxIssuesPerRun)]);
  const lines = [head];
  if (rows.length > 0) lines.push(renderTable([['SEVERITY', 'FINDING', 'ISSUE'], ...rows]));
  if (result.dashboard) {
    const which = result.dashboard.number ? ` #${result.dashboard.number}` : '';
    lines.push(`dashboard${which}: ${result.dashboard.action}`);
  }
  for (const note of result.notes) lines.push(`note: ${note}`);
  lines.push(`report: ${result.report}`, `state: ${stateText(result)}`);
  if (result.dryRun) lines.push(...wouldBeIssues(result));
  return lines.join('\n');
}

/** A dry run's would-be issues: where each body was written, and the first one in full. */
export function wouldBeIssues(result: Pick<ReportResult, 'created'>): string[] {
  const planned = result.created.filter((o) => o.bodyFile && o.body);
  if (planned.length === 0) return [];
  const [first] = planned;
  return [
    `would-be issues (${planned.length}):`,
    ...planned.map((o) => `  ${o.bodyFile}`),
    '',
    `── ${first!.issueTitle}`,
    `labels: ${first!.labels?.join(', ')}`,
    '',
    first!.body!.trimEnd(),
  ];
}
