import { severityCountLine } from '../config/severity.js';
import { plural } from '../util/plural.js';
import type { AnalyzeResult } from './service.js';

/** Findings named on the terminal; the rest are counted. */
const MAX_LISTED = 20;

/** What `analyze` prints: impact, counts, the findings most severe first, context coverage, the file written. */
export function renderAnalyze(result: AnalyzeResult): string {
  const counts = severityCountLine(result.findings.bySeverity);
  const { coverage } = result;
  return [
    `${result.upstream} ${result.from} → ${result.tag}: impact ${result.impact}`,
    `  findings: ${result.findings.total}${counts ? ` (${counts})` : ''}, ${result.findings.unverified} unverified`,
    ...result.findings.list
      .slice(0, MAX_LISTED)
      .map((f) => `  ${f.severity.padEnd(8)}${f.title}${f.verified ? '' : ' (unverified)'}`),
    ...(result.findings.total > MAX_LISTED
      ? [`  … and ${result.findings.total - MAX_LISTED} more in analysis.json`]
      : []),
    `  context: ${coverage.filesInContext} of ${plural(coverage.filesChanged, 'changed file')}${coverage.truncated ? ' (truncated)' : ''}`,
    `  wrote ${result.path}`,
  ].join('\n');
}
