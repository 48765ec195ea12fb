import { OperationTypeNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { rootFieldNames } from './root-fields';

/** An app acts for one patient: it reads the patient view and nothing else (the contract's role table). */
const APP_ROOT_FIELDS = new Set(['me', '__typename']);

/**
 * A query whose root fields, every one written, are `me` or `__typename`: no mutation, no
 * introspection. The one rule: the gateway applies it to what an app runs, records to what
 * nhse registers for an app (trusted-operations.ts).
 */
export function appMayRun(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  return (
    operation.operation === OperationTypeNode.QUERY &&
    rootFieldNames(document, operation).every((name) => APP_ROOT_FIELDS.has(name))
  );
}
