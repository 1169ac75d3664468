import { severityRank } from '../../config/severity.js';
import { isScriptPath } from '../patch/classify.js';
import type { Finding } from '../schema.js';
import { type AnchorIndex, importsPackage, RARE_WEIGHT } from './anchor-index.js';

/**
 * Severity follows evidence of use: a scanner finding whose upstream evidence no anchor reaches (no
 * path the downstream names, no value it uses on those lines) in a module the downstream does not
 * import is at most low, whatever rule found it. Returns the findings, capped ones saying why.
 */
export async function capUnreached(
  findings: readonly Finding[],
  index: AnchorIndex,
  packageOf: (path: string) => Promise<string | undefined>,
): Promise<Finding[]> {
  const reached = async (finding: Finding) => {
    for (const e of finding.evidence) {
      if (e.ref === 'downstream') return true;
      if (index.pathAnchors(e.path).length > 0) return true;
      const values = index
        .lineAnchors(e.excerpt, e.path)
        .filter(
          (a) =>
            a.kind !== 'symbol' && a.kind !== 'hook' && (a.kind !== 'literal' || a.weight >= RARE_WEIGHT),
        );
      if (values.length > 0) return true;
      const pkg = isScriptPath(e.path) || e.path.endsWith('.json') ? await packageOf(e.path) : undefined;
      if (pkg && importsPackage(index.modules, pkg)) return true;
    }
    return false;
  };
  return Promise.all(
    findings.map(async (finding) => {
      if (severityRank(finding.severity) <= severityRank('low') || (await reached(finding))) return finding;
      return {
        ...finding,
        severity: 'low' as const,
        description: `${finding.description}\n\n(at most low: nothing the downstream uses reaches this change, and it is not in a module the downstream imports; it was ${finding.severity})`,
      };
    }),
  );
}
