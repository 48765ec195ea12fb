import { parse, validate } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { subgraphSdl } from '../../../schema/supergraph';
import { parseReportData, REPORT_QUERY } from '../../../clients/report/report-data';

describe("the report's query", () => {
  it('is valid against the rollout subgraph, whose fields it reads (one request, three aliases)', () => {
    const schema = buildSubgraphSchema(parse(subgraphSdl('rollout')));
    expect(validate(schema, parse(REPORT_QUERY)).map((error) => error.message)).toEqual([]);
    expect(REPORT_QUERY).toMatch(/timeline: rolloutTimeline\([\s\S]*byIcb: rolloutSummary\([\s\S]*bySupplier: rolloutSummary\(/);
  });
});

describe('checking the gateway answer before drawing it', () => {
  it('refuses an answer that is not the figures it expects, naming where', () => {
    const odd = { timeline: [], byIcb: [{ key: 'QOP', label: 'x', total: '<svg onload=alert(1)>' }], bySupplier: [] };
    expect(() => parseReportData(odd)).toThrow('not the rollout figures the report expects (at byIcb.0.total)');
    expect(() => parseReportData(null)).toThrow('(at the top)');
  });

  it('passes sound figures through', () => {
    const sound = { timeline: [{ at: '2024-06-01T00:00:00.000Z', counts: [] }], byIcb: [], bySupplier: [] };
    expect(parseReportData(sound)).toEqual(sound);
  });
});
