// Switchyard's GPU model names ("H100", "A100-80GB", "RTX4090") and Vast.ai's `gpu_name`
// values ("H100 SXM", "A100 SXM4", "RTX 4090"). Vast lists several names per family
// (SXM, PCIe, NVL variants), so one Switchyard model maps to a list plus a VRAM floor.

interface Family {
  names: string[];
  minVramGb?: number;
}

const FAMILIES: Record<string, Family> = {
  H200: { names: ['H200', 'H200 NVL'] },
  H100: { names: ['H100 SXM', 'H100 PCIE', 'H100 NVL'] },
  A10080GB: { names: ['A100 SXM4', 'A100 PCIE', 'A100X'], minVramGb: 80 },
  A10040GB: { names: ['A100 SXM4', 'A100 PCIE'], minVramGb: 40 },
  A100: { names: ['A100 SXM4', 'A100 PCIE', 'A100X'] },
  L40S: { names: ['L40S'] },
  L40: { names: ['L40'] },
  A6000: { names: ['RTX A6000'] },
  RTX6000ADA: { names: ['RTX 6000Ada'] },
  RTX5090: { names: ['RTX 5090'] },
  RTX4090: { names: ['RTX 4090'] },
  RTX3090: { names: ['RTX 3090'] },
};

/** "A100-80GB" -> "A10080GB": case, spaces, dashes and underscores do not matter. */
export const modelKey = (model: string): string => model.toUpperCase().replace(/[\s_-]/g, '');

export const vastFamily = (model: string): Family | undefined => FAMILIES[modelKey(model)];

/** The Switchyard model (from the request) an offer's gpu_name and VRAM satisfy, if any. */
export const requestedModelFor = (
  requested: string[],
  gpuName: string,
  vramGb: number,
): string | undefined =>
  requested.find((m) => {
    const fam = vastFamily(m);
    return fam !== undefined && fam.names.includes(gpuName) && vramGb >= (fam.minVramGb ?? 0);
  });
