import { ReportArgumentError, reportPeriod } from '../../../clients/report/report-period';
import { parseReportArgs, sourceOf } from '../../../clients/report/report-args';

const NOW = new Date('2024-06-05T10:30:00.000Z');

describe('the period a report covers', () => {
  it('a past day is its end: the next day at 00:00 UTC, with 52 weeks before it', () => {
    expect(reportPeriod('2024-06-01', NOW)).toEqual({
      day: '2024-06-01',
      asOf: new Date('2024-06-02T00:00:00.000Z'),
      from: new Date('2023-06-04T00:00:00.000Z'),
    });
  });

  it('today is now, since the gateway refuses the future; no day is now too', () => {
    expect(reportPeriod('2024-06-05', NOW)).toEqual({ day: '2024-06-05', asOf: NOW, from: new Date('2023-06-07T10:30:00.000Z') });
    expect(reportPeriod(undefined, NOW)).toEqual(reportPeriod('2024-06-05', NOW));
  });

  it.each(['2024-6-1', '01/06/2024', '2024-02-30', '2024-13-01', 'yesterday', '', '2024-06-01T00:00:00Z'])(
    'refuses %j as a day, saying how to write one',
    (given) => {
      expect(() => reportPeriod(given, NOW)).toThrow(
        new ReportArgumentError(`--asOf must be a day written YYYY-MM-DD, such as 2024-06-01 (got "${given}")`),
      );
    },
  );

  it('refuses a day after today', () => {
    expect(() => reportPeriod('2024-06-06', NOW)).toThrow(/--asOf 2024-06-06 is in the future/);
  });
});

describe('the report command line', () => {
  const env = { GATEWAY_PORT: '4123', DATA_DIR: '/srv/data' };

  it('defaults: now, the local gateway on GATEWAY_PORT, a file under data/reports named for the day', () => {
    expect(parseReportArgs([], env, NOW)).toMatchObject({
      help: false,
      out: '/srv/data/reports/rollout-2024-06-05.html',
      gateway: 'http://localhost:4123/graphql',
      token: undefined,
      period: { asOf: NOW },
    });
  });

  it('takes --asOf, --out, --gateway and --token', () => {
    const args = parseReportArgs(
      ['--asOf', '2024-06-01', '--out', 'x.html', '--gateway', 'https://gw.example/graphql', '--token', 'T'],
      env,
      NOW,
    );
    expect(args).toMatchObject({
      out: 'x.html',
      gateway: 'https://gw.example/graphql',
      token: 'T',
      period: { day: '2024-06-01' },
    });
  });

  it.each([
    [['--asof', '2024-06-01'], /Unknown option '--asof'/],
    [['2024-06-01'], /positional argument/],
    [['--asOf'], /argument missing/],
    [['--gateway', 'localhost:4000'], /--gateway must be an http\(s\) URL/],
    [['--out', ''], /--out must name a file/],
  ])('refuses %j with a message that says what is wrong', (argv, message) => {
    expect(() => parseReportArgs(argv, env, NOW)).toThrow(ReportArgumentError);
    expect(() => parseReportArgs(argv, env, NOW)).toThrow(message);
  });

  it('names the gateway in the footer without credentials or query', () => {
    expect(sourceOf('https://user:secret@gw.example:8443/graphql?token=abc#x')).toBe('gw.example:8443/graphql');
  });
});
