/**
 * Delivery ids the agent has accepted, remembered for as long as their signed timestamp would still
 * pass the skew check — after that the timestamp alone refuses a replay. Optionally persisted in a
 * small JSON file so that a restart does not reopen the window.
 * @module
 */
import { readFile, rename, writeFile } from 'node:fs/promises';

/** Remembers delivery ids until they expire. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  /** @param stateFile Where to persist the ids (none: memory only). */
  private constructor(private readonly stateFile: string | undefined) {}

  /** A guard holding the unexpired ids of `stateFile`, when given and present. */
  static async open(stateFile?: string, now = Date.now()): Promise<ReplayGuard> {
    const guard = new ReplayGuard(stateFile);
    if (stateFile === undefined) return guard;
    let text: string;
    try {
      text = await readFile(stateFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return guard;
      throw new Error(`cannot read the deploy agent's state file ${stateFile}: check its permissions`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`the deploy agent's state file ${stateFile} is not JSON: delete it to start afresh`, { cause: error });
    }
    const seen = (parsed as { seen?: Record<string, unknown> } | null)?.seen ?? {};
    for (const [id, expires] of Object.entries(seen)) {
      if (typeof expires === 'number' && expires > now) guard.seen.set(id, expires);
    }
    return guard;
  }

  /**
   * Records `id` until `expiresAt` (ms since epoch) and resolves true, or resolves false when it was
   * already recorded. The check and the record happen before any await, so two concurrent requests
   * with the same id cannot both pass.
   */
  async claim(id: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    for (const [key, expires] of this.seen) if (expires <= now) this.seen.delete(key);
    if (this.seen.has(id)) return false;
    this.seen.set(id, expiresAt);
    await this.persist();
    return true;
  }

  /** Number of ids remembered. */
  get size(): number {
    return this.seen.size;
  }

  private async persist(): Promise<void> {
    if (this.stateFile === undefined) return;
    // Write then rename: a crash mid-write leaves the previous file whole.
    const temp = `${this.stateFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ seen: Object.fromEntries(this.seen) }), { mode: 0o600 });
    await rename(temp, this.stateFile);
  }
}
