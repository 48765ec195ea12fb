import { DEMO_ICBS } from '../../../subgraphs/demo-world/practices';
import { isIcbCode } from '../../../subgraphs/runtime/ods-code';
import { INTEGRATED_CARE_BOARDS, referenceIcb } from '../../../subgraphs/practices/reference/integrated-care-boards';

describe('the reference list of integrated care boards', () => {
  it('has the 42 ICBs of England, each code once and well formed', () => {
    const codes = INTEGRATED_CARE_BOARDS.map((icb) => icb.code);
    expect(codes).toHaveLength(42);
    expect(new Set(codes).size).toBe(42);
    expect(codes.filter((code) => !isIcbCode(code))).toEqual([]);
  });

  it('uses the official "NHS … Integrated Care Board" names, each once', () => {
    const names = INTEGRATED_CARE_BOARDS.map((icb) => icb.name);
    expect(names.filter((name) => !/^NHS .+ Integrated Care Board$/.test(name))).toEqual([]);
    expect(new Set(names).size).toBe(42);
  });

  it('names the ICBs docs/domain.md names', () => {
    expect(referenceIcb('QWO')?.name).toBe('NHS West Yorkshire Integrated Care Board');
    expect(referenceIcb('QF7')?.name).toBe('NHS South Yorkshire Integrated Care Board');
    expect(referenceIcb('QE1')?.name).toBe('NHS Lancashire and South Cumbria Integrated Care Board');
    expect(referenceIcb('QWE')?.name).toBe('NHS South West London Integrated Care Board');
    expect(referenceIcb('QMM')?.name).toBe('NHS Norfolk and Waveney Integrated Care Board');
    expect(referenceIcb('QZZ')).toBeUndefined();
  });

  it('agrees with the demo ICBs, code and name', () => {
    expect(DEMO_ICBS.filter((icb) => referenceIcb(icb.code)?.name !== icb.name)).toEqual([]);
  });
});
