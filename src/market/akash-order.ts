// What the fake Akash chain reads out of a submitted SDL: the GPU ask, the price ceiling,
// the service and placement names, and the attempt id of Switchyard's wrapper (to print its
// exit line). Deliberately narrow (regexes over the SDL layout Akash documents and our
// adapter emits), since the fake has no YAML parser; an SDL it cannot read is refused with
// 400 like an invalid one.
export interface AkashOrder {
  service: string;
  placement: string;
  gpuModel: string;
  gpuRam?: string;
  gpuUnits: number;
  denom: string;
  maxAmount: number;
  /** The attempt id in the wrapper's `switchyard-exit '<id>'` line, when the SDL has one. */
  wrapperAttempt?: string;
}

export const readOrder = (sdl: string): AkashOrder | undefined => {
  if (!/^version:\s*"?2\.\d"?/m.test(sdl)) return undefined;
  const service = /^services:\s*\n\s+([\w-]+):/m.exec(sdl)?.[1];
  const placement = /^\s{2}placement:\s*\n\s{4}"?([^":\s]+)"?:/m.exec(sdl)?.[1];
  const units = /gpu:\s*\n\s+units:\s*(\d+)/.exec(sdl)?.[1];
  const model = /-\s*model:\s*"?([\w-]+)"?/.exec(sdl)?.[1];
  const ram = /^\s+ram:\s*"?(\d+Gi)"?/m.exec(sdl)?.[1];
  const pricing = /denom:\s*"?([^\s"]+)"?\s*\n\s+amount:\s*"?([\d.]+)"?/.exec(sdl);
  const wrapperAttempt = /'switchyard-exit' '([^']+)'/.exec(sdl)?.[1];
  if (!service || !placement || !units || !model || !pricing) return undefined;
  return {
    service,
    placement,
    gpuModel: model,
    ...(ram ? { gpuRam: ram } : {}),
    gpuUnits: Number(units),
    denom: pricing[1]!,
    maxAmount: Number(pricing[2]),
    ...(wrapperAttempt ? { wrapperAttempt } : {}),
  };
};
