import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { appMayRun } from '../../../platform/app-reads';

function mayRun(source: string): boolean {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  return appMayRun(document, operation);
}

describe('what an app token may run', () => {
  it.each([
    '{ me { nhsNumber } }',
    'query Mine { mine: me { nhsNumber } again: me { onlineAccess { state } } }',
    '{ __typename me { __typename nhsNumber } }',
    'query { ... on Query { me { nhsNumber } } ...Me } fragment Me on Query { me { nhsNumber } }',
  ])('a query of `me` only: %s', (source) => {
    expect(mayRun(source)).toBe(true);
  });

  it.each([
    ['another root field', '{ practices { totalCount } }'],
    ['`me` beside another root field', '{ me { nhsNumber } patients { totalCount } }'],
    ['a field behind a fragment spread', '{ me { nhsNumber } ...F } fragment F on Query { rolloutSummary { total } }'],
    ['a skipped field', '{ me { nhsNumber } practices @skip(if: true) { totalCount } }'],
    ['introspection', '{ __schema { queryType { name } } }'],
    ['a mutation, even of `me`', 'mutation { me { nhsNumber } }'],
    ['a subscription, even of `me`', 'subscription { me { nhsNumber } }'],
  ])('not %s', (_case, source) => {
    expect(mayRun(source)).toBe(false);
  });
});
