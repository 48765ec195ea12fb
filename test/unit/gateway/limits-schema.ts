import { buildSchema } from 'graphql';

/** The shapes of the supergraph the limits care about: pages with `first` and their defaults, and a cycle. */
export const LIMITS_SCHEMA = buildSchema(`
  type Query {
    me: Patient
    practice(odsCode: ID!): Practice
    practices(first: Int = 50, after: String): PracticeConnection!
    integratedCareBoards: [IntegratedCareBoard!]!
  }
  type Mutation {
    pauseAccess(odsCode: ID!, reason: String!): Practice
  }
  type Patient {
    nhsNumber: ID!
    registeredPractice: Practice!
    record(first: Int = 20, after: String): RecordEntryConnection!
  }
  type RecordEntryConnection {
    totalCount: Int!
    edges: [RecordEntryEdge!]!
  }
  type RecordEntryEdge {
    node: RecordEntry!
  }
  type RecordEntry {
    title: String!
  }
  type Practice {
    odsCode: ID!
    name: String!
    icb: IntegratedCareBoard!
  }
  type IntegratedCareBoard {
    code: ID!
    practices(first: Int = 50): PracticeConnection!
  }
  type PracticeConnection {
    totalCount: Int!
    edges: [PracticeEdge!]!
  }
  type PracticeEdge {
    node: Practice!
  }
`);

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** `{ a { b { ... leaf } } }`: as deep as the fields, plus the leaf. */
export const nested = (fields: string[], leaf: string) =>
  `{ ${fields.map((field) => `${field} {`).join(' ')} ${leaf} ${'} '.repeat(fields.length)}}`;
