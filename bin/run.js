#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 keeps the compiled code of every module it loads on disk: a CLI start then skips
// most of the parsing (node 20 has no compile cache; the call is skipped there).
module.enableCompileCache?.();
// The subpath, not the package index: the index loads every part of oclif (and semver for an engine check).
const { execute } = await import('@oclif/core/execute');
await execute({ dir: import.meta.url });
