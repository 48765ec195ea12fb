import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { describeWithPrometheus, PROMTOOL } from '../../helpers/prometheus';

const DIR = join(__dirname, '..', '..', '..', 'deploy', 'prometheus');
const promtool = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(PROMTOOL, args, { cwd: DIR, timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
};

describeWithPrometheus('the Prometheus alert rules and scrape configuration (promtool)', PROMTOOL)(
  'deploy/prometheus, checked by promtool',
  () => {
    it('the alert rules are valid (promtool check rules)', async () => {
      const { code, output } = await promtool('check', 'rules', 'alerts.yml');
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 10 rules found') });
    });

    it('each alert fires on the series that should fire it, and not on healthy ones (promtool test rules)', async () => {
      const { code, output } = await promtool('test', 'rules', 'alerts.test.yml');
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS') });
    });

    it('the example scrape configuration is valid and loads the rules', async () => {
      const { code, output } = await promtool('check', 'config', 'prometheus.yml');
      expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('SUCCESS: 1 rule files found') });
    });
  },
);

describe('deploy/prometheus/alerts.yml and the operations guide', () => {
  it('the guide lists exactly the alerts the rules file holds', () => {
    const rules = parse(readFileSync(join(DIR, 'alerts.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] };
    const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert)).sort();
    const guide = readFileSync(join(DIR, '..', '..', 'docs', 'operations.md'), 'utf8');
    const section = guide.slice(guide.indexOf('## Metrics and alerts'), guide.indexOf('## Faults and hardening'));
    const listed = [...section.matchAll(/^\| `([A-Z][A-Za-z]+)` +\| (?:page|warning) /gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(alerts);
    expect(alerts).toHaveLength(10);
  });
});
