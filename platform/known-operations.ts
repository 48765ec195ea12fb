import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';

const OPERATIONS_DIR = join(__dirname, '..', 'schema', 'operations');

/**
 * The names of the ready operations (schema/operations/<role>/*.graphql, the approved app's
 * included): the only operation names a metric label may carry (operation-label.ts). Read once,
 * when first asked, never at import.
 */
let known: ReadonlySet<string> | undefined;
export function knownOperationNames(): ReadonlySet<string> {
  if (known) return known;
  const names = new Set<string>();
  for (const role of readdirSync(OPERATIONS_DIR, { withFileTypes: true })) {
    if (!role.isDirectory()) continue;
    for (const file of readdirSync(join(OPERATIONS_DIR, role.name)).filter((name) => name.endsWith('.graphql'))) {
      for (const definition of parse(readFileSync(join(OPERATIONS_DIR, role.name, file), 'utf8')).definitions) {
        if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
      }
    }
  }
  known = names;
  return names;
}
