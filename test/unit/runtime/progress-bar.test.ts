import { createProgressBar } from '../../../subgraphs/runtime/progress-bar';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('the progress bar', () => {
  it('on a terminal redraws one line in place and ends it once', () => {
    const tty = stream(true);
    const bar = createProgressBar({ label: 'Reading', total: 200, stream: tty });
    bar.update(0);
    bar.update(1);
    bar.update(100);
    bar.update(100);
    bar.finish();
    bar.finish();
    expect(tty.written.every((text) => text.startsWith('\r') || text === '\n')).toBe(true);
    expect(tty.written.join('').split('\n')).toEqual([expect.stringMatching(/100%$/), '']);
    expect(tty.written.filter((text) => text.includes(' 50%'))).toHaveLength(1);
    expect(tty.written.at(-2)).toBe(`\rReading [${'#'.repeat(30)}] 100%`);
  });

  it('elsewhere writes a plain line at each 10%, never the same one twice', () => {
    const log = stream(false);
    const bar = createProgressBar({ label: 'Reading', total: 1000, stream: log });
    for (let done = 0; done <= 1000; done += 7) bar.update(done);
    bar.finish();
    expect(log.written).toEqual(Array.from({ length: 11 }, (_, i) => `Reading: ${i * 10}%\n`));
  });

  it('a failed run ends the line where it stood, without claiming 100%', () => {
    const tty = stream(true);
    const bar = createProgressBar({ label: 'Reading', total: 10, stream: tty });
    bar.update(3);
    bar.finish(false);
    expect(tty.written.join('')).not.toContain('100%');
    expect(tty.written.at(-1)).toBe('\n');
  });
});
