import {
  buildASTSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  type GraphQLNamedType,
} from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { subgraphSdl, SUBGRAPHS } from '../../../schema/supergraph';

/** Analysts read the schema in Apollo Sandbox: every type, field, argument and enum value says what it is. */
function undescribed(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  if (!type.description && !['Query', 'Mutation'].includes(type.name)) missing.push(type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      if (!field.description) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
    }
  }
  if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) if (!field.description) missing.push(`${type.name}.${field.name}`);
  }
  if (isEnumType(type)) {
    for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe.each(SUBGRAPHS.map((s) => s.name))('the %s subgraph SDL', (name) => {
  it('describes every type, field, argument and enum value', () => {
    const schema = buildSubgraphSchema(parse(subgraphSdl(name)));
    const ours = Object.values(schema.getTypeMap()).filter(
      (type) =>
        !type.name.startsWith('_') &&
        !type.name.startsWith('link__') &&
        !type.name.startsWith('federation__') &&
        !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
    );
    expect(ours.length).toBeGreaterThan(3);
    expect(ours.flatMap(undescribed)).toEqual([]);
  });
});

it('the check itself notices a missing description', () => {
  const schema = buildASTSchema(parse('"A" type A { "x" x: Int y: Int } type Query { a: A }'));
  expect(undescribed(schema.getType('A')!)).toEqual(['A.y']);
});
