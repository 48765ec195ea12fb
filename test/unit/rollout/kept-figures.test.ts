import { countRollout, type PracticeMember } from '../../../subgraphs/rollout/domain/rollout-figures';
import type { RolloutEvent } from '../../../subgraphs/rollout/domain/rollout-event';
import { KeptFigures } from '../../../subgraphs/rollout/caches/kept-figures';
import { instant, scheduled } from './rollout-builders';

describe('KeptFigures', () => {
  const member = (odsCode: string, icbCode: string): PracticeMember =>
    Object.freeze({ odsCode, supplier: 'EMIS', icbCode, icbName: `ICB ${icbCode}`, openedOn: null, closedOn: null });
  const members = Object.freeze([member('A81001', 'QWO'), member('A81002', 'QOP')]);
  const plan = instant('2024-02-01T08:00');
  const histories = new Map<string, readonly RolloutEvent[]>([
    ['A81001', Object.freeze([Object.freeze(scheduled(instant('2024-01-10T09:00'), plan))])],
  ]);
  const at = (iso: string) => [instant(iso).getTime()];

  it('within one stretch of time, gives the figure it counted; past a change, counts again', () => {
    const figures = new KeptFigures();
    const first = figures.count(members, histories, at('2024-01-15T12:00'), 'ICB', 'England');
    expect(figures.count(members, histories, at('2024-01-31T23:00'), 'ICB', 'England')).toBe(first);
    // The plan takes effect at 08:00 exactly: from that instant the figure differs.
    const after = figures.count(members, histories, at('2024-02-01T08:00'), 'ICB', 'England');
    expect(after).not.toBe(first);
    expect(after).toEqual(countRollout(members, histories, at('2024-02-01T08:00'), 'ICB', 'England'));
    expect(after[0]!.find((c) => c.key === 'QWO')).toMatchObject({ enabled: 1, scheduled: 0 });
    expect(first[0]!.find((c) => c.key === 'QWO')).toMatchObject({ enabled: 0, scheduled: 1 });
  });

  it('keeps nothing for inputs that are not kept (not frozen): each is counted', () => {
    const figures = new KeptFigures();
    const loose = [...members];
    const first = figures.count(loose, histories, at('2024-01-15T12:00'), 'ICB', 'England');
    expect(figures.count(loose, histories, at('2024-01-15T12:00'), 'ICB', 'England')).not.toBe(first);
  });

  it('a figure too large to keep is counted, right, every time', () => {
    const figures = new KeptFigures();
    const many = Object.freeze(
      Array.from({ length: 300 }, (_, i) => member(`B${String(10000 + i)}`, `Q${String(i).padStart(2, '0')}`)),
    );
    const instants = Array.from({ length: 1000 }, (_, i) => instant('2023-01-01T00:00').getTime() + i * 86_400_000);
    const first = figures.count(many, histories, instants, 'ICB', 'England');
    const second = figures.count(many, histories, instants, 'ICB', 'England');
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(first[999]!.length).toBe(300);
  });
});
