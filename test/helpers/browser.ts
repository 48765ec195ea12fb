import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's headless Chromium for the browser tests (never a downloaded build), with the flags
 * that keep it off the network it cannot reach here.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe` when Chromium is installed. Without it: a failing test when REQUIRE_BROWSER=1 (as
 * in CI), else a loud warning and `describe.skip`, so a missing browser is never a quiet pass.
 */
export function describeWithBrowser(what: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.REQUIRE_BROWSER === '1') {
    it('needs Chromium', () => {
      throw new Error(`${CHROMIUM} is missing and REQUIRE_BROWSER=1: install it with \`apt-get install -y chromium\``);
    });
  } else {
    console.warn(
      `\n${'!'.repeat(78)}\n!! SKIPPED: ${what}: ${CHROMIUM} is missing.\n` +
        `!! Install it with \`apt-get install -y chromium\` (CI sets REQUIRE_BROWSER=1 and fails instead).\n${'!'.repeat(78)}\n`,
    );
  }
  return describe.skip;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
