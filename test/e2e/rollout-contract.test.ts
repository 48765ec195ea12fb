import type { TokenRequest } from '../../gateway/token-claims';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type GraphQLResponse, type Supergraph } from '../helpers/supergraph';

/**
 * The rollout part of the public contract (docs/api.md, docs/domain.md "Rollout states"), through
 * the gateway over real HTTP: states derived from the append-only history and the clock,
 * the legal transitions, who may ask for them, and what an error may say.
 */
describe('the rollout contract, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;

  const NOW = '2024-01-15T12:00:00.000Z';
  const PLANNED = '2024-02-01T09:00:00.000Z';

  type Action = 'schedule' | 'switchOn' | 'pause' | 'resume';
  interface Period {
    from: string;
    to: string | null;
  }
  interface HistoryEvent {
    kind: string;
    at: string;
    actorRole: string;
    actor: string;
    reason: string | null;
    plannedSwitchOnAt: string | null;
  }
  interface RolloutView {
    accessStatus: string;
    accessPeriods: Period[];
    switchOnAt: string | null;
    plannedSwitchOnAt: string | null;
    pauseReason: string | null;
    rolloutHistory: HistoryEvent[];
  }

  const VIEW = `accessStatus accessPeriods { from to } switchOnAt plannedSwitchOnAt pauseReason
    rolloutHistory { kind at actorRole actor reason plannedSwitchOnAt }`;
  const RESULT = `odsCode accessStatus accessPeriods { from to } switchOnAt plannedSwitchOnAt`;
  const MUTATION: Record<Action, string> = {
    schedule: `mutation($o: ID!, $at: DateTime!) { result: scheduleSwitchOn(odsCode: $o, at: $at) { ${RESULT} } }`,
    switchOn: `mutation($o: ID!) { result: switchOn(odsCode: $o) { ${RESULT} } }`,
    pause: `mutation($o: ID!, $reason: String!) { result: pauseAccess(odsCode: $o, reason: $reason) { ${RESULT} } }`,
    resume: `mutation($o: ID!, $at: DateTime) { result: resumeAccess(odsCode: $o, at: $at) { ${RESULT} } }`,
  };
  const ACTIONS: Action[] = ['schedule', 'switchOn', 'pause', 'resume'];
  type Result = { result: Omit<RolloutView, 'pauseReason' | 'rolloutHistory'> & { odsCode: string } };

  const plusMs = (instant: string, ms: number) => new Date(new Date(instant).getTime() + ms).toISOString();

  /** A practice no other test touches. */
  let next = 0;
  async function newPractice(supplier = 'EMIS'): Promise<string> {
    const odsCode = `R${String(10000 + next++)}`;
    await s.createPractice(odsCode, supplier);
    return odsCode;
  }

  function act(role: TokenRequest, action: Action, odsCode: string, options: { at?: string | null; reason?: string } = {}) {
    const variables: Record<string, unknown> = { o: odsCode };
    if (action === 'schedule') variables.at = options.at ?? plusMs(supergraph.clock.now().toISOString(), 7 * 86_400_000);
    if (action === 'resume' && options.at !== undefined) variables.at = options.at;
    if (action === 'pause') variables.reason = options.reason ?? 'Clinical safety review';
    return s.as<Result>(role, MUTATION[action], variables);
  }

  async function done(
    role: TokenRequest,
    action: Action,
    odsCode: string,
    options: { at?: string | null; reason?: string } = {},
  ) {
    const response = await act(role, action, odsCode, options);
    expect(response.body.errors ?? []).toEqual([]);
    return response.body.data!.result;
  }

  async function read(odsCode: string, role: TokenRequest = Scenario.nhse): Promise<RolloutView> {
    const data = await s.ok<{ practice: RolloutView }>(role, `query($o: ID!) { practice(odsCode: $o) { ${VIEW} } }`, {
      o: odsCode,
    });
    return data.practice;
  }

  /** Refused with exactly `code`, no result, and the practice's state and history as before. */
  async function expectRefusedAndUnchanged(odsCode: string, code: string, attempt: () => Promise<GraphQLResponse<Result>>) {
    const before = await read(odsCode);
    const response = await attempt();
    expect(codes(response)).toEqual([code]);
    expect(response.body.data?.result ?? null).toBeNull();
    expect(await read(odsCode)).toEqual(before);
    return response;
  }

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  beforeEach(() => {
    s.at(NOW);
  });

  describe('states', () => {
    it('a practice with no history is NOT_SCHEDULED, with no access periods and no instants', async () => {
      const practice = await newPractice();
      expect(await read(practice)).toEqual({
        accessStatus: 'NOT_SCHEDULED',
        accessPeriods: [],
        switchOnAt: null,
        plannedSwitchOnAt: null,
        pauseReason: null,
        rolloutHistory: [],
      });
    });

    it("a switch-on scheduled by the practice's supplier is SCHEDULED until the planned instant and ENABLED from exactly that instant, with no background job", async () => {
      const practice = await newPractice('TPP');
      const result = await done(Scenario.supplier('TPP'), 'schedule', practice, { at: PLANNED });
      expect(result).toMatchObject({
        odsCode: practice,
        accessStatus: 'SCHEDULED',
        plannedSwitchOnAt: PLANNED,
        switchOnAt: null,
        accessPeriods: [],
      });
      expect(await read(practice)).toMatchObject({
        accessStatus: 'SCHEDULED',
        plannedSwitchOnAt: PLANNED,
        switchOnAt: null,
        accessPeriods: [],
      });

      s.at(plusMs(PLANNED, -1));
      expect(await read(practice)).toMatchObject({
        accessStatus: 'SCHEDULED',
        plannedSwitchOnAt: PLANNED,
        switchOnAt: null,
        accessPeriods: [],
      });

      s.at(PLANNED);
      expect(await read(practice)).toMatchObject({
        accessStatus: 'ENABLED',
        accessPeriods: [{ from: PLANNED, to: null }],
        switchOnAt: PLANNED,
        plannedSwitchOnAt: null,
      });
    });

    it('rescheduling changes the plan, and the history lists SCHEDULED then RESCHEDULED, oldest first, with who asked and the plan', async () => {
      const practice = await newPractice();
      const later = '2024-03-01T08:00:00.000Z';
      await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED });
      s.at('2024-01-20T10:30:00.000Z');
      const result = await done(Scenario.nhse, 'schedule', practice, { at: later });
      expect(result).toMatchObject({ accessStatus: 'SCHEDULED', plannedSwitchOnAt: later });

      const view = await read(practice);
      expect(view.plannedSwitchOnAt).toBe(later);
      expect(view.rolloutHistory).toEqual([
        { kind: 'SCHEDULED', at: NOW, actorRole: 'supplier', actor: 'EMIS', reason: null, plannedSwitchOnAt: PLANNED },
        {
          kind: 'RESCHEDULED',
          at: '2024-01-20T10:30:00.000Z',
          actorRole: 'nhse',
          actor: 'nhse-test',
          reason: null,
          plannedSwitchOnAt: later,
        },
      ]);

      s.at(PLANNED);
      expect(await read(practice)).toMatchObject({ accessStatus: 'SCHEDULED', plannedSwitchOnAt: later, accessPeriods: [] });
      s.at(later);
      expect(await read(practice)).toMatchObject({
        accessStatus: 'ENABLED',
        switchOnAt: later,
        accessPeriods: [{ from: later, to: null }],
      });
    });

    it('switchOn enables at once, from the current instant', async () => {
      const practice = await newPractice();
      const result = await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      expect(result).toMatchObject({
        accessStatus: 'ENABLED',
        switchOnAt: NOW,
        accessPeriods: [{ from: NOW, to: null }],
        plannedSwitchOnAt: null,
      });
      expect((await read(practice)).rolloutHistory).toEqual([
        { kind: 'SWITCHED_ON', at: NOW, actorRole: 'supplier', actor: 'EMIS', reason: null, plannedSwitchOnAt: null },
      ]);
    });

    it('pauseAccess closes the open period at the pause instant (exclusive) and records the reason', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      const PAUSE = '2024-02-10T14:15:00.000Z';
      s.at(PAUSE);
      const result = await done(Scenario.supplier('EMIS'), 'pause', practice, { reason: 'Data-protection impact assessment' });
      expect(result).toMatchObject({ accessStatus: 'PAUSED', accessPeriods: [{ from: NOW, to: PAUSE }], switchOnAt: NOW });

      const view = await read(practice);
      expect(view).toMatchObject({
        accessStatus: 'PAUSED',
        accessPeriods: [{ from: NOW, to: PAUSE }],
        switchOnAt: NOW,
        plannedSwitchOnAt: null,
        pauseReason: 'Data-protection impact assessment',
      });
      expect(view.rolloutHistory.at(-1)).toEqual({
        kind: 'PAUSED',
        at: PAUSE,
        actorRole: 'supplier',
        actor: 'EMIS',
        reason: 'Data-protection impact assessment',
        plannedSwitchOnAt: null,
      });
    });

    it('a scheduled practice that is paused is not switched on at its planned instant', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED });
      await done(Scenario.clinician(practice), 'pause', practice, { reason: 'Opt-in model' });
      s.at(PLANNED);
      expect(await read(practice)).toMatchObject({
        accessStatus: 'PAUSED',
        accessPeriods: [],
        switchOnAt: null,
        plannedSwitchOnAt: null,
        pauseReason: 'Opt-in model',
      });
    });

    it("the pause reason is readable by nhse, analysts, the practice's supplier and its clinicians, and FORBIDDEN to a patient", async () => {
      const practice = await newPractice();
      const REASON = 'Safeguarding concerns under review';
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      await done(Scenario.supplier('EMIS'), 'pause', practice, { reason: REASON });

      for (const role of [Scenario.nhse, Scenario.analyst, Scenario.supplier('EMIS'), Scenario.clinician(practice)]) {
        const data = await s.ok<{ practice: { pauseReason: string | null } }>(
          role,
          `query($o: ID!) { practice(odsCode: $o) { pauseReason } }`,
          { o: practice },
        );
        expect({ role: role.role, pauseReason: data.practice.pauseReason }).toEqual({ role: role.role, pauseReason: REASON });
      }

      const response = await s.as<{ practice: { accessStatus: string; pauseReason: string | null } }>(
        Scenario.patient('9990001375'),
        `query($o: ID!) { practice(odsCode: $o) { accessStatus pauseReason } }`,
        { o: practice },
      );
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.body.data?.practice?.pauseReason ?? null).toBeNull();
      expect(JSON.stringify(response.body)).not.toContain(REASON);
    });

    it("the pause reason and the history are FORBIDDEN to another supplier, another practice's clinician and a patient", async () => {
      const practice = await newPractice();
      const other = await newPractice();
      const REASON = 'Clinical safety review of the letters workflow';
      await done(Scenario.supplier('EMIS'), 'pause', practice, { reason: REASON });
      for (const role of [Scenario.supplier('TPP'), Scenario.clinician(other), Scenario.patient('9990001375')]) {
        for (const field of ['pauseReason', 'rolloutHistory { kind reason actor }']) {
          const response = await s.as<{ practice: { accessStatus: string } | null }>(
            role,
            `query($o: ID!) { practice(odsCode: $o) { accessStatus ${field} } }`,
            { o: practice },
          );
          expect({ role: role.role, field, codes: codes(response) }).toEqual({ role: role.role, field, codes: ['FORBIDDEN'] });
          expect(JSON.stringify(response.body)).not.toContain(REASON);
        }
      }
      // The status itself is public to every signed-in role.
      const status = await s.ok<{ practice: { accessStatus: string } }>(
        Scenario.patient('9990001375'),
        `query($o: ID!) { practice(odsCode: $o) { accessStatus } }`,
        { o: practice },
      );
      expect(status.practice.accessStatus).toBe('PAUSED');
    });

    it('a pause reason is kept as given (trimmed), up to 500 characters, counted as characters', async () => {
      const practice = await newPractice();
      const longest = '\u{1F3E5}'.repeat(500);
      await done(Scenario.supplier('EMIS'), 'pause', practice, { reason: `  ${longest}  ` });
      expect((await read(practice)).pauseReason).toBe(longest);
    });

    it('resumeAccess without an instant opens a new period now; the first switch-on instant stays', async () => {
      const practice = await newPractice();
      const PAUSE = '2024-02-01T00:00:00.000Z';
      const RESUME = '2024-02-20T07:45:00.000Z';
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at(PAUSE);
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      s.at(RESUME);
      const result = await done(Scenario.supplier('EMIS'), 'resume', practice);
      expect(result).toMatchObject({ accessStatus: 'ENABLED' });

      const view = await read(practice);
      expect(view).toMatchObject({
        accessStatus: 'ENABLED',
        accessPeriods: [
          { from: NOW, to: PAUSE },
          { from: RESUME, to: null },
        ],
        switchOnAt: NOW,
        plannedSwitchOnAt: null,
        pauseReason: null,
      });
      expect(view.rolloutHistory.map((event) => event.kind)).toEqual(['SWITCHED_ON', 'PAUSED', 'RESUMED']);
      expect(view.rolloutHistory[2]).toMatchObject({ at: RESUME, plannedSwitchOnAt: null });
    });

    it('resumeAccess with a future instant is SCHEDULED until that instant and ENABLED from exactly it', async () => {
      const practice = await newPractice();
      const PAUSE = '2024-02-01T00:00:00.000Z';
      const RESUME_AT = '2024-03-04T08:00:00.000Z';
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at(PAUSE);
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      s.at('2024-02-15T09:00:00.000Z');
      const result = await done(Scenario.supplier('EMIS'), 'resume', practice, { at: RESUME_AT });
      expect(result).toMatchObject({ accessStatus: 'SCHEDULED', plannedSwitchOnAt: RESUME_AT });

      s.at(plusMs(RESUME_AT, -1));
      expect(await read(practice)).toMatchObject({
        accessStatus: 'SCHEDULED',
        plannedSwitchOnAt: RESUME_AT,
        pauseReason: null,
        accessPeriods: [{ from: NOW, to: PAUSE }],
      });
      s.at(RESUME_AT);
      const view = await read(practice);
      expect(view).toMatchObject({
        accessStatus: 'ENABLED',
        plannedSwitchOnAt: null,
        switchOnAt: NOW,
        accessPeriods: [
          { from: NOW, to: PAUSE },
          { from: RESUME_AT, to: null },
        ],
      });
      expect(view.rolloutHistory.at(-1)).toMatchObject({
        kind: 'RESUMED',
        at: '2024-02-15T09:00:00.000Z',
        plannedSwitchOnAt: RESUME_AT,
      });
    });

    it('an instant given with an offset is read as that instant and answered in UTC with milliseconds', async () => {
      const practice = await newPractice();
      const result = await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: '2024-02-01T10:00:00+01:00' });
      expect(result.plannedSwitchOnAt).toBe(PLANNED);
    });
  });

  describe('illegal transitions are BAD_USER_INPUT and change nothing', () => {
    it('scheduling one millisecond in the past', async () => {
      const practice = await newPractice();
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: plusMs(NOW, -1) }),
      );
    });

    it('scheduling at exactly now', async () => {
      const practice = await newPractice();
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: NOW }),
      );
    });

    it('rescheduling into the past', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED });
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: '2024-01-01T00:00:00.000Z' }),
      );
    });

    it('scheduling an ENABLED practice', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED }),
      );
    });

    it('scheduling a practice that became ENABLED at its planned instant', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED });
      s.at(plusMs(PLANNED, 1000));
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: '2024-03-01T00:00:00.000Z' }),
      );
    });

    it('scheduling a PAUSED practice (it must be resumed)', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED }),
      );
    });

    it('switching on an ENABLED practice', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () => act(Scenario.supplier('EMIS'), 'switchOn', practice));
    });

    it('switching on a PAUSED practice', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      s.at('2024-01-17T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () => act(Scenario.supplier('EMIS'), 'switchOn', practice));
    });

    it('resuming a practice that is not paused (NOT_SCHEDULED, SCHEDULED, ENABLED)', async () => {
      const notScheduled = await newPractice();
      const scheduled = await newPractice();
      const enabled = await newPractice();
      await done(Scenario.supplier('EMIS'), 'schedule', scheduled, { at: PLANNED });
      await done(Scenario.supplier('EMIS'), 'switchOn', enabled);
      for (const practice of [notScheduled, scheduled, enabled]) {
        await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () => act(Scenario.supplier('EMIS'), 'resume', practice));
        await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
          act(Scenario.supplier('EMIS'), 'resume', practice, { at: '2024-03-01T00:00:00.000Z' }),
        );
      }
    });

    it('resuming at an instant that is not in the future', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'resume', practice, { at: '2024-01-16T12:00:00.000Z' }),
      );
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'resume', practice, { at: NOW }),
      );
    });

    it('pausing a PAUSED practice, even with a new reason', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await done(Scenario.supplier('EMIS'), 'pause', practice, { reason: 'First reason' });
      s.at('2024-01-17T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'pause', practice, { reason: 'Second reason' }),
      );
    });

    it('rescheduling to the instant already planned', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED });
      s.at('2024-01-16T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at: PLANNED }),
      );
    });

    it('pausing with a reason over 500 characters', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'pause', practice, { reason: 'x'.repeat(501) }),
      );
    });

    it('the same change asked for eight times at once happens once; the others are refused', async () => {
      const practice = await newPractice();
      const responses = await Promise.all(Array.from({ length: 8 }, () => act(Scenario.supplier('EMIS'), 'switchOn', practice)));
      const outcomes = responses.map((response) => codes(response)[0] ?? 'OK');
      expect(outcomes.filter((outcome) => outcome === 'OK')).toHaveLength(1);
      expect(
        outcomes.filter((outcome) => outcome !== 'OK').every((outcome) => outcome === 'BAD_USER_INPUT' || outcome === 'CONFLICT'),
      ).toBe(true);
      const view = await read(practice);
      expect(view.rolloutHistory.map((event) => event.kind)).toEqual(['SWITCHED_ON']);
      expect(view.accessPeriods).toEqual([{ from: NOW, to: null }]);
    });

    it.each([
      ['empty', ''],
      ['spaces only', '   '],
      ['whitespace only', '\n\t '],
    ])('pausing with a blank reason (%s)', async (_label, reason) => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'pause', practice, { reason }),
      );
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.clinician(practice), 'pause', practice, { reason }),
      );
    });
  });

  describe('who may change the rollout', () => {
    /** One practice where schedule, switchOn and pause are each legal, and one where resume is. */
    async function practicesWhereEveryActionIsLegal(supplier = 'EMIS') {
      const fresh = await newPractice(supplier);
      const paused = await newPractice(supplier);
      await done(Scenario.nhse, 'pause', paused);
      return (action: Action) => (action === 'resume' ? paused : fresh);
    }

    it("a supplier may not act on another supplier's practice: FORBIDDEN, and nothing changes", async () => {
      const practiceFor = await practicesWhereEveryActionIsLegal('EMIS');
      for (const action of ACTIONS) {
        await expectRefusedAndUnchanged(practiceFor(action), 'FORBIDDEN', () =>
          act(Scenario.supplier('TPP'), action, practiceFor(action)),
        );
      }
      // The same requests by the owner succeed, so the refusals above were about the supplier.
      for (const action of ACTIONS) await done(Scenario.supplier('EMIS'), action, practiceFor(action));
    });

    it("a supplier is judged by the practices subgraph's current supplier: after a change of supplier, the old one is refused and the new one allowed", async () => {
      const practice = await newPractice('EMIS');
      await s.createPractice(practice, 'TPP');
      await expectRefusedAndUnchanged(practice, 'FORBIDDEN', () => act(Scenario.supplier('EMIS'), 'switchOn', practice));
      expect(await done(Scenario.supplier('TPP'), 'switchOn', practice)).toMatchObject({ accessStatus: 'ENABLED' });
    });

    it('a clinician may pause their own practice, recorded as the clinician', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      s.at('2024-01-16T12:00:00.000Z');
      const result = await done(Scenario.clinician(practice), 'pause', practice, { reason: 'Our DPIA is not finished' });
      expect(result.accessStatus).toBe('PAUSED');
      expect((await read(practice)).rolloutHistory.at(-1)).toEqual({
        kind: 'PAUSED',
        at: '2024-01-16T12:00:00.000Z',
        actorRole: 'clinician',
        actor: `${practice}:gp-${practice}`,
        reason: 'Our DPIA is not finished',
        plannedSwitchOnAt: null,
      });
    });

    it('a clinician may not pause another practice: FORBIDDEN, and nothing changes', async () => {
      const practice = await newPractice();
      const theirs = await newPractice();
      await done(Scenario.supplier('EMIS'), 'switchOn', practice);
      await expectRefusedAndUnchanged(practice, 'FORBIDDEN', () => act(Scenario.clinician(theirs), 'pause', practice));
    });

    it('a clinician may not schedule, switch on or resume, even their own practice: FORBIDDEN, and nothing changes', async () => {
      const practiceFor = await practicesWhereEveryActionIsLegal();
      for (const action of ['schedule', 'switchOn', 'resume'] as const) {
        const practice = practiceFor(action);
        await expectRefusedAndUnchanged(practice, 'FORBIDDEN', () => act(Scenario.clinician(practice), action, practice));
      }
    });

    it.each([
      ['a patient', Scenario.patient('9990001375')],
      ['a P5 patient', Scenario.patient('9990001375', 'P5')],
      ['an analyst', Scenario.analyst],
    ])('%s may change nothing: FORBIDDEN for every action', async (_label, role) => {
      const practiceFor = await practicesWhereEveryActionIsLegal();
      for (const action of ACTIONS) {
        await expectRefusedAndUnchanged(practiceFor(action), 'FORBIDDEN', () => act(role, action, practiceFor(action)));
      }
    });

    it("nhse may do everything, on any supplier's practice, and is recorded as nhse", async () => {
      const practice = await newPractice('TPP');
      await done(Scenario.nhse, 'schedule', practice, { at: PLANNED });
      s.at('2024-01-16T00:00:00.000Z');
      await done(Scenario.nhse, 'schedule', practice, { at: '2024-02-02T00:00:00.000Z' });
      s.at('2024-01-17T00:00:00.000Z');
      await done(Scenario.nhse, 'switchOn', practice);
      s.at('2024-01-18T00:00:00.000Z');
      await done(Scenario.nhse, 'pause', practice, { reason: 'Clinical safety review' });
      s.at('2024-01-19T00:00:00.000Z');
      await done(Scenario.nhse, 'resume', practice);
      s.at('2024-01-20T00:00:00.000Z');
      await done(Scenario.nhse, 'pause', practice, { reason: 'Clinical safety review again' });
      s.at('2024-01-21T00:00:00.000Z');
      // Exactly the minimum notice (7 days) ahead: no override needed.
      await done(Scenario.nhse, 'resume', practice, { at: '2024-01-28T00:00:00.000Z' });
      s.at('2024-01-28T00:00:00.000Z');

      const view = await read(practice);
      expect(view.accessStatus).toBe('ENABLED');
      expect(view.accessPeriods).toEqual([
        { from: '2024-01-17T00:00:00.000Z', to: '2024-01-18T00:00:00.000Z' },
        { from: '2024-01-19T00:00:00.000Z', to: '2024-01-20T00:00:00.000Z' },
        { from: '2024-01-28T00:00:00.000Z', to: null },
      ]);
      expect(view.rolloutHistory.map((event) => [event.kind, event.actorRole, event.actor])).toEqual([
        ['SCHEDULED', 'nhse', 'nhse-test'],
        ['RESCHEDULED', 'nhse', 'nhse-test'],
        ['SWITCHED_ON', 'nhse', 'nhse-test'],
        ['PAUSED', 'nhse', 'nhse-test'],
        ['RESUMED', 'nhse', 'nhse-test'],
        ['PAUSED', 'nhse', 'nhse-test'],
        ['RESUMED', 'nhse', 'nhse-test'],
      ]);
    });

    it('an unknown practice (a valid ODS code no practice has) is NOT_FOUND for every action and every role that may act', async () => {
      const unknown = 'R99999';
      for (const role of [Scenario.nhse, Scenario.supplier('EMIS')]) {
        for (const action of ACTIONS) {
          const response = await act(role, action, unknown);
          expect({ role: role.role, action, codes: codes(response) }).toEqual({ role: role.role, action, codes: ['NOT_FOUND'] });
        }
      }
      const clinician = await act(Scenario.clinician(unknown), 'pause', unknown);
      expect(codes(clinician)).toEqual(['NOT_FOUND']);
      const read = await s.as(
        Scenario.nhse,
        `query($o: ID!) { practice(odsCode: $o) { accessStatus rolloutHistory { kind } } }`,
        { o: unknown },
      );
      expect(read.body).toEqual({ data: { practice: null } });
    });

    it.each(['A8100', 'a81001', 'A810011', '181001', 'A81 001', ''])(
      'a malformed ODS code (%j) is BAD_USER_INPUT for every action',
      async (odsCode) => {
        for (const role of [Scenario.nhse, Scenario.supplier('EMIS')]) {
          for (const action of ACTIONS) {
            const response = await act(role, action, odsCode);
            expect({ action, codes: codes(response) }).toEqual({ action, codes: ['BAD_USER_INPUT'] });
          }
        }
      },
    );

    const MALFORMED_INSTANTS: [string, string][] = [
      ['a month that does not exist', '2023-13-01'],
      ['a month that does not exist, in full form', '2030-13-01T00:00:00.000Z'],
      ['a word', 'tomorrow'],
      ['no offset', '2030-01-01T00:00:00.000'],
      ['a date without a time', '2030-01-01'],
      ['a number of milliseconds', '1893456000000'],
      ['an offset out of range', '2030-01-01T00:00:00.000+25:00'],
      ['a leap second', '2030-12-31T23:59:60.000Z'],
    ];

    /** Schedule and resume with a malformed instant, as a variable and as a literal; each must be refused with `code` and change nothing. */
    async function expectMalformedInstantRefused(at: string, code: string | null) {
      const practice = await newPractice();
      const paused = await newPractice();
      await done(Scenario.nhse, 'pause', paused);
      const attempts: [string, () => Promise<GraphQLResponse<Result>>][] = [
        [practice, () => act(Scenario.supplier('EMIS'), 'schedule', practice, { at })],
        [paused, () => act(Scenario.supplier('EMIS'), 'resume', paused, { at })],
        [
          practice,
          () =>
            s.as<Result>(
              Scenario.nhse,
              `mutation { result: scheduleSwitchOn(odsCode: "${practice}", at: ${JSON.stringify(at)}) { accessStatus } }`,
            ),
        ],
        [
          paused,
          () =>
            s.as<Result>(
              Scenario.nhse,
              `mutation { result: resumeAccess(odsCode: "${paused}", at: ${JSON.stringify(at)}) { accessStatus } }`,
            ),
        ],
      ];
      for (const [odsCode, attempt] of attempts) {
        const before = await read(odsCode);
        const response = await attempt();
        expect(response.body.errors?.length ?? 0).toBeGreaterThan(0);
        if (code !== null) expect(codes(response)).toEqual([code]);
        expect(response.body.data?.result ?? null).toBeNull();
        expect(await read(odsCode)).toEqual(before);
      }
    }

    it.each(MALFORMED_INSTANTS)(
      'a malformed DateTime (%s: %j) is refused, as a variable or a literal, and changes nothing',
      async (_label, at) => {
        await expectMalformedInstantRefused(at, null);
      },
    );

    // The subgraph refuses a bad scalar with HTTP 400; the gateway passes its BAD_USER_INPUT on
    // (SubgraphDataSource.errorFromResponse) instead of masking it as an internal error.
    it.each(MALFORMED_INSTANTS)(
      'a malformed DateTime (%s: %j) is BAD_USER_INPUT, as a variable or a literal',
      async (_label, at) => {
        await expectMalformedInstantRefused(at, 'BAD_USER_INPUT');
      },
    );

    // `new Date` alone rolls 2025-02-30 over to 2025-03-02: parseInstant checks field by field.
    it.each([
      ['30 February', '2025-02-30T09:00:00.000Z'],
      ['29 February in a common year', '2025-02-29T09:00:00.000Z'],
      ['31 April', '2025-04-31T09:00:00.000Z'],
    ])('a calendar day that does not exist (%s) is BAD_USER_INPUT, never silently another day', async (_label, at) => {
      const practice = await newPractice();
      await expectRefusedAndUnchanged(practice, 'BAD_USER_INPUT', () =>
        act(Scenario.supplier('EMIS'), 'schedule', practice, { at }),
      );
    });

    it('a request without a token is UNAUTHENTICATED (HTTP 401) and changes nothing', async () => {
      const practice = await newPractice();
      const before = await read(practice);
      for (const action of ACTIONS) {
        const response = await supergraph.graphql(null, MUTATION[action], { o: practice, at: PLANNED, reason: 'No token' });
        expect({ action, status: response.status, codes: codes(response) }).toEqual({
          action,
          status: 401,
          codes: ['UNAUTHENTICATED'],
        });
      }
      const readResponse = await supergraph.graphql(null, `query($o: ID!) { practice(odsCode: $o) { accessStatus } }`, {
        o: practice,
      });
      expect(codes(readResponse)).toEqual(['UNAUTHENTICATED']);
      expect(await read(practice)).toEqual(before);
    });

    it('an invalid or tampered token is UNAUTHENTICATED', async () => {
      const practice = await newPractice();
      const token = await s.token(Scenario.nhse);
      const [header, , signature] = token.split('.');
      const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'nhse' })).toString('base64url')}.${signature}`;
      for (const bad of ['not-a-jwt', forged]) {
        const response = await supergraph.graphql(bad, MUTATION.switchOn, { o: practice });
        expect(codes(response)).toEqual(['UNAUTHENTICATED']);
      }
      expect((await read(practice)).accessStatus).toBe('NOT_SCHEDULED');
    });
  });

  describe('what an error may say', () => {
    it('no error response carries a stack trace, a URL, SQL or a subgraph name', async () => {
      const practice = await newPractice();
      await done(Scenario.supplier('EMIS'), 'pause', practice);
      const responses: GraphQLResponse[] = [
        await supergraph.graphql(null, MUTATION.switchOn, { o: practice }),
        await act(Scenario.supplier('TPP'), 'switchOn', practice),
        await act(Scenario.analyst, 'pause', practice),
        await act(Scenario.clinician('R99998'), 'pause', practice),
        await act(Scenario.nhse, 'switchOn', 'R99999'),
        await act(Scenario.nhse, 'switchOn', "A1'; --"),
        await act(Scenario.supplier('EMIS'), 'switchOn', practice),
        await act(Scenario.supplier('EMIS'), 'pause', practice, { reason: ' ' }),
        await act(Scenario.supplier('EMIS'), 'resume', practice, { at: 'tomorrow' }),
        await act(Scenario.supplier('EMIS'), 'resume', practice, { at: NOW }),
        await s.as(
          Scenario.patient('9990001375'),
          `query($o: ID!) { practice(odsCode: $o) { pauseReason rolloutHistory { kind } } }`,
          { o: practice },
        ),
        await s.as(Scenario.nhse, `mutation { switchOn(odsCode: 12) { accessStatus } }`),
        await s.as(Scenario.nhse, `mutation { switchOn(odsCode: "${practice}") { noSuchField } }`),
        await s.as(Scenario.nhse, `mutation { switchOn(odsCode: `),
      ];
      for (const response of responses) {
        const body = JSON.stringify(response.body);
        expect(response.body.errors?.length ?? 0).toBeGreaterThan(0);
        expect(body).not.toMatch(/stacktrace|"stack"|\bat \S+ \(|\.ts:\d+/i);
        expect(body).not.toMatch(/https?:\/\/|127\.0\.0\.1|localhost/);
        expect(body).not.toMatch(/SELECT|INSERT|UPDATE |DELETE |rollout_event|SQLITE|QueryFailedError/);
        for (const error of response.body.errors ?? []) {
          expect(error.extensions?.code).toMatch(
            /^(UNAUTHENTICATED|FORBIDDEN|BAD_USER_INPUT|NOT_FOUND|CONFLICT|RATE_LIMITED|INTERNAL_SERVER_ERROR)$/,
          );
          expect(JSON.stringify(error.extensions ?? {})).not.toMatch(
            /serviceName|practices|rollout|records|PRACTICES|ROLLOUT|RECORDS/,
          );
        }
      }
    });
  });
});
