import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { introspectionOnly, introspects } from '../../../gateway/schema-discovery';

function read(source: string) {
  const document = parse(source);
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (!operation) throw new Error('no operation');
  return { introspects: introspects(document, operation), only: introspectionOnly(document, operation) };
}

describe('what counts as introspection', () => {
  it('`__schema` or `__type` at the root, however aliased or hidden in fragments', () => {
    expect(read('{ __schema { types { name } } }')).toEqual({ introspects: true, only: true });
    expect(read('{ t: __type(name: "Query") { name } __typename }')).toEqual({ introspects: true, only: true });
    expect(read('query { ...Look } fragment Look on Query { s: __schema { queryType { name } } }')).toEqual({
      introspects: true,
      only: true,
    });
    expect(read('{ me { nhsNumber } ... on Query { __schema { types { name } } } }')).toEqual({ introspects: true, only: false });
  });

  it('not `__typename` alone, which every role may ask for', () => {
    expect(read('{ __typename }')).toEqual({ introspects: false, only: true });
    expect(read('{ me { __typename nhsNumber } }')).toEqual({ introspects: false, only: false });
  });
});
