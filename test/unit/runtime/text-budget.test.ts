import { TextBudget } from '../../../subgraphs/runtime/text-budget';

describe("a request's budget of stored text", () => {
  it('hands back every text while the budget holds', () => {
    const budget = new TextBudget(300_000);
    expect(budget.spend('x'.repeat(100_000))).toHaveLength(100_000);
    expect(budget.spend('y'.repeat(100_000))).toHaveLength(100_000);
  });

  it('refuses with RESPONSE_TOO_LARGE once the bytes returned pass it', () => {
    const budget = new TextBudget(250_000);
    budget.spend('x'.repeat(100_000));
    budget.spend('x'.repeat(100_000));
    expect(() => budget.spend('x'.repeat(100_000))).toThrow(
      expect.objectContaining({ extensions: { code: 'RESPONSE_TOO_LARGE' } }) as Error,
    );
  });

  it('counts bytes, not characters: 100,000 four-byte characters weigh 400,000', () => {
    const budget = new TextBudget(350_000);
    expect(() => budget.spend('😀'.repeat(100_000))).toThrow(/larger than the limit/);
  });

  it('counts short texts at their most (3 bytes a unit), without encoding them', () => {
    const budget = new TextBudget(30);
    budget.spend('abcdefghij'); // 30
    expect(() => budget.spend('k')).toThrow(/larger than the limit/);
  });
});
