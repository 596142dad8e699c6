// The POST /v1/jobs body for a Switchyard attempt (FACTS.md, Endpoints, POST /v1/jobs row:
// CREATE, REF-JOB, and dispersed.py's job-batch-1.json), and how the command travels.
//
// The API has no command or entrypoint field: the image's own entrypoint runs. The only
// documented place a command could travel is `parameters.parameters.env`, and only an image
// whose entrypoint reads it would run it. So the command is passed, POSIX-shell-quoted, in
// SWITCHYARD_COMMAND, and a launch is accepted only for images the operator listed as
// running it (`commandImages`; the entrypoint does `eval "exec $SWITCHYARD_COMMAND"`).
// Any other image would run its own entrypoint instead of the job: refused, permanently.
//
// A private image's login: `parameters.parameters.host` / `user` / `secret`, which FACTS.md
// (POST /v1/jobs row) lists as "private-registry credentials in EX's job files". ASSUMED
// (no page defines them): `host` is the registry host, `user` the username, `secret` the
// password or token, as those example files use them.
import { ProviderError, type LaunchRequest } from '../../core/provider.js';
import { registryHostOf } from '../shared/registry-login.js';

/** A POST /v1/jobs body, only the fields FACTS.md lists. */
export interface DispersedJobBody {
  task: 'BATCH';
  title: string;
  description: string;
  cpu_count: number;
  gpu_count: number;
  gpu_registry_uuid?: string;
  min_ram_gb: number;
  min_storage_gb: number;
  min_vram_gb: number;
  max_node_count: number;
  max_retry_count: number;
  max_timeout_run_ms: number;
  allowed_region_codes?: string[];
  parameters: { type: 'docker'; parameters: { image: string; tag: string; env: Record<string, string>; host?: string; user?: string; secret?: string } };
}

/** Offers are quoted by `offer_id`, but a job is placed by GPU (`gpu_registry_uuid`): the id carries both. */
export const encodeOfferId = (offerId: string, gpuRegistryUuid: string | undefined): string =>
  `render:${new URLSearchParams({ offer: offerId, ...(gpuRegistryUuid ? { gpu: gpuRegistryUuid } : {}) }).toString()}`;

export const decodeOfferId = (id: string): { offer: string; gpu?: string } | undefined => {
  if (!id.startsWith('render:')) return undefined;
  const p = new URLSearchParams(id.slice('render:'.length));
  const offer = p.get('offer');
  if (!offer) return undefined;
  return { offer, ...(p.get('gpu') ? { gpu: p.get('gpu')! } : {}) };
};

/** "ghcr.io/acme/train:1.2" -> image "ghcr.io/acme/train", tag "1.2"; no tag -> "latest". */
export const splitImage = (ref: string): { image: string; tag: string } => {
  if (ref.includes('@')) {
    throw new ProviderError('permanent', `render: image ${ref} is pinned by digest; Dispersed takes an image name and a tag only`);
  }
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? { image: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { image: ref, tag: 'latest' };
};

/** `'a' 'b c' 'it'\''s'`: one word per argument for `eval "exec $SWITCHYARD_COMMAND"`. */
export const shellQuote = (args: string[]): string => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

/** Does this image's entrypoint run SWITCHYARD_COMMAND? `*` lists every image (the local simulation). */
export const runsCarriedCommand = (imageRef: string, commandImages: readonly string[]): boolean => {
  const { image } = splitImage(imageRef);
  return commandImages.some((entry) => entry === '*' || entry === image || (entry.endsWith('*') && image.startsWith(entry.slice(0, -1))));
};

export interface BodyOptions {
  title: string;
  commandImages: readonly string[];
  minStorageGb: number;
  /** Added to maxDurationSeconds for Dispersed's own run limit, a backstop behind the reconciler's. */
  runGraceSeconds: number;
}

export const buildJobBody = (request: LaunchRequest, opts: BodyOptions): DispersedJobBody => {
  if (!runsCarriedCommand(request.image, opts.commandImages)) {
    throw new ProviderError(
      'permanent',
      `render: the Dispersed API has no command field (the image's own entrypoint runs), and image ${request.image} ` +
        'is not one configured to run the command Switchyard passes in SWITCHYARD_COMMAND (setting commandImages)',
    );
  }
  const { image, tag } = splitImage(request.image);
  const gpu = decodeOfferId(request.offer.offerId)?.gpu;
  return {
    task: 'BATCH',
    title: opts.title,
    description: `Switchyard job ${request.jobId}, attempt ${request.attemptId}`,
    cpu_count: Math.max(1, Math.ceil(request.resources?.cpu ?? 1)),
    gpu_count: request.offer.gpuCount,
    ...(gpu ? { gpu_registry_uuid: gpu } : {}),
    min_ram_gb: Math.ceil(request.resources?.memoryGb ?? 0),
    min_storage_gb: opts.minStorageGb,
    min_vram_gb: Math.floor(request.offer.vramGb),
    max_node_count: 1,
    max_retry_count: 0, // a retry would run the job again unseen; Switchyard fails over itself
    max_timeout_run_ms: Math.max(60_000, (request.maxDurationSeconds + opts.runGraceSeconds) * 1000),
    ...(request.offer.region ? { allowed_region_codes: [request.offer.region] } : {}),
    parameters: {
      type: 'docker',
      parameters: {
        image,
        tag,
        env: {
          ...request.env,
          SWITCHYARD_ATTEMPT_ID: request.attemptId,
          SWITCHYARD_JOB_ID: request.jobId,
          SWITCHYARD_COMMAND: shellQuote(request.command),
        },
        // parameters.parameters host / user / secret (FACTS.md POST /v1/jobs): the only place the login goes.
        ...(request.imageCredentials
          ? { host: registryHostOf(request.imageCredentials, request.image), user: request.imageCredentials.username, secret: request.imageCredentials.password }
          : {}),
      },
    },
  };
};
