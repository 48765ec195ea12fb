import type { ServiceHandle } from './http';
import { flushTraces } from './tracing/register';

/**
 * Starts a service and stops it gracefully on SIGTERM or SIGINT (in-flight requests
 * finish, no new ones start). A configuration error is printed plainly, without a stack.
 */
export function runUntilSignalled(name: string, start: () => Promise<ServiceHandle>): void {
  start()
    .then((handle) => {
      console.log(`${name} ready at ${handle.url}`);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${name}: ${signal} received, stopping`);
        handle
          .stop()
          .then(flushTraces)
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    })
    .catch((error: unknown) => {
      console.error(`${name} failed to start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
