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
  /** services.<name>.credentials, when the SDL has the block. */
  credentials?: { host: string; username: string; password: string };
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
  // services.<name>.credentials {host, username, password} (SDL reference, private containers):
  // all three, or no block at all; a block missing one is an invalid SDL.
  const block = /^\s{4}credentials:\s*\n((?:\s{6}\w+:.*\n?)+)/m.exec(sdl)?.[1];
  let credentials: AkashOrder['credentials'];
  if (block !== undefined) {
    const field = (k: string): string | undefined => {
      const raw = new RegExp(`^\\s{6}${k}:\\s*(.+?)\\s*$`, 'm').exec(block)?.[1];
      if (raw === undefined) return undefined;
      try {
        const v: unknown = raw.startsWith('"') ? JSON.parse(raw) : raw;
        return typeof v === 'string' && v !== '' ? v : undefined;
      } catch {
        return undefined;
      }
    };
    const host = field('host');
    const username = field('username');
    const password = field('password');
    if (!host || !username || !password) return undefined;
    credentials = { host, username, password };
  }
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
    ...(credentials ? { credentials } : {}),
  };
};
