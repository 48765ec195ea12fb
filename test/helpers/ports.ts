import { connect, createServer } from 'node:net';

/** A port free on 127.0.0.1 a moment ago (for a process that cannot be told to take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether a new TCP connection to the port is refused (nothing listens any more). */
export function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * Each service's metrics port on a free port (0), for a service started as a process: its
 * default (9400–9403) would collide with another test run, or a service, on this machine.
 */
export const EPHEMERAL_METRICS_PORTS: NodeJS.ProcessEnv = {
  GATEWAY_METRICS_PORT: '0',
  PRACTICES_METRICS_PORT: '0',
  ROLLOUT_METRICS_PORT: '0',
  RECORDS_METRICS_PORT: '0',
};
