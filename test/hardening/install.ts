import { copyFile, mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { INSTALLED, REPO_ROOT } from './installed.js';

/**
 * vitest globalSetup: the CLI as a user has it after `npm install`, i.e. with the oclif manifest that
 * `prepack` writes into the package. Without one oclif imports every command module at each start
 * (TypeScript included, through the anchors command): 1.5 s of CPU per process against 0.4 s, which
 * on a shared 2-core machine is most of the suite. The package folder holds copies of package.json
 * and bin/run.js, a link to the built dist/, and the manifest generated from them; its node_modules
 * resolve upward to the repository's.
 */
export async function setup(): Promise<void> {
  await rm(INSTALLED, { recursive: true, force: true });
  await mkdir(join(INSTALLED, 'bin'), { recursive: true });
  await copyFile(join(REPO_ROOT, 'package.json'), join(INSTALLED, 'package.json'));
  await copyFile(join(REPO_ROOT, 'bin', 'run.js'), join(INSTALLED, 'bin', 'run.js'));
  await symlink(join(REPO_ROOT, 'dist'), join(INSTALLED, 'dist'));
  await execa('node', [join(REPO_ROOT, 'node_modules', 'oclif', 'bin', 'run.js'), 'manifest'], {
    cwd: INSTALLED,
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
