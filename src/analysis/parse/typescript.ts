import { createRequire } from 'node:module';
import type * as TS from 'typescript';

/**
 * The TypeScript compiler, loaded with `require`. Imported as ESM, node first scans all 9 MB of its
 * CommonJS source for export names, which adds about 0.3 s to every run that parses TS or JS; the
 * compiler's types are imported as `TS` (type-only) beside it.
 */
export const ts: typeof TS = createRequire(import.meta.url)('typescript');
export type { TS };

/** How the TypeScript parser should read a file, by its extension. */
export function scriptKind(fileName: string): TS.ScriptKind {
  if (/\.tsx$/i.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/i.test(fileName)) return ts.ScriptKind.JS;
  if (/\.json[5c]?$/i.test(fileName)) return ts.ScriptKind.JSON;
  return ts.ScriptKind.TS;
}

/**
 * A TS/JS (or JSON) file's syntax tree, as every reader here wants it: no JSDoc (none of them reads
 * it) and no parent pointers (a third of the parse time; pass the source file to `getText` and
 * `getStart`, and carry a node's parent down a walk that needs it).
 */
export const parseScript = (fileName: string, text: string): TS.SourceFile =>
  ts.createSourceFile(
    fileName,
    text,
    { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone },
    false,
    scriptKind(fileName),
  );
