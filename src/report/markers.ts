import { createHash } from 'node:crypto';

/**
 * Hidden markers in issue and comment bodies: how release-watch recognises its own issues again.
 * Values are URI-encoded so no tag can end the comment early; text from elsewhere never carries a
 * marker because sanitizing removes every `<!--`.
 */

/**
 * The same finding in any release of the same upstream has the same fingerprint: it hashes the
 * upstream, the finding id and the surface, never the tag.
 */
export function fingerprintOf(upstream: string, findingId: string, surface: string): string {
  return createHash('sha256').update(`${upstream}\0${findingId}\0${surface}`).digest('hex').slice(0, 16);
}

export interface FindingMarker {
  fingerprint: string;
  upstream: string;
  tag: string;
}

const attrs = (m: FindingMarker) =>
  `fingerprint=${m.fingerprint} upstream=${encodeURIComponent(m.upstream)} tag=${encodeURIComponent(m.tag)}`;

/** In the body of the issue filed for a finding. */
export const findingMarker = (m: FindingMarker) => `<!-- release-watch:finding ${attrs(m)} -->`;
/** In the comment that notes a finding seen again in a later release. */
export const seenMarker = (m: FindingMarker) => `<!-- release-watch:seen ${attrs(m)} -->`;
/** In the body of the overview issue (`downstream.dashboard`). */
export const DASHBOARD_MARKER = '<!-- release-watch:dashboard -->';

const pattern = (kind: string) =>
  new RegExp(`<!-- release-watch:${kind} fingerprint=([0-9a-f]+) upstream=(\\S+) tag=(\\S+) -->`);
const FINDING = pattern('finding');
const SEEN = pattern('seen');

function parse(regex: RegExp, body: string | null | undefined): FindingMarker | undefined {
  const match = body ? regex.exec(body) : null;
  if (!match) return undefined;
  try {
    return {
      fingerprint: match[1]!,
      upstream: decodeURIComponent(match[2]!),
      tag: decodeURIComponent(match[3]!),
    };
  } catch {
    return undefined;
  }
}

export const parseFindingMarker = (body: string | null | undefined) => parse(FINDING, body);
export const parseSeenMarker = (body: string | null | undefined) => parse(SEEN, body);
export const isDashboard = (body: string | null | undefined) => Boolean(body?.includes(DASHBOARD_MARKER));
