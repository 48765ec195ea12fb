import { OperationThirds } from '../soak/operation-thirds';
import { cpuPerThird } from '../soak/soak';

describe("the soak's operations by third of the run", () => {
  it("keeps each operation's first and last thirds apart and leaves out the middle", () => {
    const thirds = new OperationThirds(1_000, 30); // started at 1 s, 30 s long: thirds end at 11 s and 21 s
    for (let i = 1; i <= 100; i++) thirds.push('page', 1_000 + i, i); // first third: 1..100 ms
    thirds.push('page', 15_000, 9_999); // the middle third: counted nowhere
    for (let i = 1; i <= 50; i++) thirds.push('page', 21_000 + i, 10 * i); // last third: 10..500 ms
    thirds.push('page', 31_500, 7); // sent after the end: not a third of the run
    thirds.push('list', 10_999, 3); // the last instant of the first third
    thirds.push('list', 11_000, 4); // the first of the middle

    const [page, list] = thirds.table();
    expect(page).toEqual({
      name: 'page',
      first: { requests: 100, p50: 51, p99: 100 },
      last: { requests: 50, p50: 260, p99: 500 },
    });
    expect(list).toEqual({ name: 'list', first: { requests: 1, p50: 3, p99: 3 }, last: { requests: 0, p50: 0, p99: 0 } });
  });
});

describe("the soak's CPU per request by third", () => {
  const operations = [
    { name: 'page', first: { requests: 100, p50: 1, p99: 2 }, last: { requests: 50, p50: 1, p99: 2 } },
    { name: 'list', first: { requests: 100, p50: 1, p99: 2 }, last: { requests: 50, p50: 1, p99: 2 } },
  ];

  it("divides each process's CPU in a third by the requests sent in it", () => {
    const cpuAt = [{ records: 0 }, { records: 400 }, { records: 1_000 }, { records: 1_300 }];
    expect(cpuPerThird(cpuAt, operations)).toEqual({ records: { first: 2, last: 3 } });
  });

  it('gives nothing when a snapshot is missing, the middle ones included', () => {
    const sparse: Record<string, number>[] = [];
    sparse[0] = { records: 0 };
    sparse[3] = { records: 1_300 };
    expect(cpuPerThird(sparse, operations)).toEqual({});
    expect(cpuPerThird([{ records: 0 }, { records: 1 }, { records: 2 }], operations)).toEqual({});
  });
});
