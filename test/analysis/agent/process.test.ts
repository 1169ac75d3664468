import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../../src/analysis/agent/process.js';
import { tempDir } from '../../helpers/tmp.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits (bounded) until `check` holds; process exit is asynchronous. */
async function eventually(check: () => boolean, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

// A parent that starts a grandchild ignoring SIGTERM, prints a line, and hangs.
const PARENT = `
const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
writeFileSync(process.argv[1], JSON.stringify({ parent: process.pid, child: child.pid }));
console.log(JSON.stringify({ type: 'started' }));
console.error('parent on stderr');
setInterval(() => {}, 1000);
`;

describe('runProcess', () => {
  it('kills the whole process group on timeout, escalating to SIGKILL', async () => {
    const dir = await tempDir();
    const pids = join(dir, 'pids.json');
    const lines: string[] = [];

    const result = await runProcess({
      command: process.execPath,
      args: ['-e', PARENT, pids],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 1500,
      killGraceMs: 300,
      stdoutFile: join(dir, 'out', 'stdout.log'),
      stderrFile: join(dir, 'out', 'stderr.log'),
      onLine: (line) => lines.push(line),
    });

    expect(result.timedOut).toBe(true);
    expect(result.aborted).toBe(false);
    expect(lines).toEqual(['{"type":"started"}']);
    expect(result.stderr).toContain('parent on stderr');
    expect(await readFile(join(dir, 'out', 'stdout.log'), 'utf8')).toBe('{"type":"started"}\n');
    const { parent, child } = JSON.parse(await readFile(pids, 'utf8'));
    expect(await eventually(() => !alive(parent) && !alive(child))).toBe(true);
  });

  it('kills what the program left running when it exits by itself', async () => {
    const dir = await tempDir();
    const pids = join(dir, 'pids.json');
    const script = join(dir, 'leave.js');
    await writeFile(
      script,
      `const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:fs').writeFileSync(process.argv[2], JSON.stringify({ child: child.pid }));
process.exit(3);`,
    );

    const result = await runProcess({
      command: process.execPath,
      args: [script, pids],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 30_000,
      stdoutFile: join(dir, 'stdout.log'),
      stderrFile: join(dir, 'stderr.log'),
    });

    expect(result.exitCode).toBe(3);
    expect(result.timedOut).toBe(false);
    const { child } = JSON.parse(await readFile(pids, 'utf8'));
    expect(await eventually(() => !alive(child))).toBe(true);
  });

  it('stops early through an abort signal', async () => {
    const dir = await tempDir();
    const controller = new AbortController();
    const result = await runProcess({
      command: process.execPath,
      args: ['-e', "console.error('warning: stop me'); setInterval(() => {}, 1000)"],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 30_000,
      stdoutFile: join(dir, 'stdout.log'),
      stderrFile: join(dir, 'stderr.log'),
      onStderr: (text) => text.includes('stop me') && controller.abort(),
      signal: controller.signal,
    });

    expect(result.aborted).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.signal).toBe('SIGTERM');
  });

  it('reports a program that cannot be started', async () => {
    const dir = await tempDir();
    const result = await runProcess({
      command: join(dir, 'no-such-program'),
      args: [],
      cwd: dir,
      env: {},
      timeoutMs: 5000,
      stdoutFile: join(dir, 'stdout.log'),
      stderrFile: join(dir, 'stderr.log'),
    });
    expect(result.spawnError?.message).toContain('ENOENT');
  });
});
