/**
 * Which service a span belongs to, when one process serves several (`npm start`, the tests):
 * each service notes the port it listens on, the server span of a request that arrives there
 * carries that service's name, and every span under it inherits it (start-tracing.ts). Plain
 * data, no OpenTelemetry: serveHttp notes its port whether or not traces are on.
 */
export const SERVICE_ATTRIBUTE = 'citizen_access.service';

const servicesByPort = new Map<number, string>();

export function noteServicePort(port: number, service: string): void {
  servicesByPort.set(port, service);
}

export function forgetServicePort(port: number): void {
  servicesByPort.delete(port);
}

export const serviceOnPort = (port: number | undefined): string | undefined =>
  port === undefined ? undefined : servicesByPort.get(port);
