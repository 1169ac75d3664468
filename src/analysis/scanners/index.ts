import { createHash } from 'node:crypto';
import { maxSeverity, severityRank } from '../../config/severity.js';
import { addTo } from '../../util/group.js';
import { unionEvidence } from '../evidence.js';
import type { Finding } from '../schema.js';
import { anchorRule } from './anchor.js';
import { AnchorIndex } from './anchor-index.js';
import { cliRule } from './cli.js';
import { markUnreached, reachOf } from './reach.js';
import { severityOf } from './severity.js';
import { surfaceRule } from './surface.js';
import { tsExportsRule } from './ts-exports.js';
import type { AnyRule, ChangedFileView, Claims, Observation, RuleId, ScanContext } from './types.js';
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

/** One rule's observations of one thing (rule + kind + subject), wherever they sit, as one finding. */
function toFinding(rule: AnyRule, group: Scored[], id: string, title: string, surface: string): Finding {
  const paths = new Set(group.map((o) => o.path));
  return {
    id,
    title: clip(title, 200),
    severity: maxSeverity(group.map((o) => o.severity)),
    surface,
    description: describe(group.map((o) => (paths.size > 1 ? `\`${o.path}\`: ${o.detail}` : o.detail))),
    recommendation: rule.recommendation,
    confidence: rule.confidence,
    source: 'scanner',
    verified: false,
    evidence: unionEvidence(...group.map((o) => o.evidence)).slice(0, MAX_EVIDENCE_PER_FINDING),
  };
}

const bySeverity = (a: { severity: Finding['severity'] }, b: typeof a) =>
  severityRank(b.severity) - severityRank(a.severity);

/** Findings most severe first; equal ones keep their order (rule order, then the rule's own). */
export const sortBySeverity = <T extends { severity: Finding['severity'] }>(items: readonly T[]): T[] =>
  [...items].sort(bySeverity);

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 6);

/**
 * Groups one rule's observations into findings: one per rule + kind + subject (the thing changed,
 * wherever it sits), most severe first, at most MAX_FINDINGS_PER_RULE; the rest are folded into one
 * finding per surface.
 */
export function findingsOf(rule: AnyRule, observations: readonly Observation[]): Finding[] {
  const scored: Scored[] = observations
    .map((o) => {
      const severity = severityOf(rule.id, o.kind, o.surface);
      if (o.atMostLow === undefined || severityRank(severity) <= severityRank('low'))
        return { ...o, severity };
      return {
        ...o,
        severity: 'low' as const,
        detail: `${o.detail} (at most low: ${o.atMostLow}; it was ${severity})`,
      };
    })
    .filter((o) => o.severity !== 'none');
  const things = new Map<string, Scored[]>();
  for (const o of scored) {
    const key = `${o.kind}\0${o.subject}`;
    addTo(things, key, o);
  }
  const groups = [...things.entries()]
    .map(([key, group]) => ({ key, group, severity: maxSeverity(group.map((o) => o.severity)) }))
    .sort(bySeverity);
  const ids = new Set<string>();
  const findings = groups.slice(0, MAX_FINDINGS_PER_RULE).map(({ key, group }) => {
    // The most severe sighting names the finding's surface (the thing may sit in several files).
    const [lead] = sortBySeverity(group);
    let id = findingId(rule.id, lead!.kind, lead!.subject);
    // Two subjects that slug alike (`a.b` and `a-b`): the whole key keeps them apart.
    if (ids.has(id)) id = findingId(id, shortHash(key));
    ids.add(id);
    return toFinding(rule, group, id, lead!.title, lead!.surface);
  });
  const perSurface = new Map<string, Scored[]>();
  for (const { group } of groups.slice(MAX_FINDINGS_PER_RULE)) {
    const surface = group[0]!.surface;
    for (const o of group) addTo(perSurface, surface, o);
  }
  for (const [surface, group] of perSurface) {
    const title = `${group.length} more: ${rule.title}${surface === 'other' ? '' : ` in surface \`${surface}\``}`;
    findings.push(toFinding(rule, group, findingId(rule.id, 'more', surface), title, surface));
  }
  return findings;
}

/** Claims of the rules, looked up by the rule and subject they are about. */
class ClaimIndex {
  private readonly folded = new Set<string>();
  private readonly unused = new Map<string, string>();
  constructor(claims: readonly Claims[]) {
    for (const c of claims) {
      for (const t of c.folded) this.folded.add(`${t.rule}\0${t.subject}`);
      for (const t of c.unused) this.unused.set(`${t.rule}\0${t.subject}`, t.why);
    }
  }
  /** A rule's observations without those folded into another rule's finding, unused ones at most low. */
  apply(rule: RuleId, observations: readonly Observation[]): Observation[] {
    return observations.flatMap((o) => {
      const key = `${rule}\0${o.subject}`;
      if (this.folded.has(key)) return [];
      const why = this.unused.get(key);
      return why === undefined ? [o] : [{ ...o, atMostLow: why }];
    });
  }
}

/** All rules over one pass of the diff: feed each changed file once, then collect the findings. */
export function createScanners(context: ScanContext, rules: readonly AnyRule[] = RULES) {
  const runs = rules.map((rule) => ({ rule, run: rule.create(context) }));
  // With anchors, severity follows evidence of use (reach.ts); without (no downstream checkout), as found.
  const anchors = context.anchors && context.anchors.length > 0 ? AnchorIndex.of(context.anchors) : undefined;
  const reach = anchors && reachOf(context.reader, anchors);
  return {
    async file(file: ChangedFileView) {
      for (const { run } of runs) await run.file(file);
    },
    async finish(): Promise<Finding[]> {
      const found: Finding[][] = [];
      const explainedPaths = new Set<string>();
      const finishOne = async (
        { rule }: (typeof runs)[number],
        observations: readonly Observation[],
        claims: ClaimIndex,
      ) => {
        const kept = claims.apply(rule.id, observations);
        const marked =
          reach && rule.id !== 'anchor' ? await markUnreached(kept, reach, rule.reachedBy) : kept;
        const own = findingsOf(rule, marked);
        for (const f of own)
          for (const e of f.evidence) if (e.ref !== 'downstream') explainedPaths.add(e.path);
        found[runs.findIndex((r) => r.rule === rule)] = own;
      };
      const first = runs.filter((r) => !r.rule.last);
      const observed: Observation[][] = [];
      for (const r of first) observed.push(await r.run.finish());
      // What one rule's findings say of another's observations (a hook change it reports in full) applies before grouping.
      const claims = new ClaimIndex(first.flatMap((r) => r.run.claims?.() ?? []));
      for (const [i, r] of first.entries()) await finishOne(r, observed[i]!, claims);
      // Rules that fold noise finish last, told which files the others' findings already explain.
      for (const r of runs)
        if (r.rule.last)
          await finishOne(r, await r.run.finish({ has: (path) => explainedPaths.has(path) }), claims);
      const findings: Finding[] = [];
      const ids = new Set<string>();
      for (const finding of found.flat()) {
        let id = finding.id;
        if (ids.has(id)) id = findingId(id, shortHash(finding.title));
        ids.add(id);
        findings.push({ ...finding, id });
      }
      return sortBySeverity(findings);
    },
  };
}

export type { AnyRule, ChangedFileView, Observation, ScanContext };
