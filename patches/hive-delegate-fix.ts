import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname } from 'node:path';
import { requireWrittenFor, type WrittenFor } from './version-guard';

export const WRITTEN_FOR: WrittenFor = { library: '@graphql-tools/delegate', from: '12.3.0', below: '12.4.0' };
requireWrittenFor('hive-delegate-fix', WRITTEN_FOR);

/**
 * A diagnostic, off unless HIVE_DELEGATE_FIX=1: loads @graphql-tools/delegate (Hive Gateway's
 * stitching runtime) with a one-line fix of the bug behind its failed benchmark answers, to show
 * that the bug is Hive's, not our schema's. Nothing on disk changes: the package's own file is
 * read, patched in memory and put in the require cache before Hive loads it.
 *
 * The bug (12.3.3): a field with a `@requires` that must wait for another entity's fields
 * (records' `Patient.record` needs `registeredPractice { accessStatus accessPeriods }`, from
 * rollout) is resolved later, as a "left-over". When the waiting ends, every field still waiting
 * on that object is completed with the GraphQLResolveInfo of whichever field happened to start
 * the wait. If that was the key (`nhsNumber: ID!`, selected before `record`), `record`'s object
 * is coerced as an ID, `ID.parseValue` throws, the value becomes null: "Cannot return null for
 * non-nullable field Patient.record". The fix: complete each waiting field with its own info.
 */
const WAITING = 'missingDeferredFields.set(responseKey, deferred);';
const COMPLETING = 'handleResult(leftOverParent, responseKey, context, info)';

export function patchedDelegateSource(source: string): string {
  if (!source.includes(WAITING) || !source.includes(COMPLETING)) {
    throw new Error('HIVE_DELEGATE_FIX: @graphql-tools/delegate is not the version this fix was written for');
  }
  return (
    'const deferredFieldInfo = new WeakMap();\n' +
    source
      .replace(WAITING, `${WAITING} deferredFieldInfo.set(deferred, info);`)
      .replace(COMPLETING, 'handleResult(leftOverParent, responseKey, context, deferredFieldInfo.get(deferred) ?? info)')
  );
}

interface CompilableModule extends NodeJS.Module {
  _compile(content: string, filename: string): void;
}

function installDelegateFix(): void {
  const filename = require.resolve('@graphql-tools/delegate');
  const patched = new Module(filename, module) as unknown as CompilableModule;
  patched.filename = filename;
  patched.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(filename));
  patched._compile(patchedDelegateSource(readFileSync(filename, 'utf8')), filename);
  patched.loaded = true;
  require.cache[filename] = patched;
}

if (process.env.HIVE_DELEGATE_FIX === '1') installDelegateFix();
