// A real HTTP webhook receiver on 127.0.0.1 for the delivery tests: records every request
// and answers with the statuses it is told to (the last one repeats).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers to give, in order; each is a status, or a status with headers; 'hang' never answers. */
  respond: (number | 'hang' | { status: number; headers: Record<string, string> })[];
  close(): Promise<void>;
}

export const startReceiver = async (respond: Receiver['respond'] = [200]): Promise<Receiver> => {
  const received: Received[] = [];
  const receiver = { received, respond } as Receiver;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, at: Date.now() });
      const answer = receiver.respond[Math.min(received.length - 1, receiver.respond.length - 1)] ?? 200;
      if (answer === 'hang') return;
      if (typeof answer === 'number') res.writeHead(answer).end('receiver says ' + answer);
      else res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  receiver.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  receiver.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return receiver;
};
