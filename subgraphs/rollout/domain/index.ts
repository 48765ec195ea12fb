/** The rollout rules: events, the state derived from them, and the transitions between states. */
export * from './rollout-event';
export * from './rollout-state';
export * from './state-machine';
