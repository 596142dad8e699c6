// Errors that keep the connection: an oversized or malformed body gets its 4xx problem and the
// same keep-alive socket then serves the next request (no reset). Everything goes over ONE
// raw TCP socket, so a server that closes or resets it after the error fails these tests.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  system = await startTestSystem({ loops: false });
});
afterAll(() => system.stop());

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One client socket that sends requests in order and parses Content-Length framed responses. */
class KeepAliveClient {
  private buffered = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiting?.();
    });
    socket.on('error', (error) => {
      this.failure = error;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  static open(url: string): Promise<KeepAliveClient> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port) }, () => resolve(new KeepAliveClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the request head and body (in chunks, as a client streaming a big upload does). */
  async send(head: string, body: Buffer = Buffer.alloc(0)): Promise<void> {
    this.socket.write(head);
    for (let offset = 0; offset < body.length; offset += 64 * 1024) {
      if (!this.socket.write(body.subarray(offset, offset + 64 * 1024))) {
        await new Promise<void>((resolve, reject) => {
          this.socket.once('drain', resolve);
          this.socket.once('close', () => reject(this.failure ?? new Error('socket closed while sending the body')));
        });
      }
    }
  }

  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error('connection closed before a full response');
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
  }

  private parse(): RawResponse | undefined {
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffered.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffered.length < end + 4 + length) return undefined;
    const body = this.buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffered = this.buffered.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  /** Resolves when the server has closed the connection. */
  ended(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }

  close() {
    this.socket.destroy();
  }
}

const host = () => new URL(system.url).host;
const post = (path: string, body: Buffer, type = 'application/json') =>
  `POST ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${system.apiKey}\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${system.apiKey}\r\nConnection: keep-alive\r\n\r\n`;

const expectProblem = (res: RawResponse, status: number, slug: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({ status, type: expect.stringContaining(`/problems/${slug}`) });
  expect(res.headers.connection ?? 'keep-alive').not.toMatch(/close/i);
};

describe('errors keep the keep-alive connection usable', () => {
  it('answers a 1 MiB body with 413 and then serves a GET on the same socket', async () => {
    const client = await KeepAliveClient.open(system.url);
    try {
      const big = Buffer.alloc(1024 * 1024, 'a');
      for (let round = 0; round < 3; round++) {
        await client.send(post('/v1/jobs', big), big);
        expectProblem(await client.response(), 413, 'body-too-large');
        await client.send(get('/v1/jobs?limit=1'));
        const next = await client.response();
        expect(next.status).toBe(200);
        expect(JSON.parse(next.body)).toEqual({ items: [] });
      }
      expect(client.closed).toBe(false);
    } finally {
      client.close();
    }
  });

  it('answers malformed JSON with 400 and then serves a GET on the same socket', async () => {
    const client = await KeepAliveClient.open(system.url);
    try {
      const broken = Buffer.from('{"image": "python:3.12", "command": [');
      await client.send(post('/v1/jobs', broken), broken);
      expectProblem(await client.response(), 400, 'malformed-body');
      await client.send(get('/v1/jobs?limit=1'));
      expect((await client.response()).status).toBe(200);
      expect(client.closed).toBe(false);
    } finally {
      client.close();
    }
  });

  it('reads the body of a request refused before its handler (401) and keeps the socket', async () => {
    const client = await KeepAliveClient.open(system.url);
    try {
      const body = Buffer.alloc(48 * 1024, 'd');
      await client.send(post('/v1/jobs', body).replace(`Bearer ${system.apiKey}`, 'Bearer sy_live_nope'), body);
      expect((await client.response()).status).toBe(401);
      await client.send(get('/v1/jobs?limit=1'));
      expect((await client.response()).status).toBe(200);
      expect(client.closed).toBe(false);
    } finally {
      client.close();
    }
  });

  it('answers an oversized chunked body (no Content-Length) with 413 and keeps the socket', async () => {
    const client = await KeepAliveClient.open(system.url);
    try {
      const chunk = Buffer.alloc(32 * 1024, 'b');
      const chunked = Buffer.concat([...Array.from({ length: 8 }, () => Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')]);
      const head = `POST /v1/jobs HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${system.apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
      await client.send(head, chunked);
      expectProblem(await client.response(), 413, 'body-too-large');
      await client.send(get('/v1/jobs?limit=1'));
      expect((await client.response()).status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('closes politely (Connection: close, full response) only for a body past the drain bound', async () => {
    const client = await KeepAliveClient.open(system.url);
    try {
      // Announce far more than the server will read: it answers, says it closes, and closes after the answer.
      const announced = 64 * 1024 * 1024;
      await client.send(post('/v1/jobs', Buffer.alloc(0)).replace('Content-Length: 0', `Content-Length: ${announced}`), Buffer.alloc(256 * 1024, 'c'));
      const res = await client.response();
      expect(res.status).toBe(413);
      expect(res.headers.connection).toMatch(/close/i);
      expect(JSON.parse(res.body).type).toContain('/problems/body-too-large');
      await client.ended();
    } finally {
      client.close();
    }
  });
});
