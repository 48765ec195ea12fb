import {
  exclusionHistory,
  isExcluded,
  SNOMED_ACCESS_DECLINED,
  SNOMED_EXCLUDED,
  SNOMED_EXCLUSION_LIFTED,
  type ExclusionEventFacts,
} from '../../../subgraphs/records/domain/exclusion';
import { instant } from './record-builders';

const jan = instant('2023-01-10T09:00');
const feb = instant('2023-02-10T09:00');
const mar = instant('2023-03-10T09:00');

/** Events as stored before kinds were kept: the code alone says what each did. */
const coded = (snomedCode: string, at: Date): ExclusionEventFacts => ({ snomedCode, kind: null, at });
const excluded = (at: Date) => coded(SNOMED_EXCLUDED, at);
const lifted = (at: Date) => coded(SNOMED_EXCLUSION_LIFTED, at);
const declined = (at: Date): ExclusionEventFacts => ({ snomedCode: SNOMED_ACCESS_DECLINED, kind: 'ACCESS_DECLINED', at });
const withdrawn = (at: Date): ExclusionEventFacts => ({ snomedCode: SNOMED_ACCESS_DECLINED, kind: 'DECLINE_WITHDRAWN', at });

describe('online-access exclusion: a clinician’s judgement and the patient’s own choice', () => {
  it('a patient with no exclusion events is not excluded and has no gaps', () => {
    expect(exclusionHistory([])).toEqual({ excluded: false, byClinician: false, declinedByPatient: false, gaps: [] });
  });

  it('an enhanced review indicated (104) excludes from the instant it was recorded', () => {
    expect(exclusionHistory([excluded(jan)])).toEqual({
      excluded: true,
      byClinician: true,
      declinedByPatient: false,
      gaps: [{ from: jan.getTime(), to: null }],
    });
  });

  it('a patient who declined (103) is excluded, by their own choice', () => {
    expect(exclusionHistory([declined(jan)])).toMatchObject({ excluded: true, byClinician: false, declinedByPatient: true });
    expect(isExcluded([coded(SNOMED_ACCESS_DECLINED, jan)])).toBe(true);
  });

  it('a clinician’s exclusion lifted later (106) no longer excludes, and leaves a gap up to and including the lift', () => {
    expect(exclusionHistory([excluded(jan), lifted(feb)])).toEqual({
      excluded: false,
      byClinician: false,
      declinedByPatient: false,
      gaps: [{ from: jan.getTime(), to: feb.getTime() + 1 }],
    });
  });

  it('a clinician’s lift (106) never ends the patient’s own decline (103)', () => {
    expect(isExcluded([declined(jan), lifted(feb)])).toBe(true);
    expect(isExcluded([coded(SNOMED_ACCESS_DECLINED, jan), lifted(feb)])).toBe(true);
  });

  it('only the patient’s own withdrawal ends their decline', () => {
    expect(exclusionHistory([declined(jan), lifted(feb), withdrawn(mar)])).toEqual({
      excluded: false,
      byClinician: false,
      declinedByPatient: false,
      gaps: [{ from: jan.getTime(), to: mar.getTime() + 1 }],
    });
  });

  it('the patient’s withdrawal never ends a clinician’s exclusion', () => {
    expect(exclusionHistory([excluded(jan), declined(feb), withdrawn(mar)])).toMatchObject({
      excluded: true,
      byClinician: true,
      declinedByPatient: false,
    });
  });

  it('a gap spans both exclusions while either stands, and ends when the last of them ends', () => {
    expect(exclusionHistory([excluded(jan), declined(feb), lifted(feb), withdrawn(mar)]).gaps).toEqual([
      { from: jan.getTime(), to: mar.getTime() + 1 },
    ]);
  });

  it('an exclusion recorded again after a lift excludes again, with a second gap', () => {
    expect(exclusionHistory([excluded(jan), lifted(feb), excluded(mar)])).toMatchObject({
      excluded: true,
      gaps: [
        { from: jan.getTime(), to: feb.getTime() + 1 },
        { from: mar.getTime(), to: null },
      ],
    });
  });

  it('events take effect in the order recorded, not by a clock that stepped back', () => {
    const at = (time: string) => instant(`2024-03-01T${time}`);
    // 104 at 10:00:00, 106 at 10:00:05, then a 104 written last but stamped 10:00:01.
    const history = exclusionHistory([excluded(at('10:00:00')), lifted(at('10:00:05')), excluded(at('10:00:01'))]);
    expect(history.excluded).toBe(true);
    // The last exclusion counts from the latest instant recorded before it, never earlier.
    expect(history.gaps).toEqual([
      { from: at('10:00:00').getTime(), to: at('10:00:05').getTime() + 1 },
      { from: at('10:00:05').getTime(), to: null },
    ]);
  });

  it('an unknown code excludes for good, even if a lift follows it', () => {
    expect(isExcluded([coded('123456789', jan)])).toBe(true);
    expect(exclusionHistory([coded('123456789', jan), lifted(feb)]).gaps).toEqual([{ from: -Infinity, to: null }]);
  });

  it('a kind its code contradicts, or an unknown kind, excludes for good', () => {
    expect(isExcluded([{ snomedCode: SNOMED_EXCLUSION_LIFTED, kind: 'DECLINE_WITHDRAWN', at: jan }])).toBe(true);
    expect(isExcluded([{ snomedCode: SNOMED_EXCLUSION_LIFTED, kind: 'SOMETHING_NEW', at: jan }])).toBe(true);
  });

  it('an event with an invalid instant excludes, whatever else was recorded', () => {
    expect(isExcluded([coded(SNOMED_EXCLUSION_LIFTED, new Date('nonsense'))])).toBe(true);
    expect(isExcluded([lifted(feb), coded(SNOMED_EXCLUDED, new Date(NaN))])).toBe(true);
  });
});
