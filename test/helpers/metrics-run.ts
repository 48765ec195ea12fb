import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Scenario } from './scenario';
import type { Supergraph } from './supergraph';

const operation = (role: string, file: string) =>
  readFileSync(join(__dirname, '..', '..', 'schema', 'operations', role, file), 'utf8');

export const RUN_PRACTICE = 'A81090';
export const RUN_PATIENT = '9990002029';
/** A name no ready operation has: a client's own words, which must never become a label. */
export const CLIENT_CHOSEN_NAME = 'MyOwnSecretishOperationName';

/**
 * A short, known mix through the gateway, for the metrics tests: a practice switched on, a
 * patient with an entry, then `patientReads` reads of the patient's record with the ready
 * PatientRecord operation, one clinician preview, one refused read (P5: FORBIDDEN) and one
 * operation under a name of the client's own. Returns how many of each went out.
 */
export async function shortRun(supergraph: Supergraph, patientReads = 3) {
  const s = new Scenario(supergraph);
  await s.createPractice(RUN_PRACTICE, 'EMIS');
  await s.switchOn(RUN_PRACTICE, 'EMIS');
  await s.registerPatient(RUN_PRACTICE, RUN_PATIENT);
  await s.addEntry(RUN_PRACTICE, RUN_PATIENT, 'Blood pressure review');
  for (let i = 0; i < patientReads; i += 1) {
    const read = await s.as(Scenario.patient(RUN_PATIENT), operation('patient', 'my-record.graphql'), { first: 5 });
    if (read.body.errors) throw new Error(`patient read failed: ${JSON.stringify(read.body.errors)}`);
  }
  const preview = await s.as(Scenario.clinician(RUN_PRACTICE), operation('clinician', 'clinical-preview.graphql'), {
    nhsNumber: RUN_PATIENT,
  });
  if (preview.body.errors) throw new Error(`clinician preview failed: ${JSON.stringify(preview.body.errors)}`);
  const refused = await s.as(Scenario.patient(RUN_PATIENT, 'P5'), operation('patient', 'my-record.graphql'), { first: 5 });
  if (refused.body.errors?.[0]?.extensions?.code !== 'FORBIDDEN') throw new Error('the P5 read was not refused');
  const own = await s.as(Scenario.patient(RUN_PATIENT), `query ${CLIENT_CHOSEN_NAME} { me { nhsNumber } }`);
  if (own.body.errors) throw new Error(`own operation failed: ${JSON.stringify(own.body.errors)}`);
  return { patientReads, previews: 1, refused: 1, own: 1, scenario: s };
}
