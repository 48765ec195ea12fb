/** The records rules: who sees which entry of a GP record, and the facts they are decided on. */
export * from './exclusion';
export * from './instant';
export * from './nhs-number';
export * from './online-access';
export * from './practice-access';
export * from './record-entry-type';
export * from './sixteenth-birthday';
export * from './visibility';
export * from './visible-window';
