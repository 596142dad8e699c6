export { RunPodProvider, createRunPodProvider, type RunPodConfig } from './runpod-provider.js';
export { DEFAULT_RUNPOD_CATALOG, type RunPodCatalogEntry } from './catalog.js';
