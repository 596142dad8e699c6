// Switchyard's GPU model names: the one list a job spec is checked against, and the one
// rule for comparing names. Adapters translate these to each provider's own spelling
// (src/providers/*/gpu-*.ts, the cloud catalogs); customers type them by hand, so case,
// spaces, dashes and underscores do not matter ("a100 80gb" is "A100-80GB").

/** A family name a job may ask for that accepts any of its variants. */
export interface GpuFamily {
  name: string;
  variants: string[];
}

/** Specific models, as offers are labelled and the catalogue lists them. */
export const CANONICAL_GPU_MODELS: readonly string[] = [
  'H200',
  'H100',
  'A100-80GB',
  'A100-40GB',
  'L40S',
  'L40',
  'L4',
  'A10G',
  'A10',
  'A6000',
  'A5000',
  'A4000',
  'RTX6000ADA',
  'RTX5090',
  'RTX4090',
  'RTX3090',
  'RTX3080',
  'RTX3060',
  'V100',
  'T4',
];

/** "A100" takes either variant, as the cloud catalogs (modelMatches), Vast's families and Nosana's markets read it. */
export const GPU_FAMILIES: readonly GpuFamily[] = [{ name: 'A100', variants: ['A100-80GB', 'A100-40GB'] }];

/** "Any GPU": accepted by placement (the local runner offers it). */
export const ANY_GPU = 'any';

/** The comparison key: "A100-80GB", "a100 80gb" and "A100_80GB" are one model. */
export const gpuModelKey = (model: string): string => model.toUpperCase().replace(/[\s_-]/g, '');

const CANONICAL_BY_KEY = new Map([...CANONICAL_GPU_MODELS, ...GPU_FAMILIES.map((f) => f.name)].map((m) => [gpuModelKey(m), m]));

/** The canonical spelling of a model name, if it is one of Switchyard's. */
export const canonicalGpuModel = (model: string): string | undefined => CANONICAL_BY_KEY.get(gpuModelKey(model));

/** Family names whose variants include one of `models` ("A100" when "A100-80GB" is there). */
export const familiesOf = (models: Iterable<string>): string[] => {
  const keys = new Set([...models].map(gpuModelKey));
  return GPU_FAMILIES.filter((f) => f.variants.some((v) => keys.has(gpuModelKey(v)))).map((f) => f.name);
};

/**
 * The model names a job may ask for: Switchyard's own, the families, "any", and whatever
 * else the given providers' catalogs name. Sorted, one spelling per key.
 */
export const acceptedGpuModels = (providerCatalogNames: Iterable<string>): string[] => {
  const byKey = new Map<string, string>();
  for (const m of [...CANONICAL_GPU_MODELS, ...GPU_FAMILIES.map((f) => f.name), ANY_GPU, ...providerCatalogNames]) {
    if (!byKey.has(gpuModelKey(m))) byKey.set(gpuModelKey(m), m);
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
};

/** The names in `requested` that are not accepted, keeping their positions. */
export const unknownGpuModels = (requested: readonly string[], accepted: readonly string[]): { index: number; name: string }[] => {
  const keys = new Set(accepted.map(gpuModelKey));
  return requested.flatMap((name, index) => (keys.has(gpuModelKey(name)) ? [] : [{ index, name }]));
};

/** The accepted names for a deployment: Switchyard's own plus every enabled provider's catalog names. */
export const acceptedGpuModelsOf = (providers: readonly { info(): { enabled: boolean; catalog: { gpuModel: string }[] } }[]): string[] =>
  acceptedGpuModels(providers.flatMap((p) => {
    const info = p.info();
    return info.enabled ? info.catalog.map((c) => c.gpuModel) : [];
  }));
