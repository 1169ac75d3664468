import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the release-watch package itself (src/util/ or dist/util/ is two levels down), where
 * the files it ships beside the code live: templates/, .opencode/agent/, schema/.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function packageFile(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

let version: string | undefined;

/** This package's version, from its package.json. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
