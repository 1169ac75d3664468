import { input } from '@inquirer/prompts';
import { Errors } from '../errors.js';
import type { InitPrompter } from './service.js';

/** Terminal questions through @inquirer/prompts; shown on stderr so stdout keeps only the result. */
export function terminalPrompter(
  streams: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {},
): InitPrompter {
  const context = { input: streams.input ?? process.stdin, output: streams.output ?? process.stderr };
  return {
    async ask(question) {
      try {
        return await input(
          { message: question.message, default: question.default, validate: question.validate },
          context,
        );
      } catch (error) {
        // Ctrl+C or a closed input: nothing has been written yet.
        if ((error as Error).name === 'ExitPromptError' || (error as Error).name === 'AbortPromptError') {
          throw Errors.initCancelled();
        }
        throw error;
      }
    },
  };
}
