import { benchSettings } from '../bench-settings';

describe('BENCH_PEERS', () => {
  it("runs both of Hive Gateway's configurations unless told otherwise", () => {
    expect(benchSettings({}).peers).toEqual(['hive', 'hive-rust']);
  });

  it('runs only the ones named', () => {
    expect(benchSettings({ BENCH_PEERS: 'hive-rust' }).peers).toEqual(['hive-rust']);
  });

  it('refuses a name that is not a peer, saying which are', () => {
    expect(() => benchSettings({ BENCH_PEERS: 'hive,apollo-router' })).toThrow(
      'BENCH_PEERS: a comma-separated list of hive, hive-rust',
    );
  });
});
