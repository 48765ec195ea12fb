import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Rollout's operations through the gateway: a supplier's phased wave, the notice a practice
 * is owed (and NHS England's override, on the record), cancelling a plan, and the
 * notifications each change leaves on the practice for its clinicians.
 */
describe('rollout operations, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const DAY = 86_400_000;
  const inDays = (days: number, from = NOW) => new Date(Date.parse(from) + days * DAY).toISOString();
  const WAVE_AT = inDays(21);

  const WAVE = `mutation($codes: [ID!]!, $at: DateTime!, $override: Boolean! = false) {
    scheduleSwitchOnWave(odsCodes: $codes, at: $at, overrideMinimumNotice: $override) {
      scheduled { odsCode name accessStatus plannedSwitchOnAt }
      skipped { odsCode kind reason }
    }
  }`;
  const STATE = `query($o: ID!) { practice(odsCode: $o) { accessStatus plannedSwitchOnAt
    rolloutHistory { kind actorRole actor plannedSwitchOnAt noticeOverridden } } }`;
  const NOTIFICATIONS = `query($o: ID!) { practice(odsCode: $o) { notifications { at kind message plannedSwitchOnAt } } }`;

  interface PracticeState {
    accessStatus: string;
    plannedSwitchOnAt: string | null;
    rolloutHistory: {
      kind: string;
      actorRole: string;
      actor: string;
      plannedSwitchOnAt: string | null;
      noticeOverridden: boolean;
    }[];
  }
  const stateOf = async (odsCode: string) =>
    (await s.ok<{ practice: PracticeState }>(Scenario.nhse, STATE, { o: odsCode })).practice;

  let next = 0;
  async function newPractice(supplier = 'EMIS'): Promise<string> {
    const odsCode = `W${String(10000 + next++)}`;
    await s.createPractice(odsCode, supplier);
    return odsCode;
  }

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW });
    s = new Scenario(supergraph);
  });
  afterAll(() => supergraph.stop());
  beforeEach(() => s.at(NOW));

  describe('scheduleSwitchOnWave', () => {
    it("schedules a supplier's practices in one call and skips each other one with its reason", async () => {
      const [fresh, alreadyPlanned, pausedOne, enabledOne, sameInstant, tppOne] = [
        await newPractice(),
        await newPractice(),
        await newPractice(),
        await newPractice(),
        await newPractice(),
        await newPractice('TPP'),
      ];
      await s.schedule(alreadyPlanned, inDays(30));
      await s.pause(pausedOne);
      await s.switchOn(enabledOne);
      await s.schedule(sameInstant, WAVE_AT);

      const codesInWave = [fresh, alreadyPlanned, pausedOne, enabledOne, sameInstant, tppOne, 'W99999'];
      const data = await s.ok<{ scheduleSwitchOnWave: { scheduled: unknown[]; skipped: unknown[] } }>(
        Scenario.supplier('EMIS'),
        WAVE,
        { codes: codesInWave, at: WAVE_AT },
      );
      expect(data.scheduleSwitchOnWave).toEqual({
        scheduled: [
          { odsCode: fresh, name: `Practice ${fresh}`, accessStatus: 'SCHEDULED', plannedSwitchOnAt: WAVE_AT },
          { odsCode: alreadyPlanned, name: `Practice ${alreadyPlanned}`, accessStatus: 'SCHEDULED', plannedSwitchOnAt: WAVE_AT },
        ],
        skipped: [
          { odsCode: pausedOne, kind: 'PAUSED', reason: expect.stringMatching(/resume it first/) },
          { odsCode: enabledOne, kind: 'ALREADY_ENABLED', reason: expect.stringMatching(/already on/) },
          {
            odsCode: sameInstant,
            kind: 'ALREADY_SCHEDULED',
            reason: expect.stringMatching(/already scheduled for that instant/),
          },
          { odsCode: tppOne, kind: 'NOT_YOUR_PRACTICE', reason: "The practice is on another supplier's system" },
          { odsCode: 'W99999', kind: 'UNKNOWN_PRACTICE', reason: 'No practice has this ODS code' },
        ],
      });
      expect((await stateOf(fresh)).rolloutHistory).toEqual([
        { kind: 'SCHEDULED', actorRole: 'supplier', actor: 'EMIS', plannedSwitchOnAt: WAVE_AT, noticeOverridden: false },
      ]);
      expect((await stateOf(alreadyPlanned)).rolloutHistory.map((e) => e.kind)).toEqual(['SCHEDULED', 'RESCHEDULED']);
      expect((await stateOf(tppOne)).rolloutHistory).toEqual([]);
      expect((await stateOf(pausedOne)).accessStatus).toBe('PAUSED');

      // The wave's plan takes effect by itself at its instant.
      s.at(WAVE_AT);
      expect((await stateOf(fresh)).accessStatus).toBe('ENABLED');
    });

    it("nhse may put any supplier's practices in one wave", async () => {
      const [emis, tpp] = [await newPractice('EMIS'), await newPractice('TPP')];
      const data = await s.ok<{ scheduleSwitchOnWave: { scheduled: { odsCode: string }[]; skipped: unknown[] } }>(
        Scenario.nhse,
        WAVE,
        { codes: [emis, tpp], at: WAVE_AT },
      );
      expect(data.scheduleSwitchOnWave.scheduled.map((p) => p.odsCode)).toEqual([emis, tpp]);
      expect((await stateOf(tpp)).rolloutHistory[0]).toMatchObject({ actorRole: 'nhse', actor: 'nhse-test' });
    });

    it.each([
      [
        'a malformed code',
        (a: string, b: string) => ({ codes: [a, 'not-a-code', b], at: WAVE_AT }),
        /one letter and five digits/,
      ],
      ['a repeated code', (a: string, b: string) => ({ codes: [a, b, a], at: WAVE_AT }), /appears more than once/],
      ['no code at all', () => ({ codes: [], at: WAVE_AT }), /at least one practice/],
      ['an instant in the past', (a: string, b: string) => ({ codes: [a, b], at: inDays(-1) }), /must be in the future/],
      [
        'an instant with less than 7 days\u2019 notice',
        (a: string, b: string) => ({ codes: [a, b], at: inDays(6) }),
        /at least 7 days/,
      ],
    ])('a bad argument (%s) refuses the whole wave and changes nothing', async (_name, variables, message) => {
      const [a, b] = [await newPractice(), await newPractice()];
      const response = await s.as(Scenario.supplier('EMIS'), WAVE, variables(a, b));
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toMatch(message);
      expect(response.body.data).toBeNull();
      for (const code of [a, b]) expect(await stateOf(code)).toMatchObject({ accessStatus: 'NOT_SCHEDULED', rolloutHistory: [] });
    });

    it('a wave of more than 5,000 practices is refused before anything is looked up', async () => {
      const many = Array.from({ length: 5001 }, (_, i) => `W${String(50000 + i).padStart(5, '0')}`);
      const response = await s.as(Scenario.supplier('EMIS'), WAVE, { codes: many, at: WAVE_AT });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors![0]!.message).toBe('A wave may hold at most 5000 practices; split it');
    });

    it.each([
      ['an analyst', Scenario.analyst],
      ['a clinician', Scenario.clinician('W00001')],
      ['a patient', Scenario.patient('9990001375')],
    ])('%s may not schedule a wave', async (_name, role) => {
      const odsCode = await newPractice();
      expect(codes(await s.as(role, WAVE, { codes: [odsCode], at: WAVE_AT }))).toEqual(['FORBIDDEN']);
      expect((await stateOf(odsCode)).rolloutHistory).toEqual([]);
    });

    it('scheduleSwitchOns gives each practice its own instant, checked like a wave', async () => {
      const [a, b] = [await newPractice(), await newPractice()];
      const mutation = `mutation($plans: [PlannedSwitchOnInput!]!) { scheduleSwitchOns(plans: $plans) {
        scheduled { odsCode plannedSwitchOnAt } skipped { odsCode kind } } }`;
      const plans = [
        { odsCode: a, at: inDays(10) },
        { odsCode: b, at: inDays(20) },
      ];
      expect(await s.ok(Scenario.supplier('EMIS'), mutation, { plans })).toEqual({
        scheduleSwitchOns: {
          scheduled: [
            { odsCode: a, plannedSwitchOnAt: inDays(10) },
            { odsCode: b, plannedSwitchOnAt: inDays(20) },
          ],
          skipped: [],
        },
      });
      const [c, d] = [await newPractice(), await newPractice()];
      const tooSoon = await s.as(Scenario.supplier('EMIS'), mutation, {
        plans: [
          { odsCode: c, at: inDays(10) },
          { odsCode: d, at: inDays(2) },
        ],
      });
      expect(codes(tooSoon)).toEqual(['BAD_USER_INPUT']);
      expect(tooSoon.body.errors![0]!.message).toMatch(new RegExp(`^${d}: Practices must be told at least 7 days`));
      expect((await stateOf(c)).rolloutHistory).toEqual([]);
    });
  });

  describe('the minimum notice', () => {
    const SCHEDULE = `mutation($o: ID!, $at: DateTime!, $override: Boolean! = false) {
      scheduleSwitchOn(odsCode: $o, at: $at, overrideMinimumNotice: $override) { accessStatus plannedSwitchOnAt } }`;

    it('a supplier must give at least 7 days: exactly 7 is accepted, a millisecond less refused', async () => {
      const odsCode = await newPractice();
      const short = await s.as(Scenario.supplier('EMIS'), SCHEDULE, {
        o: odsCode,
        at: new Date(Date.parse(inDays(7)) - 1).toISOString(),
      });
      expect(codes(short)).toEqual(['BAD_USER_INPUT']);
      expect(short.body.errors![0]!.message).toBe(
        'Practices must be told at least 7 days before a switch-on: plan it for 2024-01-22T12:00:00.000Z or later',
      );
      expect(await s.ok(Scenario.supplier('EMIS'), SCHEDULE, { o: odsCode, at: inDays(7) })).toEqual({
        scheduleSwitchOn: { accessStatus: 'SCHEDULED', plannedSwitchOnAt: inDays(7) },
      });
    });

    it('a supplier may not override it; nhse may, and the history and the notification say so', async () => {
      const odsCode = await newPractice();
      const asked = await s.as(Scenario.supplier('EMIS'), SCHEDULE, { o: odsCode, at: inDays(1), override: true });
      expect(codes(asked)).toEqual(['FORBIDDEN']);
      expect(codes(await s.as(Scenario.nhse, SCHEDULE, { o: odsCode, at: inDays(1) }))).toEqual(['BAD_USER_INPUT']);
      expect(await s.ok(Scenario.nhse, SCHEDULE, { o: odsCode, at: inDays(1), override: true })).toEqual({
        scheduleSwitchOn: { accessStatus: 'SCHEDULED', plannedSwitchOnAt: inDays(1) },
      });
      expect((await stateOf(odsCode)).rolloutHistory).toEqual([
        { kind: 'SCHEDULED', actorRole: 'nhse', actor: 'nhse-test', plannedSwitchOnAt: inDays(1), noticeOverridden: true },
      ]);
      const { practice } = await s.ok<{ practice: { notifications: { message: string }[] } }>(
        Scenario.clinician(odsCode),
        NOTIFICATIONS,
        { o: odsCode },
      );
      expect(practice.notifications[0]!.message).toMatch(/NHS England set it with less than the usual minimum notice/);
    });

    it('holds for a resume planned for later; a resume now needs no notice', async () => {
      const RESUME = `mutation($o: ID!, $at: DateTime) { resumeAccess(odsCode: $o, at: $at) { accessStatus } }`;
      const odsCode = await newPractice();
      await s.pause(odsCode);
      expect(codes(await s.as(Scenario.supplier('EMIS'), RESUME, { o: odsCode, at: inDays(3) }))).toEqual(['BAD_USER_INPUT']);
      expect(await s.ok(Scenario.supplier('EMIS'), RESUME, { o: odsCode, at: inDays(8) })).toEqual({
        resumeAccess: { accessStatus: 'SCHEDULED' },
      });
    });

    it('is configurable (ROLLOUT_MINIMUM_NOTICE_DAYS): with 14 days, 10 days are refused', async () => {
      const strict = await startSupergraph({ now: NOW, minimumNoticeDays: 14 });
      try {
        const t = new Scenario(strict);
        await t.createPractice('W90001');
        const response = await t.as(Scenario.supplier('EMIS'), SCHEDULE, { o: 'W90001', at: inDays(10) });
        expect(response.body.errors![0]!.message).toMatch(/at least 14 days/);
        await t.ok(Scenario.supplier('EMIS'), SCHEDULE, { o: 'W90001', at: inDays(14) });
      } finally {
        await strict.stop();
      }
    });
  });

  describe('cancelling and notifications', () => {
    const CANCEL = `mutation($o: ID!) { cancelSwitchOn(odsCode: $o) { accessStatus plannedSwitchOnAt } }`;

    it('a supplier cancels a planned switch-on: NOT_SCHEDULED, and the plan never takes effect', async () => {
      const odsCode = await newPractice();
      await s.schedule(odsCode, inDays(10));
      s.at(inDays(1));
      expect(await s.ok(Scenario.supplier('EMIS'), CANCEL, { o: odsCode })).toEqual({
        cancelSwitchOn: { accessStatus: 'NOT_SCHEDULED', plannedSwitchOnAt: null },
      });
      s.at(inDays(11));
      expect((await stateOf(odsCode)).accessStatus).toBe('NOT_SCHEDULED');
      expect(codes(await s.as(Scenario.supplier('EMIS'), CANCEL, { o: odsCode }))).toEqual(['BAD_USER_INPUT']);
    });

    it('a planned resume is not cancelled (BAD_USER_INPUT, nothing changes) but stopped by a pause, and the patient view never fails', async () => {
      const odsCode = await newPractice();
      await s.registerPatient(odsCode, '9990001375');
      await s.switchOn(odsCode);
      s.at(inDays(1));
      await s.pause(odsCode);
      await s.resume(odsCode, inDays(10));

      const refused = await s.as(Scenario.supplier('EMIS'), CANCEL, { o: odsCode });
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.body.errors![0]!.message).toMatch(/Cannot cancel a planned resume.*pause the practice again/);
      expect(await stateOf(odsCode)).toMatchObject({
        accessStatus: 'SCHEDULED',
        plannedSwitchOnAt: inDays(10),
        rolloutHistory: [{ kind: 'SWITCHED_ON' }, { kind: 'PAUSED' }, { kind: 'RESUMED', plannedSwitchOnAt: inDays(10) }],
      });
      // Records accepts what rollout serves: the patient view answers, showing nothing.
      expect(await s.patientSees('9990001375')).toMatchObject({ titles: [], totalCount: 0 });

      s.at(inDays(2));
      await s.pause(odsCode, 'The practice asked to stay paused');
      s.at(inDays(10));
      expect(await stateOf(odsCode)).toMatchObject({ accessStatus: 'PAUSED', plannedSwitchOnAt: null });
      expect(await s.patientSees('9990001375')).toMatchObject({ state: 'PRACTICE_PAUSED', titles: [] });
    });

    it.each([
      ['a clinician of the practice', (o: string) => Scenario.clinician(o)],
      ['another supplier', () => Scenario.supplier('TPP')],
      ['an analyst', () => Scenario.analyst],
    ])('%s may not cancel', async (_name, role) => {
      const odsCode = await newPractice();
      await s.schedule(odsCode, inDays(10));
      expect(codes(await s.as(role(odsCode), CANCEL, { o: odsCode }))).toEqual(['FORBIDDEN']);
      expect((await stateOf(odsCode)).accessStatus).toBe('SCHEDULED');
    });

    it("every change leaves a notification the practice's clinicians read, newest first", async () => {
      const odsCode = await newPractice();
      await s.schedule(odsCode, inDays(10));
      s.at(inDays(1));
      await s.schedule(odsCode, inDays(12));
      s.at(inDays(2));
      await s.ok(Scenario.supplier('EMIS'), CANCEL, { o: odsCode });
      s.at(inDays(3));
      await s.schedule(odsCode, inDays(14));
      s.at(inDays(14));
      s.at(inDays(15));
      await s.pause(odsCode, 'Safeguarding concerns raised by the practice');

      const { practice } = await s.ok<{
        practice: { notifications: { at: string; kind: string; plannedSwitchOnAt: string | null }[] };
      }>(Scenario.clinician(odsCode), NOTIFICATIONS, { o: odsCode });
      expect(practice.notifications.map(({ at, kind, plannedSwitchOnAt }) => [at, kind, plannedSwitchOnAt])).toEqual([
        [inDays(15), 'ACCESS_PAUSED', null],
        [inDays(14), 'SWITCHED_ON', inDays(14)],
        [inDays(3), 'SWITCH_ON_SCHEDULED', inDays(14)],
        [inDays(2), 'SWITCH_ON_CANCELLED', inDays(12)],
        [inDays(1), 'SWITCH_ON_RESCHEDULED', inDays(12)],
        [NOW, 'SWITCH_ON_SCHEDULED', inDays(10)],
      ]);
    });

    it.each([
      ['its clinicians', true, (o: string) => Scenario.clinician(o)],
      ['its supplier', true, () => Scenario.supplier('EMIS')],
      ['nhse', true, () => Scenario.nhse],
      ['another practice\u2019s clinicians', false, () => Scenario.clinician('W88888')],
      ['another supplier', false, () => Scenario.supplier('TPP')],
      ['an analyst', false, () => Scenario.analyst],
      ['a patient', false, () => Scenario.patient('9990001375')],
    ])("a practice's notifications, read by %s: allowed %s", async (_name, allowed, role) => {
      const odsCode = await newPractice();
      await s.schedule(odsCode, inDays(10));
      const response = await s.as<{ practice: { notifications: unknown[] } | null }>(role(odsCode), NOTIFICATIONS, {
        o: odsCode,
      });
      if (allowed) expect(response.body.data?.practice?.notifications).toHaveLength(1);
      else expect(codes(response)).toEqual(['FORBIDDEN']);
    });
  });
});
