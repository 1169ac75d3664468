import { describe, expect, it } from 'vitest';
import { meteredFetch, newRequestMeter } from '../../src/github/fetch.js';

/** A fetch answering from a script, noting when each request was sent. */
function scripted(answers: { status: number; headers?: Record<string, string> }[]) {
  const sentAt: number[] = [];
  const inner = (async () => {
    sentAt.push(Date.now());
    const next = answers.shift() ?? { status: 200 };
    return new Response(next.status === 304 ? null : '[]', { status: next.status, headers: next.headers });
  }) as typeof fetch;
  return { inner, sentAt };
}

describe('meteredFetch', () => {
  it('counts requests and 304s', async () => {
    const meter = newRequestMeter();
    const { inner } = scripted([{ status: 200 }, { status: 304 }, { status: 200 }]);
    const send = meteredFetch(inner, meter, 120_000);
    for (let n = 0; n < 3; n++) await send('http://api/x');
    expect(meter).toEqual({ requests: 3, notModified: 1, heldMs: 0 });
  });

  it('holds the next request until past the reset once the limit is used up', async () => {
    const meter = newRequestMeter();
    const resetAt = Math.ceil(Date.now() / 1000);
    const { inner, sentAt } = scripted([
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) } },
      { status: 200 },
    ]);
    const send = meteredFetch(inner, meter, 120_000);
    await send('http://api/x');
    await send('http://api/y');
    expect(sentAt[1]).toBeGreaterThanOrEqual(resetAt * 1000 + 1000);
    expect(meter.heldMs).toBeGreaterThan(0);
  });

  it('does not hold for a reset beyond the longest wait: that request fails as rate limited instead', async () => {
    const meter = newRequestMeter();
    const far = String(Math.ceil(Date.now() / 1000) + 3600);
    const { inner } = scripted([
      { status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': far } },
    ]);
    const send = meteredFetch(inner, meter, 120_000);
    await send('http://api/x');
    await send('http://api/y');
    expect(meter).toMatchObject({ requests: 2, heldMs: 0 });
  });
});
