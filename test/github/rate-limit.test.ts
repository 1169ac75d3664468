import { describe, expect, it } from 'vitest';
import { rateLimitWaitSeconds } from '../../src/github/rate-limit.js';

const failed = (status: number, headers: Record<string, string> = {}, message = `HTTP ${status}`) =>
  Object.assign(new Error(message), { status, response: { headers } });

describe('rateLimitWaitSeconds', () => {
  const now = 1_700_000_000_000;
  it('reads Retry-After, the reset of a used-up limit, and the secondary limit without either', () => {
    expect(rateLimitWaitSeconds(failed(403, { 'retry-after': '7' }), now)).toBe(7);
    expect(rateLimitWaitSeconds(failed(429, { 'retry-after': '0' }), now)).toBe(0);
    const reset = String(now / 1000 + 30);
    expect(
      rateLimitWaitSeconds(failed(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), now),
    ).toBe(31);
    expect(rateLimitWaitSeconds(failed(403, {}, 'You have exceeded a secondary rate limit.'), now)).toBe(60);
    expect(rateLimitWaitSeconds(failed(429), now)).toBe(60);
  });

  it('is undefined for what is not a rate limit', () => {
    expect(
      rateLimitWaitSeconds(failed(403, {}, 'Resource not accessible by integration'), now),
    ).toBeUndefined();
    expect(rateLimitWaitSeconds(failed(404, { 'retry-after': '5' }), now)).toBeUndefined();
    expect(rateLimitWaitSeconds(failed(502), now)).toBeUndefined();
    expect(rateLimitWaitSeconds(new Error('socket hang up'), now)).toBeUndefined();
  });
});
