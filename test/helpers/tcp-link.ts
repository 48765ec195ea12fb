import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP link to a server (PostgreSQL, in the tests) that a test can break the way networks
 * and hosts break: `down()` resets every connection and refuses new ones (a host or container
 * gone), `silent()` resets every connection and then accepts new ones but never answers (a
 * server that hangs), `up()` forwards again, on the same port, so whoever points at the link
 * reconnects without being told anything.
 */
export class TcpLink {
  private server?: Server;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'silent' = 'forward';

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** For a postgres:// URL: the same URL, through this link. */
  static forUrl(url: string): { link: TcpLink; url: () => string } {
    const target = new URL(url);
    const link = new TcpLink(target.hostname, Number(target.port || 5432));
    return {
      link,
      url: () => {
        const through = new URL(url);
        through.hostname = '127.0.0.1';
        through.port = String(link.port);
        return through.href;
      },
    };
  }

  async up(): Promise<this> {
    this.mode = 'forward';
    if (this.server) return this;
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.resetAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async silent(): Promise<void> {
    await this.up();
    this.mode = 'silent';
    this.resetAll();
  }

  private resetAll(): void {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
  }

  private accept(client: Socket): void {
    this.track(client);
    if (this.mode === 'silent') return; // read nothing, answer nothing
    const upstream = connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }
}
