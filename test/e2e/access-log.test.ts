import { AccessLogEntity, type AccessLogRow } from '../../subgraphs/records/entities/access-log';
import { ChangeLogEntity } from '../../subgraphs/records/entities/change-log';
import { Scenario, codes } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * The access log (docs/api.md "Patients and approved apps"): every read of a record,
 * by any path, leaves exactly one row with the right count, written before the entries leave
 * the records subgraph; a read whose row cannot be written fails and shows nothing; every
 * change is recorded with its actor; patients and their practice's clinicians read the log.
 */
describe('the access log, through the gateway', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const NOW = '2024-01-15T12:00:00.000Z';
  const ODS = 'A84001';
  const OTHER_ODS = 'A84002';
  let nhsNumbers: string[];
  let next = 0;

  const logOf = async (nhsNumber: string): Promise<AccessLogRow[]> =>
    supergraph.subgraphs.records.database.dataSource
      .getRepository(AccessLogEntity)
      .find({ where: { nhsNumber }, order: { id: 'ASC' } });
  /** The rows a single request adds to a patient's log. */
  async function rowsAddedBy(nhsNumber: string, request: () => Promise<unknown>): Promise<Partial<AccessLogRow>[]> {
    const before = (await logOf(nhsNumber)).length;
    await request();
    return (await logOf(nhsNumber)).slice(before).map(({ actorRole, actorId, clientId, appName, view, entryCount, outcome }) => ({
      actorRole,
      actorId,
      clientId,
      appName,
      view,
      entryCount,
      outcome,
    }));
  }
  const patientOf = (i: number) => nhsNumbers[i]!;

  const LOG = `accessLog(first: 50) { totalCount edges { node { at actorRole actor appName view entryCount outcome } } pageInfo { hasNextPage endCursor } }`;

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: NOW, appRateLimit: { perSecond: 1000, burst: 1000 } });
    s = new Scenario(supergraph);
    s.at('2023-01-01T09:00:00.000Z');
    for (const ods of [ODS, OTHER_ODS]) {
      await s.createPractice(ods);
      await s.switchOn(ods);
    }
    s.at('2023-01-01T10:00:00.000Z'); // clear of the switch-on by more than the clock tolerance
    nhsNumbers = ['9990001375', '9990002746', '9990004110', '9990005486', '9990006857', '9990008221'];
    for (const nhs of nhsNumbers) await s.registerPatient(ODS, nhs);
    for (let i = 0; i < 5; i += 1) await s.addEntry(ODS, patientOf(0), `Entry ${i}`);
    // Its trusted operations: what the tests below have it send (the access log too, which records refuses it).
    await s.approveApp('log-app', ['record:read'], 'Log Reader App', [
      '{ me { record { totalCount } } }',
      '{ me { record { edges { node { title body } } } } }',
      `{ me { ${LOG} } }`,
    ]);
    s.at(NOW);
  });
  afterAll(() => supergraph.stop());

  describe('every read path leaves exactly one row with the right count', () => {
    it('the patient reading their record', async () => {
      const rows = await rowsAddedBy(patientOf(0), () =>
        s.ok(Scenario.patient(patientOf(0)), '{ me { record(first: 3) { edges { node { id } } } } }'),
      );
      expect(rows).toEqual([
        {
          actorRole: 'patient',
          actorId: expect.any(String),
          clientId: null,
          appName: null,
          view: 'PATIENT',
          entryCount: 3,
          outcome: 'READ',
        },
      ]);
    });

    it('an approved app reading for the patient, named in the log', async () => {
      const rows = await rowsAddedBy(patientOf(0), () =>
        s.ok(Scenario.app('log-app', patientOf(0)), '{ me { record { totalCount } } }'),
      );
      expect(rows).toEqual([
        {
          actorRole: 'app',
          actorId: 'log-app',
          clientId: 'log-app',
          appName: 'Log Reader App',
          view: 'PATIENT',
          entryCount: 5,
          outcome: 'READ',
        },
      ]);
    });

    it('a clinician reading the clinical view, and previewing the patient view', async () => {
      const clinician = Scenario.clinician(ODS);
      const rows = await rowsAddedBy(patientOf(0), () =>
        s.ok(
          clinician,
          `{ patient(nhsNumber: "${patientOf(0)}") { clinicalRecord(first: 2) { totalCount } record { totalCount } } }`,
        ),
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          {
            actorRole: 'clinician',
            actorId: `${ODS}:gp-${ODS}`,
            clientId: null,
            appName: null,
            view: 'CLINICAL',
            entryCount: 2,
            outcome: 'READ',
          },
          {
            actorRole: 'clinician',
            actorId: `${ODS}:gp-${ODS}`,
            clientId: null,
            appName: null,
            view: 'PATIENT',
            entryCount: 5,
            outcome: 'READ',
          },
        ]),
      );
      expect(rows).toHaveLength(2);
    });

    it("a clinician's list: one row per patient whose record it shows, even an empty one", async () => {
      const before = await Promise.all(nhsNumbers.map(async (nhs) => (await logOf(nhs)).length));
      await s.ok(
        Scenario.clinician(ODS),
        '{ patients(first: 50) { edges { node { clinicalRecord(first: 1) { totalCount } } } } }',
      );
      const after = await Promise.all(nhsNumbers.map(async (nhs) => (await logOf(nhs)).length));
      expect(after.map((n, i) => n - before[i]!)).toEqual(nhsNumbers.map(() => 1));
      expect((await logOf(patientOf(1))).at(-1)).toMatchObject({ view: 'CLINICAL', entryCount: 0, outcome: 'READ' });
    });

    it('reading only the access state, not entries, leaves no row', async () => {
      expect(
        await rowsAddedBy(patientOf(0), () => s.ok(Scenario.patient(patientOf(0)), '{ me { onlineAccess { state } } }')),
      ).toEqual([]);
    });
  });

  describe('refused attempts are logged too', () => {
    it.each([
      [
        'a patient at NHS login P5',
        () => Scenario.patient('9990002746', 'P5'),
        '{ me { record { totalCount } } }',
        'patient',
        'PATIENT',
      ],
      ['a revoked app', () => Scenario.app('revoked-app', '9990002746'), '{ me { record { totalCount } } }', 'app', 'PATIENT'],
      [
        'a clinician of another practice',
        () => Scenario.clinician(OTHER_ODS),
        '{ patient(nhsNumber: "9990002746") { clinicalRecord { totalCount } } }',
        'clinician',
        'CLINICAL',
      ],
    ])('%s: FORBIDDEN and a REFUSED row', async (_name, role, query, actorRole, view) => {
      await s.approveApp('revoked-app', ['record:read'], 'App revoked-app', ['{ me { record { totalCount } } }']);
      await s.ok(Scenario.nhse, `mutation { revokeApp(clientId: "revoked-app") { clientId } }`);
      let response: Awaited<ReturnType<typeof s.as>> | undefined;
      const rows = await rowsAddedBy('9990002746', async () => {
        response = await s.as(role(), query);
      });
      expect(codes(response!)).toEqual(['FORBIDDEN']);
      expect(rows).toEqual([expect.objectContaining({ actorRole, view, entryCount: 0, outcome: 'REFUSED' })]);
    });
  });

  describe('fail closed', () => {
    const table = () =>
      supergraph.subgraphs.records.database.dataSource.options.type === 'postgres' ? 'access_log' : '"access_log"';
    async function withoutTheLog<T>(run: () => Promise<T>): Promise<T> {
      const dataSource = supergraph.subgraphs.records.database.dataSource;
      await dataSource.query(`ALTER TABLE ${table()} RENAME TO access_log_gone`);
      try {
        return await run();
      } finally {
        await dataSource.query('ALTER TABLE access_log_gone RENAME TO access_log');
      }
    }

    it.each([
      ['the patient view', () => Scenario.patient('9990001375'), '{ me { record { edges { node { title body } } } } }'],
      ['an app', () => Scenario.app('log-app', '9990001375'), '{ me { record { edges { node { title body } } } } }'],
      [
        'the clinical view',
        () => Scenario.clinician(ODS),
        '{ patient(nhsNumber: "9990001375") { clinicalRecord { edges { node { title body } } } } }',
      ],
    ])(
      '%s: when the log cannot be written (its table is gone), the read fails and returns no entry',
      async (_name, role, query) => {
        const response = await withoutTheLog(() => s.as(role(), query));
        expect(codes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
        expect(JSON.stringify(response.body)).not.toMatch(/Entry \d|Body of/);
        expect(JSON.stringify(response.body)).not.toMatch(/access_log|SQL|sqlite|relation/i);
        // And once it is back, reads work again.
        expect(codes(await s.as(role(), query))).toEqual([]);
      },
    );
  });

  describe('changes are recorded with their actor', () => {
    it('registering, adding, filing, hiding, excluding, approving and revoking each leave one change row', async () => {
      const changes = () =>
        supergraph.subgraphs.records.database.dataSource.getRepository(ChangeLogEntity).find({ order: { id: 'ASC' } });
      const before = (await changes()).length;
      const nhs = '9990009597';
      await s.registerPatient(ODS, nhs);
      const resultId = await s.addEntry(ODS, nhs, 'A result', 'TEST_RESULT');
      await s.fileEntry(ODS, resultId);
      await s.hideEntry(ODS, resultId);
      await s.exclude(ODS, nhs, true);
      await s.exclude(ODS, nhs, false);
      await s.approveApp(`change-app-${next++}`);
      const added = (await changes()).slice(before);
      const actor = `${ODS}:gp-${ODS}`;
      expect(
        added.map(({ action, actorRole, actorId, nhsNumber, entryId }) => ({ action, actorRole, actorId, nhsNumber, entryId })),
      ).toEqual([
        { action: 'PATIENT_REGISTERED', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: null },
        { action: 'ENTRY_ADDED', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: resultId },
        { action: 'ENTRY_FILED', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: resultId },
        { action: 'ENTRY_HIDDEN', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: resultId },
        { action: 'EXCLUSION_SET', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: null },
        { action: 'EXCLUSION_LIFTED', actorRole: 'clinician', actorId: actor, nhsNumber: nhs, entryId: null },
        { action: 'APP_APPROVED', actorRole: 'nhse', actorId: 'nhse-test', nhsNumber: null, entryId: null },
      ]);
    });

    it('a refused change leaves no change row', async () => {
      const changes = () => supergraph.subgraphs.records.database.dataSource.getRepository(ChangeLogEntity).count();
      const before = await changes();
      expect(
        codes(
          await s.as(
            Scenario.clinician(ODS),
            `mutation { registerPatient(input: { nhsNumber: "9990001375", odsCode: "${ODS}", dateOfBirth: "1980-04-12" }) { nhsNumber } }`,
          ),
        ),
      ).toEqual(['CONFLICT']);
      expect(await changes()).toBe(before);
    });
  });

  describe('Patient.accessLog', () => {
    it('the patient sees who has read their record, newest first, apps by name', async () => {
      const { me } = await s.ok<{
        me: { accessLog: { totalCount: number; edges: { node: { at: string; actorRole: string; appName: string | null } }[] } };
      }>(Scenario.patient(patientOf(0)), `{ me { ${LOG} } }`);
      const nodes = me.accessLog.edges.map((edge) => edge.node);
      expect(me.accessLog.totalCount).toBe((await logOf(patientOf(0))).length);
      expect(nodes.map((node) => node.actorRole)).toEqual(expect.arrayContaining(['patient', 'app', 'clinician']));
      expect(nodes.find((node) => node.actorRole === 'app')?.appName).toBe('Log Reader App');
      const ats = nodes.map((node) => node.at);
      expect([...ats].sort().reverse()).toEqual(ats);
    });

    it('pages through the whole log exactly once', async () => {
      const all: string[] = [];
      let after: string | null = null;
      do {
        const data: {
          me: { accessLog: { edges: { cursor: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
        } = await s.ok(
          Scenario.patient(patientOf(0)),
          `query($after: String) { me { accessLog(first: 2, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`,
          { after },
        );
        all.push(...data.me.accessLog.edges.map((edge) => edge.cursor));
        after = data.me.accessLog.pageInfo.hasNextPage ? data.me.accessLog.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(all).size).toBe(all.length);
      expect(all).toHaveLength((await logOf(patientOf(0))).length);
    });

    it("clinicians of the practice read it; another practice's clinicians, apps and nhse do not", async () => {
      const patientLog = `{ patient(nhsNumber: "${patientOf(0)}") { ${LOG} } }`;
      expect(codes(await s.as(Scenario.clinician(ODS), patientLog))).toEqual([]);
      expect(codes(await s.as(Scenario.clinician(OTHER_ODS), patientLog))).toEqual(['FORBIDDEN']);
      expect(codes(await s.as(Scenario.nhse, patientLog))).toEqual(['FORBIDDEN']);
      expect(codes(await s.as(Scenario.app('log-app', patientOf(0)), `{ me { ${LOG} } }`))).toEqual(['FORBIDDEN']);
    });
  });
});
