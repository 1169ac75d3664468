import { dirname, resolve } from 'node:path';
import Config from '@npmcli/config';
// CommonJS whose exports Node cannot list for a named import: read them off the default export.
import npmDefinitions from '@npmcli/config/lib/definitions/index.js';
import registryFetch from 'npm-registry-fetch';
import type { NpmRegistry } from './types.js';

// Abbreviated metadata ("corgi"): versions and dist-tags without every manifest's full text.
const CORGI = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

export interface NpmRegistryOptions {
  /** Where npm would run: its project .npmrc is found from here. */
  cwd: string;
  /** `npm_config_*` settings, HOME (user .npmrc) and PREFIX (global npmrc) come from here. */
  env: NodeJS.ProcessEnv;
}

/**
 * An npm registry client configured exactly as npm would be: npm's own config loader reads the
 * project, user and global .npmrc files and `npm_config_*` variables (registry, scoped registries,
 * auth tokens, CA, proxy, cache), and npm's own registry client uses them.
 */
export async function createNpmRegistry(options: NpmRegistryOptions): Promise<NpmRegistry> {
  const env = { ...options.env };
  const { definitions, flatten, shorthands } = npmDefinitions;
  const config = new Config({
    definitions,
    shorthands,
    flatten,
    npmPath: npmInstallDir(env),
    // A copy: the loader writes npm_config_* back into the environment it is given.
    env,
    argv: [process.execPath, 'release-watch'],
    cwd: options.cwd,
    execPath: process.execPath,
    platform: process.platform,
    warn: false,
  });
  await config.load();
  const flat = config.flat;
  const fetchDocument = (name: string, accept: string) =>
    registryFetch.json(`/${name.replace('/', '%2f')}`, {
      ...flat,
      spec: name,
      // Revalidate the cached copy (a 304 when unchanged) instead of trusting it for max-age.
      preferOnline: true,
      headers: { accept },
    });
  return {
    registryFor: (name) => withoutCredentials(registryFetch.pickRegistry(name, flat)),
    packument: (name) => fetchDocument(name, CORGI),
    document: (name) => fetchDocument(name, 'application/json'),
  };
}

/** npm's own install folder, for its builtin npmrc: known when run through npm, else the usual global place. */
function npmInstallDir(env: NodeJS.ProcessEnv): string {
  if (env.npm_execpath && /npm-cli\.js$/.test(env.npm_execpath)) return dirname(dirname(env.npm_execpath));
  const nodeDir = dirname(process.execPath);
  return process.platform === 'win32'
    ? resolve(nodeDir, 'node_modules', 'npm')
    : resolve(nodeDir, '..', 'lib', 'node_modules', 'npm');
}

function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href;
  } catch {
    return url;
  }
}
