// `npm run readme`: writes the "# Commands" section of README.md (or of the file named on the command
// line) from the built commands with `oclif readme`. test/package/readme.test.ts runs it on a copy and
// fails when the committed README differs, so the reference is regenerated with the change that needs it.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = resolve(process.argv[2] ?? resolve(root, 'README.md'));
const env = { ...process.env, COLUMNS: '100' }; // the help's line width, fixed so the output is stable
delete env.NODE_ENV; // under vitest it would make oclif read src/ through tsx instead of dist/
execFileSync(
  resolve(root, 'node_modules/.bin/oclif'),
  ['readme', '--no-source-links', '--no-aliases', '--readme-path', readme],
  { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] },
);
