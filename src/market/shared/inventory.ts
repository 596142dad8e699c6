// The hosts a fake market has, built once from the scenario's supply with the seeded
// RNG (so prices differ between hosts but not between runs). A host is rented whole:
// while an instance/lease holds it, it is not offered again.
import type { Scenario } from './scenario.js';

export interface Host {
  id: number;
  model: string;
  vramGb: number;
  gpus: number;
  pricePerGpuHourUsd: number;
  region: string;
  rentedBy?: string;
}

export class Inventory {
  readonly hosts: Host[] = [];

  constructor(scenario: Scenario, firstId = 1000) {
    let id = firstId;
    for (const s of scenario.supply) {
      for (let i = 0; i < s.machines; i += 1) {
        this.hosts.push({
          id: id++,
          model: s.model,
          vramGb: s.vramGb,
          gpus: s.gpusPerMachine,
          // Two decimals of a cent, like the providers' own listings.
          pricePerGpuHourUsd: Math.round(scenario.rng.jitter(s.pricePerGpuHourUsd, 0.1) * 10_000) / 10_000,
          region: scenario.rng.pick(s.regions ?? ['US']),
        });
      }
    }
  }

  free(filter: (h: Host) => boolean = () => true): Host[] {
    return this.hosts.filter((h) => !h.rentedBy && filter(h));
  }

  get(id: number): Host | undefined {
    return this.hosts.find((h) => h.id === id);
  }

  rent(id: number, holder: string): Host | undefined {
    const host = this.get(id);
    if (!host || host.rentedBy) return undefined;
    host.rentedBy = holder;
    return host;
  }

  release(holder: string): void {
    for (const h of this.hosts) if (h.rentedBy === holder) delete h.rentedBy;
  }
}
