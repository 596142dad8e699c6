// A real HTTP webhook receiver on 127.0.0.1 for the delivery tests: records every request
// and answers with the statuses it is told to (the last one repeats).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** The status the receiver answered with (undefined while hanging). */
  answered?: number;
}

type Answer = number | 'hang' | { status: number; headers: Record<string, string> };

export interface Receiver {
  url: string;
  received: Received[];
  /** Answers to give, in order (the last one repeats), or a function of the request; each is a status, or a status with headers; 'hang' never answers. */
  respond: Answer[] | ((request: Received) => Answer);
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
      const request: Received = { headers: req.headers, body, at: Date.now() };
      received.push(request);
      const { respond } = receiver;
      const answer = typeof respond === 'function' ? respond(request) : (respond[Math.min(received.length - 1, respond.length - 1)] ?? 200);
      if (answer === 'hang') return;
      request.answered = typeof answer === 'number' ? answer : answer.status;
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

/** Receivers a test file starts as it goes, all closed at its end. */
export const receiverPool = () => {
  const open: Receiver[] = [];
  return {
    start: async (respond?: Receiver['respond']): Promise<Receiver> => {
      const r = await startReceiver(respond);
      open.push(r);
      return r;
    },
    closeAll: () => Promise.all(open.splice(0).map((r) => r.close())),
  };
};
