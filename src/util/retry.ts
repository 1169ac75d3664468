import { setTimeout as sleep } from 'node:timers/promises';

/** Waits before the 2nd and 3rd attempt at a host that did not answer at all: short and bounded. */
export const UNREACHABLE_DELAYS_MS: readonly number[] = [500, 1500];

/** Why an attempt found no host to talk to; `final` when trying again would fail the same way (TLS). */
export interface NoHost {
  host: string;
  reason: string;
  final?: boolean;
}

export interface UnreachableRetry {
  /** The failure's host and reason when nothing answered (DNS, refused); undefined for any other failure. */
  noHost(error: unknown): NoHost | undefined;
  /** The error to throw once the attempts are spent (or the failure is final). */
  giveUp(noHost: NoHost, attempts: number, error: unknown): unknown;
  /** Told before each new attempt. */
  onRetry?(noHost: NoHost, attempt: number, attempts: number): void;
  delaysMs?: readonly number[];
}

/**
 * Runs `call` and, while it fails because its host could not be reached at all, again after each of
 * the delays; any other failure is thrown as it is. One policy for every way release-watch reaches a
 * host: GitHub's API, `git ls-remote` and `git fetch`.
 */
export async function retryUnreachable<T>(call: () => Promise<T>, retry: UnreachableRetry): Promise<T> {
  const delays = retry.delaysMs ?? UNREACHABLE_DELAYS_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const noHost = retry.noHost(error);
      if (!noHost) throw error;
      const delay = delays[attempt - 1];
      if (noHost.final || delay === undefined) throw retry.giveUp(noHost, attempt, error);
      retry.onRetry?.(noHost, attempt + 1, delays.length + 1);
      await sleep(delay);
    }
  }
}
