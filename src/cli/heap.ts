import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Both semi-spaces together: what Node 22's V8 allows by default (16 MB each). */
const YOUNG_GENERATION_CAP_MB = 32;

let installed = false;

/**
 * Keeps V8's young generation (new space, both semi-spaces) near `capMb` for the life of the CLI
 * process (Node 20 and 22 stop at it exactly; Node 24's V8 still adds a page now and then to a space
 * that may not double). Node 24's V8 lets it grow to 128 MB, and a scan of a big release range fills it: about
 * 100 MB more peak RSS than on Node 22, for no speed (measured: the bench's analyze run is as fast
 * capped as not). Its ceiling is fixed when the process starts (`--max-semi-space-size`), but the
 * factor by which it grows is read at each growth: after every GC, that factor is 2 while one more
 * doubling stays within the cap and 1 once it would not. A ceiling the user set on the command line
 * or in NODE_OPTIONS is theirs: nothing is changed then.
 */
export function capYoungGeneration(capMb = YOUNG_GENERATION_CAP_MB): void {
  if (installed || userSetsSemiSpace()) return;
  installed = true;
  const cap = capMb * 1024 * 1024;
  let factor = 2;
  const observer = new PerformanceObserver(() => {
    const size = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size;
    if (size === undefined) return observer.disconnect();
    const next = size * 2 <= cap ? 2 : 1;
    if (next === factor) return;
    factor = next;
    v8.setFlagsFromString(`--semi-space-growth-factor=${factor}`);
  });
  observer.observe({ entryTypes: ['gc'] });
}

function userSetsSemiSpace(): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((arg) =>
    /^--(max|min)[-_]semi[-_]space[-_]size\b|^--semi[-_]space[-_]growth[-_]factor\b/.test(arg),
  );
}
