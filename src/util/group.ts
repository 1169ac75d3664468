/**
 * Appends to the list kept at `key`, made on first use. Grouping by copying the list on every
 * append (`map.set(k, [...(map.get(k) ?? []), v])`) is quadratic: on a 3,000-file release the
 * serde rule's groups alone copied 170 MB that way.
 */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A Map or a WeakMap. */
interface Keyed<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): unknown;
}

/** The value kept at `key`, made by `make` (and kept) on first use: work done once per key. */
export function getOrCreate<K, V>(map: Keyed<K, V>, key: K, make: (key: K) => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make(key);
    map.set(key, value);
  }
  return value;
}
