import { addTo } from '../../util/group.js';

/**
 * Finds many anchors in text at once, as whole names: an anchor that starts (ends) with a name
 * character must not continue a longer name there (`gpt-5.1-codex` is not found inside
 * `gpt-5.1-codex-max`, nor `low` inside `allow`). One pass over the bytes: each maximal run of name
 * characters is hashed as it is read and looked up among the anchors whose first run it is, so the
 * cost is linear in the text whatever the anchor count (a regex or `git grep` with a thousand
 * alternatives tries each one at every position: minutes on a real upstream tree).
 */

/** Name characters: `[A-Za-z0-9_-]`. */
const NAME = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')
  NAME[char.charCodeAt(0)] = 1;
const FIRST_RUN = /[A-Za-z0-9_-]+/;

const lowerByte = (byte: number) => (byte >= 65 && byte <= 90 ? byte + 32 : byte);

/** FNV-1a over ASCII-lowercased bytes: one table serves exact and any-case anchors. */
function hashRun(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ lowerByte(bytes[index]!), 0x01000193);
  return hash >>> 0;
}

interface Entry<K> {
  key: K;
  bytes: Buffer;
  /** Bytes before the first name run (the `/` of `/v1/responses`). */
  lead: number;
  runLength: number;
  /** Ends with a name character: the text must not continue the name there. */
  closed: boolean;
  anyCase: boolean;
}

export interface Needle<K> {
  key: K;
  value: string;
  /** Match in any (ASCII) case: HTTP header names. */
  anyCase?: boolean;
}

export class NameFinder<K> {
  private readonly byFirstRun = new Map<number, Entry<K>[]>();

  constructor(needles: Iterable<Needle<K>>) {
    for (const needle of needles) {
      const run = FIRST_RUN.exec(needle.value);
      // A value without a name character (`::`) names nothing findable as a name.
      if (!run) continue;
      const bytes = Buffer.from(needle.value, 'utf8');
      const lead = Buffer.byteLength(needle.value.slice(0, run.index), 'utf8');
      const entry: Entry<K> = {
        key: needle.key,
        bytes,
        lead,
        runLength: run[0].length,
        closed: NAME[bytes[bytes.length - 1]!] === 1,
        anyCase: needle.anyCase === true,
      };
      const hash = hashRun(bytes, lead, lead + entry.runLength);
      addTo(this.byFirstRun, hash, entry);
    }
  }

  /** The keys of the anchors that occur in `text`. */
  find(text: Uint8Array | string): Set<K> {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const found = new Set<K>();
    if (this.byFirstRun.size === 0) return found;
    const length = bytes.length;
    let index = 0;
    while (index < length) {
      if (NAME[bytes[index]!] === 0) {
        index++;
        continue;
      }
      const start = index;
      let hash = 0x811c9dc5;
      while (index < length && NAME[bytes[index]!] === 1) {
        hash = Math.imul(hash ^ lowerByte(bytes[index]!), 0x01000193);
        index++;
      }
      const entries = this.byFirstRun.get(hash >>> 0);
      if (entries) this.check(entries, bytes, start, index, found);
    }
    return found;
  }

  private check(entries: Entry<K>[], bytes: Uint8Array, runStart: number, runEnd: number, found: Set<K>) {
    for (const entry of entries) {
      if (entry.runLength !== runEnd - runStart || found.has(entry.key)) continue;
      const start = runStart - entry.lead;
      const end = start + entry.bytes.length;
      if (start < 0 || end > bytes.length) continue;
      // The run found is whole, so the start is a name boundary already; the end needs checking.
      if (entry.closed && end < bytes.length && NAME[bytes[end]!] === 1) continue;
      if (equalAt(bytes, start, entry.bytes, entry.anyCase)) found.add(entry.key);
    }
  }
}

function equalAt(bytes: Uint8Array, start: number, value: Buffer, anyCase: boolean): boolean {
  for (let index = 0; index < value.length; index++) {
    const a = bytes[start + index]!;
    const b = value[index]!;
    if (a !== b && !(anyCase && lowerByte(a) === lowerByte(b))) return false;
  }
  return true;
}
