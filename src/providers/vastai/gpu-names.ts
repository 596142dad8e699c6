// Switchyard's GPU model names ("H100", "A100-80GB", "RTX4090") and Vast.ai's `gpu_name`
// values. Vast lists several names per family (SXM, PCIe, NVL variants), so one Switchyard
// model maps to a list plus a VRAM window.
//
// Spelling: offers and instances carry names with spaces ("RTX 4090" in openapi.yaml's
// showInstances example), while searchOffers' own examples filter with underscores
// ({"in": ["RTX_3090", "RTX_4090"]}) and the metrics endpoint says "RTX 4090, H100_SXM".
// The spec does not say the server folds one into the other, so a search sends both
// spellings and an offer's name is compared with `_` read as a space, case-insensitively.
// The names themselves are Vast's market spellings (the spec has no list): assumed, and
// kept in this one table.

interface Family {
  names: string[];
  minVramGb?: number;
  maxVramGb?: number;
}

const A100 = ['A100 SXM4', 'A100 SXM', 'A100 PCIE', 'A100X'];
const H100 = ['H100 SXM', 'H100 PCIE', 'H100 NVL'];

const FAMILIES: Record<string, Family> = {
  B200: { names: ['B200'] },
  H200: { names: ['H200', 'H200 NVL'] },
  GH200: { names: ['GH200 SXM'] },
  H100: { names: H100 },
  H100SXM: { names: ['H100 SXM'] },
  H100PCIE: { names: ['H100 PCIE'] },
  H100NVL: { names: ['H100 NVL'] },
  A10080GB: { names: A100, minVramGb: 80 },
  A10040GB: { names: A100, minVramGb: 40, maxVramGb: 48 },
  A100: { names: A100 },
  A800: { names: ['A800 PCIE'] },
  L40S: { names: ['L40S'] },
  L40: { names: ['L40'] },
  L4: { names: ['L4'] },
  A40: { names: ['A40'] },
  A10: { names: ['A10'] },
  A6000: { names: ['RTX A6000'] },
  RTXA6000: { names: ['RTX A6000'] },
  A5000: { names: ['RTX A5000'] },
  A4000: { names: ['RTX A4000'] },
  RTX6000ADA: { names: ['RTX 6000Ada'] },
  RTX5090: { names: ['RTX 5090'] },
  RTX4090: { names: ['RTX 4090'] },
  RTX4080: { names: ['RTX 4080'] },
  RTX3090: { names: ['RTX 3090'] },
  V100: { names: ['Tesla V100'] },
  T4: { names: ['Tesla T4'] },
};

/** "A100-80GB" -> "A10080GB": case, spaces, dashes and underscores do not matter. */
export const modelKey = (model: string): string => model.toUpperCase().replace(/[\s_-]/g, '');

/** "H100_SXM", "h100  sxm" -> "H100 SXM": how two spellings of one Vast name compare. */
export const vastNameKey = (name: string): string => name.replace(/_/g, ' ').replace(/\s+/g, ' ').trim().toUpperCase();

export const vastFamily = (model: string): Family | undefined => FAMILIES[modelKey(model)];

/** Every spelling a search should accept for these Switchyard models: "H100 SXM" and "H100_SXM". */
export const searchNamesFor = (models: string[]): string[] => {
  const names = models.flatMap((m) => vastFamily(m)?.names ?? []);
  return [...new Set(names.flatMap((n) => [n, n.replace(/ /g, '_')]))];
};

/** The Switchyard model (from the request) an offer's gpu_name and VRAM satisfy, if any. */
export const requestedModelFor = (requested: string[], gpuName: string, vramGb: number): string | undefined => {
  const key = vastNameKey(gpuName);
  return requested.find((m) => {
    const fam = vastFamily(m);
    if (!fam || !fam.names.some((n) => vastNameKey(n) === key)) return false;
    return vramGb >= (fam.minVramGb ?? 0) && vramGb <= (fam.maxVramGb ?? Infinity);
  });
};

