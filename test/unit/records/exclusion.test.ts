import {
  isExcluded,
  SNOMED_ACCESS_DECLINED,
  SNOMED_EXCLUDED,
  SNOMED_EXCLUSION_LIFTED,
} from '../../../subgraphs/records/domain/exclusion';
import { instant } from './record-builders';

const at = (iso: string) => instant(iso);
const jan = at('2023-01-10T09:00');
const feb = at('2023-02-10T09:00');
const mar = at('2023-03-10T09:00');

describe('online-access exclusion: the latest SNOMED CT code wins', () => {
  it('a patient with no exclusion events is not excluded', () => {
    expect(isExcluded([])).toBe(false);
  });

  it('an enhanced review indicated (104) excludes', () => {
    expect(isExcluded([{ snomedCode: SNOMED_EXCLUDED, at: jan }])).toBe(true);
  });

  it('a patient who declined (103) is excluded', () => {
    expect(isExcluded([{ snomedCode: SNOMED_ACCESS_DECLINED, at: jan }])).toBe(true);
  });

  it('an exclusion lifted later (106) no longer excludes', () => {
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUDED, at: jan },
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
      ]),
    ).toBe(false);
  });

  it('a decline (103) followed by a lift (106) no longer excludes: the latest of all three codes wins', () => {
    expect(
      isExcluded([
        { snomedCode: SNOMED_ACCESS_DECLINED, at: jan },
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
      ]),
    ).toBe(false);
  });

  it('an exclusion recorded again after a lift excludes again', () => {
    const history = [
      { snomedCode: SNOMED_EXCLUDED, at: jan },
      { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
      { snomedCode: SNOMED_EXCLUDED, at: mar },
    ];
    expect(isExcluded(history)).toBe(true);
  });

  it('order is by `at`, not by position in the array', () => {
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
        { snomedCode: SNOMED_EXCLUDED, at: jan },
      ]),
    ).toBe(false);
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUDED, at: feb },
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: jan },
      ]),
    ).toBe(true);
  });

  it('on a tie of `at`, the later in the array wins', () => {
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUDED, at: jan },
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: jan },
      ]),
    ).toBe(false);
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: jan },
        { snomedCode: SNOMED_EXCLUDED, at: jan },
      ]),
    ).toBe(true);
  });

  it('an unknown code excludes, even if a lift follows it', () => {
    expect(isExcluded([{ snomedCode: '123456789', at: jan }])).toBe(true);
    expect(
      isExcluded([
        { snomedCode: '123456789', at: jan },
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
      ]),
    ).toBe(true);
  });

  it('an event with an invalid instant excludes, whatever else was recorded', () => {
    expect(isExcluded([{ snomedCode: SNOMED_EXCLUSION_LIFTED, at: new Date('nonsense') }])).toBe(true);
    expect(
      isExcluded([
        { snomedCode: SNOMED_EXCLUSION_LIFTED, at: feb },
        { snomedCode: SNOMED_EXCLUDED, at: new Date(NaN) },
      ]),
    ).toBe(true);
  });
});
