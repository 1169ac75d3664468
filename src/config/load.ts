import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cosmiconfig } from 'cosmiconfig';
import { TypeScriptLoader } from 'cosmiconfig-typescript-loader';
import { Errors, isReleaseWatchError } from '../errors.js';
import { formatZodIssues } from '../util/zod.js';
import { type Config, configSchema } from './schema.js';

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

function explorer() {
  const typescript = TypeScriptLoader();
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
    throw loadFailure(failing, error);
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
 * Why a config did not load, with the cause the loader wraps: a module it imports that is missing,
 * code in it that threw, or (otherwise) a syntax error.
 */
function loadFailure(file: string, error: unknown) {
  const raw = String((error as Error)?.message ?? error);
  const wrapped = TS_LOADER_PREFIX.test(raw);
  const reason = raw.replace(TS_LOADER_PREFIX, '');
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(reason);
  if (missing) return Errors.configModuleMissing(file, missing[1]!, error);
  const syntax = /^(ParseError|SyntaxError)\b/.test(reason) || error instanceof SyntaxError;
  if (!syntax && (wrapped || CODE_CONFIG.test(file)))
    return Errors.configThrew(file, firstLine(reason), error);
  return Errors.configLoad(file, firstLine(reason), error);
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}

/** Validates raw config (every problem at once) and resolves paths against the config file's folder. */
export function parseConfig(raw: unknown, file: string): ResolvedConfig {
  const value =
    raw && typeof raw === 'object' && 'default' in raw && Object.keys(raw).length === 1 ? raw.default : raw;
  const parsed = configSchema.safeParse(value ?? {});
  if (!parsed.success) throw Errors.configInvalid(file, formatZodIssues(parsed.error));
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
