// A real HTTP server in front of a provider fake that answers chosen requests with a fault
// (an error status with headers, or no answer at all) and forwards everything else.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export type Fault = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface FaultProxy {
  url: string;
  /** Requests that matched, faulted or forwarded, in order. */
  matched: string[];
  /** The next matching requests get these faults, one each; then they are forwarded. */
  inject(faults: Fault[]): void;
  /** Drops the faults not yet used. */
  clear(): void;
  close(): Promise<void>;
}

const bodyOf = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startFaultProxy = async (target: string, matches: (method: string, path: string) => boolean): Promise<FaultProxy> => {
  const pending: Fault[] = [];
  const matched: string[] = [];
  const hung = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const body = await bodyOf(req);
    if (matches(method, path)) {
      matched.push(`${method} ${path}`);
      const fault = pending.shift();
      if (fault === 'hang') {
        hung.add(res);
        return;
      }
      if (fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ error: 'injected', message: `injected ${fault.status}` }));
        return;
      }
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
    const answer = await fetch(target.replace(/\/$/, '') + path, { method, headers, ...(body.length > 0 ? { body } : {}) });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    matched,
    inject: (faults) => pending.push(...faults),
    clear: () => pending.splice(0),
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
