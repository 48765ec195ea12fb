import type { PatientViewQuery } from '../../../subgraphs/records/store/entry-queries';
import { KeptCounts } from '../../../subgraphs/records/caches/kept-counts';

const at = (iso: string) => new Date(iso);
const query = (notAfter: string, overrides: Partial<PatientViewQuery> = {}): PatientViewQuery => ({
  nhsNumber: '9990001375',
  window: {
    notAfter: at(notAfter),
    stretches: [{ from: at('2023-01-01T00:00:00.000Z').getTime(), to: null }],
  },
  types: null,
  after: null,
  limit: 0,
  ...overrides,
});

describe('KeptCounts: a count is reused only when counting again would give it', () => {
  const NEXT = at('2024-03-01T12:00:00.000Z').getTime();

  it('reuses a count under the same record version, for a later end before the next entry becomes available', () => {
    const kept = new KeptCounts();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', 42, NEXT);
    expect(kept.get(query('2024-03-01T09:00:00.000Z'), 'v1')).toBe(42);
    expect(kept.get(query('2024-03-01T11:59:59.999Z'), 'v1')).toBe(42);
  });

  it('counts again from the instant the next entry becomes available (exactly then), and when the end moves back', () => {
    const kept = new KeptCounts();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', 42, NEXT);
    expect(kept.get(query('2024-03-01T12:00:00.000Z'), 'v1')).toBeUndefined();
    expect(kept.get(query('2024-03-01T08:59:59.999Z'), 'v1')).toBeUndefined();
  });

  it('with no entry to come, holds for any later end', () => {
    const kept = new KeptCounts();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', 7, null);
    expect(kept.get(query('2030-01-01T00:00:00.000Z'), 'v1')).toBe(7);
  });

  it('counts again after any write to the patient’s entries (a new version), and never reuses an empty or missing version', () => {
    const kept = new KeptCounts();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', 42, NEXT);
    expect(kept.get(query('2024-03-01T09:00:00.000Z'), 'v2')).toBeUndefined();
    expect(kept.get(query('2024-03-01T09:00:00.000Z'), undefined)).toBeUndefined();
    kept.keep(query('2024-03-01T09:00:00.000Z', { nhsNumber: '9990001383' }), '', 5, null);
    expect(kept.get(query('2024-03-01T09:00:00.000Z', { nhsNumber: '9990001383' }), '')).toBeUndefined();
  });

  it('keeps counts apart by patient, visible stretches and types', () => {
    const kept = new KeptCounts();
    const base = query('2024-03-01T09:00:00.000Z');
    kept.keep(base, 'v1', 42, null);
    const others: PatientViewQuery[] = [
      { ...base, nhsNumber: '9990001383' },
      { ...base, window: { ...base.window, stretches: [{ from: at('2023-01-01T00:00:00.001Z').getTime(), to: null }] } },
      {
        ...base,
        window: {
          ...base.window,
          stretches: [{ from: at('2023-01-01T00:00:00.000Z').getTime(), to: at('2023-06-01T00:00:00.000Z').getTime() }],
        },
      },
      { ...base, window: { ...base.window, stretches: [] } },
      { ...base, types: ['TEST_RESULT'] },
      { ...base, types: [] },
    ];
    for (const other of others) expect(kept.get(other, 'v1')).toBeUndefined();
    expect(kept.get(base, 'v1')).toBe(42);
  });

  it('keeps nothing unreadable (a count or an instant that is not a number)', () => {
    const kept = new KeptCounts();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', Number.NaN, null);
    expect(kept.get(query('2024-03-01T09:00:00.000Z'), 'v1')).toBeUndefined();
    kept.keep(query('2024-03-01T09:00:00.000Z'), 'v1', 3, Number.NaN);
    expect(kept.get(query('2024-03-01T09:00:00.000Z'), 'v1')).toBeUndefined();
  });

  it('stays right past the number of counts it keeps', () => {
    const kept = new KeptCounts(2);
    kept.keep(query('2024-03-01T09:00:00.000Z', { nhsNumber: '1' }), 'v', 1, null);
    kept.keep(query('2024-03-01T09:00:00.000Z', { nhsNumber: '2' }), 'v', 2, null);
    kept.keep(query('2024-03-01T09:00:00.000Z', { nhsNumber: '3' }), 'v', 3, null);
    expect(kept.get(query('2024-03-01T09:00:00.000Z', { nhsNumber: '3' }), 'v')).toBe(3);
    expect(kept.get(query('2024-03-01T09:00:00.000Z', { nhsNumber: '1' }), 'v')).toBeUndefined();
  });
});
