import type { ChangedFile } from '../../artifacts/schema.js';
import type { UpstreamConfig } from '../../config/schema.js';
import type { RepoReader } from '../../git/reader.js';
import type { Anchor } from '../anchors/types.js';
import type { DownstreamReader } from '../downstream-files.js';
import type { FileClass } from '../patch/classify.js';
import type { FileDiff } from '../patch/patch.js';
import type { Evidence } from '../schema.js';
import type { ParseBudget } from './budget.js';
import type { SEVERITY } from './severity.js';

export type RuleId = keyof typeof SEVERITY;
export type KindOf<R extends RuleId> = keyof (typeof SEVERITY)[R] & string;

/** One changed file as every rule sees it: files.json's entry, its class, and its parsed diff. */
export interface ChangedFileView {
  meta: ChangedFile;
  class: FileClass;
  /** Undefined when the file has no entry in diff.patch. */
  diff?: FileDiff;
}

/** Shared by all rules of one analysis. */
export interface ScanContext {
  upstream: UpstreamConfig;
  /** files.json's changed files, in its order (the rules see them one by one, in the patch's). */
  files: readonly ChangedFile[];
  reader: RepoReader;
  /** How much the parsing rules may read outside the surfaces (shared by all rules). */
  budget: ParseBudget;
  /** What the downstream uses of this upstream; undefined when there is no downstream checkout to mine. */
  anchors?: readonly Anchor[];
  /** The downstream checkout's files, read to see which values it names together (sibling anchors). */
  downstream?: DownstreamReader;
}

/** One thing a rule noticed; the runner turns observations into findings (severity, grouping, ids). */
export interface Observation<K extends string = string> {
  kind: K;
  /** The changed file the observation is about (grouping key). */
  path: string;
  surface: string;
  /** One markdown line: what changed. */
  detail: string;
  /**
   * The thing changed (finding identity): flag name and program, symbol path, header name, or the
   * file path for file rules. One finding per rule + kind + subject, whatever file it sits in.
   */
  subject: string;
  /** A title that names the thing (`CLI flag \`--print-logs\` removed from \`sample-host\``). */
  title: string;
  evidence: Evidence[];
  /** Lines added plus removed in the file (file rules: what "the largest files" are measured by). */
  changedLines?: number;
  /** Set from another rule's claims (the downstream does not use this): the most it can be is low, and why. */
  atMostLow?: string;
}

/** A thing as another rule names it: its rule and the observation's subject there. */
export interface OtherThing {
  rule: RuleId;
  subject: string;
}

/** What the other rules' findings already explain, handed to a rule that finishes after them. */
export interface Explained {
  /** Whether a finding of another rule has evidence in this upstream file (either side). */
  has(path: string): boolean;
}

/** A rule's work on one analysis: sees every changed file once, in patch order, then reports. */
export interface RuleRun<K extends string = string> {
  file(file: ChangedFileView): void | Promise<void>;
  /** `explained` is given to rules marked `last`. */
  finish(explained?: Explained): Observation<K>[] | Promise<Observation<K>[]>;
  /** After finish: what this rule's findings say about other rules' observations. */
  claims?(): Claims;
}

/** What one rule knows about other rules' observations (of rules that are not `last`). */
export interface Claims {
  /** The same thing seen by another rule: this rule's finding says it all, that one is not listed. */
  folded: OtherThing[];
  /** Things another rule reports that this rule knows the downstream does not use: at most low, saying why. */
  unused: (OtherThing & { why: string })[];
}

/**
 * A scanner rule: one file in src/analysis/scanners/, registered in RULES (scanners/index.ts),
 * with its severities in SEVERITY (scanners/severity.ts).
 */
export interface Rule<R extends RuleId> {
  id: R;
  /** What its findings are about, for a folded finding ("<n> more: <title>"). */
  title: string;
  /** Finishes after the other rules, told which files their findings explain (noise folding). */
  last?: boolean;
  /**
   * With anchors, how the downstream's use reaches its observations (reach.ts): by their evidence
   * (lines, paths, packages; the default); `path`: files as a whole, by path or package only;
   * `declaration`: TS declarations, by the names the downstream imports and what they mention.
   */
  reachedBy?: ReachedBy;
  recommendation: string;
  confidence: number;
  create(context: ScanContext): RuleRun<KindOf<R>>;
}

/** How a rule's observations are reached by the downstream's use (Rule.reachedBy). */
export type ReachedBy = 'path' | 'declaration';

/** Any one rule (the list of rules holds rules of different kinds). */
export type AnyRule = { [R in RuleId]: Rule<R> }[RuleId];

/** One way to spell a flag or subcommand, where it is defined. */
export interface CliName {
  /** What it belongs to: the clap struct/enum or builder command, or "js" for yargs/commander definitions. */
  scope: string;
  /** The program (or subcommand path) it is a flag of, when the source names it (`#[command(name)]`, `.name()`). */
  program?: string;
  kind: 'flag' | 'subcommand';
  /** `--model`, `-m`, or the subcommand name. */
  name: string;
  /** The primary spelling this one is an alias of (itself when primary). */
  primary: string;
  /** The field/variant that defines it: a rename keeps it, a removal loses it. */
  ident: string;
  startLine: number;
  endLine: number;
}

export interface CliDefinitions {
  names: CliName[];
  /** `#[command(flatten)] field: Type`: Type's flags are scope's flags too. */
  flattens: { scope: string; type: string }[];
}
