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
