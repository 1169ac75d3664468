import { Errors } from '../errors.js';
import { hasUnsafeCharacters } from './unsafe-text.js';

/**
 * Refuses a tag that carries control, bidi or invisible characters (`v9.9.9\u202Egnp.exe`), before
 * anything else looks at it: such a tag would reach issue titles, the job summary and the state.
 */
export function assertSafeTag(tag: string, where: string): string {
  if (hasUnsafeCharacters(tag)) throw Errors.tagUnsafe(tag, where);
  return tag;
}
