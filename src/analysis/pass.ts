import type { ChangedFile } from '../artifacts/schema.js';
import type { UpstreamConfig } from '../config/schema.js';
import type { RepoReader } from '../git/reader.js';
import { getOrCreate } from '../util/group.js';
import type { Anchor } from './anchors/types.js';
import { ContextBuilder } from './context.js';
import type { DownstreamReader } from './downstream-files.js';
import { classify, type FileClass } from './patch/classify.js';
import { streamPatch } from './patch/patch.js';
import { type ParseBudget, parseBudget } from './scanners/budget.js';
import { type AnyRule, createScanners, RULES } from './scanners/index.js';
import type { Finding } from './schema.js';

export interface DiffPassInput {
  patchFile: string;
  files: readonly ChangedFile[];
  upstream: UpstreamConfig;
  reader: RepoReader;
  /** What the downstream uses of the upstream, when known. */
  anchors?: readonly Anchor[];
  /** The downstream checkout the anchors were mined from. */
  downstream?: DownstreamReader;
  maxChars: number;
  rules?: readonly AnyRule[];
  /** Source characters the parsing rules may read outside the surfaces (default: OUTSIDE_SURFACES_PARSE_CHARS). */
  parseChars?: number;
}

/** Files read ahead of the one being scanned: fewer than the reader keeps (its cache holds 64 sides). */
const READ_AHEAD = 12;

/**
 * Asks the reader for the sides of the next few changed source files while the current one is
 * scanned, so `git cat-file` answers them meanwhile (in its own process) instead of each rule waiting
 * a round trip per file. Only files a parsing rule reads: code, not excluded, not a test, while
 * the file gets parsed (in a surface, or parse budget left). The CLI rule reads others too, but
 * only those git grep says may define a CLI: few, read when asked.
 */
function readAhead(
  files: readonly ChangedFile[],
  reader: RepoReader,
  budget: ParseBudget,
  classOf: (meta: ChangedFile) => FileClass,
) {
  const index = new Map(files.map((f, i) => [f.path, i]));
  let next = 0;
  return (path: string) => {
    const at = index.get(path);
    if (at === undefined) return;
    next = Math.max(next, at + 1);
    for (; next <= at + READ_AHEAD && next < files.length; next++) {
      const meta = files[next]!;
      const cls = classOf(meta);
      if (!cls.code || cls.excluded || cls.test || !budget.left(meta)) continue;
      const read = (ref: 'from' | 'to', p: string) => void reader.readFile(ref, p).catch(() => undefined);
      if (meta.status !== 'added' && meta.status !== 'copied') read('from', meta.oldPath ?? meta.path);
      if (meta.status !== 'deleted') read('to', meta.path);
    }
  };
}

/**
 * The one pass over diff.patch: each file's diff is parsed once and handed to every scanner rule and
 * to the context builder, then dropped. Files in files.json that the patch does not show are still
 * handed to the scanners (without a diff).
 */
export async function scanDiff(
  input: DiffPassInput,
): Promise<{ context: ContextBuilder; findings: Finding[]; unparsed: readonly string[] }> {
  const context = new ContextBuilder(input.files, input.maxChars, input.anchors);
  const budget = parseBudget(input.parseChars);
  const scanners = createScanners(
    {
      upstream: input.upstream,
      files: input.files,
      reader: input.reader,
      budget,
      anchors: input.anchors,
      downstream: input.downstream,
    },
    input.rules ?? RULES,
  );
  // Each file is classified once: the skip test, the read-ahead and the rules ask in turn.
  const classes = new WeakMap<ChangedFile, FileClass>();
  const classOf = (meta: ChangedFile) => getOrCreate(classes, meta, classify);
  const seen = new Set<string>();
  const byPath = new Map(input.files.map((f) => [f.path, f]));
  // Hunks of ignored files, lockfiles and generated files are never read: skip parsing them.
  const skip = (path: string) => {
    const meta = byPath.get(path);
    return meta !== undefined && classOf(meta).excluded !== undefined;
  };
  const prefetch = readAhead(input.files, input.reader, budget, classOf);
  for await (const diff of streamPatch(input.patchFile, { skip })) {
    const { meta } = context.slotOf(diff);
    seen.add(meta.path);
    prefetch(meta.path);
    context.add(diff);
    await scanners.file({ meta, class: classOf(meta), diff });
  }
  for (const meta of input.files) {
    if (!seen.has(meta.path)) await scanners.file({ meta, class: classOf(meta) });
  }
  return { context, findings: await scanners.finish(), unparsed: budget.skipped };
}
