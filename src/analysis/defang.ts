/**
 * Upstream text (release notes) made safe to put in front of the agent and, through it, into issues:
 * HTML comments (hidden instructions) and invisible/bidi characters removed, @mentions and #refs
 * put in code spans so nothing copied from here pings or links anyone.
 * (Minimal on purpose: src/report/sanitize.ts is the full version for issue bodies.)
 */
export function defang(text: string): string {
  return (
    text
      .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
      // Zero-width, bidi controls, word joiners, BOM, soft hyphen, tag characters.
      .replace(
        /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g,
        '',
      )
      .replace(/(^|[^\w`/])(@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9._-]+)?)/g, '$1`$2`')
      .replace(/(^|[^\w`&/])((?:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)?#\d+)\b/g, '$1`$2`')
  );
}
