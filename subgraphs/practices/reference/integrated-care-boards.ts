/**
 * The 42 integrated care boards (ICBs) of England since 1 July 2022: ODS code and official
 * name. Reference data for the ODS practice import, which creates an ICB from here when a
 * practice names one the database lacks (the ODS practice file carries ICB codes, not names).
 */
export interface ReferenceIcb {
  code: string;
  name: string;
}

export const INTEGRATED_CARE_BOARDS: readonly ReferenceIcb[] = [
  { code: 'QE1', name: 'NHS Lancashire and South Cumbria Integrated Care Board' },
  { code: 'QF7', name: 'NHS South Yorkshire Integrated Care Board' },
  { code: 'QGH', name: 'NHS Herefordshire and Worcestershire Integrated Care Board' },
  { code: 'QH8', name: 'NHS Mid and South Essex Integrated Care Board' },
  { code: 'QHG', name: 'NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board' },
  { code: 'QHL', name: 'NHS Birmingham and Solihull Integrated Care Board' },
  { code: 'QHM', name: 'NHS North East and North Cumbria Integrated Care Board' },
  { code: 'QJ2', name: 'NHS Derby and Derbyshire Integrated Care Board' },
  { code: 'QJG', name: 'NHS Suffolk and North East Essex Integrated Care Board' },
  { code: 'QJK', name: 'NHS Devon Integrated Care Board' },
  { code: 'QJM', name: 'NHS Lincolnshire Integrated Care Board' },
  { code: 'QK1', name: 'NHS Leicester, Leicestershire and Rutland Integrated Care Board' },
  { code: 'QKK', name: 'NHS South East London Integrated Care Board' },
  { code: 'QKS', name: 'NHS Kent and Medway Integrated Care Board' },
  { code: 'QM7', name: 'NHS Hertfordshire and West Essex Integrated Care Board' },
  { code: 'QMF', name: 'NHS North East London Integrated Care Board' },
  { code: 'QMJ', name: 'NHS North Central London Integrated Care Board' },
  { code: 'QMM', name: 'NHS Norfolk and Waveney Integrated Care Board' },
  { code: 'QNC', name: 'NHS Staffordshire and Stoke-on-Trent Integrated Care Board' },
  { code: 'QNQ', name: 'NHS Frimley Integrated Care Board' },
  { code: 'QNX', name: 'NHS Sussex Integrated Care Board' },
  { code: 'QOC', name: 'NHS Shropshire, Telford and Wrekin Integrated Care Board' },
  { code: 'QOP', name: 'NHS Greater Manchester Integrated Care Board' },
  { code: 'QOQ', name: 'NHS Humber and North Yorkshire Integrated Care Board' },
  { code: 'QOX', name: 'NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board' },
  { code: 'QPM', name: 'NHS Northamptonshire Integrated Care Board' },
  { code: 'QR1', name: 'NHS Gloucestershire Integrated Care Board' },
  { code: 'QRL', name: 'NHS Hampshire and Isle of Wight Integrated Care Board' },
  { code: 'QRV', name: 'NHS North West London Integrated Care Board' },
  { code: 'QSL', name: 'NHS Somerset Integrated Care Board' },
  { code: 'QT1', name: 'NHS Nottingham and Nottinghamshire Integrated Care Board' },
  { code: 'QT6', name: 'NHS Cornwall and the Isles of Scilly Integrated Care Board' },
  { code: 'QU9', name: 'NHS Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board' },
  { code: 'QUA', name: 'NHS Black Country Integrated Care Board' },
  { code: 'QUE', name: 'NHS Cambridgeshire and Peterborough Integrated Care Board' },
  { code: 'QUY', name: 'NHS Bristol, North Somerset and South Gloucestershire Integrated Care Board' },
  { code: 'QVV', name: 'NHS Dorset Integrated Care Board' },
  { code: 'QWE', name: 'NHS South West London Integrated Care Board' },
  { code: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' },
  { code: 'QWU', name: 'NHS Coventry and Warwickshire Integrated Care Board' },
  { code: 'QXU', name: 'NHS Surrey Heartlands Integrated Care Board' },
  { code: 'QYG', name: 'NHS Cheshire and Merseyside Integrated Care Board' },
];

const BY_CODE = new Map(INTEGRATED_CARE_BOARDS.map((icb) => [icb.code, icb]));

/** The reference ICB with this code, if there is one. */
export const referenceIcb = (code: string): ReferenceIcb | undefined => BY_CODE.get(code);
