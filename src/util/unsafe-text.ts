/**
 * Characters a name shown to people must not hide: controls (C0, C1, DEL), format characters (the
 * bidirectional overrides and isolates, zero-width joiners, BOM), line and paragraph separators,
 * spaces other than the plain one (which git's own ref rules refuse, with their own message), and
 * the rest of Unicode's default-ignorable (invisible) code points.
 */
const CLASS = String.raw`[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|[^\P{Zs} ]`;
const UNSAFE = new RegExp(CLASS, 'u');
const UNSAFE_ALL = new RegExp(CLASS, 'gu');

export const hasUnsafeCharacters = (text: string) => UNSAFE.test(text);

/** The text quoted, with every unsafe character as a `\u{…}` escape: safe to print and to store. */
export function escapeUnsafe(text: string): string {
  const escaped = text.replace(
    UNSAFE_ALL,
    (char) => `\\u{${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`,
  );
  return `"${escaped}"`;
}
