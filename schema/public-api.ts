import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import {
  buildSchema,
  Kind,
  lexicographicSortSchema,
  parse,
  printSchema,
  visit,
  type ASTNode,
  type DirectiveNode,
  type NameNode,
} from 'graphql';
import { SCHEMA_DIR, SUBGRAPHS, SUPERGRAPH_PATH, subgraphSdl } from './supergraph';

/**
 * The public API as clients see it (no @inaccessible fields, no join__ directives), derived from
 * the composed supergraph and sorted, so a change shows as a small diff; committed as
 * schema/public-api.graphql and compared with it (docs/api.md "Schema checks"; decision 0062).
 */
export const PUBLIC_API_PATH = join(SCHEMA_DIR, 'public-api.graphql');
export const BREAKING_CHANGES_PATH = join(SCHEMA_DIR, 'breaking-changes.json');

const HEADER = '# The public API schema, as clients see it. Generated from supergraph.graphql by `npm run schema:baseline`.\n\n';

export function publicApiSdl(supergraphSdl: string = readFileSync(SUPERGRAPH_PATH, 'utf8')): string {
  const api = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  return `${HEADER}${printSchema(lexicographicSortSchema(api))}\n`;
}

/** A change a client may notice, recorded on purpose: what, why, when. */
export interface RecordedChange {
  /** graphql-inspector's change type, e.g. FIELD_REMOVED. */
  type: string;
  /** Where, e.g. `Patient.nhsNumber` or `AccessStatus.PAUSED`. */
  path: string;
  criticality: 'BREAKING' | 'DANGEROUS';
  /** graphql-inspector's message, for the reader. */
  change: string;
  reason: string;
  /** The day it was recorded, YYYY-MM-DD. */
  date: string;
}

export function recordedChanges(path: string = BREAKING_CHANGES_PATH): RecordedChange[] {
  return JSON.parse(readFileSync(path, 'utf8')) as RecordedChange[];
}

export interface SchemaCheck {
  /** Breaking or dangerous changes from the baseline with no record: each fails the check. */
  unrecorded: Change[];
  /** Breaking or dangerous changes that are recorded. */
  recorded: Change[];
  /** Additions and other changes no existing client notices. */
  safe: Change[];
}

/**
 * Dangerous by graphql-inspector's measure, yet unseen by a client that does not use them: an
 * optional argument added (a required one is breaking) changes nothing for documents that omit it.
 */
const UNNOTICED = new Set<string>(['FIELD_ARGUMENT_ADDED']);

const keyOf = (change: { type: string; path?: string }) => `${change.type} ${change.path ?? ''}`;

/**
 * Compares the baseline with the current API schema. A breaking change (removed or retyped
 * fields and arguments, new required arguments, removed enum values, ...) or a dangerous one
 * (an enum value or union member added, a default changed: an existing client may meet a value it
 * does not know, or get other results) passes only when breaking-changes.json records it, by
 * type and path. An optional argument added passes as an addition.
 */
export async function checkSchema(baselineSdl: string, currentSdl: string, recorded: RecordedChange[]): Promise<SchemaCheck> {
  const changes = await diff(buildSchema(baselineSdl), buildSchema(currentSdl));
  const known = new Set(recorded.map(keyOf));
  const notable = (change: Change) =>
    change.criticality.level === CriticalityLevel.Breaking ||
    (change.criticality.level === CriticalityLevel.Dangerous && !UNNOTICED.has(String(change.type)));
  return {
    unrecorded: changes.filter((change) => notable(change) && !known.has(keyOf(change))),
    recorded: changes.filter((change) => notable(change) && known.has(keyOf(change))),
    safe: changes.filter((change) => !notable(change)),
  };
}

/** What a developer reads when the check fails: each change, and how to record it. */
export function describeUnrecorded(changes: Change[]): string {
  const lines = changes.map(
    (change) =>
      `  ${change.criticality.level} ${change.type} ${change.path ?? ''}: ${change.message}` +
      (change.criticality.reason ? ` (${change.criticality.reason})` : ''),
  );
  return [
    `The public API changed in ${changes.length} way(s) that may break a client, with no record:`,
    ...lines,
    'Keep the old field or value (deprecate it with @deprecated(reason: "...")) instead, or record each change in',
    'schema/breaking-changes.json ({ type, path, criticality, change, reason, date }) and tell the clients; then run',
    'npm run schema:baseline.',
  ].join('\n');
}

/** What Apollo Server and graphql-js put in place of a missing reason: it tells a client nothing. */
const DEFAULT_REASON = 'No longer supported';

/**
 * Every @deprecated in the subgraph SDLs, with what is wrong with its reason (missing, empty,
 * graphql-js's default, or too short to say why or what to use instead); empty when all are fine.
 */
export function deprecationProblems(sdls: Record<string, string> = subgraphSdls()): string[] {
  const problems: string[] = [];
  for (const [name, sdl] of Object.entries(sdls)) {
    visit(parse(sdl), {
      Directive(node: DirectiveNode, _key, _parent, _path, ancestors) {
        if (node.name.value !== 'deprecated') return;
        const named = ancestors.filter(
          (a): a is ASTNode & { name: NameNode } => !Array.isArray(a) && 'name' in a && a.name !== undefined,
        );
        const where = `${name}: ${named.map((a) => a.name.value).join('.')}`;
        const reason = node.arguments?.find((argument) => argument.name.value === 'reason')?.value;
        const text = reason?.kind === Kind.STRING ? reason.value.trim() : '';
        if (!text) problems.push(`${where}: @deprecated without a reason`);
        else if (text.toLowerCase() === DEFAULT_REASON.toLowerCase())
          problems.push(`${where}: @deprecated with the default reason`);
        else if (text.length < 15)
          problems.push(`${where}: @deprecated reason "${text}" says neither why nor what to use instead`);
      },
    });
  }
  return problems;
}

function subgraphSdls(): Record<string, string> {
  return Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, subgraphSdl(name)]));
}
