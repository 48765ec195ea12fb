import { Writable } from 'node:stream';
import pino, { type Level } from 'pino';

/** A real pino logger whose JSON lines are kept in `lines`, for tests that read what was logged. */
export function capturedLogger(level: Level): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
