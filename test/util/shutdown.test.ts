import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { killGroup, runningGroups } from '../../src/util/shutdown.js';

describe('runningGroups', () => {
  it('tells in one pass which process groups still run; an ended one (reaped) does not', async () => {
    const start = () => spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const [a, b, ended] = [start(), start(), start()];
    const pids = [a.pid!, b.pid!, ended.pid!];
    try {
      killGroup(ended.pid!, 'SIGKILL');
      await once(ended, 'exit');
      expect([...runningGroups(pids)].sort()).toEqual([a.pid!, b.pid!].sort());
    } finally {
      for (const pid of pids) killGroup(pid, 'SIGKILL');
    }
  });
});
