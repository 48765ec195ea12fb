import type { Supplier } from '../../platform/viewer';

/**
 * The demo world's practices: deterministic, 48 practices over eight real ICBs and every
 * supplier. ODS codes are synthetic (real-looking letters, numbers from one range);
 * names are invented. Every subgraph seeds its own slice of this one description.
 */
export interface DemoIcb {
  code: string;
  name: string;
}
export interface DemoPractice {
  odsCode: string;
  name: string;
  postcode: string;
  supplier: Supplier;
  icbCode: string;
}

export const DEMO_ICBS: readonly DemoIcb[] = [
  { code: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' },
  { code: 'QF7', name: 'NHS South Yorkshire Integrated Care Board' },
  { code: 'QE1', name: 'NHS Lancashire and South Cumbria Integrated Care Board' },
  { code: 'QWE', name: 'NHS South West London Integrated Care Board' },
  { code: 'QOP', name: 'NHS Greater Manchester Integrated Care Board' },
  { code: 'QHM', name: 'NHS North East and North Cumbria Integrated Care Board' },
  { code: 'QMJ', name: 'NHS North Central London Integrated Care Board' },
  { code: 'QUE', name: 'NHS Cambridgeshire and Peterborough Integrated Care Board' },
];

const PLACES: Record<string, { letter: string; town: string; postcodes: string[] }> = {
  QWO: { letter: 'B', town: 'Leeds', postcodes: ['LS1 3EX', 'LS6 2QB', 'BD1 4AS', 'HX1 1UJ', 'WF1 2EB', 'HD1 2SG'] },
  QF7: { letter: 'C', town: 'Sheffield', postcodes: ['S1 2BJ', 'S10 2TN', 'DN1 3AA', 'S60 1AE', 'S70 2TA', 'S11 8YA'] },
  QE1: { letter: 'P', town: 'Preston', postcodes: ['PR1 2HE', 'BB1 7DE', 'LA1 1YN', 'FY1 4AA', 'BL0 9AL', 'LA9 4DB'] },
  QWE: { letter: 'H', town: 'Croydon', postcodes: ['CR0 1NX', 'SW17 0QT', 'KT1 1EU', 'SM1 1EA', 'SW19 1DD', 'TW9 1DN'] },
  QOP: { letter: 'P', town: 'Manchester', postcodes: ['M1 1AE', 'M14 5QH', 'OL1 1LD', 'BL1 1RU', 'SK1 3XE', 'WN1 1AH'] },
  QHM: { letter: 'A', town: 'Newcastle', postcodes: ['NE1 7RU', 'SR1 3JR', 'DH1 3HP', 'TS1 2AZ', 'CA1 1RE', 'NE29 0LR'] },
  QMJ: { letter: 'F', town: 'Camden', postcodes: ['NW1 2DB', 'N1 1TA', 'N7 8QT', 'EN1 3XA', 'N15 4AB', 'NW5 1TL'] },
  QUE: { letter: 'D', town: 'Cambridge', postcodes: ['CB1 1PT', 'CB2 0QQ', 'PE1 1XS', 'PE29 3BW', 'CB7 4HF', 'PE13 1AA'] },
};

const STREETS = ['Station Road', 'Church Lane', 'Park View', 'Mill Street', 'Market Place', 'Riverside'];
// Mostly EMIS and TPP (the programme's suppliers), and every other supplier at least once.
const SUPPLIERS: readonly Supplier[] = [
  'EMIS',
  'TPP',
  'EMIS',
  'TPP',
  'CEGEDIM',
  'EMIS',
  'TPP',
  'MICROTEST',
  'EMIS',
  'TPP',
  'OTHER',
  'EMIS',
];

export const DEMO_PRACTICES: readonly DemoPractice[] = DEMO_ICBS.flatMap((icb, i) => {
  const place = PLACES[icb.code]!;
  return STREETS.map((street, j) => ({
    odsCode: `${place.letter}${String(84000 + i * 100 + j * 3 + 1).padStart(5, '0')}`,
    name: `${street} Surgery, ${place.town}`,
    postcode: place.postcodes[j]!,
    supplier: SUPPLIERS[(i * 6 + j) % SUPPLIERS.length]!,
    icbCode: icb.code,
  }));
});
