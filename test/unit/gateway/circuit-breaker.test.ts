import { CircuitBreaker } from '../../../gateway/circuit-breaker';
import { RetryBudget } from '../../../gateway/retry-budget';

describe('the circuit breaker of a subgraph', () => {
  let now = 0;
  const breaker = () => new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, () => now);
  beforeEach(() => {
    now = 0;
  });

  it('stays closed below the threshold, and a success resets the count', () => {
    const b = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    expect(b.permit()).toBe(true);
  });

  it('opens at the threshold and fails calls at once until openMs has passed', () => {
    const b = breaker();
    for (let i = 0; i < 3; i += 1) b.failed();
    expect(b.state).toBe('open');
    expect(b.permit()).toBe(false);
    now = 999;
    expect(b.permit()).toBe(false);
    now = 1000;
    expect(b.state).toBe('half-open');
  });

  it('lets one trial out when half-open: its success closes the circuit', () => {
    const b = breaker();
    for (let i = 0; i < 3; i += 1) b.failed();
    now = 1000;
    expect(b.permit()).toBe(true);
    expect(b.permit()).toBe(false); // one trial at a time
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(b.permit()).toBe(true);
  });

  it('a failed trial opens the circuit again for another openMs', () => {
    const b = breaker();
    for (let i = 0; i < 3; i += 1) b.failed();
    now = 1000;
    expect(b.permit()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    now = 1999;
    expect(b.permit()).toBe(false);
    now = 2000;
    expect(b.permit()).toBe(true);
  });

  it("says how long an open circuit stays open (a refused client's wait), and 0 when it is not open", () => {
    const b = breaker();
    expect(b.reopensInMs).toBe(0);
    for (let i = 0; i < 3; i += 1) b.failed();
    expect(b.reopensInMs).toBe(1000);
    now = 400;
    expect(b.reopensInMs).toBe(600);
    now = 1000;
    expect(b.reopensInMs).toBe(0); // half-open
    b.succeeded();
    expect(b.reopensInMs).toBe(0);
  });
});

describe('the retry budget', () => {
  it('starts full, spends one per retry, and refills at the ratio of requests', () => {
    const budget = new RetryBudget(0.1, 2);
    expect([budget.withdraw(), budget.withdraw(), budget.withdraw()]).toEqual([true, true, false]);
    for (let i = 0; i < 9; i += 1) budget.deposit();
    expect(budget.withdraw()).toBe(false); // 0.9 of a retry
    budget.deposit();
    expect(budget.withdraw()).toBe(true); // the tenth request earned one
  });

  it('never holds more than its cap', () => {
    const budget = new RetryBudget(0.5, 1);
    for (let i = 0; i < 100; i += 1) budget.deposit();
    expect([budget.withdraw(), budget.withdraw()]).toEqual([true, false]);
  });
});
