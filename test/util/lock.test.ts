import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { withFileLock } from '../../src/util/lock.js';
import { tempDir } from '../helpers/tmp.js';

describe('withFileLock', () => {
  it('holds a lock across its refreshes: writing the owner file does not make it look taken over', async () => {
    const file = join(await tempDir(), 'state.json');
    // Refreshed every second; held for two and a half, as a run holds the state lock for minutes.
    const result = await withFileLock(file, { what: 'state file', staleMs: 2000 }, async () => {
      await sleep(2500);
      return 'done';
    });
    expect(result).toBe('done');
  });
});
