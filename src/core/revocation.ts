// The JWT deny-list (revoked_tokens) per dev_id: the texts as inserted (what SELECT lists and
// DELETE removes) and their canonical keys (what login checks), so every spelling is refused.
import { DevMap } from './keyed.js';
import { revocationKey } from './jwt-encoding.js';

export class RevocationList {
  /** Inserted text -> its key. */
  private readonly texts = new DevMap<string, string>();
  /** Key -> how many inserted texts carry it (two spellings of one token may both be listed). */
  private readonly keys = new DevMap<string, number>();

  add(dev: number, token: string): void {
    if (this.texts.has(dev, token)) return;
    const key = revocationKey(token);
    this.texts.set(dev, token, key);
    this.keys.set(dev, key, (this.keys.get(dev, key) ?? 0) + 1);
  }

  delete(dev: number, token: string): void {
    const key = this.texts.get(dev, token);
    if (key === undefined) return;
    this.texts.delete(dev, token);
    const left = (this.keys.get(dev, key) ?? 1) - 1;
    if (left > 0) this.keys.set(dev, key, left);
    else this.keys.delete(dev, key);
  }

  /** This exact text was inserted. */
  has(dev: number, token: string): boolean {
    return this.texts.has(dev, token);
  }

  /** Inserted texts, in insertion order. */
  tokens(dev: number): IterableIterator<string> {
    return this.texts.keys(dev);
  }

  /** Some spelling of this token was inserted: a login with it is refused. */
  refuses(dev: number, token: string): boolean {
    return this.keys.has(dev, revocationKey(token));
  }
}
