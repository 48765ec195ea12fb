import { conflict, forbidden, invalidInput, notFound } from '../../../platform/errors';
import { changeBy } from './change-row';
import { registerPatient, transferRegistration } from './registration';
import { logAccess, refuse } from './record-access';
import { checkScopes, storeScopes } from '../domain/app-access';
import { appChange, checkClientId, checkOperations, nhseOnly, toAppModel } from './app-approval';
import type { Approval } from '../store/app-registry';
import type { Viewer, ViewerOf } from '../../../platform/viewer';
import { actorOf, NOT_YOUR_PATIENT } from '../authorization';
import type { ChangeAction } from '../entities/change-log';
import type { RecordsContext } from '../context';
import { latestExclusionInstant, SNOMED_CODE_OF, type ExclusionKind } from '../domain/exclusion';
import { mustBeFiled } from '../domain/record-entry-type';
import { availableAt } from '../domain/visibility';
import type { MutationResolvers } from '../generated/graphql';
import { checkNhsNumber } from './nhs-number-input';
import { exclusionFacts } from '../store/records-store';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function clinician(context: RecordsContext): ViewerOf<'clinician'> {
  if (context.viewer.role !== 'clinician') throw forbidden('Only clinicians may change records');
  return context.viewer;
}

/** The change-log action of each kind of exclusion event. */
const EXCLUSION_ACTIONS: Record<ExclusionKind, ChangeAction> = {
  EXCLUDED: 'EXCLUSION_SET',
  EXCLUSION_LIFTED: 'EXCLUSION_LIFTED',
  ACCESS_DECLINED: 'ACCESS_DECLINED',
  DECLINE_WITHDRAWN: 'ACCESS_DECLINE_WITHDRAWN',
};

/** Appends an exclusion event of `kind` for the patient, with its change-log row. */
async function recordExclusionEvent(
  context: RecordsContext,
  viewer: Viewer,
  patient: { nhsNumber: string },
  kind: ExclusionKind,
  reason: string | null | undefined,
): Promise<void> {
  await context.records.addExclusionEvent(
    {
      nhsNumber: patient.nhsNumber,
      snomedCode: SNOMED_CODE_OF[kind],
      kind,
      at: context.now,
      reason: reason == null ? null : text(reason, 'reason', 500),
      recordedBy: actorOf(viewer).actorId,
    },
    changeBy(context, viewer, EXCLUSION_ACTIONS[kind], patient.nhsNumber),
  );
  context.loaders.exclusions.clear(patient.nhsNumber);
}

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw invalidInput(`${field} must be 1 to ${max} characters`, field);
  return trimmed;
}

/**
 * The instant to stamp an entry or a filing with: now, but never before `floors` nor the patient's
 * latest exclusion event, whatever the clock says (a clock that stepped back would otherwise put
 * something written while excluded before the exclusion, or a filing before the recording).
 */
async function stampFor(context: RecordsContext, nhsNumber: string, ...floors: Date[]): Promise<Date> {
  const events = exclusionFacts(await context.loaders.exclusions.load(nhsNumber));
  const instants = [context.now, ...floors].map((instant) => instant.getTime());
  return new Date(Math.max(...instants, latestExclusionInstant(events)));
}

async function patientOfClinician(context: RecordsContext, nhsNumber: string) {
  const patient = await context.loaders.patient.load(checkNhsNumber(nhsNumber));
  if (patient && context.viewer.role === 'clinician' && context.viewer.odsCode === patient.odsCode) return patient;
  // Registered elsewhere or nowhere: one answer, as patient(nhsNumber:) gives; refused and audited like a read.
  if (!patient) context.logger.warn({ actorRole: context.viewer.role }, 'refused change to a patient not registered here');
  return refuse(context, patient ?? null, 'CLINICAL', forbidden(NOT_YOUR_PATIENT));
}

async function entryOfClinician(context: RecordsContext, id: string) {
  clinician(context);
  if (!UUID.test(id)) throw invalidInput('Not an entry id', 'id');
  const entry = await context.loaders.entry.load(id);
  if (!entry) throw notFound('No entry has this id');
  await patientOfClinician(context, entry.nhsNumber);
  return entry;
}

/** Clinicians' changes to their own patients' records. Each checks everything before it writes. */
export const Mutation: MutationResolvers = {
  registerPatient: async (_parent, { input }, context) => registerPatient(context, clinician(context), input),
  transferRegistration: async (_parent, { input }, context) => transferRegistration(context, input),

  addRecordEntry: async (_parent, { input }, context) => {
    const viewer = clinician(context);
    const patient = await patientOfClinician(context, input.nhsNumber);
    const hidden = input.hiddenFromPatient ?? false;
    const reason = input.hiddenReason == null ? null : text(input.hiddenReason, 'input.hiddenReason', 500);
    if (hidden && !reason) throw invalidInput('Say why the entry is hidden from the patient', 'input.hiddenReason');
    if (!hidden && reason) throw invalidInput('hiddenReason is only for hidden entries', 'input.hiddenReason');
    const facts = {
      type: input.type,
      recordedAt: await stampFor(context, patient.nhsNumber),
      filedAt: null,
      hiddenFromPatient: hidden,
    };
    return context.records.addEntry(
      {
        ...facts,
        nhsNumber: patient.nhsNumber,
        title: text(input.title, 'input.title', 200),
        body: text(input.body, 'input.body', 100_000),
        // The server's clock, never the client's; results and letters count from filing.
        availableAt: availableAt(facts),
        hiddenReason: reason,
        recordedBy: actorOf(viewer).actorId,
      },
      changeBy(context, viewer, 'ENTRY_ADDED', patient.nhsNumber),
    );
  },

  fileRecordEntry: async (_parent, { id }, context) => {
    const entry = await entryOfClinician(context, id);
    const viewer = clinician(context);
    if (!mustBeFiled(entry.type)) throw invalidInput('Only test results and clinical letters are filed', 'id');
    // An entry whose filing made it available is filed; one filed before it was recorded (a clock
    // step back, in data written before this check) made nothing available and may be filed again.
    if (availableAt(entry) !== null) throw conflict('The entry is already filed');
    // Never before the recording, whatever the clock says now: the entry could never be shown.
    const filedAt = await stampFor(context, entry.nhsNumber, entry.recordedAt);
    const change = changeBy(context, viewer, 'ENTRY_FILED', entry.nhsNumber, entry.id);
    if (!(await context.records.fileEntry(entry.id, entry.filedAt, filedAt, change))) {
      throw conflict('The entry is already filed');
    }
    // The answer carries the entry's title and body: a read like any other.
    await logAccess(context, entry.nhsNumber, 'CLINICAL', 1, 'READ');
    return { ...entry, filedAt, availableAt: filedAt };
  },

  hideRecordEntry: async (_parent, { id, reason }, context) => {
    const entry = await entryOfClinician(context, id);
    const viewer = clinician(context);
    const why = text(reason, 'reason', 500);
    const change = changeBy(context, viewer, 'ENTRY_HIDDEN', entry.nhsNumber, entry.id);
    if (entry.hiddenFromPatient || !(await context.records.hideEntry(entry.id, why, change))) {
      throw conflict('The entry is already hidden from the patient');
    }
    await logAccess(context, entry.nhsNumber, 'CLINICAL', 1, 'READ');
    return { ...entry, hiddenFromPatient: true, hiddenReason: why };
  },

  setOnlineAccessExclusion: async (_parent, { nhsNumber, excluded, reason }, context) => {
    const viewer = clinician(context);
    const patient = await patientOfClinician(context, nhsNumber);
    // A clinician's lift (106) ends a clinician's exclusion only, never the patient's own decline.
    await recordExclusionEvent(context, viewer, patient, excluded ? 'EXCLUDED' : 'EXCLUSION_LIFTED', reason);
    return patient;
  },

  recordPatientOnlineAccessChoice: async (_parent, { nhsNumber, wantsAccess, reason }, context) => {
    const viewer = clinician(context);
    const patient = await patientOfClinician(context, nhsNumber);
    await recordExclusionEvent(context, viewer, patient, wantsAccess ? 'DECLINE_WITHDRAWN' : 'ACCESS_DECLINED', reason);
    return patient;
  },

  setMyOnlineAccessChoice: async (_parent, { wantsAccess }, context) => {
    const viewer = context.viewer;
    if (viewer.role !== 'patient') throw forbidden('Only the patient may make this choice for themself');
    if (viewer.identityLevel !== 'P9') throw forbidden('Changing online access needs NHS login identity level P9');
    const patient = await context.loaders.patient.load(viewer.nhsNumber);
    if (!patient) throw notFound('You are not registered at a practice');
    // Recorded whatever stands: the answer never tells the patient whether a clinician excluded them.
    await recordExclusionEvent(context, viewer, patient, wantsAccess ? 'DECLINE_WITHDRAWN' : 'ACCESS_DECLINED', null);
    return patient;
  },

  approveApp: async (_parent, { clientId, name, scopes, operations }, context) => {
    const viewer = nhseOnly(context);
    const id = checkClientId(clientId);
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 200) throw invalidInput('name must be 1 to 200 characters', 'name');
    const problem = checkScopes(scopes);
    if (problem) throw invalidInput(problem, 'scopes');
    const trusted = operations ? checkOperations(operations) : undefined;
    const row: Approval = {
      clientId: id,
      name: trimmed,
      scopes: storeScopes(scopes),
      approvedAt: context.now,
      approvedBy: viewer.subject,
      revokedAt: null,
      revokedBy: null,
    };
    return toAppModel(await context.apps.approve(row, appChange(context, 'APP_APPROVED', id), trusted));
  },
  revokeApp: async (_parent, { clientId }, context) => {
    const viewer = nhseOnly(context);
    const id = checkClientId(clientId);
    await context.apps.revoke(id, context.now, viewer.subject, appChange(context, 'APP_REVOKED', id));
    // Revoking an app already revoked changes nothing and answers as it stands.
    const [row] = await context.apps.byClientIds([id]);
    if (!row) throw notFound('No app has this client id');
    return toAppModel(row);
  },
};
