import type { RolloutState } from '../../../subgraphs/rollout/domain/rollout-state';

/**
 * What must hold of any derived state, whatever the history: a list of problems, empty when
 * sound, so property tests can report the first broken rule by name.
 */
export function periodProblems(state: RolloutState): string[] {
  const problems: string[] = [];
  state.periods.forEach((period, index) => {
    const from = period.from.getTime();
    if (Number.isNaN(from)) problems.push(`period ${index} starts at an invalid date`);
    if (period.to !== null && !(period.to.getTime() > from)) problems.push(`period ${index} is empty or reversed`);
    if (period.to === null && index !== state.periods.length - 1) problems.push(`period ${index} is open but not last`);
    const next = state.periods[index + 1];
    if (next && period.to !== null && period.to.getTime() > next.from.getTime()) {
      problems.push(`period ${index} overlaps the next`);
    }
  });
  const last = state.periods[state.periods.length - 1];
  const open = last !== undefined && last.to === null;
  if ((state.status === 'ENABLED') !== open) problems.push(`status ${state.status} but last period open: ${open}`);
  if ((state.switchOnAt?.getTime() ?? null) !== (state.periods[0]?.from.getTime() ?? null)) {
    problems.push('switchOnAt is not the start of the first period');
  }
  if ((state.plannedSwitchOnAt !== null) !== (state.status === 'SCHEDULED')) {
    problems.push(`plannedSwitchOnAt ${String(state.plannedSwitchOnAt)} with status ${state.status}`);
  }
  if (state.pauseReason !== null && state.status !== 'PAUSED') problems.push('pauseReason set while not PAUSED');
  return problems;
}
