import type { Hook } from '@oclif/core/hooks';
import { Errors } from '../../errors.js';
import { didYouMean } from '../../util/near.js';
import { printError } from '../render-error.js';

/** An unknown command: COMMAND_NOT_FOUND with the command it most likely meant (exit 2, JSON under --json). */
const hook: Hook<'command_not_found'> = async (options) => {
  const typed = options.id.replaceAll(':', ' ');
  const commands = options.config.commandIDs.map((id) => id.replaceAll(':', ' '));
  printError(
    Errors.commandNotFound(options.config.bin, typed, didYouMean(typed, commands)),
    options.argv?.includes('--json') ?? false,
  );
};

export default hook;
