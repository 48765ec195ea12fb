import { benchSettings } from '../bench-settings';

/** `npm run bench`'s settings: SQLite unless told, PostgreSQL only with a server to load into. */
describe('bench settings', () => {
  it('run on SQLite by default, the national preset', () => {
    expect(benchSettings({})).toMatchObject({ database: 'sqlite', preset: 'national' });
    expect(benchSettings({}).databaseUrl).toBeUndefined();
  });

  it('run on PostgreSQL with a server to load the data set into', () => {
    expect(
      benchSettings({ BENCH_DATABASE: 'postgres', BENCH_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }),
    ).toMatchObject({ database: 'postgres', databaseUrl: 'postgres://postgres@127.0.0.1:5432/test' });
  });

  it('refuse PostgreSQL without a server, naming the variable', () => {
    expect(() => benchSettings({ BENCH_DATABASE: 'postgres' })).toThrow(/BENCH_DATABASE_URL/);
    expect(() => benchSettings({ BENCH_DATABASE: 'mysql' })).toThrow(/BENCH_DATABASE/);
  });

  it('know the ten-times preset', () => {
    expect(benchSettings({ BENCH_PRESET: 'tenfold' }).preset).toBe('tenfold');
    expect(() => benchSettings({ BENCH_PRESET: 'huge' })).toThrow(/small, national or tenfold/);
  });

  it('refuse more patients than the test range has NHS numbers for', () => {
    expect(benchSettings({ BENCH_PATIENTS: '909091' }).patients).toBe(909_091);
    expect(() => benchSettings({ BENCH_PATIENTS: '909092' })).toThrow(/BENCH_PATIENTS/);
  });
});
