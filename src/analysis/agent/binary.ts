import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/**
 * Where the `opencode` program is: on PATH, or else from the npm package `opencode-ai` where Node
 * resolves it from release-watch (a dependency of the project that installed release-watch, or our
 * own devDependency in development). The package's `bin/opencode.exe` is the real binary only when
 * its postinstall ran (package managers that skip install scripts leave a shell stub there), so the
 * platform package it depends on (`opencode-linux-x64`, …) is looked up directly first.
 */

const isExecutable = (file: string) =>
  access(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK).then(
    () => true,
    () => false,
  );

/** `which`: the first executable `name` on `path`. */
export async function findOnPath(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const ext of extensions) {
      const file = join(dir, `${name}${ext}`);
      if (await isExecutable(file)) return file;
    }
  }
  return undefined;
}

async function hasAvx2(): Promise<boolean> {
  if (process.platform !== 'linux' || process.arch !== 'x64') return true;
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return /(^|\s)avx2(\s|$)/.test(cpuinfo);
}

/** Platform package names in the order opencode-ai's own postinstall prefers them. */
async function platformPackages(): Promise<string[]> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const base = `opencode-${os}-${process.arch}`;
  if (process.arch !== 'x64') return [base, `${base}-musl`];
  const variants = [base, `${base}-baseline`, `${base}-musl`, `${base}-baseline-musl`];
  return (await hasAvx2()) ? variants : [`${base}-baseline`, base, `${base}-baseline-musl`, `${base}-musl`];
}

/** The binary inside the installed `opencode-ai` package, or undefined when it is not installed. */
export async function findPackagedBinary(from: string = import.meta.url): Promise<string | undefined> {
  const require = createRequire(from);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('opencode-ai/package.json'));
  } catch {
    return undefined;
  }
  const exe = process.platform === 'win32' ? 'opencode.exe' : 'opencode';
  const fromPackage = createRequire(join(packageDir, 'package.json'));
  for (const name of await platformPackages()) {
    try {
      const file = join(dirname(fromPackage.resolve(`${name}/package.json`)), 'bin', exe);
      if (await isExecutable(file)) return file;
    } catch {
      // not installed for this platform variant
    }
  }
  const shim = join(packageDir, 'bin', 'opencode.exe');
  return (await isExecutable(shim)) ? shim : undefined;
}

/** PATH first (the user's own OpenCode), then the `opencode-ai` package. */
export async function resolveOpenCodeBinary(path = process.env.PATH ?? ''): Promise<string | undefined> {
  return (await findOnPath('opencode', path)) ?? (await findPackagedBinary());
}
