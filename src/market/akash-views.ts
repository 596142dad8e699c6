// The JSON the fake Akash Console returns, shaped field for field by the Console's generated
// document (../shared/provider-specs/akash/apps/api/swagger/openapi.json): deployments and
// leases (GET /v1/deployments[/{dseq}], POST /v1/leases), bids (GET /v1/bids: key `bid.id`),
// the indexer's deployment detail with group specs (GET /v1/deployment/{owner}/{dseq}) and
// a provider (GET /v1/providers/{address}). Values are the fake's; shapes are the spec's.
import type { AkashOrder } from './akash-order.js';
import type { Host } from './shared/index.js';

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface LeaseFacts {
  provider: string;
  denom: string;
  amount: number;
  createdAt: number;
  closed: boolean;
  closedAt?: number;
  reason?: string;
  readyReplicas: number;
}

export const escrowView = (scope: string, xid: string, owner: string, open: boolean) => ({
  id: { scope, xid },
  state: { owner, state: open ? 'open' : 'closed', transferred: [], settled_at: '0', funds: [], deposits: [] },
});

const serviceStatus = (service: string, ready: number) => ({
  name: service, available: ready, total: 1, uris: [], observed_generation: 1, replicas: 1, updated_replicas: 1, ready_replicas: ready, available_replicas: ready,
});

export const leaseView = (owner: string, dseq: string, service: string, l: LeaseFacts, withStatus: boolean) => ({
  id: { owner, dseq, gseq: 1, oseq: 1, provider: l.provider, bseq: 0 },
  state: l.closed ? 'closed' : 'active',
  price: { denom: l.denom, amount: l.amount.toFixed(18) },
  created_at: iso(l.createdAt),
  closed_on: l.closed ? iso(l.closedAt ?? l.createdAt) : '',
  ...(l.reason ? { reason: l.reason } : {}),
  ...(withStatus ? { status: l.closed ? null : { forwarded_ports: {}, ips: {}, services: { [service]: serviceStatus(service, l.readyReplicas) } } } : {}),
});

export interface DeploymentFacts {
  owner: string;
  dseq: string;
  state: 'active' | 'closed';
  createdAt: number;
  order: AkashOrder;
  lease?: LeaseFacts;
}

export const deploymentView = (d: DeploymentFacts, withStatus: boolean) => ({
  deployment: { id: { owner: d.owner, dseq: d.dseq }, state: d.state, hash: 'ZmFrZQ==', created_at: iso(d.createdAt) },
  leases: d.lease ? [leaseView(d.owner, d.dseq, d.order.service, d.lease, withStatus)] : [],
  escrow_account: escrowView('deployment', `${d.owner}/${d.dseq}`, d.owner, d.state === 'active'),
});

export const bidView = (d: DeploymentFacts, provider: string, amount: number, state: string, createdAt: number) => ({
  bid: {
    id: { owner: d.owner, dseq: d.dseq, gseq: 1, oseq: 1, provider, bseq: 0 },
    state,
    price: { denom: d.order.denom, amount: amount.toFixed(18) },
    created_at: iso(createdAt),
    resources_offer: [],
  },
  escrow_account: escrowView('bid', `${d.owner}/${d.dseq}/1/1/${provider}`, provider, state !== 'closed'),
});

const attrs = (pairs: Array<[string, string]>) => pairs.map(([key, value]) => ({ key, value }));

/** GET /v1/deployment/{owner}/{dseq}: the chain's group spec keeps the SDL's placement name. */
export const indexedDeploymentView = (d: DeploymentFacts, hostUri: (provider: string) => string) => {
  const o = d.order;
  return {
    owner: d.owner,
    dseq: d.dseq,
    balance: 0,
    denom: o.denom,
    status: d.state,
    totalMonthlyCostUDenom: 0,
    leases: d.lease
      ? [{
          gseq: 1, oseq: 1,
          provider: { address: d.lease.provider, hostUri: hostUri(d.lease.provider), isDeleted: false, attributes: [] },
          status: d.lease.closed ? 'closed' : 'active',
          monthlyCostUDenom: 0, cpuUnits: 0, gpuUnits: o.gpuUnits, memoryQuantity: 0, storageQuantity: 0,
        }]
      : [],
    events: [],
    other: {
      deployment: { id: { owner: d.owner, dseq: d.dseq }, state: d.state, hash: 'ZmFrZQ==', created_at: iso(d.createdAt) },
      groups: [{
        id: { owner: d.owner, dseq: d.dseq, gseq: 1 },
        state: d.state === 'active' ? 'open' : 'closed',
        group_spec: {
          name: o.placement,
          requirements: { signed_by: { all_of: [], any_of: [] }, attributes: [] },
          resources: [{
            resource: {
              id: 1,
              cpu: { units: { val: '1000' }, attributes: [] },
              memory: { quantity: { val: '0' }, attributes: [] },
              storage: [{ name: 'default', quantity: { val: '0' }, attributes: [] }],
              gpu: { units: { val: String(o.gpuUnits) }, attributes: attrs([[`vendor/nvidia/model/${o.gpuModel}`, 'true']]) },
              endpoints: [],
            },
            count: 1,
            price: { denom: o.denom, amount: o.maxAmount.toFixed(18) },
          }],
        },
        created_at: iso(d.createdAt),
      }],
      escrow_account: escrowView('deployment', `${d.owner}/${d.dseq}`, d.owner, d.state === 'active'),
    },
  };
};

/** GET /v1/providers/{address}: every field the document requires, the fake's values. */
export const providerView = (address: string, hostUri: string, gpuModel: string, vramGb: number) => {
  const zero = { active: 0, available: 0, pending: 0 };
  return {
    owner: address, name: null, hostUri, createdHeight: 1, email: null, website: null, lastCheckDate: null,
    deploymentCount: 0, leaseCount: 0, cosmosSdkVersion: 'v0.47', akashVersion: 'v0.6', ipRegion: null, ipRegionCode: null,
    ipCountry: null, ipCountryCode: null, ipLat: null, ipLon: null, uptime1d: 1, uptime7d: 1, uptime30d: 1,
    isValidVersion: true, isOnline: true, lastOnlineDate: null, isAudited: true,
    stats: { cpu: zero, gpu: zero, memory: zero, storage: { ephemeral: zero, persistent: zero } },
    gpuModels: [{ vendor: 'nvidia', model: gpuModel, ram: `${vramGb}Gi`, interface: 'pcie' }],
    attributes: [], host: null, organization: null, statusPage: null, locationRegion: null, country: null, city: null,
    timezone: null, locationType: null, hostingProvider: null, hardwareCpu: null, hardwareCpuArch: null, hardwareGpuVendor: 'nvidia',
    hardwareGpuModels: [gpuModel], hardwareDisk: [], featPersistentStorage: false, featPersistentStorageType: [], hardwareMemory: null,
    networkProvider: null, networkSpeedDown: 0, networkSpeedUp: 0, tier: null, featEndpointCustomDomain: false,
    workloadSupportChia: false, workloadSupportChiaCapabilities: [], featEndpointIp: false, uptime: [],
  };
};

/** GET /v1/gpu-prices: per model and VRAM, availability and USD per GPU-hour across hosts. */
export const gpuPricesView = (hosts: Host[]) => {
  const byModel = new Map<string, Host[]>();
  for (const h of hosts) byModel.set(`${h.model}/${h.vramGb}`, [...(byModel.get(`${h.model}/${h.vramGb}`) ?? []), h]);
  const sum = (xs: Host[]) => xs.reduce((n, h) => n + h.gpus, 0);
  const models = [...byModel.values()].map((hs) => {
    const prices = hs.map((h) => h.pricePerGpuHourUsd).sort((a, b) => a - b);
    const free = hs.filter((h) => !h.rentedBy);
    return {
      vendor: 'nvidia', model: hs[0]!.model, ram: `${hs[0]!.vramGb}Gi`, interface: 'pcie',
      availability: { total: sum(hs), available: sum(free) },
      providerAvailability: { total: hs.length, available: free.length },
      price: { currency: 'USD', min: prices[0]!, max: prices[prices.length - 1]!, avg: prices.reduce((a, b) => a + b, 0) / prices.length, weightedAverage: prices[0]!, med: prices[Math.floor(prices.length / 2)]! },
    };
  });
  return { availability: { total: sum(hosts), available: sum(hosts.filter((h) => !h.rentedBy)) }, models };
};
