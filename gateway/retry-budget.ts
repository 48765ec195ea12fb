/**
 * How many retries a subgraph may be sent, as a share of its requests: every request adds
 * `ratio` of a retry to the budget (up to `cap`), every retry spends one. So retries stay a
 * small, bounded addition to the load (10% by default) and cannot multiply it when a
 * subgraph struggles, which is when retries would otherwise pile up.
 */
export class RetryBudget {
  private balance: number;

  constructor(
    private readonly ratio = 0.1,
    private readonly cap = 10,
  ) {
    this.balance = cap;
  }

  /** Whole retries the budget holds now (a figure for the operator). */
  get available(): number {
    return Math.floor(this.balance + 1e-9);
  }

  deposit(): void {
    this.balance = Math.min(this.cap, this.balance + this.ratio);
  }

  /** Spends one retry if the budget holds one. */
  withdraw(): boolean {
    if (this.balance < 1 - 1e-9) return false; // ten deposits of 0.1 make a whole retry, rounding aside
    this.balance -= 1;
    return true;
  }
}
