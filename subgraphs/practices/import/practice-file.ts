import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { DataSource } from 'typeorm';
import { EpraccurRows, type Rejection } from './epraccur-row';
import { applyPracticeImport, importableIcbCodes, type ImportCounts } from './practice-import';
import { PracticeStore } from '../store/practice-store';
import { silentProgress, type Progress } from '../../runtime/progress-bar';

/**
 * An ODS GP practice file (epraccur.csv layout) applied to the practices database: the whole
 * file is read and checked before anything is written; then every valid practice is applied in
 * one transaction. The outcome tells what was added, updated, skipped and rejected.
 */
export type ImportOutcome =
  | { kind: 'unreadable'; message: string }
  | { kind: 'imported'; counts: ImportCounts; skipped: ReadonlyMap<string, number>; rejected: readonly Rejection[] };

interface ParsedRecord {
  record: string[];
  info: { lines: number; bytes: number };
}

/** Streams the file through csv-parse into checked rows; throws if it cannot be read or parsed. */
async function readEpraccurFile(file: string, isKnownIcb: (code: string) => boolean, progress: Progress): Promise<EpraccurRows> {
  const rows = new EpraccurRows(isKnownIcb);
  // Column counts are checked row by row (a clear reason each), not by the parser.
  const parser = createReadStream(file).pipe(parse({ info: true, relax_column_count: true, bom: true, skip_empty_lines: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      // csv-parse counts lines up to the end of the record; a quoted field may span lines.
      const newlinesInside = record.reduce((count, field) => count + (field.match(/\n/g)?.length ?? 0), 0);
      rows.add(record, info.lines - newlinesInside);
      progress.update(info.bytes);
    }
  } catch (error) {
    progress.finish(false);
    throw error;
  }
  progress.finish();
  return rows;
}

export async function importPracticesFile(
  file: string,
  dataSource: DataSource,
  options: { now: Date; progress?: (totalBytes: number) => Progress },
): Promise<ImportOutcome> {
  const store = new PracticeStore(dataSource);
  let rows: EpraccurRows;
  try {
    const { size } = await stat(file);
    const knownIcbs = await importableIcbCodes(store);
    rows = await readEpraccurFile(file, (code) => knownIcbs.has(code), options.progress?.(size) ?? silentProgress);
  } catch (error) {
    return { kind: 'unreadable', message: error instanceof Error ? error.message : String(error) };
  }
  const counts = await applyPracticeImport(store, rows.practices, options.now);
  return { kind: 'imported', counts, skipped: rows.skipped, rejected: rows.rejected };
}

export function exitCodeOf(outcome: ImportOutcome): 0 | 1 | 2 {
  if (outcome.kind === 'unreadable') return 1;
  return outcome.rejected.length > 0 ? 2 : 0;
}

/** The summary printed at the end: counts, then each rejected line with its reason (never the row). */
export function summaryOf(file: string, outcome: ImportOutcome): string {
  if (outcome.kind === 'unreadable') {
    return `Cannot import ${basename(file)}: ${outcome.message}\nNothing was changed.`;
  }
  const { counts, skipped, rejected } = outcome;
  const skippedTotal = [...skipped.values()].reduce((total, count) => total + count, 0);
  const bySetting = [...skipped.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([setting, count]) => `${setting === '' ? '(none)' : setting}: ${count}`)
    .join(', ');
  const lines = [
    `Practices import from ${basename(file)}`,
    `  added:     ${counts.added}`,
    `  updated:   ${counts.updated}`,
    `  unchanged: ${counts.unchanged}`,
    `  skipped:   ${skippedTotal}${skippedTotal > 0 ? ` (not GP practices, by prescribing setting: ${bySetting})` : ''}`,
    `  rejected:  ${rejected.length}`,
  ];
  if (counts.icbsAdded.length > 0) lines.push(`  ICBs created from the reference list: ${counts.icbsAdded.join(', ')}`);
  if (rejected.length > 0) {
    lines.push('Rejected rows (not applied):');
    for (const row of rejected) lines.push(`  line ${row.line}${row.odsCode ? ` (${row.odsCode})` : ''}: ${row.reason}`);
  }
  return lines.join('\n');
}
