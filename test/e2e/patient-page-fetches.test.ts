import { codes, Scenario } from '../helpers/scenario';
import { startSupergraph, type Supergraph } from '../helpers/supergraph';

/**
 * A patient's page is three fetches: records (who the patient is, and their practice's code),
 * rollout (the practice's access status and periods, from the code alone), records (the page,
 * filtered by them). The practices subgraph is not on that path: rollout knows which practices
 * exist from its directory, which never forgets one, so a patient's view neither waits for the
 * practices subgraph nor stops when it is down; a code no practice has is still refused.
 */
describe("a patient's page: records, rollout, records", () => {
  let supergraph: Supergraph;
  let s: Scenario;
  const practice = 'A84001';
  const patient = '9990001375';
  const READ = '{ me { onlineAccess { state } record(first: 5) { totalCount edges { node { title } } } } }';
  const fetchesOf = async (work: () => Promise<unknown>) => {
    const before = supergraph.subgraphRequests();
    await work();
    const after = supergraph.subgraphRequests();
    return {
      practices: after.practices - before.practices,
      rollout: after.rollout - before.rollout,
      records: after.records - before.records,
    };
  };

  beforeAll(async () => {
    supergraph = await startSupergraph({ now: '2023-01-01T09:00:00.000Z' });
    s = new Scenario(supergraph);
    await s.createPractice(practice, 'TPP');
    await s.switchOn(practice, 'TPP');
    await s.registerPatient(practice, patient);
    s.at('2023-01-02T09:00:00.000Z');
    await s.addEntry(practice, patient, 'seen from switch-on');
  }, 60_000);
  afterAll(() => supergraph?.stop());

  it('asks records twice and rollout once, and the practices subgraph nothing', async () => {
    expect((await s.patientSees(patient)).titles).toEqual(['seen from switch-on']);
    expect(await fetchesOf(() => s.ok(Scenario.patient(patient), READ))).toEqual({ practices: 0, rollout: 1, records: 2 });
    // The practice's name still comes from its owner, asked beside rollout (not before it).
    const twoHops = await fetchesOf(() =>
      s.ok(Scenario.patient(patient), '{ me { registeredPractice { name accessStatus accessPeriods { from } } } }'),
    );
    expect(twoHops).toEqual({ practices: 1, rollout: 1, records: 1 });
  });

  it('a practice created after rollout read the directory is known at once: the directory is asked again for a code it has not seen', async () => {
    await s.patientSees(patient); // the directory is read and kept
    s.at('2023-01-03T09:00:00.000Z');
    await s.createPractice('A84002', 'EMIS');
    await s.switchOn('A84002', 'EMIS');
    await s.registerPatient('A84002', '9990002746');
    s.at('2023-01-03T10:00:00.000Z');
    await s.addEntry('A84002', '9990002746', 'at the new practice');
    expect((await s.patientSees('9990002746')).titles).toEqual(['at the new practice']);
  });

  it('a code no practice has: no status, no entry, NOT_FOUND, every time it is asked', async () => {
    await s.registerPatient('A84999', '9990003742');
    await s.addEntry('A84999', '9990003742', 'never shown');
    for (let i = 0; i < 2; i += 1) {
      const response = await s.as(Scenario.patient('9990003742'), READ);
      expect(JSON.stringify(response.body)).not.toContain('never shown');
      expect(codes(response)).toContain('NOT_FOUND');
      const status = await s.as(
        Scenario.clinician('A84999'),
        '{ patient(nhsNumber: "9990003742") { registeredPractice { accessStatus } } }',
      );
      expect(JSON.stringify(status.body)).not.toMatch(/NOT_SCHEDULED|ENABLED/);
      expect(codes(status).length).toBeGreaterThan(0);
    }
  });

  // Last: the practices subgraph does not come back in this file.
  it('with the practices subgraph down, a patient of a known practice still sees their record; an unknown code is still refused', async () => {
    await s.patientSees(patient);
    await supergraph.stopSubgraph('practices');
    expect((await s.patientSees(patient)).titles).toEqual(['seen from switch-on']);
    const unknown = await s.as(Scenario.patient('9990003742'), READ);
    expect(JSON.stringify(unknown.body)).not.toContain('never shown');
    expect(codes(unknown).length).toBeGreaterThan(0);
    // What needs the practices subgraph fails, closed: the practice's name.
    const named = await s.as(Scenario.patient(patient), '{ me { registeredPractice { name } } }');
    expect(codes(named).length).toBeGreaterThan(0);
  });
});
