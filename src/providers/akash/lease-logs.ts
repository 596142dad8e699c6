// A lease's recent log lines, straight from the Akash provider that runs it
// (akash/FACTS.md §2 row C): a WebSocket at `{hostUri}/lease/{dseq}/{gseq}/{oseq}/logs`
// with `follow=false&tail=N&service=<name>`, whose messages are `{name, message, service}`.
// The provider's `hostUri` comes from the Console's `GET /v1/providers/{address}`, and the
// JWT from the Console's `POST /v1/create-jwt-token` ({data:{ttl, leases:{access:"scoped",
// scope:[…]}}} → 201 {data:{token}}), both in the Console's document.
// ASSUMED (FACTS row C gives the URL and the JWT, not the header): the JWT goes in
// `Authorization: Bearer`, and the provider daemon closes a non-following stream after the
// tail. The provider daemon's API has no published spec, so its traffic is outside the
// contract suite (see docs/providers/akash.md).
import type { HttpClient } from '../shared/http-client.js';
import { readWebSocketText, WebSocketReadError } from './ws-text.js';

export interface LeaseId {
  dseq: string;
  gseq: number;
  oseq: number;
  provider: string;
}

const TOKEN_TTL_SECONDS = 30 * 60; // the Console web app's own choice (FACTS row B)

export class LeaseLogs {
  private token?: { value: string; expiresAt: number };
  private readonly hosts = new Map<string, string>();

  constructor(
    private readonly console: HttpClient,
    private readonly timeoutMs = 10_000,
  ) {}

  async lines(lease: LeaseId, service: string, tail = 100): Promise<string[]> {
    const host = await this.hostOf(lease.provider);
    const url = `${host.replace(/\/$/, '')}/lease/${lease.dseq}/${lease.gseq}/${lease.oseq}/logs?follow=false&tail=${tail}&service=${encodeURIComponent(service)}`;
    let messages: string[];
    try {
      messages = await readWebSocketText(url, { authorization: `Bearer ${await this.jwt()}` }, this.timeoutMs);
    } catch (err) {
      // A refused token (expired, revoked) is dropped so the next read asks for a new one.
      if (err instanceof WebSocketReadError && (err.status === 401 || err.status === 403)) this.token = undefined;
      throw err;
    }
    return messages.flatMap((m) => {
      try {
        const line = (JSON.parse(m) as { message?: unknown }).message;
        return typeof line === 'string' ? line.split('\n') : [];
      } catch {
        return [];
      }
    });
  }

  private async hostOf(provider: string): Promise<string> {
    const known = this.hosts.get(provider);
    if (known) return known;
    const p = await this.console.call<{ hostUri?: string }>('GET', `/v1/providers/${encodeURIComponent(provider)}`, undefined, { auth: false });
    if (!p.hostUri) throw new Error(`akash provider ${provider} has no hostUri`);
    this.hosts.set(provider, p.hostUri);
    return p.hostUri;
  }

  private async jwt(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now() + 60_000) return this.token.value;
    const res = await this.console.call<{ data: { token: string } }>('POST', '/v1/create-jwt-token', {
      data: { ttl: TOKEN_TTL_SECONDS, leases: { access: 'scoped', scope: ['logs'] } },
    });
    this.token = { value: res.data.token, expiresAt: Date.now() + TOKEN_TTL_SECONDS * 1000 };
    return this.token.value;
  }
}
