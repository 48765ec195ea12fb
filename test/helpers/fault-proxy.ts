import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with the next requests. */
export type Fault =
  | { kind: 'pass' }
  | { kind: 'status'; status: number }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  /** Keeps each request unanswered until the fault changes or the proxy stops: a subgraph that never answers. */
  | { kind: 'hold' }
  | { kind: 'nonsense'; body: string };

/**
 * A fault injector in front of one subgraph, for tests: real HTTP in, real HTTP on to the
 * subgraph, except when told to answer with a status, drop the connection, stall, or answer
 * nonsense. `failNext(n, fault)` applies a fault to the next n requests only. Counts what it receives;
 * `held()` resolves once a request is being held, so a test waits on that rather than on a timer.
 */
export class FaultProxy {
  received = 0;
  private fault: Fault = { kind: 'pass' };
  private holding: (() => void)[] = [];
  private onHold: (() => void)[] = [];
  private remaining = Infinity;
  private server?: Server;

  constructor(private readonly target: string) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}${new URL(this.target).pathname}`;
  }

  set(fault: Fault): void {
    this.releaseHeld();
    this.fault = fault;
    this.remaining = Infinity;
  }

  failNext(count: number, fault: Fault): void {
    this.releaseHeld();
    this.fault = fault;
    this.remaining = count;
  }

  /** Resolves when a request is next held (at once if one is held now). */
  held(): Promise<void> {
    if (this.holding.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.onHold.push(resolve));
  }

  /** Held requests are dropped, not forwarded: whoever sent them has given up by then. */
  private releaseHeld(): void {
    for (const release of this.holding.splice(0)) release();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  stop(): Promise<void> {
    this.releaseHeld();
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.received += 1;
    const fault = this.remaining > 0 ? this.fault : ({ kind: 'pass' } as Fault);
    this.remaining -= 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'text/plain' }).end('fault injected');
        return;
      case 'drop':
        req.socket.destroy();
        return;
      case 'nonsense':
        res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
        return;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      case 'hold':
        await new Promise<void>((resolve) => {
          this.holding.push(resolve);
          for (const told of this.onHold.splice(0)) told();
        });
        req.socket.destroy();
        return;
      default:
        break;
    }
    const target = new URL(this.target);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    upstream.end(Buffer.concat(chunks));
  }
}
