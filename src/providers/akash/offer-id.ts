// Akash offers are not standing resources, so the offer id carries what launch needs to
// run the auction: GPU model/ram/interface, count, and the job's price ceiling (the
// LaunchRequest does not carry the ceiling itself).
export interface AkashOfferSpec {
  model: string;
  ram?: string;
  iface?: string;
  count: number;
  max: number;
}

export const encodeOfferId = (s: AkashOfferSpec): string =>
  `akash:${new URLSearchParams({
    model: s.model,
    ...(s.ram ? { ram: s.ram } : {}),
    ...(s.iface ? { iface: s.iface } : {}),
    count: String(s.count),
    max: String(s.max),
  }).toString()}`;

export const decodeOfferId = (id: string): AkashOfferSpec | undefined => {
  if (!id.startsWith('akash:')) return undefined;
  const p = new URLSearchParams(id.slice('akash:'.length));
  const model = p.get('model');
  const count = Number(p.get('count'));
  const max = Number(p.get('max'));
  if (!model || !Number.isInteger(count) || count < 1 || !Number.isFinite(max) || max <= 0) return undefined;
  return {
    model,
    count,
    max,
    ...(p.get('ram') ? { ram: p.get('ram')! } : {}),
    ...(p.get('iface') ? { iface: p.get('iface')! } : {}),
  };
};
