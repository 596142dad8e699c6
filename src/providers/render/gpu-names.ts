// Dispersed's GPU spellings -> Switchyard's model names ("H100", "A100-80GB", "RTX4090").
// The sources show two spellings of one card: "NVIDIA RTX 4090" (POST /v1/jobs `gpu_name`)
// and "RTX 4090" (GET /v1/compute/offers `filter[gpu_name]`); offers name their GPUs in
// `hardware_summary.gpu_model_label` and `gpu_models[].name` (FACTS.md, REF-OFFERS row).
// The full list of names is not published, so the vendor words and spacing are ignored and
// the model is read from what remains; a name not recognised here is not offered.
import { modelMatches } from '../shared/cloud-catalog.js';

/** Normalised name (no vendor words, spaces, dashes) -> Switchyard model, most specific first. */
const FAMILIES: Array<[RegExp, (vramGb: number) => string | undefined]> = [
  [/^H200/, () => 'H200'],
  [/^H100/, () => 'H100'],
  [/^A100/, (v) => (v >= 80 ? 'A100-80GB' : v >= 40 ? 'A100-40GB' : undefined)],
  [/^L40S/, () => 'L40S'],
  [/^L40/, () => 'L40'],
  [/^L4$/, () => 'L4'],
  [/^A10G$/, () => 'A10G'],
  [/^(RTX)?6000ADA/, () => 'RTX6000ADA'],
  [/^(RTX)?A6000/, () => 'A6000'],
];

const normalise = (name: string): string =>
  name
    .toUpperCase()
    .replace(/\b(NVIDIA|GEFORCE)\b/g, '')
    .replace(/[\s_-]/g, '');

/** Switchyard's name for a Dispersed GPU spelling with this VRAM, or undefined when unknown. */
export const switchyardModel = (dispersedName: string, vramGb: number): string | undefined => {
  const n = normalise(dispersedName);
  const rtx = /^RTX(5090|4090|4080|3090)/.exec(n);
  if (rtx) return `RTX${rtx[1]}`;
  for (const [pattern, model] of FAMILIES) if (pattern.test(n)) return model(vramGb);
  return undefined;
};

/** This offer's model when it is one the job asks for ("A100" accepts "A100-80GB"), else undefined. */
export const offeredModelFor = (requested: string[], dispersedName: string, vramGb: number): string | undefined => {
  const offered = switchyardModel(dispersedName, vramGb);
  return offered !== undefined && requested.some((m) => modelMatches(m, offered)) ? offered : undefined;
};
