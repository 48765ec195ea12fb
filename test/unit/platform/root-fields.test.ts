import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { rootFieldNames } from '../../../platform/root-fields';

/** Parses without validating, as a hostile client may send anything. */
function rootsOf(source: string, operationName?: string): string[] {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || definition.name?.value === operationName),
  );
  if (!operation) throw new Error('no operation');
  return rootFieldNames(document, operation);
}

describe('the root fields of an operation, as written', () => {
  it('are the field names, not their aliases', () => {
    expect(rootsOf('{ me { nhsNumber } mine: me { nhsNumber } __typename }')).toEqual(['me', 'me', '__typename']);
    expect(rootsOf('{ me: practices { totalCount } }')).toEqual(['practices']);
  });

  it('do not include fields nested below the root', () => {
    expect(rootsOf('{ me { registeredPractice { practices { totalCount } } __typename } }')).toEqual(['me']);
  });

  it('include fields inside inline fragments, with or without a type condition, however deep', () => {
    expect(rootsOf('{ me { nhsNumber } ... on Query { practices { totalCount } } }')).toEqual(['me', 'practices']);
    expect(rootsOf('{ ... { ... on Query { ... { patients { totalCount } } } } }')).toEqual(['patients']);
  });

  it('include fields inside fragment spreads, and spreads within spreads', () => {
    const source = `
      query Q { me { nhsNumber } ...Outer }
      fragment Outer on Query { ... on Query { ...Inner } rolloutSummary { total } }
      fragment Inner on Query { patient(nhsNumber: "9990001375") { nhsNumber } }`;
    expect(rootsOf(source)).toEqual(['me', 'patient', 'rolloutSummary']);
  });

  it('count a field whatever @skip or @include say', () => {
    expect(rootsOf('{ me { nhsNumber } practices @skip(if: true) { totalCount } }')).toEqual(['me', 'practices']);
    expect(rootsOf('query($no: Boolean!) { ... @include(if: $no) { patients { totalCount } } }')).toEqual(['patients']);
  });

  it('walk each named fragment once, so a cycle ends (and a repeated spread adds its fields once)', () => {
    const source = `
      query Q { ...A }
      fragment A on Query { me { nhsNumber } ...B }
      fragment B on Query { practices { totalCount } ...A ...B }`;
    expect(rootsOf(source)).toEqual(['me', 'practices']);
    expect(rootsOf('query Q { ...Self ...Self } fragment Self on Query { patients { totalCount } ...Self }')).toEqual([
      'patients',
    ]);
  });

  it('ignore a spread of a fragment the document does not define', () => {
    expect(rootsOf('{ me { nhsNumber } ...Missing }')).toEqual(['me']);
  });

  it('belong to the operation asked for, not to the other operations of the document', () => {
    const source = 'query Mine { me { nhsNumber } } query Theirs { practices { totalCount } }';
    expect(rootsOf(source, 'Mine')).toEqual(['me']);
    expect(rootsOf(source, 'Theirs')).toEqual(['practices']);
  });

  it('of a mutation or introspection are read the same way', () => {
    expect(rootsOf('mutation { pauseAccess(odsCode: "A81010", reason: "r") { odsCode } }')).toEqual(['pauseAccess']);
    expect(rootsOf('{ __schema { types { name } } __type(name: "Query") { name } }')).toEqual(['__schema', '__type']);
  });
});
