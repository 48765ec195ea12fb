import { codes, Scenario } from '../helpers/scenario';
import { readinessBecomes } from '../helpers/eventually';
import { ENTITIES_RECORD_QUERY, signedPost } from '../helpers/signed-request';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * Every path fails closed: whatever goes wrong between the gateway, rollout and records,
 * no entry reaches the patient, and the client is told something went wrong.
 */
describe('the patient view fails closed', () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A81010';
  const patient = '9990001375';
  const unknownPractice = 'A89999';
  const patientAtUnknownPractice = '9990002746';
  const SECRET_TITLE = 'an entry the patient may see when all is well';
  const READ = `{ me { onlineAccess { state } record { totalCount edges { node { title } } } } }`;

  const representation = (registeredPractice: unknown) => ({ __typename: 'Patient', nhsNumber: patient, registeredPractice });
  const patientViewer = { role: 'patient' as const, subject: 'p', nhsNumber: patient, identityLevel: 'P9' as const };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z', readinessIntervalMs: 200 });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'TPP');
    await s.switchOn(practice, 'TPP');
    await s.registerPatient(practice, patient);
    s.at('2023-01-02T09:00:00.000Z');
    await s.addEntry(practice, patient, SECRET_TITLE);
    // A practice no subgraph knows: records accepts the clinician's registration, but
    // neither practices nor rollout can vouch for it.
    await s.registerPatient(unknownPractice, patientAtUnknownPractice);
    await s.addEntry(unknownPractice, patientAtUnknownPractice, SECRET_TITLE);
  }, 60_000);

  afterAll(() => supergraph?.stop());

  const expectNothingShown = (response: { status: number; body: unknown }) => {
    expect(JSON.stringify(response.body)).not.toContain(SECRET_TITLE);
    expect((response.body as { errors?: unknown[] }).errors?.length ?? 0).toBeGreaterThan(0);
  };

  it('shows the entry when every service answers (so the tests below can fail)', async () => {
    expect((await s.patientSees(patient)).titles).toEqual([SECRET_TITLE]);
  });

  it('a practice unknown to practices and rollout: no entry, and an error', async () => {
    const response = await s.as(Scenario.patient(patientAtUnknownPractice), READ);
    expectNothingShown(response);
  });

  it('a rollout resolver failing (its table gone): no entry, and an error that leaks nothing', async () => {
    const rollout = supergraph.subgraphs.rollout.database.dataSource;
    await rollout.query('ALTER TABLE rollout_event RENAME TO rollout_event_moved');
    try {
      const response = await s.as(Scenario.patient(patient), READ);
      expectNothingShown(response);
      expect(codes(response)).toContain('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(response.body)).not.toMatch(/rollout_event|SELECT|http:|stack|serviceName/i);
    } finally {
      await rollout.query('ALTER TABLE rollout_event_moved RENAME TO rollout_event');
    }
    expect((await s.patientSees(patient)).titles).toEqual([SECRET_TITLE]);
  });

  describe('a call straight to records, not through the gateway', () => {
    const invented = representation({
      accessOdsCode: practice,
      accessStatus: 'ENABLED',
      accessPeriods: [{ from: '2000-01-01T00:00:00.000Z', to: null }],
    });
    const truthful = {
      accessOdsCode: practice,
      accessStatus: 'ENABLED',
      accessPeriods: [{ from: '2023-01-01T09:00:00.000Z', to: null }],
    };

    it('correctly signed with the true access data, it shows the entry (so the refusals below can fail)', async () => {
      const truth = representation(truthful);
      const response = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: supergraph.secret,
        viewer: patientViewer,
        body: { query: ENTITIES_RECORD_QUERY, variables: { r: [truth] } },
        timestamp: supergraph.clock.now().getTime(),
      });
      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).toContain(SECRET_TITLE);
    });

    it('unsigned: refused with 401 before anything runs', async () => {
      const response = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: null,
        viewer: patientViewer,
        body: { query: ENTITIES_RECORD_QUERY, variables: { r: [invented] } },
      });
      expect(response.status).toBe(401);
      expect(JSON.stringify(response.body)).not.toContain(SECRET_TITLE);
    });

    it('signed with the wrong secret, or with the identity changed after signing: 401', async () => {
      const body = { query: ENTITIES_RECORD_QUERY, variables: { r: [invented] } };
      const wrong = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: 'x'.repeat(43),
        viewer: patientViewer,
        body,
      });
      expect(wrong.status).toBe(401);
      const tampered = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: supergraph.secret,
        viewer: { ...patientViewer, nhsNumber: '9990002746' },
        body,
        tamper: (headers) => {
          headers['x-citizen-access-viewer'] = Buffer.from(JSON.stringify(patientViewer)).toString('base64url');
        },
      });
      expect(tampered.status).toBe(401);
    });

    it('a captured request replayed more than a minute later: refused (503, as clock skew: the two cannot be told apart)', async () => {
      const response = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: supergraph.secret,
        viewer: patientViewer,
        body: { query: ENTITIES_RECORD_QUERY, variables: { r: [invented] } },
        timestamp: supergraph.clock.now().getTime() - 61_000,
      });
      expect(response.status).toBe(503);
      expect(JSON.stringify(response.body)).not.toContain(SECRET_TITLE);
    });

    it.each([
      ['an unknown status', { accessStatus: 'MAYBE', accessPeriods: [] }],
      ['no status', { accessPeriods: [{ from: '2022-01-01T00:00:00.000Z', to: null }] }],
      ['null periods', { accessStatus: 'ENABLED', accessPeriods: null }],
      ['ENABLED without an open period', { accessStatus: 'ENABLED', accessPeriods: [] }],
      ['a malformed instant', { accessStatus: 'ENABLED', accessPeriods: [{ from: 'yesterday', to: null }] }],
      ['no registeredPractice at all', undefined],
      ['no practice code', { ...truthful, accessOdsCode: undefined }],
      // The patient moved between the gateway's two calls: the periods are the old practice's.
      ["another practice's code", { ...truthful, accessOdsCode: 'A81011' }],
    ])('even correctly signed, access data with %s shows nothing and raises an error', async (_case, registeredPractice) => {
      const response = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: supergraph.secret,
        viewer: patientViewer,
        body: { query: ENTITIES_RECORD_QUERY, variables: { r: [representation(registeredPractice)] } },
        timestamp: supergraph.clock.now().getTime(),
      });
      expect(response.status).toBe(200);
      expectNothingShown(response);
    });

    it("a correctly signed representation of another patient's record is FORBIDDEN", async () => {
      const response = await signedPost(supergraph.subgraphs.records.url, {
        audience: 'records',
        secret: supergraph.secret,
        viewer: { ...patientViewer, nhsNumber: '9990004110' },
        body: { query: ENTITIES_RECORD_QUERY, variables: { r: [invented] } },
        timestamp: supergraph.clock.now().getTime(),
      });
      expect(codes(response)).toContain('FORBIDDEN');
      expect(JSON.stringify(response.body)).not.toContain(SECRET_TITLE);
    });
  });

  // Last: the rollout subgraph does not come back in this file.
  it('the rollout subgraph stopped: no entry, no access state, and an error without URLs or service names', async () => {
    await supergraph.stopSubgraph('rollout');
    const response = await s.as(Scenario.patient(patient), READ);
    expectNothingShown(response);
    expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|http:|rollout|ECONNREFUSED|serviceName/i);
    const state = await s.as(Scenario.patient(patient), '{ me { onlineAccess { state } } }');
    expect(JSON.stringify(state.body)).not.toContain('VISIBLE');
    expect(codes(state).length).toBeGreaterThan(0);
    expect((await readinessBecomes(supergraph.url, 503)).body).toMatchObject({ ready: false, subgraphs: { rollout: false } });
  });
});
