import { createHash } from 'node:crypto';
import type { RootContent } from 'mdast';
import type { Evidence, Finding } from '../analysis/schema.js';
import type { ReleaseArtifact } from '../artifacts/schema.js';
import type { Severity } from '../config/schema.js';
import {
  bulletList,
  code,
  codeBlock,
  emphasis,
  heading,
  link,
  paragraph,
  serializeMarkdown,
  strong,
  table,
  trusted,
} from './markdown.js';
import { DASHBOARD_MARKER, type FindingMarker, findingMarker, seenMarker } from './markers.js';
import { cutText, fitBody, sanitizeInline, sanitizeMarkdown, sanitizeText } from './sanitize.js';

/** What an issue, comment or report says about the release besides the finding itself. */
export interface ReleaseContext {
  upstream: string;
  /** Upstream `owner/name` and its web base (`<server>/<owner>/<name>`). */
  repo: string;
  web: string;
  release: Pick<ReleaseArtifact, 'from' | 'to' | 'releases' | 'compareUrl' | 'commits'>;
}

/** GitHub's limit on issue titles. */
const TITLE_LIMIT = 256;
/** Evidence items shown in an issue; the rest are counted. */
const EVIDENCE_SHOWN = 10;
/** "Short excerpts": at most this many lines and characters each. */
const EXCERPT_LINES = 40;
const EXCERPT_CHARS = 4000;

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

type Lines = Pick<Evidence, 'path' | 'startLine' | 'endLine'>;
const lineAnchor = ({ startLine: start, endLine: end }: Lines) =>
  end > start ? `#L${start}-L${end}` : `#L${start}`;

/** `<web>/blob/<tag>/<path>#L10-L24`: a permalink to lines of the upstream at a tag. */
export function permalink(web: string, tag: string, evidence: Lines) {
  return `${web}/blob/${encodePath(tag)}/${encodePath(evidence.path.replace(/^\/+/, ''))}${lineAnchor(evidence)}`;
}

export function issueTitle(upstream: string, tag: string, finding: Pick<Finding, 'title'>): string {
  return sanitizeInline(`[release-watch] ${upstream} ${tag}: ${finding.title}`, TITLE_LIMIT);
}

export function issueLabels(configLabels: readonly string[], upstream: string, severity: Severity): string[] {
  return [...new Set([...configLabels, `upstream:${upstream}`, `severity:${severity}`])];
}

function shortExcerpt(excerpt: string): string {
  const lines = excerpt.replace(/\n+$/, '').split('\n');
  const kept =
    lines.length > EXCERPT_LINES ? `${lines.slice(0, EXCERPT_LINES).join('\n')}\n…` : lines.join('\n');
  return cutText(kept, EXCERPT_CHARS);
}

const languageOf = (path: string) => /\.([A-Za-z0-9]{1,8})$/.exec(path)?.[1]?.toLowerCase();

const upstreamLine = (ctx: ReleaseContext) =>
  paragraph(
    strong('Upstream:'),
    ' ',
    link(ctx.web, ctx.repo),
    ' ',
    code(ctx.release.from.tag),
    ' → ',
    code(ctx.release.to.tag),
    ' (',
    link(ctx.release.compareUrl, 'compare'),
    `, ${ctx.release.commits} commit${ctx.release.commits === 1 ? '' : 's'})`,
  );

function releasesCovered(ctx: ReleaseContext): RootContent {
  return bulletList(
    ctx.release.releases.map((r) => [
      link(r.url ?? `${ctx.web}/releases/tag/${encodePath(r.tag)}`, r.tag),
      ...(r.date ? [` (${r.date.slice(0, 10)})`] : []),
    ]),
  );
}

/** Paths shown in the reproduce section; the rest are in the evidence. */
const PATHS_SHOWN = 3;

/** A path as one shell word: quoted unless it is plain. */
const shellWord = (path: string) => (/^[\w./@+-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`);

/** GitHub's anchor for one file in a compare view: `#diff-<sha256 of the path>`. */
export const compareAnchor = (path: string) => `#diff-${createHash('sha256').update(path).digest('hex')}`;

/**
 * The body of the issue for one finding, cut to GitHub's limit with its marker intact: the change as
 * before/after (the `from` and `to` evidence), how to reproduce it, the downstream lines that depend
 * on it, and what to do.
 */
export function issueBody(finding: Finding, ctx: ReleaseContext, marker: FindingMarker): string {
  const shown = finding.evidence.slice(0, EVIDENCE_SHOWN);
  const markdown = (source: string) => {
    const clean = sanitizeMarkdown(source);
    return clean ? [trusted(clean)] : [];
  };
  const size = (nodes: RootContent[]) => serializeMarkdown(nodes).length;
  const fields = [
    { source: finding.description, render: markdown, size },
    { source: finding.recommendation, render: markdown, size },
    ...shown.map((e) => ({
      source: shortExcerpt(e.excerpt),
      render: (source: string) =>
        source.trim() ? [codeBlock(sanitizeText(source), languageOf(e.path))] : [],
      size,
    })),
  ];
  const { from, to } = ctx.release;
  const upstreamPaths = [...new Set(shown.filter((e) => e.ref !== 'downstream').map((e) => e.path))];
  const assemble = ([description = [], recommendation = [], ...excerpts]: RootContent[][]) => {
    const tagOf = (e: Evidence) => (e.ref === 'to' ? to.tag : from.tag);
    const upstreamItem = (label: string, e: Evidence, i: number) => [
      paragraph(
        strong(label),
        ' ',
        link(permalink(ctx.web, tagOf(e), e), code(sanitizeInline(`${e.path}${lineAnchor(e)}`))),
        ' at ',
        code(tagOf(e)),
      ),
      ...(excerpts[i] ?? []),
    ];
    const items = shown.map((e, i) => ({ e, i }));
    const before = items
      .filter(({ e }) => e.ref === 'from')
      .flatMap(({ e, i }) => upstreamItem('Before:', e, i));
    const after = items.filter(({ e }) => e.ref === 'to').flatMap(({ e, i }) => upstreamItem('After:', e, i));
    const downstream = items
      .filter(({ e }) => e.ref === 'downstream')
      .flatMap(({ e, i }) => [
        paragraph(
          code(sanitizeInline(`${e.path}:${e.startLine}${e.endLine > e.startLine ? `-${e.endLine}` : ''}`)),
        ),
        ...(excerpts[i] ?? []),
      ]);
    const more = finding.evidence.length - shown.length;
    const commands = upstreamPaths
      .slice(0, PATHS_SHOWN)
      .map((path) => `git diff ${from.tag} ${to.tag} -- ${shellWord(path)}`);
    return serializeMarkdown([
      paragraph(
        strong('Severity:'),
        ' ',
        code(finding.severity),
        ' · ',
        strong('Surface:'),
        ' ',
        code(sanitizeInline(finding.surface, 100)),
        ' · ',
        strong('Confidence:'),
        ` ${Math.round(finding.confidence * 100)}% · `,
        strong('Source:'),
        ` ${finding.source}, evidence ${finding.verified ? 'verified' : 'not verified'}`,
      ),
      upstreamLine(ctx),
      heading(3, 'What changed'),
      ...description,
      heading(3, 'Before and after'),
      ...(before.length + after.length > 0
        ? [...before, ...after]
        : [paragraph(emphasis('No upstream lines were given.'))]),
      ...(more > 0
        ? [paragraph(emphasis(`${more} more evidence item${more === 1 ? '' : 's'} in analysis.json.`))]
        : []),
      ...(commands.length > 0
        ? [
            heading(3, 'Reproduce'),
            codeBlock(sanitizeText(commands.join('\n')), 'sh'),
            paragraph(
              ...upstreamPaths
                .slice(0, PATHS_SHOWN)
                .flatMap((path, i) => [
                  ...(i > 0 ? [' · '] : []),
                  link(
                    `${ctx.release.compareUrl}${compareAnchor(path)}`,
                    'compare at ',
                    code(sanitizeInline(path)),
                  ),
                ]),
            ),
          ]
        : []),
      ...(downstream.length > 0 ? [heading(3, 'Downstream code that depends on it'), ...downstream] : []),
      heading(3, 'What to do'),
      ...(recommendation.length > 0 ? recommendation : [paragraph(emphasis('None given.'))]),
      heading(3, 'Releases covered'),
      releasesCovered(ctx),
      paragraph(
        emphasis(
          'Filed by release-watch. Text above that came from the upstream or the agent is shown defanged. ' +
            'A closed issue stays closed: the same finding in a later release is not filed again.',
        ),
      ),
    ]);
  };
  return fitBody(fields, assemble, findingMarker(marker));
}

/** The one comment on an open issue when its finding shows up again in a later release. */
export function seenAgainComment(finding: Finding, ctx: ReleaseContext, marker: FindingMarker): string {
  const body = serializeMarkdown([
    paragraph(
      'Seen again in ',
      strong(`${ctx.upstream} `, code(ctx.release.to.tag)),
      ` with severity `,
      code(finding.severity),
      '.',
    ),
    upstreamLine(ctx),
    releasesCovered(ctx),
  ]);
  return `${body}\n\n${seenMarker(marker)}\n`;
}

export interface DashboardRow {
  upstream: string;
  repo: string;
  lastReviewed: string | null;
  reviewedAt?: string;
  newestAnalyzed?: string;
  openFindings: { number: number; url: string; title: string }[];
}

export const DASHBOARD_TITLE = 'release-watch dashboard';

/** The overview issue (`downstream.dashboard`): one row per upstream, then the open findings. */
export function dashboardBody(rows: DashboardRow[]): string {
  const listed = 50;
  const nodes: RootContent[] = [
    paragraph(
      'Upstreams watched by release-watch, the release each was last reviewed at, and its open findings. ' +
        'This issue is updated in place.',
    ),
    table([
      ['Upstream', 'Repository', 'Last reviewed', 'Reviewed at', 'Newest analyzed', 'Open findings'],
      ...rows.map((r) => [
        code(r.upstream),
        r.repo,
        r.lastReviewed ? code(r.lastReviewed) : emphasis('never'),
        r.reviewedAt ?? '-',
        r.newestAnalyzed ? code(r.newestAnalyzed) : '-',
        String(r.openFindings.length),
      ]),
    ]),
    ...rows
      .filter((r) => r.openFindings.length > 0)
      .flatMap((r) => [
        heading(3, 'Open findings: ', code(r.upstream)),
        bulletList(
          r.openFindings
            .slice(0, listed)
            .map((i) => [link(i.url, `#${i.number}`), ' ', sanitizeInline(i.title, 200)]),
        ),
        ...(r.openFindings.length > listed
          ? [paragraph(emphasis(`and ${r.openFindings.length - listed} more`))]
          : []),
      ]),
  ];
  return `${serializeMarkdown(nodes)}\n\n${DASHBOARD_MARKER}\n`;
}
