// Switchyard GPU names ("H100", "A100-80GB", "RTX4090") and Akash's provider attribute
// names (vendor nvidia, model "h100", ram "80Gi", interface "sxm"), as used in SDL gpu
// attributes and in the console's /v1/gpu-prices.

export interface AkashGpu {
  model: string;
  ram?: string;
}

/** "A100-80GB" -> { model: "a100", ram: "80Gi" }; "RTX 4090" -> { model: "rtx4090" }. */
export const akashGpuOf = (switchyardModel: string): AkashGpu => {
  const m = /^(.*?)[\s_-]*(\d+)\s*GB$/i.exec(switchyardModel.trim());
  const base = (m ? m[1]! : switchyardModel).toLowerCase().replace(/[^a-z0-9]/g, '');
  return m ? { model: base, ram: `${m[2]}Gi` } : { model: base };
};

export const gibOf = (ram: string | undefined): number => {
  const m = /^(\d+(?:\.\d+)?)\s*(Gi|G|GB)?$/i.exec(ram ?? '');
  return m ? Number(m[1]) : 0;
};
