import { createHash } from 'node:crypto';
import { maxSeverity, severityRank } from '../../config/severity.js';
import { unionEvidence } from '../evidence.js';
import type { Finding } from '../schema.js';
import { anchorRule } from './anchor.js';
import { AnchorIndex, packageResolver } from './anchor-index.js';
import { cliRule } from './cli.js';
import { capUnreached } from './reach.js';
import { severityOf } from './severity.js';
import { surfaceRule } from './surface.js';
import { tsExportsRule } from './ts-exports.js';
import type { AnyRule, ChangedFileView, Observation, ScanContext } from './types.js';
import { wireRule } from './wire.js';

/** Every scanner, in the order their findings are listed. A new rule is one file plus one entry here. */
export const RULES: readonly AnyRule[] = [anchorRule, surfaceRule, tsExportsRule, cliRule, wireRule];

/** At most this many findings per rule; the rest are folded into one finding per surface. */
export const MAX_FINDINGS_PER_RULE = 40;
export const MAX_EVIDENCE_PER_FINDING = 10;
const MAX_DETAILS = 15;
const MAX_ID = 80;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** Stable kebab-case id from its parts, at most 80 characters (a hash of the whole keeps long ones apart). */
export function findingId(...parts: string[]): string {
  const full = parts.map(slug).filter(Boolean).join('-');
  if (full.length <= MAX_ID) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_ID - 9).replace(/-+$/, '')}-${hash}`;
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function describe(details: string[]): string {
  const shown = details.slice(0, MAX_DETAILS).map((d) => `- ${d}`);
  if (details.length > MAX_DETAILS) shown.push(`- … and ${details.length - MAX_DETAILS} more`);
  return shown.join('\n');
}

interface Scored extends Observation {
  severity: Finding['severity'];
}

function toFinding(rule: AnyRule, group: Scored[], key: { path?: string; surface: string }): Finding {
  const kinds = [...new Set(group.map((o) => o.kind))];
  const surface = key.surface;
  const where = key.path ?? `${new Set(group.map((o) => o.path)).size} files`;
  const kindText = kinds.length === 1 ? `: ${kinds[0]!.replaceAll('-', ' ')}` : '';
  // One observation that names its subject is its own finding: the title and id come from what changed.
  const single = group.length === 1 && key.path ? group[0] : undefined;
  return {
    id: single?.subject
      ? findingId(rule.id, single.kind, single.subject)
      : findingId(
          rule.id,
          surface === 'other' ? '' : surface,
          kinds.length === 1 ? kinds[0]! : '',
          key.path ?? 'more-files',
        ),
    title: clip(single?.title ?? `${rule.title} in ${where}${kindText}`, 200),
    severity: maxSeverity(group.map((o) => o.severity)),
    surface,
    description: describe(group.map((o) => (key.path ? o.detail : `\`${o.path}\`: ${o.detail}`))),
    recommendation: rule.recommendation,
    confidence: rule.confidence,
    source: 'scanner',
    verified: false,
    evidence: unionEvidence(...group.map((o) => o.evidence)).slice(0, MAX_EVIDENCE_PER_FINDING),
  };
}

const bySeverityThenPath = (a: { severity: Finding['severity']; path: string }, b: typeof a) =>
  severityRank(b.severity) - severityRank(a.severity) || a.path.localeCompare(b.path);

/** Groups one rule's observations: one finding per file, at most MAX_FINDINGS_PER_RULE, the rest folded. */
export function findingsOf(rule: AnyRule, observations: readonly Observation[]): Finding[] {
  const scored: Scored[] = observations
    .map((o) => ({ ...o, severity: severityOf(rule.id, o.kind, o.surface) }))
    .filter((o) => o.severity !== 'none');
  const perFile = new Map<string, Scored[]>();
  for (const o of scored) perFile.set(o.path, [...(perFile.get(o.path) ?? []), o]);
  const files = [...perFile.entries()]
    .map(([path, group]) => ({ path, group, severity: maxSeverity(group.map((o) => o.severity)) }))
    .sort(bySeverityThenPath);
  const findings = files
    .slice(0, MAX_FINDINGS_PER_RULE)
    .map(({ path, group }) => toFinding(rule, group, { path, surface: group[0]!.surface }));
  const perSurface = new Map<string, Scored[]>();
  for (const { group } of files.slice(MAX_FINDINGS_PER_RULE)) {
    const surface = group[0]!.surface;
    perSurface.set(surface, [...(perSurface.get(surface) ?? []), ...group]);
  }
  for (const [surface, group] of perSurface) findings.push(toFinding(rule, group, { surface }));
  return findings;
}

/** All rules over one pass of the diff: feed each changed file once, then collect the findings. */
export function createScanners(context: ScanContext, rules: readonly AnyRule[] = RULES) {
  const runs = rules.map((rule) => ({ rule, run: rule.create(context) }));
  // With anchors, severity follows evidence of use (reach.ts); without (no downstream checkout), as found.
  const anchors =
    context.anchors && context.anchors.length > 0 ? new AnchorIndex(context.anchors) : undefined;
  const packageOf = packageResolver(context.reader);
  return {
    async file(file: ChangedFileView) {
      for (const { run } of runs) await run.file(file);
    },
    async finish(): Promise<Finding[]> {
      const findings: Finding[] = [];
      const ids = new Set<string>();
      for (const { rule, run } of runs) {
        const found = findingsOf(rule, await run.finish());
        const capped =
          anchors && rule.id !== 'anchor' ? await capUnreached(found, anchors, packageOf) : found;
        for (const finding of capped) {
          let id = finding.id;
          // Two paths that slug alike: keep ids unique.
          if (ids.has(id))
            id = findingId(id, createHash('sha256').update(finding.title).digest('hex').slice(0, 6));
          ids.add(id);
          findings.push({ ...finding, id });
        }
      }
      return findings;
    },
  };
}

export type { AnyRule, ChangedFileView, Observation, ScanContext };
