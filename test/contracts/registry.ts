// Which published document each fake's provider is checked against. One file per provider
// under providers/; a provider with no machine-readable spec gets a schema written from its
// FACTS.md table (each schema citing its row).
import type { ProviderContract } from './contract.js';
import { akashContract } from './providers/akash.js';
import { gcpBatchContract } from './providers/gcp-batch.js';
import { ionetContract } from './providers/ionet.js';
import { nosanaContract } from './providers/nosana.js';
import { renderContract } from './providers/render.js';
import { runpodContract } from './providers/runpod.js';
import { vastaiContract } from './providers/vastai.js';

export const CONTRACTS: Record<string, () => ProviderContract> = {
  akash: akashContract,
  'gcp-batch': gcpBatchContract,
  ionet: ionetContract,
  nosana: nosanaContract,
  render: renderContract,
  runpod: runpodContract,
  vastai: vastaiContract,
};

/** Providers whose traffic is not checked here, and why (reported, never silently skipped). */
export const UNCHECKED: Record<string, string> = {
  'aws-batch': 'no published spec in ../shared/provider-specs; requests are built by the official @aws-sdk/client-batch, and the fake verifies SigV4',
};
