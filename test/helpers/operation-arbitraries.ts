import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** One request body, as a client would send it. */
export interface GeneratedOperation {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * What the generator is told about the schema beyond its types: which values an argument or
 * input field may take (chosen by its name and type, so `nhsNumber` gets demo NHS numbers and
 * malformed ones), how likely each field is to be chosen, and how to touch up an input object
 * (the fuzz test marks the entries it writes).
 */
export interface OperationGuide {
  /** Values for a scalar argument or input field, or undefined for the generator's defaults. */
  scalarValues(name: string, typeName: string): fc.Arbitrary<unknown> | undefined;
  /** Relative weight of a field (0 leaves it out); `Query.me`, `Patient.record`, ... */
  weight(typeName: string, fieldName: string): number;
  /** Last touch to a generated input object of `typeName`. */
  finishInput?(typeName: string, value: Record<string, unknown>): Record<string, unknown>;
}

/** How an argument reaches the server: written in the document, or as a variable (declared right, loosely, or never sent). */
type Passing = 'inline' | 'variable' | 'looseVariable' | 'unsentVariable';
interface ArgPlan {
  name: string;
  type: GraphQLInputType;
  value: unknown;
  passing: Passing;
}
interface FieldPlan {
  alias: string | null;
  name: string;
  args: ArgPlan[];
  directive: string | null;
  selection: SelectionPlan | null;
}
/** A selection set, written plainly, inside an inline fragment (typed or not) or as a named fragment. */
type Wrapping = 'plain' | 'inline' | 'typedInline' | 'fragment';
interface SelectionPlan {
  typeName: string;
  fields: FieldPlan[];
  wrapping: Wrapping;
}

/** Plain aliases, and aliases that shadow real field names: an entity's key (nhsNumber, odsCode), a field another subgraph requires (supplier, accessStatus), an entry's title. */
const ALIASES = ['a', 'b', 'x1', 'data', 'node', 'me', 'title', 'nhsNumber', 'odsCode', 'supplier', 'accessStatus'];
const DIRECTIVES = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('@include(if: true)', '@skip(if: false)', '@skip(if: true)', '@include(if: false)') },
  { weight: 1, arbitrary: fc.constantFrom('@deprecated', '@skip', '@include(if: "yes")') },
);
const WRONGLY_TYPED: unknown[] = [1.5, '20', true, [], {}, -0, 'null'];
/**
 * How much likelier a real field is than a misspelt one. Invalid pieces (a misspelt field, a
 * null where none is allowed, a value of the wrong type, a required argument left out) are rare
 * each, so that most operations pass validation and reach the subgraphs, and some do not.
 */
const FIELD_ODDS = 100;

/**
 * Random operations generated from a GraphQL schema: root fields of the query or mutation
 * type, nested selections down to a chosen depth, arguments of the right types (and sometimes
 * the wrong ones) written inline or passed as variables, with aliases, directives, inline and
 * named fragments. Arbitraries are built once per type and depth, so building is cheap.
 */
export class OperationArbitraries {
  private readonly selections = new Map<string, fc.Arbitrary<SelectionPlan>>();
  private readonly values = new Map<string, fc.Arbitrary<unknown>>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly guide: OperationGuide,
  ) {}

  /** An operation on the query or mutation root, at most `maxDepth` fields deep (leaf included). */
  operation(root: 'query' | 'mutation', maxDepth: number): fc.Arbitrary<GeneratedOperation> {
    const type = root === 'query' ? this.schema.getQueryType() : this.schema.getMutationType();
    if (!type) throw new Error(`The schema has no ${root} type`);
    return fc
      .record({ selection: this.selection(type, maxDepth), named: fc.boolean() })
      .map(({ selection, named }) => render(root, named ? 'Fuzz' : null, selection));
  }

  private selection(type: GraphQLObjectType, depthLeft: number): fc.Arbitrary<SelectionPlan> {
    const key = `${type.name}:${depthLeft}`;
    const cached = this.selections.get(key);
    if (cached) return cached;
    const choices: fc.WeightedArbitrary<FieldPlan>[] = [
      { weight: 3, arbitrary: fc.constant(leaf('__typename')) },
      // A field the type does not have: refused by validation, never by a crash.
      { weight: 1, arbitrary: fc.constantFrom(leaf('notAField'), leaf('nhsNumbr')) },
    ];
    for (const field of Object.values(type.getFields())) {
      const weight = this.guide.weight(type.name, field.name);
      const target = getNamedType(field.type);
      if (weight <= 0) continue;
      if (isLeafType(target)) choices.push({ weight: weight * FIELD_ODDS, arbitrary: this.field(field, null) });
      else if (isObjectType(target) && depthLeft > 1) {
        choices.push({ weight: weight * FIELD_ODDS, arbitrary: this.field(field, this.selection(target, depthLeft - 1)) });
      }
    }
    const arbitrary = fc.record({
      typeName: fc.constant(type.name),
      // One field per response key: two fields under one key with different arguments are a validation error, not a fuzz.
      fields: fc.uniqueArray(fc.oneof(...choices), {
        minLength: 1,
        maxLength: 3,
        selector: (field) => field.alias ?? field.name,
      }),
      wrapping: fc.oneof(
        { weight: 12, arbitrary: fc.constant<Wrapping>('plain') },
        { weight: 1, arbitrary: fc.constantFrom<Wrapping>('inline', 'typedInline', 'fragment') },
      ),
    });
    this.selections.set(key, arbitrary);
    return arbitrary;
  }

  private field(field: GraphQLField<unknown, unknown>, selection: fc.Arbitrary<SelectionPlan> | null): fc.Arbitrary<FieldPlan> {
    return fc.record({
      alias: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...ALIASES) }),
      name: fc.constant(field.name),
      args: fc.tuple(...field.args.map((arg) => this.argument(arg))).map((args) => args.filter((arg) => arg !== null)),
      directive: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: DIRECTIVES }),
      selection: selection ?? fc.constant(null),
    });
  }

  /** An argument, or null to leave it out (rarely when it is required: the server must say so). */
  private argument(arg: GraphQLArgument): fc.Arbitrary<ArgPlan | null> {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    const present = fc.record({
      name: fc.constant(arg.name),
      type: fc.constant(arg.type),
      value: this.value(arg.name, arg.type),
      passing: fc.oneof(
        { weight: 12, arbitrary: fc.constant<Passing>('inline') },
        { weight: 10, arbitrary: fc.constant<Passing>('variable') },
        { weight: 1, arbitrary: fc.constantFrom<Passing>('looseVariable', 'unsentVariable') },
      ),
    });
    return fc.oneof(
      { weight: required ? 60 : 1, arbitrary: present },
      { weight: required ? 1 : 2, arbitrary: fc.constant(null) },
    );
  }

  /** A value for an argument or input field: mostly of its type, sometimes null or of another type. */
  value(name: string, type: GraphQLInputType): fc.Arbitrary<unknown> {
    const key = `${name}:${String(type)}`;
    const cached = this.values.get(key);
    if (cached) return cached;
    let arbitrary: fc.Arbitrary<unknown>;
    if (isNonNullType(type)) {
      arbitrary = fc.oneof({ weight: 80, arbitrary: this.value(name, type.ofType) }, { weight: 1, arbitrary: fc.constant(null) });
    } else {
      const ofType: fc.Arbitrary<unknown> = isListType(type)
        ? fc.oneof(
            { weight: 5, arbitrary: fc.array(this.value(name, type.ofType), { maxLength: 4 }) },
            // A single value where a list is expected: coerced to a list of one.
            { weight: 1, arbitrary: this.value(name, type.ofType) },
          )
        : isInputObjectType(type)
          ? this.inputObject(type.name)
          : isEnumType(type)
            ? fc.oneof(
                { weight: 40, arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)) },
                { weight: 1, arbitrary: fc.constantFrom('NOPE', 'emis', '', 'ENABLED ') },
              )
            : (this.guide.scalarValues(name, type.name) ?? defaultScalar(type.name));
      arbitrary = fc.oneof(
        { weight: 60, arbitrary: ofType },
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...WRONGLY_TYPED) },
      );
    }
    this.values.set(key, arbitrary);
    return arbitrary;
  }

  private inputObject(typeName: string): fc.Arbitrary<Record<string, unknown>> {
    const type = this.schema.getType(typeName);
    if (!isInputObjectType(type)) throw new Error(`${typeName} is not an input type`);
    const fields = Object.values(type.getFields());
    return fc
      .record({
        parts: fc.tuple(
          ...fields.map((field) => {
            const required = isNonNullType(field.type) && field.defaultValue === undefined;
            return fc.oneof(
              { weight: required ? 60 : 2, arbitrary: this.value(field.name, field.type) },
              { weight: 1, arbitrary: fc.constant(undefined) },
            );
          }),
        ),
        // A field the input type does not have: refused, whether written or passed.
        unknownField: fc.oneof({ weight: 60, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      })
      .map(({ parts, unknownField }) => {
        const object: Record<string, unknown> = {};
        fields.forEach((field, i) => {
          if (parts[i] !== undefined) object[field.name] = parts[i];
        });
        if (unknownField) object.unknownField = 'x';
        return this.guide.finishInput ? this.guide.finishInput(typeName, object) : object;
      });
  }
}

function leaf(name: string): FieldPlan {
  return { alias: null, name, args: [], directive: null, selection: null };
}

function defaultScalar(typeName: string): fc.Arbitrary<unknown> {
  switch (typeName) {
    case 'Int':
      return fc.oneof(fc.constantFrom(0, 1, -1, 2147483647, -2147483648, 2147483648, 1e21), fc.integer());
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    default:
      return fc.string({ maxLength: 20 });
  }
}

/** Writes the plan as a GraphQL document and its variables. */
function render(root: 'query' | 'mutation', name: string | null, selection: SelectionPlan): GeneratedOperation {
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const fragments: string[] = [];
  const writeArg = (arg: ArgPlan): string => {
    if (arg.passing === 'inline') return `${arg.name}: ${literal(arg.value, arg.type)}`;
    const variable = `v${declarations.length}`;
    // Declared nullable where the argument is not: validation must refuse it.
    const declared = arg.passing === 'looseVariable' ? String(getNullableType(arg.type)) : String(arg.type);
    declarations.push(`$${variable}: ${declared}`);
    if (arg.passing !== 'unsentVariable') variables[variable] = arg.value;
    return `${arg.name}: $${variable}`;
  };
  const writeField = (field: FieldPlan): string =>
    [
      field.alias ? `${field.alias}: ${field.name}` : field.name,
      field.args.length ? `(${field.args.map(writeArg).join(', ')})` : '',
      field.directive ? ` ${field.directive}` : '',
      field.selection ? ` ${writeSelection(field.selection)}` : '',
    ].join('');
  const writeSelection = (plan: SelectionPlan): string => {
    const body = plan.fields.map(writeField).join(' ');
    switch (plan.wrapping) {
      case 'plain':
        return `{ ${body} }`;
      case 'inline':
        return `{ ... { ${body} } }`;
      case 'typedInline':
        return `{ ... on ${plan.typeName} { ${body} } }`;
      case 'fragment': {
        const fragment = `F${fragments.length}`;
        fragments.push(`fragment ${fragment} on ${plan.typeName} { ${body} }`);
        return `{ ...${fragment} }`;
      }
    }
  };
  const body = writeSelection(selection);
  const header = [root, name ?? '', declarations.length ? `(${declarations.join(', ')})` : ''].filter(Boolean).join(' ');
  const query = [`${header} ${body}`, ...fragments].join('\n');
  return declarations.length ? { query, variables } : { query };
}

/** A value written in the document: enum values bare when they can be, everything else as GraphQL literals. */
export function literal(value: unknown, type: GraphQLInputType | null): string {
  const named = type ? getNamedType(type) : null;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'string') {
    return isEnumType(named) && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value) ? value : JSON.stringify(value);
  }
  const inner =
    type && (isListType(getNullableType(type)) ? (getNullableType(type) as { ofType: GraphQLInputType }).ofType : type);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, inner)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = isInputObjectType(named) ? named.getFields() : {};
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${key}: ${literal(item, fields[key]?.type ?? null)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  // No generator makes anything else (a bigint, a function).
  return 'null';
}
