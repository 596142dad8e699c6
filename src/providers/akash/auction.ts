// An Akash deployment's auction: providers bid on the created deployment over time, and the
// lease (POST /v1/leases) needs the manifest that POST /v1/deployments returned. When the core
// can keep that manifest (LaunchRequest.mayFinishLater), launch returns as soon as the
// deployment exists and the reconciler's status reads finish the auction; otherwise launch
// waits for a bid itself. Operations (Console OpenAPI, console@4c0dde7):
//   GET  /v1/bids?dseq=   bids; the key is `bid.id` (FACTS §1)
//   POST /v1/leases       {manifest, leases:[{dseq, gseq, oseq, provider}]}
import { HttpError, type HttpClient } from '../shared/http-client.js';
import { usdPerGpuHour, type AkashPricing } from './pricing.js';

interface Bid {
  bid: { id: { dseq: string; gseq: number; oseq: number; provider: string }; state: string; price: { denom: string; amount: string } };
}

export interface AcceptableBid {
  dseq: string;
  gseq: number;
  oseq: number;
  provider: string;
  usd: number;
}

/** What a later status read needs to finish the launch: kept sealed by the core (src/core/launch-state.ts). */
export interface AuctionState {
  v: 1;
  manifest: string;
  gpus: number;
  /** The job's ceiling, USD per GPU-hour: no bid above it is taken. */
  max: number;
  model: string;
  /** Epoch ms after which no acceptable bid is a capacity refusal. */
  closesAt: number;
}

export const encodeAuction = (state: AuctionState): string => JSON.stringify(state);

export const decodeAuction = (raw: string): AuctionState | undefined => {
  try {
    const s = JSON.parse(raw) as Partial<AuctionState>;
    const ok = s.v === 1 && typeof s.manifest === 'string' && typeof s.gpus === 'number' && typeof s.max === 'number' && typeof s.model === 'string' && typeof s.closesAt === 'number';
    return ok ? (s as AuctionState) : undefined;
  } catch {
    return undefined;
  }
};

/** What a look at the bids needs: the deployment, its GPU count, the job's ceiling (USD/GPU-hour) and the denoms' prices. */
export interface BidLook {
  dseq: string;
  gpus: number;
  ceiling: number;
  pricing: AkashPricing;
}

/** One look at the deployment's bids: the cheapest open one at or under the ceiling. */
export const bestBid = async (client: HttpClient, { dseq, gpus, ceiling, pricing }: BidLook): Promise<AcceptableBid | undefined> => {
  const res = await client.call<{ data?: Bid[] }>('GET', '/v1/bids', undefined, { query: { dseq } });
  return (res.data ?? [])
    .filter((b) => b.bid.state === 'open')
    .map((b) => ({ ...b.bid.id, usd: usdPerGpuHour(b.bid.price, gpus, pricing) }))
    .filter((b): b is AcceptableBid => b.usd !== undefined && b.usd <= ceiling)
    .sort((a, b) => a.usd - b.usd)[0];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Looks until an acceptable bid is in or `waitMs` has passed. */
export const awaitBid = async (client: HttpClient, look: BidLook, waitMs: number, pollMs: number): Promise<AcceptableBid | undefined> => {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const bid = await bestBid(client, look);
    if (bid || Date.now() >= deadline) return bid;
    await sleep(pollMs);
  }
};

/**
 * Leases the bid; false when the Console refuses it with 400 — the bid closed, its provider
 * took another lease, or a racing read made this one (ASSUMPTION: the Errors table's answer
 * to each). Not the job's fault: another bid, or the next look, may do.
 */
export const leaseUnlessGone = async (client: HttpClient, manifest: string, bid: AcceptableBid): Promise<{ leased: true } | { leased: false; why: string }> => {
  try {
    await client.call('POST', '/v1/leases', { manifest, leases: [{ dseq: bid.dseq, gseq: bid.gseq, oseq: bid.oseq, provider: bid.provider }] });
    return { leased: true };
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) return { leased: false, why: err.message };
    throw err;
  }
};
