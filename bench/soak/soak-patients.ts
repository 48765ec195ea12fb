import { testNhsNumbers } from '../../test/helpers/bulk-records';
import { Scenario } from '../../test/helpers/scenario';
import { DEMO_SOAK_PATIENT, SOAK_PRACTICE } from './operations';
import type { SoakTarget } from './soak-target';

/** Where the soak's own patients start in the test range: well past the demo world's. */
const FIRST_SOAK_NUMBER = 900_000;

/**
 * The patients the soak reads and writes, in turn: the demo patient and `count - 1` more,
 * registered at the demo practice through the API as a clinician would. One patient taking
 * every read and write of a run ends it with tens of thousands of entries and access-log rows,
 * which slows the reads that count them: that measures the soak's own data, not the services.
 */
export async function soakPatients(target: SoakTarget, count: number): Promise<string[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError('The soak needs at least one patient');
  const others = testNhsNumbers(count - 1, FIRST_SOAK_NUMBER);
  const token = await target.token(Scenario.clinician(SOAK_PRACTICE));
  for (const nhsNumber of others) {
    const response = await target.graphql(
      token,
      'mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { nhsNumber } }',
      { i: { nhsNumber, dateOfBirth: '1970-01-01', odsCode: SOAK_PRACTICE } },
    );
    if (response.body.errors?.length) {
      throw new Error(`Registering a soak patient failed: ${response.body.errors.map((e) => e.extensions?.code).join(', ')}`);
    }
  }
  return [DEMO_SOAK_PATIENT, ...others];
}
