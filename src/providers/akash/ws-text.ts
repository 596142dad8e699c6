// Reads the text messages of one short-lived WebSocket stream (RFC 6455) and returns them
// when the server closes it: enough for a provider's `logs?follow=false`, which sends the
// log tail and closes. Node 20 has no WebSocket client and the project has no ws
// dependency, so this is a minimal client: no extensions, no subprotocols, server frames
// unmasked (as RFC 6455 §5.1 requires), fragmented messages joined, pings ignored.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

export class WebSocketReadError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Parses complete frames from `buf`; returns what is left over. */
const parseFrames = (buf: Buffer, onFrame: (opcode: number, fin: boolean, payload: Buffer) => void): Buffer => {
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const b0 = buf[at]!;
    const b1 = buf[at + 1]!;
    let len = b1 & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - at < 4) break;
      len = buf.readUInt16BE(at + 2);
      head = 4;
    } else if (len === 127) {
      if (buf.length - at < 10) break;
      len = Number(buf.readBigUInt64BE(at + 2));
      head = 10;
    }
    const masked = (b1 & 0x80) !== 0;
    const maskLen = masked ? 4 : 0;
    if (buf.length - at < head + maskLen + len) break;
    let payload = buf.subarray(at + head + maskLen, at + head + maskLen + len);
    if (masked) {
      const mask = buf.subarray(at + head, at + head + 4);
      payload = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
    }
    onFrame(b0 & 0x0f, (b0 & 0x80) !== 0, payload);
    at += head + maskLen + len;
  }
  return buf.subarray(at);
};

export const readWebSocketText = (url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<string[]> =>
  new Promise((resolve, reject) => {
    const target = new URL(url.replace(/^ws/, 'http'));
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const messages: string[] = [];
    let partial: Buffer[] = [];
    let done = false;
    const finish = (error?: Error, socket?: Socket) => {
      if (done) return;
      done = true;
      socket?.destroy();
      if (error) reject(error);
      else resolve(messages);
    };
    const req = request(target, {
      headers: {
        ...headers,
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
      timeout: timeoutMs,
    });
    req.on('timeout', () => {
      req.destroy();
      finish(new WebSocketReadError(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (e) => finish(new WebSocketReadError(e.message)));
    req.on('response', (res) => {
      res.resume();
      finish(new WebSocketReadError(`upgrade refused: HTTP ${res.statusCode}`, res.statusCode));
    });
    req.on('upgrade', (_res, socket: Socket, head: Buffer) => {
      socket.setTimeout(timeoutMs, () => finish(new WebSocketReadError(`stream still open after ${timeoutMs} ms`), socket));
      let pending: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        pending = parseFrames(Buffer.concat([pending, chunk]), (opcode, fin, payload) => {
          if (opcode === 0x8) return finish(undefined, socket);
          if (opcode !== 0x1 && opcode !== 0x2 && opcode !== 0x0) return; // ping/pong
          partial.push(payload);
          if (fin) {
            messages.push(Buffer.concat(partial).toString('utf8'));
            partial = [];
          }
        });
      };
      socket.on('data', onData);
      socket.on('end', () => finish(undefined, socket));
      socket.on('close', () => finish(undefined, socket));
      socket.on('error', (e) => finish(new WebSocketReadError(e.message), socket));
      if (head.length > 0) onData(head);
    });
    req.end();
  });
