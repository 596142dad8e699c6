// A tiny JSON-RPC 2.0 server on 127.0.0.1 (single and batch requests) for chain fakes.
import { createServer, type Server } from 'node:http';

export type RpcHandler = (method: string, params: unknown[]) => unknown;

export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const startJsonRpc = async (handler: RpcHandler): Promise<{ url: string; calls: string[]; stop(): Promise<void> }> => {
  const calls: string[] = [];
  const answer = (req: { id: unknown; method: string; params?: unknown[] }) => {
    calls.push(req.method);
    try {
      return { jsonrpc: '2.0', id: req.id, result: handler(req.method, req.params ?? []) };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : -32603;
      return { jsonrpc: '2.0', id: req.id, error: { code, message: (error as Error).message } };
    }
  };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const out = Array.isArray(body) ? body.map(answer) : answer(body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, calls, stop: () => new Promise((r) => server.close(() => r())) };
};
