// What the fake Akash chain reads out of a submitted SDL: the GPU ask, the price ceiling
// and the service name. Deliberately narrow (regexes over the SDL layout Akash documents
// and our adapter emits), since the fake has no YAML parser; an SDL it cannot read is
// refused with 400 like an invalid one.
export interface AkashOrder {
  service: string;
  gpuModel: string;
  gpuRam?: string;
  gpuUnits: number;
  denom: string;
  maxAmount: number;
}

export const readOrder = (sdl: string): AkashOrder | undefined => {
  if (!/^version:\s*"?2\.\d"?/m.test(sdl)) return undefined;
  const service = /^services:\s*\n\s+([\w-]+):/m.exec(sdl)?.[1];
  const units = /gpu:\s*\n\s+units:\s*(\d+)/.exec(sdl)?.[1];
  const model = /-\s*model:\s*"?([\w-]+)"?/.exec(sdl)?.[1];
  const ram = /^\s+ram:\s*"?(\d+Gi)"?/m.exec(sdl)?.[1];
  const pricing = /denom:\s*"?([^\s"]+)"?\s*\n\s+amount:\s*"?([\d.]+)"?/.exec(sdl);
  if (!service || !units || !model || !pricing) return undefined;
  return {
    service,
    gpuModel: model,
    ...(ram ? { gpuRam: ram } : {}),
    gpuUnits: Number(units),
    denom: pricing[1]!,
    maxAmount: Number(pricing[2]),
  };
};
