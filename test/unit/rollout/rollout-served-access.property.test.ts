import { buildSubgraphSchema } from '@apollo/subgraph';
// Exported from the package's root only from 2.15, which needs Node 22; 2.14 keeps it here.
import type { GraphQLResolverMap } from '@apollo/subgraph';
import fc from 'fast-check';
import { execute, parse } from 'graphql';
import { DateScalar, DateTimeScalar } from '../../../subgraphs/runtime/scalars';
import { subgraphTypeDefs } from '../../../subgraphs/runtime/start-subgraph';
import { parsePracticeAccess } from '../../../subgraphs/records/domain/practice-access';
import type { RolloutContext } from '../../../subgraphs/rollout/context';
import type { AccessStatus, RolloutEvent, RolloutEventKind } from '../../../subgraphs/rollout/domain/rollout-event';
import { DAY_MS, decide, type RolloutCommand } from '../../../subgraphs/rollout/domain/state-machine';
import { resolvers } from '../../../subgraphs/rollout/resolvers';
import { supplier } from './rollout-builders';

/**
 * Whatever commands a practice's rollout goes through, what rollout serves as its access
 * (accessStatus, accessPeriods) is what docs/domain.md's "Rollout states" say it should be, and the
 * records subgraph accepts it: a refused access fails a whole practice's patient view.
 */

const HOUR = 3_600_000;
const START = Date.parse('2024-01-15T12:00:00.000Z');
const ODS_CODE = 'A81001';
/** Suppliers tell practices of a planned switch-on in advance: a week, the configured default. */
const NOTICE_MS = 7 * DAY_MS;

// What rollout serves: its own schema, resolvers and DateTime scalar, as the gateway fetches it.
const schema = buildSubgraphSchema([
  {
    typeDefs: subgraphTypeDefs('rollout'),
    resolvers: { DateTime: DateTimeScalar, Date: DateScalar, ...resolvers } as GraphQLResolverMap<unknown>,
  },
]);
// The fields records @requires of the patient's registered practice.
const REGISTERED_PRACTICE = parse(`query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Practice { accessStatus accessPeriods { from to } } }
}`);

/** The JSON the gateway forwards to records for a practice with this history, asked at `now`. */
async function servedAccess(history: readonly RolloutEvent[], now: number): Promise<unknown> {
  // Only what the Practice resolvers read: the request's instant, the history and the directory.
  const context = {
    now: new Date(now),
    loaders: { history: { load: async () => history }, known: { load: async () => true } },
  } as unknown as RolloutContext;
  const result = await execute({
    schema,
    document: REGISTERED_PRACTICE,
    variableValues: { representations: [{ __typename: 'Practice', odsCode: ODS_CODE }] },
    contextValue: context,
  });
  expect(result.errors).toBeUndefined();
  return (JSON.parse(JSON.stringify(result.data)) as { _entities: unknown[] })._entities[0];
}

// The oracle: docs/domain.md "Rollout states" (and "Who sees what" for periods), written on its own.
interface Expected {
  status: AccessStatus;
  periods: { from: number; to: number | null }[];
  planned: number | null;
}

/** Commands as data, so the oracle and rollout are given the very same thing. */
type Step =
  | { advance: 'by'; ms: number }
  | { advance: 'toPlan'; offsetMs: number }
  | { command: 'scheduleSwitchOn'; at: PlanSpec }
  | { command: 'cancelSwitchOn' }
  | { command: 'switchOn' }
  | { command: 'pauseAccess'; reason: string }
  | { command: 'resumeAccess'; at: PlanSpec | null };
/** A planned instant: some time from now (zero or less is not in the future), or one asked for before. */
type PlanSpec = { fromNowMs: number } | { earlierPlan: true };

/** A planned switch-on or resume takes effect by itself at its instant. */
function planTakesEffect(model: Expected, now: number): void {
  if (model.status === 'SCHEDULED' && model.planned !== null && model.planned <= now) openPeriod(model, model.planned);
}

/** Switch-on and resume open an access period at their instant. */
function openPeriod(model: Expected, from: number): void {
  model.periods.push({ from, to: null });
  model.status = 'ENABLED';
  model.planned = null;
}

/** A pause closes the open period; one closed at the instant it opened held no instant, so it is none. */
function closePeriod(model: Expected, to: number): void {
  const open = model.periods.find((period) => period.to === null);
  if (open === undefined) return;
  if (to > open.from) open.to = to;
  else model.periods.splice(model.periods.indexOf(open), 1);
}

/** A planned instant must be in the future, and far enough ahead for the practice to be told. */
const withNotice = (planned: number, now: number): boolean => planned > now && planned - now >= NOTICE_MS;

/** Applies the command at `now` if the domain allows it; false (and nothing changed) if refused. */
function oracleApplies(model: Expected, command: RolloutCommand, now: number): boolean {
  const { status } = model;
  switch (command.kind) {
    case 'scheduleSwitchOn': {
      // A plan is for a practice not yet on and not paused ("never switched on without resuming"),
      // with notice; the plan already in force changes nothing.
      const at = command.at.getTime();
      if (status === 'ENABLED' || status === 'PAUSED' || !withNotice(at, now) || model.planned === at) return false;
      Object.assign(model, { status: 'SCHEDULED', planned: at });
      return true;
    }
    case 'cancelSwitchOn':
      // NOT_SCHEDULED means never on: a practice that has had access stops a planned resume by a pause.
      if (status !== 'SCHEDULED' || model.periods.length > 0) return false;
      Object.assign(model, { status: 'NOT_SCHEDULED', planned: null });
      return true;
    case 'switchOn':
      if (status === 'ENABLED' || status === 'PAUSED') return false;
      openPeriod(model, now);
      return true;
    case 'pauseAccess':
      // Paused from any other state; pausing a paused practice changes nothing.
      if (status === 'PAUSED') return false;
      closePeriod(model, now);
      Object.assign(model, { status: 'PAUSED', planned: null });
      return true;
    case 'resumeAccess': {
      if (status !== 'PAUSED') return false;
      if (command.at === null) openPeriod(model, now);
      else if (withNotice(command.at.getTime(), now))
        Object.assign(model, { status: 'SCHEDULED', planned: command.at.getTime() });
      else return false;
      return true;
    }
  }
}

const expectedServed = (model: Expected) => ({
  accessStatus: model.status,
  accessPeriods: model.periods.map(({ from, to }) => ({
    from: new Date(from).toISOString(),
    to: to === null ? null : new Date(to).toISOString(),
  })),
});

// Random command sequences, given to rollout's command path and to the oracle alike.

// Plans mostly with the notice, some just short of it or not in the future at all.
const fromNow = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 72 }).map((hours) => NOTICE_MS + hours * HOUR) },
  { weight: 1, arbitrary: fc.constantFrom(NOTICE_MS - 1, HOUR, 0, -1, -DAY_MS) },
);
const planSpec: fc.Arbitrary<PlanSpec> = fc.oneof(
  { weight: 5, arbitrary: fromNow.map((fromNowMs) => ({ fromNowMs })) },
  { weight: 1, arbitrary: fc.constant({ earlierPlan: true as const }) },
);
// Commands more often than moves of time, so sequences reach deep into the states.
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(0, 1, HOUR, DAY_MS).map((ms) => ({ advance: 'by' as const, ms })),
  fc.integer({ min: 1, max: 12 * 24 }).map((hours) => ({ advance: 'by' as const, ms: hours * HOUR })),
  fc.constantFrom(-1, 0, 0, 1).map((offsetMs) => ({ advance: 'toPlan' as const, offsetMs })),
  { weight: 2, arbitrary: planSpec.map((at) => ({ command: 'scheduleSwitchOn' as const, at })) },
  { weight: 2, arbitrary: fc.constant({ command: 'cancelSwitchOn' as const }) },
  { weight: 2, arbitrary: fc.constant({ command: 'switchOn' as const }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('Data-protection impact assessment', 'Opt-in model', 'Safeguarding concerns', 'Clinical safety review')
      .map((reason) => ({ command: 'pauseAccess' as const, reason })),
  },
  { weight: 3, arbitrary: fc.option(planSpec, { nil: null }).map((at) => ({ command: 'resumeAccess' as const, at })) },
);

/** A planned resume cannot be cancelled (decision 0013): switchOn, pauseAccess, resumeAccess later, cancelSwitchOn. */
const PLANNED_RESUME_NOT_CANCELLED: Step[] = [
  { command: 'switchOn' },
  { advance: 'by', ms: DAY_MS },
  { command: 'pauseAccess', reason: 'Clinical safety review' },
  { command: 'resumeAccess', at: { fromNowMs: 8 * DAY_MS } },
  { advance: 'by', ms: HOUR },
  { command: 'cancelSwitchOn' },
  { advance: 'toPlan', offsetMs: 0 },
];

/** The command a step asks for at `now`; plans asked for so far are remembered for later steps. */
function commandOf(step: Exclude<Step, { advance: string }>, now: number, plans: number[]): RolloutCommand {
  const instant = (spec: PlanSpec) => new Date('earlierPlan' in spec ? (plans[plans.length - 1] ?? now) : now + spec.fromNowMs);
  switch (step.command) {
    case 'scheduleSwitchOn':
      return { kind: 'scheduleSwitchOn', at: instant(step.at) };
    case 'resumeAccess':
      return { kind: 'resumeAccess', at: step.at === null ? null : instant(step.at) };
    case 'pauseAccess':
      return { kind: 'pauseAccess', reason: step.reason };
    default:
      return { kind: step.command };
  }
}

/** Time moves on: by some time, or to (around) the next instant planned so far. */
function advanced(step: Extract<Step, { advance: string }>, now: number, plans: readonly number[]): number {
  if (step.advance === 'by') return now + step.ms;
  const next = plans.filter((plan) => plan > now).sort((a, b) => a - b)[0];
  return next === undefined ? now : Math.max(now, next + step.offsetMs);
}

async function expectServedAsOracleSays(history: readonly RolloutEvent[], model: Expected, now: number, after: string) {
  planTakesEffect(model, now);
  const served = await servedAccess(history, now);
  expect({ after, served }).toEqual({ after, served: expectedServed(model) });
  expect({ after, parsed: parsePracticeAccess(served, new Date(now)) !== null }).toEqual({ after, parsed: true });
}

/** Runs the steps through decide (as the mutations do), checking what is served after each. */
async function runSteps(steps: readonly Step[]): Promise<void> {
  const history: RolloutEvent[] = [];
  const model: Expected = { status: 'NOT_SCHEDULED', periods: [], planned: null };
  const plans: number[] = [];
  let now = START;
  for (const [index, step] of steps.entries()) {
    if ('advance' in step) {
      now = advanced(step, now, plans);
      await expectServedAsOracleSays(history, model, now, `step ${index}: time moved to ${new Date(now).toISOString()}`);
      continue;
    }
    const command = commandOf(step, now, plans);
    if ('at' in command && command.at !== null) plans.push(command.at.getTime());
    const decision = decide(history, command, supplier, new Date(now));
    planTakesEffect(model, now);
    const refusal = decision.ok ? null : decision.message;
    const oracleRefuses = !oracleApplies(model, command, now);
    // Both sides carry rollout's message, so a disagreement shows why rollout refused.
    expect({ step: index, command, refused: refusal !== null, refusal }).toEqual({
      step: index,
      command,
      refused: oracleRefuses,
      refusal,
    });
    if (decision.ok) history.push(decision.event);
    await expectServedAsOracleSays(history, model, now, `step ${index}: ${command.kind}`);
  }
}

// Histories rollout may find in its table, even ones decide would not build today.
const KINDS: RolloutEventKind[] = ['SCHEDULED', 'RESCHEDULED', 'CANCELLED', 'SWITCHED_ON', 'PAUSED', 'RESUMED'];
/** Events an hour or so apart, any kind in any order, some with a plan a few hours after them. */
const storedHistory: fc.Arbitrary<RolloutEvent[]> = fc
  .array(
    fc.record({
      gapHours: fc.integer({ min: 0, max: 3 }),
      kind: fc.constantFrom(...KINDS),
      planHours: fc.option(fc.integer({ min: -1, max: 12 }), { nil: null }),
      reason: fc.option(fc.constantFrom('Opt-in model', ' '), { nil: null }),
    }),
    { maxLength: 12 },
  )
  .map((rows) => {
    let at = START;
    return rows.map(({ gapHours, kind, planHours, reason }) => {
      at += gapHours * HOUR;
      const plannedSwitchOnAt = planHours === null ? null : new Date(at + planHours * HOUR);
      return { kind, at: new Date(at), actor: supplier, reason, plannedSwitchOnAt, noticeOverridden: false };
    });
  });
const askedAt = fc.integer({ min: 0, max: 48 }).map((hours) => new Date(START + hours * HOUR));

describe('what rollout serves as a practice’s access', () => {
  it('is, after every command and every move of time, what docs/domain.md’s rollout states give, and records accepts it', async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { maxLength: 30, size: 'max' }), runSteps), {
      numRuns: 300,
      examples: [[PLANNED_RESUME_NOT_CANCELLED]],
    });
  });

  it('is accepted by records whatever history is stored, even a planned resume cancelled before that was refused', async () => {
    await fc.assert(
      fc.asyncProperty(storedHistory, askedAt, async (history, asOf) => {
        const served = await servedAccess(history, asOf.getTime());
        expect({ history, asOf, parsed: parsePracticeAccess(served, asOf) !== null }).toMatchObject({ parsed: true });
      }),
      { numRuns: 2000 },
    );
  });
});
