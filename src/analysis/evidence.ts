import { maxSeverity, severityRank } from '../config/severity.js';
import { isSafeRepoPath, type RepoReader, splitLines } from '../git/reader.js';
import type { DownstreamReader } from './downstream-files.js';
import type { Evidence, Finding } from './schema.js';

export const normalizeWhitespace = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Why one piece of evidence does not hold, or undefined when it does: `from`/`to` evidence against the
 * upstream repository, `downstream` evidence against the downstream checkout's files.
 */
export async function evidenceProblem(
  evidence: Evidence,
  reader: RepoReader,
  downstream?: DownstreamReader,
): Promise<string | undefined> {
  const where = `${evidence.path}@${evidence.ref}`;
  if (!isSafeRepoPath(evidence.path)) return `${evidence.path}: not a path inside the repository`;
  let content: string | undefined;
  if (evidence.ref !== 'downstream') content = await reader.readFile(evidence.ref, evidence.path);
  else if (downstream) content = await downstream.readFile(evidence.path);
  else return `${where}: no downstream checkout to check against`;
  if (content === undefined) return `${where}: no such file`;
  const lines = splitLines(content);
  if (evidence.startLine > evidence.endLine || evidence.endLine > lines.length) {
    return `${where}: lines ${evidence.startLine}-${evidence.endLine} out of range (file has ${lines.length})`;
  }
  const excerpt = normalizeWhitespace(evidence.excerpt);
  const text = normalizeWhitespace(lines.slice(evidence.startLine - 1, evidence.endLine).join('\n'));
  if (!text.includes(excerpt)) return `${where}:${evidence.startLine}: excerpt not found in those lines`;
  return undefined;
}

export interface VerificationProblem {
  finding: string;
  problem: string;
}

/**
 * Sets `verified` on each finding: true only when it has evidence and every piece holds.
 * Findings that fail are kept, marked, and their problems returned.
 */
export async function verifyFindings(
  findings: readonly Finding[],
  reader: RepoReader,
  downstream?: DownstreamReader,
): Promise<{ findings: Finding[]; problems: VerificationProblem[] }> {
  const checked = await Promise.all(
    findings.map(async (finding) => {
      const problems = (
        await Promise.all(finding.evidence.map((e) => evidenceProblem(e, reader, downstream)))
      ).filter((p): p is string => p !== undefined);
      if (finding.evidence.length === 0) problems.push('no evidence given');
      return { finding: { ...finding, verified: problems.length === 0 }, problems };
    }),
  );
  return {
    findings: checked.map((c) => c.finding),
    problems: checked.flatMap((c) => c.problems.map((problem) => ({ finding: c.finding.id, problem }))),
  };
}

const evidenceKey = (e: Evidence) => `${e.ref}\0${e.path}\0${e.startLine}\0${e.endLine}`;

export function unionEvidence(...lists: Evidence[][]): Evidence[] {
  const seen = new Map<string, Evidence>();
  for (const e of lists.flat()) if (!seen.has(evidenceKey(e))) seen.set(evidenceKey(e), e);
  return [...seen.values()];
}

const overlaps = (a: Finding, b: Finding) =>
  a.evidence.some((x) =>
    b.evidence.some(
      (y) => x.path === y.path && x.ref === y.ref && x.startLine <= y.endLine && y.startLine <= x.endLine,
    ),
  );

/**
 * Folds agent findings into the scanner findings about the same thing (same id, else same file and
 * overlapping lines on the same side, the most severe such), one to one. The merged finding keeps the scanner's id and
 * surface (stable across runs, so issue fingerprints do not move with the model's wording) and
 * `source: "scanner"` (it is reproducible with `--agent none`); it takes the agent's title,
 * description and recommendation, the union of the evidence, and the higher severity and confidence.
 * `verified` must be recomputed afterwards.
 */
export function mergeFindings(scanner: readonly Finding[], agent: readonly Finding[]): Finding[] {
  const merged = [...scanner];
  const taken = new Set<number>();
  const rest: Finding[] = [];
  for (const finding of agent) {
    const free = (test: (s: Finding) => boolean) =>
      merged.map((s, i) => ({ s, i })).filter(({ s, i }) => !taken.has(i) && test(s));
    // Same id first; else the most severe scanner finding whose evidence overlaps (the most specific claim).
    const candidates = free((s) => s.id === finding.id);
    if (candidates.length === 0) {
      candidates.push(
        ...free((s) => overlaps(s, finding)).sort(
          (a, b) => severityRank(b.s.severity) - severityRank(a.s.severity),
        ),
      );
    }
    const index = candidates[0]?.i ?? -1;
    if (index === -1) {
      rest.push(finding);
      continue;
    }
    taken.add(index);
    const base = merged[index]!;
    merged[index] = {
      ...base,
      title: finding.title,
      description: finding.description,
      recommendation: finding.recommendation || base.recommendation,
      severity: maxSeverity([base.severity, finding.severity]),
      confidence: Math.max(base.confidence, finding.confidence),
      evidence: unionEvidence(finding.evidence, base.evidence),
    };
  }
  // Agent ids that collide with a scanner id they were not merged into get a suffix.
  const ids = new Set(merged.map((f) => f.id));
  for (const finding of rest) {
    let id = finding.id;
    for (let n = 2; ids.has(id); n++) id = `${finding.id}-${n}`;
    ids.add(id);
    merged.push({ ...finding, id });
  }
  return merged;
}
