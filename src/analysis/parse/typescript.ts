import { createRequire } from 'node:module';
import type * as TS from 'typescript';

/**
 * The TypeScript compiler, loaded with `require`. Imported as ESM, node first scans all 9 MB of its
 * CommonJS source for export names, which adds about 0.3 s to every run that parses TS or JS; the
 * compiler's types are imported as `TS` (type-only) beside it.
 */
export const ts: typeof TS = createRequire(import.meta.url)('typescript');
export type { TS };
