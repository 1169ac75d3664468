import { basename, extname } from 'node:path';
import picomatch from 'picomatch';
import type { ChangedFile } from '../../artifacts/schema.js';

/** Lockfiles: machine-written, large, never what breaks a downstream by themselves. */
const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'Cargo.lock',
  'go.sum',
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'Gemfile.lock',
  'composer.lock',
  'flake.lock',
  'MODULE.bazel.lock',
  'Package.resolved',
]);

const isGeneratedPath = picomatch(
  [
    '**/*.min.{js,css}',
    '**/*.map',
    '**/*.snap',
    '**/__snapshots__/**',
    '**/*.pb.go',
    '**/*_pb2.py',
    '**/*.generated.*',
    '**/generated/**',
    '**/dist/**',
    '**/vendor/**',
    '**/node_modules/**',
  ],
  { dot: true },
);

export const isTestPath = picomatch(
  [
    '**/test/**',
    '**/tests/**',
    '**/__tests__/**',
    '**/fixtures/**',
    '**/testdata/**',
    '**/*.{test,spec}.*',
    '**/*_test.*',
    '**/test_*.*',
    '**/*_tests.rs',
    // Rust's `#[cfg(test)] mod tests;` beside the code it tests.
    '**/tests.rs',
  ],
  { dot: true },
);

const CODE = new Set([
  '.rs',
  '.ts',
  '.tsx',
  '.mts',
  '.cts',
  '.js',
  '.jsx',
  '.mjs',
  '.cjs',
  '.py',
  '.go',
  '.java',
  '.kt',
  '.swift',
  '.rb',
  '.c',
  '.cc',
  '.cpp',
  '.h',
  '.cs',
  '.php',
  '.sh',
]);

export type ExcludedReason = 'ignored' | 'lockfile' | 'generated' | 'binary';

export interface FileClass {
  /** Why the file's hunks are left out of the context (and out of line-level scanning). */
  excluded?: ExcludedReason;
  code: boolean;
  test: boolean;
  ext: string;
}

/** Extensions the TypeScript compiler reads: TS and JS, ESM and CommonJS, with or without JSX. */
const SCRIPT_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
export const isScriptExtension = (ext: string) => SCRIPT_EXTENSIONS.has(ext.toLowerCase());
export const isScriptPath = (path: string) => isScriptExtension(extname(path));

/** What kind of file a changed path is: decides context ranking and which scanners look at it. */
export function classify(file: Pick<ChangedFile, 'path' | 'ignored' | 'binary'>): FileClass {
  const ext = extname(file.path).toLowerCase();
  const excluded: ExcludedReason | undefined = file.ignored
    ? 'ignored'
    : LOCKFILES.has(basename(file.path))
      ? 'lockfile'
      : isGeneratedPath(file.path)
        ? 'generated'
        : file.binary
          ? 'binary'
          : undefined;
  return { excluded, code: CODE.has(ext), test: isTestPath(file.path), ext };
}

/** The first configured surface a file falls in, or "other". */
export const surfaceOf = (file: Pick<ChangedFile, 'surfaces'>) => file.surfaces[0] ?? 'other';
