import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress, formatElapsed, progressMode } from '../../src/cli/progress.js';

/** A stream that records what was written; `tty` adds what a terminal stream has. */
function recorder(tty = false) {
  const chunks: string[] = [];
  const stream = {
    isTTY: tty,
    columns: 100,
    write(text: string) {
      chunks.push(String(text));
      return true;
    },
    cursorTo() {
      return true;
    },
    moveCursor() {
      return true;
    },
    clearLine() {
      return true;
    },
  };
  return { stream, text: () => stripVTControlCharacters(chunks.join('')), raw: () => chunks.join('') };
}

/** A clock that advances by `stepMs` on every read. */
function clock(startIso: string, stepMs: number) {
  let t = Date.parse(startIso) - stepMs;
  return () => {
    t += stepMs;
    return t;
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('progressMode', () => {
  it.each([
    [{ json: true, env: { GITHUB_ACTIONS: 'true' } }, true, 'silent'],
    [{ env: { GITHUB_ACTIONS: 'true' } }, true, 'github'],
    [{ env: {} }, true, 'tty'],
    [{ env: { CI: '1' } }, true, 'plain'],
    [{ env: { TERM: 'dumb' } }, true, 'plain'],
    [{ env: {} }, false, 'plain'],
  ])('%j on a TTY=%s is %s', (options, tty, mode) => {
    expect(progressMode({ ...options, stream: recorder(tty).stream })).toBe(mode);
  });
});

describe('formatElapsed', () => {
  it.each([
    [400, '0.4s'],
    [12_345, '12.3s'],
    [125_000, '2m 05s'],
  ])('%i ms reads %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe('plain lines (logs, CI)', () => {
  it('timestamps every line and says how long each step took', async () => {
    const out = recorder();
    const progress = createProgress({
      stream: out.stream,
      env: { CI: 'true' },
      now: clock('2026-11-23T09:00:00Z', 1500),
    });
    expect(progress.mode).toBe('plain');
    const value = await progress.group('codex', () => progress.step('Fetching openai/codex', async () => 42));
    progress.note('3 files changed');
    progress.warn('rate limited');
    progress.error('agent timed out');
    expect(value).toBe(42);
    expect(out.text().split('\n')).toEqual([
      '[2026-11-23T09:00:00.000Z] ── codex',
      '[2026-11-23T09:00:01.500Z] Fetching openai/codex …',
      '[2026-11-23T09:00:06.000Z] Fetching openai/codex: done in 1.5s',
      '[2026-11-23T09:00:07.500Z] 3 files changed',
      '[2026-11-23T09:00:09.000Z] warning: rate limited',
      '[2026-11-23T09:00:10.500Z] error: agent timed out',
      '',
    ]);
  });

  it('shows a failed step with its reason and rethrows the error', async () => {
    const out = recorder();
    const progress = createProgress({
      stream: out.stream,
      env: {},
      now: clock('2026-11-23T09:00:00Z', 2000),
    });
    const failing = progress.step('Diffing', async () => {
      throw new Error('bad ref\nsecond line');
    });
    await expect(failing).rejects.toThrow('bad ref');
    expect(out.text()).toContain('Diffing: failed after 2.0s: bad ref\n');
    expect(out.text()).not.toContain('second line');
  });
});

describe('GitHub Actions annotations', () => {
  it('folds groups and turns warnings and errors into annotations', async () => {
    const out = recorder(true);
    const progress = createProgress({
      stream: out.stream,
      env: { GITHUB_ACTIONS: 'true', CI: 'true' },
      now: clock('2026-11-23T09:00:00Z', 250),
    });
    expect(progress.mode).toBe('github');
    await progress.group('codex rust-v0.139.0', async () => {
      await progress.step('Analyzing', async () => undefined);
      progress.warn('context truncated: 40% of changed files left out');
    });
    progress.error('report failed for opencode');
    expect(out.raw().split('\n')).toEqual([
      '::group::codex rust-v0.139.0',
      'Analyzing …',
      'Analyzing: done in 0.3s',
      '::warning::context truncated: 40%25 of changed files left out',
      '::endgroup::',
      '::error::report failed for opencode',
      '',
    ]);
  });

  it('folds a step outside any group (a single command) as its own group, its notes inside', async () => {
    const out = recorder();
    const progress = createProgress({
      stream: out.stream,
      env: { GITHUB_ACTIONS: 'true' },
      now: clock('2026-11-23T09:00:00Z', 250),
    });
    await progress.step('check: newest releases', async () => progress.note('codex: 2 pages'));
    expect(out.raw().split('\n')).toEqual([
      '::group::check: newest releases',
      'check: newest releases …',
      'codex: 2 pages',
      'check: newest releases: done in 0.3s',
      '::endgroup::',
      '',
    ]);
  });

  it('closes the group when its body fails', async () => {
    const out = recorder();
    const progress = createProgress({ stream: out.stream, env: { GITHUB_ACTIONS: 'true' } });
    await expect(
      progress.group('codex', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(out.raw()).toBe('::group::codex\n::endgroup::\n');
  });

  it('keeps multi-line messages in one annotation and upstream text from issuing commands', () => {
    const out = recorder();
    const progress = createProgress({ stream: out.stream, env: { GITHUB_ACTIONS: 'true' } });
    progress.warn('line one\nline two\r');
    progress.note('release notes:\n::add-mask::secret\n  ::error::fake');
    const lines = out.raw().split('\n');
    expect(lines[0]).toBe('::warning::line one%0Aline two%0D');
    expect(lines.slice(1, 4)).toEqual([
      'release notes:',
      ':\u200b:add-mask::secret',
      '  :\u200b:error::fake',
    ]);
    expect(lines.filter((l) => l.trimStart().startsWith('::'))).toEqual([lines[0]]);
  });
});

describe('terminal spinner', () => {
  it('spins while a step runs and ends with a tick and the elapsed time', async () => {
    // yocto-spinner animates only when CI is absent from the real environment.
    vi.stubEnv('CI', undefined);
    vi.stubEnv('TERM', 'xterm-256color');
    const out = recorder(true);
    const progress = createProgress({
      stream: out.stream,
      env: {},
      now: clock('2026-11-23T09:00:00Z', 3000),
    });
    expect(progress.mode).toBe('tty');
    const value = await progress.step('Fetching openai/codex', async () => {
      await progress.step('Resolving tags', async () => undefined);
      progress.note('cache hit');
      return 'ok';
    });
    progress.warn('slow network');
    expect(value).toBe('ok');
    expect(out.raw()).toContain('\u001B[?25l'); // cursor hidden while spinning
    expect(out.raw()).toContain('\u001B[?25h'); // and shown again
    const text = out.text();
    expect(text).toContain('Fetching openai/codex');
    expect(text).toContain('  ✔ Resolving tags (3.0s)\n');
    expect(text).toContain('cache hit\n');
    expect(text).toMatch(/✔ Fetching openai\/codex \(\d+\.\ds\)\n/);
    expect(text.endsWith('⚠ slow network\n')).toBe(true);
  });

  it('ends a failed step with a cross and the reason', async () => {
    vi.stubEnv('CI', undefined);
    const out = recorder(true);
    const progress = createProgress({
      stream: out.stream,
      env: {},
      now: clock('2026-11-23T09:00:00Z', 1000),
    });
    await expect(
      progress.step('Analyzing', async () => {
        throw new Error('agent timed out');
      }),
    ).rejects.toThrow('agent timed out');
    expect(out.text()).toContain('✖ Analyzing failed after 1.0s: agent timed out\n');
  });
});

describe('--json', () => {
  it('writes nothing at all, and still runs the work', async () => {
    const out = recorder(true);
    const progress = createProgress({ json: true, stream: out.stream, env: { GITHUB_ACTIONS: 'true' } });
    const value = await progress.group('g', () => progress.step('s', async () => 7));
    progress.note('n');
    progress.warn('w');
    progress.error('e');
    expect(value).toBe(7);
    expect(out.raw()).toBe('');
  });
});
