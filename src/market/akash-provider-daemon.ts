// Fake Akash provider daemon: the lease log stream the Console web app reads from a
// provider (akash/FACTS.md §2 row C) — a WebSocket at `/lease/{dseq}/{gseq}/{oseq}/logs`
// taking `follow`, `tail` and `service`, each message `{name, message, service}`. With
// `follow=false` it sends the tail and closes. The JWT (from the Console's
// POST /v1/create-jwt-token) is checked as `Authorization: Bearer` (assumed, as in the
// adapter: FACTS gives the token, not the header). No published spec covers this daemon,
// so it records nothing for the contract suite. One server stands in for every provider's
// `hostUri`.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProviderDaemonOptions {
  tokenValid(token: string): boolean;
  /** The service's log lines of a lease, or undefined when the lease is unknown or closed. */
  logs(dseq: string, gseq: number, oseq: number, service: string): string[] | undefined;
}

export interface ProviderDaemon {
  url: string;
  close(): Promise<void>;
}

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3

const frame = (opcode: number, payload: Buffer): Buffer => {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (len >= 126 && len < 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(len, 2);
  } else if (len >= 65536) {
    head[0] = 0x80 | opcode;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  return Buffer.concat([head, payload]);
};

const refuse = (socket: Duplex, status: string): void => {
  socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\n\r\n`);
};

export const startAkashProviderDaemon = async (options: ProviderDaemonOptions): Promise<ProviderDaemon> => {
  const server = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  const sockets = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/lease\/(\d+)\/(\d+)\/(\d+)\/logs$/.exec(url.pathname);
    const key = req.headers['sec-websocket-key'];
    if (!m || typeof key !== 'string') return refuse(socket, '404 Not Found');
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !options.tokenValid(auth.slice('Bearer '.length))) return refuse(socket, '401 Unauthorized');
    const service = url.searchParams.get('service') ?? '';
    const lines = options.logs(m[1]!, Number(m[2]), Number(m[3]), service);
    if (!lines) return refuse(socket, '404 Not Found');
    const tail = Number(url.searchParams.get('tail') ?? lines.length);
    const accept = createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    for (const line of lines.slice(-Math.max(0, tail))) {
      socket.write(frame(0x1, Buffer.from(JSON.stringify({ name: `${service}-0`, message: line, service }))));
    }
    socket.end(frame(0x8, Buffer.alloc(0))); // follow=false: the tail, then close
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
};
