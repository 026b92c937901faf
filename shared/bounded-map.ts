/**
 * Sets `key` in `map` as its newest entry; when the map already holds `max` entries, the oldest one
 * (the first set or refreshed) goes first. Map keeps insertion order, so this is a small LRU when
 * readers refresh the entries they use with the same call.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key)
  if (map.size >= max) map.delete(map.keys().next().value as K)
  map.set(key, value)
}
