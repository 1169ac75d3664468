import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { Errors, isReleaseWatchError } from '../errors.js';
import { didYouMean } from '../util/near.js';
import { formatZodIssues } from '../util/zod.js';
import { type Config, configKeysAt, configSchema } from './schema.js';
import { configSyntaxError } from './syntax.js';

const MODULE = 'release-watch';

export const SEARCH_PLACES = [
  'package.json',
  `.${MODULE}rc`,
  `.${MODULE}rc.json`,
  `.${MODULE}rc.yaml`,
  `.${MODULE}rc.yml`,
  `.${MODULE}rc.js`,
  `.${MODULE}rc.mjs`,
  `.${MODULE}rc.cjs`,
  `.${MODULE}rc.ts`,
  `${MODULE}.config.ts`,
  `${MODULE}.config.mts`,
  `${MODULE}.config.mjs`,
  `${MODULE}.config.js`,
  `${MODULE}.config.cjs`,
  `${MODULE}.config.json`,
];

/** The validated config with every path made absolute against the config file's folder. */
export interface ResolvedConfig extends Config {
  /** The file the config came from. */
  file: string;
  /** The folder holding it: relative paths resolve against this. */
  rootDir: string;
  /** Absolute: state file, artifacts root, upstream cache root. */
  state: string;
  artifacts: string;
  cache: string;
  /** `downstream.path` is absolute here. */
  downstream: Config['downstream'];
}

export interface LoadConfigOptions {
  cwd?: string;
  /** Explicit --config path; otherwise search upward from cwd. */
  file?: string;
}

/** The TypeScript loader (jiti) is imported only when a TS config is found: JSON configs start faster. */
const typescript: Loader = async (file, content) => {
  const { TypeScriptLoader } = await import('cosmiconfig-typescript-loader');
  return TypeScriptLoader()(file, content);
};

function explorer() {
  return cosmiconfig(MODULE, {
    searchPlaces: SEARCH_PLACES,
    searchStrategy: 'global',
    cache: false,
    loaders: { '.ts': typescript, '.mts': typescript },
  });
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd());
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  const file = options.file ? resolve(cwd, options.file) : undefined;
  try {
    if (file) {
      if (!existsSync(file) || !statSync(file).isFile()) throw Errors.configNotFound({ file });
      found = await explorer().load(file);
    } else {
      found = await explorer().search(cwd);
    }
  } catch (error) {
    if (isReleaseWatchError(error)) throw error;
    const failing = (error as { filepath?: string }).filepath ?? file ?? cwd;
    throw loadFailure(failing, error, await configSyntaxError(failing));
  }
  if (!found)
    throw Errors.configNotFound({
      searchedFrom: cwd,
      places: SEARCH_PLACES.filter((p) => p !== 'package.json').concat('package.json#release-watch'),
    });
  return parseConfig(found.config, found.filepath);
}

const TS_LOADER_PREFIX = /^TypeScriptLoader failed to compile TypeScript:\s*/;
const CODE_CONFIG = /\.(?:[cm]?[jt]s)$/;

/**
 * Why a config did not load, with the cause the loader wraps: a syntax error (where, as the parser
 * says it), a module it imports that is missing, or code in it that threw.
 */
function loadFailure(file: string, error: unknown, syntax: string | undefined) {
  const raw = String((error as Error)?.message ?? error);
  const reason = raw.replace(TS_LOADER_PREFIX, '');
  if (syntax) return Errors.configLoad(file, `syntax error at ${syntax}`, error);
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(reason);
  if (missing) return Errors.configModuleMissing(file, missing[1]!, error);
  // jiti compiles a TS config, so positions in its stack are in jiti's output; a JS config's are real.
  if (TS_LOADER_PREFIX.test(raw)) return Errors.configThrew(file, firstLine(reason), error);
  if (CODE_CONFIG.test(file)) return Errors.configThrew(file, thrownAt(file, error, reason), error);
  return Errors.configLoad(file, firstLine(reason), error);
}

/** What a JS config threw, with the line of the config that threw it when the stack names one. */
function thrownAt(file: string, error: unknown, reason: string): string {
  const stack = String((error as Error)?.stack ?? '');
  const frame = stack.split('\n').find((line) => line.includes(`${file}:`));
  const at = frame && /:(\d+):(\d+)\)?$/.exec(frame.trim());
  return `${firstLine(reason)}${at ? ` (at ${file}:${at[1]}:${at[2]})` : ''}`;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

/** Validates raw config (every problem at once) and resolves paths against the config file's folder. */
export function parseConfig(raw: unknown, file: string): ResolvedConfig {
  const value =
    raw && typeof raw === 'object' && 'default' in raw && Object.keys(raw).length === 1 ? raw.default : raw;
  const parsed = configSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const suggest = (path: readonly PropertyKey[], key: string) => didYouMean(key, configKeysAt(path));
    throw Errors.configInvalid(file, formatZodIssues(parsed.error, value ?? {}, suggest));
  }
  const rootDir = dirname(file);
  const artifacts = resolve(rootDir, parsed.data.artifacts);
  return {
    ...parsed.data,
    file,
    rootDir,
    downstream: { ...parsed.data.downstream, path: resolve(rootDir, parsed.data.downstream.path) },
    state: resolve(rootDir, parsed.data.state),
    artifacts,
    cache: parsed.data.cache ? resolve(rootDir, parsed.data.cache) : join(dirname(artifacts), 'cache'),
  };
}
