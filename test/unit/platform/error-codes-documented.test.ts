import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, REQUEST_ERROR_CODES } from '../../../platform/errors';

/**
 * docs/api.md's table of error codes is what a frontend team codes against: every public code
 * the gateway can return has a row with its HTTP status, what it means and what a client does,
 * and Apollo's own codes are named where the page says what becomes of them.
 */
const api = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'api.md'), 'utf8');

interface Row {
  code: string;
  statuses: string;
  meaning: string;
  action: string;
}

function errorTable(markdown: string): Row[] {
  const section = markdown.split('\n### Error codes\n')[1]?.split(/\n#{2,3} /)[0];
  if (!section) throw new Error('docs/api.md has no "### Error codes" section');
  return section
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` /.test(line))
    .map((line) => {
      const [code, statuses, meaning, action] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      return { code: code!.replace(/`/g, ''), statuses: statuses!, meaning: meaning!, action: action! };
    });
}

describe('the error codes in docs/api.md', () => {
  const rows = errorTable(api);

  it.each(Object.values(ErrorCode))('%s has a row', (code) => {
    expect(rows.map((row) => row.code)).toContain(code);
  });

  it('gives each code one row, with HTTP statuses, a meaning and what a client does', () => {
    expect(new Set(rows.map((row) => row.code)).size).toBe(rows.length);
    for (const row of rows) {
      expect({ code: row.code, statuses: row.statuses }).toEqual({
        code: row.code,
        statuses: expect.stringMatching(/^[1-5]\d\d(, [1-5]\d\d)*$/),
      });
      expect(row.meaning.length).toBeGreaterThan(20);
      expect(row.action.length).toBeGreaterThan(20);
    }
  });

  it('names every Apollo code the gateway reports as another, after the table', () => {
    const after = api.split('\n### Error codes\n')[1]!;
    for (const code of Object.keys(REQUEST_ERROR_CODES)) expect(after).toContain(`\`${code}\``);
  });

  it('finds a missing code: a table without OVERLOADED lacks it', () => {
    const without = api
      .split('\n')
      .filter((line) => !line.startsWith('| `OVERLOADED`'))
      .join('\n');
    expect(errorTable(without).map((row) => row.code)).not.toContain('OVERLOADED');
  });
});
