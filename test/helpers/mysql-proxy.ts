// A TCP proxy in front of MySQL/MariaDB for outage tests: cut() drops every open connection and
// refuses new ones (accepted, then reset at once), restore() forwards again.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class MysqlProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  /** Connections forwarded so far (a reconnect after restore() shows up here). */
  connections = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<MysqlProxy> {
    let proxy: MysqlProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new MysqlProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get isCut(): boolean {
    return this.cutOff;
  }

  /** Drop every forwarded connection and refuse new ones until restore(). */
  cut(): void {
    this.cutOff = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.cutOff) {
      client.resetAndDestroy();
      return;
    }
    this.connections++;
    const upstream = connect(port, host);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
