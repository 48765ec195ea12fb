/**
 * One value read from a store, kept while the store's version (see data-version.ts) stays the
 * same. The caller reads the version first and passes it in; the value is loaded only after
 * that, so what is kept is never older than the version it is kept under, and a write
 * committed before a request began changes the version that request reads: every request sees
 * every write that came before it, as if nothing were kept.
 *
 * Requests that find the same new version share one load. A failed load is forgotten, and its
 * callers get the failure: never an older value in its place (fail closed).
 */
export class VersionedSnapshot<T> {
  private kept: { version: string; value: Promise<T> } | undefined;

  /** The value for `version`, loading it (after this call, never before) unless it is kept. */
  read(version: string, load: () => Promise<T>): Promise<T> {
    if (this.kept?.version === version) return this.kept.value;
    const kept = { version, value: load() };
    this.kept = kept;
    kept.value.catch(() => {
      if (this.kept === kept) this.kept = undefined;
    });
    return kept.value;
  }
}
