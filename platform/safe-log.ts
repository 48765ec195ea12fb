/**
 * Errors from drivers can quote the values they choked on (a duplicate key, a bad date),
 * which may be NHS numbers or clinical text. What we log of an unexpected error is its
 * name and its message with long digit runs and quoted values removed.
 */
export function loggableError(error: unknown): { name: string; message: string } {
  const name = error instanceof Error ? error.name : typeof error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw
    .replace(/\d{6,}/g, '[digits]')
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]{20,}"/g, '"…"')
    .replace(/\(([^)]*)\)=\(([^)]*)\)/g, '($1)=(…)')
    .slice(0, 300);
  return { name, message };
}
