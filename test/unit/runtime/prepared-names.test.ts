import { PreparedNames } from '../../../subgraphs/runtime/prepared-statements';

describe('the names of prepared statements', () => {
  it('gives one name per text, for good, and other texts other names', () => {
    const names = new PreparedNames({ texts: 10, maxLength: 100 });
    const a = names.nameOf('SELECT 1 WHERE $1');
    expect(a).toBeDefined();
    expect(names.nameOf('SELECT 1 WHERE $1')).toBe(a);
    expect(names.nameOf('SELECT 2 WHERE $1')).not.toBe(a);
    expect(names.size).toBe(2);
  });

  it('names no text past the longest, and no new text once the limit of texts is reached', () => {
    const names = new PreparedNames({ texts: 2, maxLength: 20 });
    expect(names.nameOf('x'.repeat(21))).toBeUndefined();
    const first = names.nameOf('SELECT $1');
    names.nameOf('SELECT $1, $2');
    expect(names.nameOf('SELECT $1, $2, $3')).toBeUndefined();
    // The texts named before the limit keep their names.
    expect(names.nameOf('SELECT $1')).toBe(first);
    expect(names.size).toBe(2);
  });
});
