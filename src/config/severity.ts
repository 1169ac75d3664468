import { SEVERITIES, type Severity } from './schema.js';

/** Position in the scale: none < low < medium < high < breaking. */
export const severityRank = (severity: Severity) => SEVERITIES.indexOf(severity);

export const maxSeverity = (severities: Iterable<Severity>): Severity => {
  let max: Severity = 'none';
  for (const s of severities) if (severityRank(s) > severityRank(max)) max = s;
  return max;
};

/** How many of each severity, every severity present (0 when none). */
export function countBySeverity(severities: Iterable<Severity>): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const s of severities) counts[s]++;
  return counts;
}

/** "2 high, 1 medium": the severities present, highest first; "" when there are none. */
export function severityCountLine(counts: Record<Severity, number>): string {
  return [...SEVERITIES]
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');
}
