// Small helper: a two-level map (dev_id -> key -> value) used by every per-tenant store.
export class DevMap<K, V> {
  private readonly devs = new Map<number, Map<K, V>>();

  get(dev: number, key: K): V | undefined {
    return this.devs.get(dev)?.get(key);
  }

  set(dev: number, key: K, value: V): void {
    let m = this.devs.get(dev);
    if (!m) this.devs.set(dev, (m = new Map()));
    m.set(key, value);
  }

  delete(dev: number, key: K): boolean {
    const m = this.devs.get(dev);
    if (!m) return false;
    const had = m.delete(key);
    if (m.size === 0) this.devs.delete(dev);
    return had;
  }

  has(dev: number, key: K): boolean {
    return this.devs.get(dev)?.has(key) ?? false;
  }

  keys(dev: number): IterableIterator<K> {
    return (this.devs.get(dev) ?? new Map<K, V>()).keys();
  }

  size(): number {
    let n = 0;
    for (const m of this.devs.values()) n += m.size;
    return n;
  }
}
