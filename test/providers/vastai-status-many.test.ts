// The Vast.ai adapter's batched status read: showInstances with select_filters
// {"id": {"in": [...]}}, pages of 25, each instance still checked for its attempt's label.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Offer } from '../../src/core/provider.js';
import { startVastFake, type VastFake } from '../../src/market/vastai-fake.js';
import { createVastProvider, type VastProvider } from '../../src/providers/vastai/index.js';
import { firstOfferOf, launchRequest } from './support/requests.js';

let fake: VastFake;
let vast: VastProvider;

beforeEach(async () => {
  fake = await startVastFake({ seed: 7, apiKey: 'k-vast', scenario: { startDelayMs: 0, runMs: 600_000, supply: [{ model: 'H100 SXM', vramGb: 80, machines: 40, gpusPerMachine: 1, pricePerGpuHourUsd: 2 }] } });
  vast = createVastProvider({ baseUrl: fake.url, apiKey: 'k-vast' });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fake.close();
});

const offer = (): Promise<Offer> => firstOfferOf(vast, { gpu: { models: ['H100'], count: 1 }, maxPricePerGpuHourUsd: 10 });

describe('Vast.ai statusMany', () => {
  it('answers 30 attempts from one listing of two pages; an instance relabelled is lost, a destroyed one unknown', async () => {
    const refs = [];
    for (let i = 0; i < 30; i++) {
      const attemptId = `att-many-${i}`;
      refs.push({ attemptId, providerRef: (await vast.launch(launchRequest(attemptId, await offer()))).providerRef });
    }
    fake.reassign(Number(refs[3]!.providerRef), 'someone-elses-job');
    const listCalls: string[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/api/v1/instances')) listCalls.push(url);
      return realFetch(input, init);
    });
    const answers = await vast.statusMany([...refs, { attemptId: 'att-never', providerRef: '999999999' }]);
    expect(listCalls).toHaveLength(2); // 31 ids, 25 a page
    expect(new URL(listCalls[0]!).searchParams.get('select_filters')).toContain('"in"');
    expect(answers.size).toBe(31);
    expect(answers.get('att-many-3')).toMatchObject({ status: { state: 'lost', providerFault: true } });
    expect(answers.get('att-never')).toMatchObject({ error: { kind: 'unknown-job' } });
    const others = refs.filter((_, i) => i !== 3).map((r) => answers.get(r.attemptId));
    for (const answer of others) expect(answer && 'status' in answer && ['pending', 'running'].includes(answer.status.state)).toBe(true);
  });
});
