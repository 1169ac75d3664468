import { format } from 'node:util';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import type { InferredArgs, InferredFlags } from '@oclif/core/interfaces';
import { loadConfig, type ResolvedConfig } from '../config/load.js';
import { codedFileError, Errors, isReleaseWatchError } from '../errors.js';
import { redactDeep, redactSecrets } from '../util/redact.js';
import { installInterruptHandlers, interruptedBy } from '../util/shutdown.js';
import { capYoungGeneration } from './heap.js';
import { createProgress, type Progress } from './progress.js';
import { printError, usageError } from './render-error.js';

export type CommandFlags<T extends typeof Command> = InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;
export type CommandArgs<T extends typeof Command> = InferredArgs<T['args']>;

/** Shared flags, config loading (once) and the one place where errors are rendered. */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static enableJsonFlag = true;

  static baseFlags = {
    config: Flags.string({
      char: 'c',
      summary: 'Path to the config file.',
      description:
        'Default: search upward from the current folder for release-watch.config.ts and the other supported names.',
      helpGroup: 'GLOBAL',
    }),
  };

  protected flags!: CommandFlags<T>;
  protected args!: CommandArgs<T>;
  private loadedConfig?: Promise<ResolvedConfig>;

  public async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as CommandFlags<T>;
    this.args = args as CommandArgs<T>;
    installInterruptHandlers({ json: this.jsonEnabled() });
    capYoungGeneration();
  }

  /** The validated project config, loaded once per command. */
  protected projectConfig(): Promise<ResolvedConfig> {
    this.loadedConfig ??= loadConfig({ file: this.flags.config });
    return this.loadedConfig;
  }

  // Everything a command prints passes through the one redaction (tokens in URLs and messages).
  public log(message = '', ...args: unknown[]): void {
    super.log(redactSecrets(format(message, ...args)));
  }

  public logToStderr(message = '', ...args: unknown[]): void {
    super.logToStderr(redactSecrets(format(message, ...args)));
  }

  public logJson(json: unknown): void {
    super.logJson(redactDeep(json));
  }

  private shownProgress?: Progress;

  /** Progress of a long step on stderr (spinner, log lines or Actions groups; silent under --json). */
  protected progress(): Progress {
    this.shownProgress ??= createProgress({ json: this.jsonEnabled() });
    return this.shownProgress;
  }

  /** Human-only progress and notes: stderr, silent under --json so stdout stays machine-readable. */
  protected note(message: string): void {
    if (!this.jsonEnabled()) this.logToStderr(message);
  }

  protected async catch(caught: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    // The interrupt handler is ending the process and says so itself.
    if (interruptedBy()) return new Promise(() => {});
    const command = `${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''}`.trim();
    let error = codedFileError(caught) ?? usageError(caught, command, this.knownFlags()) ?? caught;
    // oclif's exit (this.exit) passes through; under --json anything else is still one coded error.
    if (!isReleaseWatchError(error) && this.jsonEnabled() && caught.code !== 'EEXIT') {
      error = Errors.unexpected(caught);
    }
    if (!isReleaseWatchError(error)) return super.catch(error);
    printError(error, this.jsonEnabled());
    return undefined;
  }

  /** Every flag this command takes, as typed (`--name`, `-c`), for "did you mean". */
  private knownFlags(): string[] {
    const flags = { ...this.ctor.flags, ...(this.ctor as typeof BaseCommand).baseFlags, json: {} };
    return Object.entries(flags).flatMap(([name, flag]) => {
      const { char, aliases } = flag as { char?: string; aliases?: string[] };
      return [`--${name}`, ...(char ? [`-${char}`] : []), ...(aliases ?? []).map((alias) => `--${alias}`)];
    });
  }
}
