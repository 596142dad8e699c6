// AWS Batch as a Switchyard provider (cloud fallback), through @aws-sdk/client-batch.
//
// Docs followed (AWS Batch API Reference, API version 2016-08-10):
// - SubmitJob      https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
//   (jobName rules, containerOverrides.command/environment/resourceRequirements, timeout,
//   retryStrategy, tags, propagateTags)
// - DescribeJobs   https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobs.html
//   (JobDetail.status, statusReason, container.exitCode, attempts[].container.exitCode)
// - TerminateJob   https://docs.aws.amazon.com/batch/latest/APIReference/API_TerminateJob.html
//   (STARTING/RUNNING → FAILED; earlier states are cancelled)
// - ListJobs       https://docs.aws.amazon.com/batch/latest/APIReference/API_ListJobs.html
//   (filters JOB_NAME: case-insensitive, trailing '*' = prefix; any filter ignores jobStatus)
// - RegisterJobDefinition / DescribeJobDefinitions (see job-definitions.ts)
// - Job states     https://docs.aws.amazon.com/batch/latest/userguide/job_states.html
// The wire protocol is the SDK's REST-JSON (POST /v1/submitjob, /v1/describejobs, …).
//
// Idempotency: SubmitJob has no client token. The job name is derived from the attempt
// id and the attempt id is also a tag; launch looks the job up (ListJobs JOB_NAME filter,
// then DescribeJobs to compare the tag exactly) before submitting. Two launches of one
// attempt racing each other could still both submit: the core never runs two at once.
// For the same reason the SDK's own retries are off (maxAttempts 1): a retried SubmitJob
// after a lost response would be a second job. The core retries transient errors itself.
//
// Ownership: every status read checks that the job carries this attempt — the
// `switchyard:attempt-id` tag (JobDetail.tags, set by SubmitJob with propagateTags) and the
// job name derived from the attempt id. A job id that answers for anything else is a lost
// machine, never this attempt's success, and cancel leaves such a job alone.
// Private images: refused. The only registry-auth field is the job definition's
// ContainerProperties.repositoryCredentials.credentialsParameter (RegisterJobDefinition;
// @aws-sdk/client-batch RepositoryCredentials: "the ARN of the secret containing the private
// repository credentials"), an AWS Secrets Manager ARN; SubmitJob's containerOverrides has
// no login field. A literal login cannot be passed without writing it into the operator's
// Secrets Manager, which this adapter does not do, so a launch with imageCredentials is
// refused (permanent) rather than the login dropped and the pull left to fail.
// No published spec in ../shared/provider-specs: the requests are built by the official SDK
// (@aws-sdk/client-batch), so the contract suite does not check AWS traffic.
import {
  BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
  type JobDetail,
} from '@aws-sdk/client-batch';
import { imageCredentialsRefused } from '../shared/registry-login.js';
import {
  answerEach,
  ProviderError,
  type AttemptRef,
  type LaunchRequest,
  type LaunchResult,
  type Offer,
  type OfferQuery,
  type Provider,
  type ProviderInfo,
  type ProviderStatus,
  type StatusAnswer,
} from '../../core/provider.js';
import { AWS_BATCH_BILLING, awsBatchCatalogIn, type AwsBatchCatalogEntry } from './catalog.js';
import { catalogOffers, catalogProviderInfo, findEntry } from '../shared/cloud-catalog.js';
import { classifyAwsError } from './errors.js';
import { JobDefinitions } from './job-definitions.js';
import { ATTEMPT_TAG, JOB_NAME_PREFIX, JOB_TAG, jobNameFor } from './names.js';
import { batchJobStatus } from './status.js';

export interface AwsBatchConfig {
  /** Provider name in Switchyard; default "aws-batch". */
  name?: string;
  region: string;
  /** Override the service endpoint (VPC endpoint, or the local fake). */
  endpoint?: string;
  /** Static credentials; omit to use the SDK's default chain (the Lambda's role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The GPU job queue; a catalog entry may name its own. */
  jobQueue: string;
  catalog?: AwsBatchCatalogEntry[];
}

const LIVE_STATUSES = new Set(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING']);

/** The job was launched for this attempt: its exact tag and its derived name. */
const carries = (job: JobDetail, attemptId: string): boolean =>
  job.tags?.[ATTEMPT_TAG] === attemptId && job.jobName === jobNameFor(attemptId);

export class AwsBatchProvider implements Provider {
  readonly name: string;
  readonly kind = 'cloud' as const;
  readonly billing = AWS_BATCH_BILLING;
  private readonly client: BatchClient;
  private readonly catalog: AwsBatchCatalogEntry[];
  private readonly definitions: JobDefinitions;

  constructor(private readonly config: AwsBatchConfig) {
    this.name = config.name ?? 'aws-batch';
    this.catalog = awsBatchCatalogIn(config.region, config.catalog);
    this.client = new BatchClient({
      region: config.region,
      maxAttempts: 1,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    });
    this.definitions = new JobDefinitions(this.client);
  }

  info(): ProviderInfo {
    return catalogProviderInfo(this.name, this.catalog);
  }

  async offers(query: OfferQuery): Promise<Offer[]> {
    return catalogOffers(this.name, this.catalog, query);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const entry = findEntry(this.catalog, request.offer.offerId);
    if (!entry) throw new ProviderError('permanent', `aws-batch: no catalog entry ${request.offer.offerId}`);
    // repositoryCredentials takes a Secrets Manager ARN only (see the header): refuse, never drop the login.
    if (request.imageCredentials) {
      throw imageCredentialsRefused(this.name, 'AWS Batch takes registry credentials only as a Secrets Manager ARN (repositoryCredentials.credentialsParameter), not as a username and password');
    }
    try {
      const existing = await this.findByAttempt(request.attemptId);
      if (existing?.jobId) return { providerRef: existing.jobId };
      const jobDefinition = await this.definitions.forImage(request.image);
      const gpus = request.offer.gpuCount;
      const out = await this.client.send(
        new SubmitJobCommand({
          jobName: jobNameFor(request.attemptId),
          jobQueue: entry.jobQueue ?? this.config.jobQueue,
          jobDefinition,
          containerOverrides: {
            command: request.command,
            environment: [
              ...Object.entries(request.env).map(([name, value]) => ({ name, value })),
              { name: 'SWITCHYARD_ATTEMPT_ID', value: request.attemptId },
              { name: 'SWITCHYARD_JOB_ID', value: request.jobId },
            ],
            resourceRequirements: [
              { type: 'GPU', value: String(gpus) },
              { type: 'VCPU', value: String(entry.vcpusPerGpu * gpus) },
              { type: 'MEMORY', value: String(entry.memoryMiBPerGpu * gpus) },
            ],
          },
          // Batch's minimum attempt duration is 60 s.
          timeout: { attemptDurationSeconds: Math.max(60, Math.ceil(request.maxDurationSeconds)) },
          // Switchyard moves failed attempts between providers itself; Batch must not retry.
          retryStrategy: { attempts: 1 },
          tags: { [ATTEMPT_TAG]: request.attemptId, [JOB_TAG]: request.jobId },
          propagateTags: true,
        }),
      );
      if (!out.jobId) throw new ProviderError('transient', 'aws-batch SubmitJob: no jobId in the answer');
      return { providerRef: out.jobId };
    } catch (err) {
      throw classifyAwsError(err, 'launch');
    }
  }

  async status(ref: AttemptRef): Promise<ProviderStatus> {
    const answer = this.answerFor(ref, await this.resolve(ref));
    if ('error' in answer) throw answer.error;
    return answer.status;
  }

  /** DescribeJobs takes at most 100 job ids (API_DescribeJobs.html, Request Parameters: jobs). */
  readonly statusBatchSize = 100;

  /**
   * Many attempts in one DescribeJobs call: those with a job id (providerRef) are described
   * together; one without (launch cut short before it learned the id) is found by name, as
   * status() finds it. Each JobDetail must still carry its attempt's tag and name.
   */
  async statusMany(refs: AttemptRef[]): Promise<Map<string, StatusAnswer>> {
    const answers = new Map<string, StatusAnswer>();
    const known = refs.filter((r) => r.providerRef);
    let described: JobDetail[];
    try {
      described = await this.describe(known.map((r) => r.providerRef!));
    } catch (err) {
      throw classifyAwsError(err, 'status');
    }
    const byId = new Map(described.map((j) => [j.jobId, j]));
    for (const ref of known) answers.set(ref.attemptId, this.answerFor(ref, byId.get(ref.providerRef)));
    return answerEach(refs.filter((r) => !r.providerRef), (ref) => this.status(ref), answers);
  }

  private answerFor(ref: AttemptRef, job: JobDetail | undefined): StatusAnswer {
    if (!job) return { error: new ProviderError('unknown-job', `aws-batch: no job for attempt ${ref.attemptId}`) };
    if (!carries(job, ref.attemptId)) {
      return { status: { state: 'lost', providerFault: true, message: `job ${String(job.jobId)} does not carry attempt ${ref.attemptId}: not this attempt's machine` } };
    }
    return { status: batchJobStatus(job) };
  }

  /** Idempotent: a finished job is left alone, an unknown one means nothing to stop. */
  async cancel(ref: AttemptRef): Promise<void> {
    const job = await this.resolve(ref);
    if (!job?.jobId || !carries(job, ref.attemptId) || !LIVE_STATUSES.has(job.status ?? '')) return;
    try {
      await this.client.send(
        new TerminateJobCommand({ jobId: job.jobId, reason: `Cancelled by Switchyard (attempt ${ref.attemptId})` }),
      );
    } catch (err) {
      throw classifyAwsError(err, 'cancel');
    }
  }

  /** Live jobs this Switchyard launched in the queue(s), for the reconciler's orphan sweep. */
  async listOwned(): Promise<AttemptRef[]> {
    const ids: string[] = [];
    try {
      for (const jobQueue of this.queues()) {
        let nextToken: string | undefined;
        do {
          const page = await this.client.send(
            new ListJobsCommand({
              jobQueue,
              filters: [{ name: 'JOB_NAME', values: [`${JOB_NAME_PREFIX}*`] }],
              ...(nextToken ? { nextToken } : {}),
            }),
          );
          for (const s of page.jobSummaryList ?? []) if (s.jobId && LIVE_STATUSES.has(s.status ?? '')) ids.push(s.jobId);
          nextToken = page.nextToken;
        } while (nextToken);
      }
      const jobs = await this.describe(ids);
      return jobs.flatMap((j) => {
        const attemptId = j.tags?.[ATTEMPT_TAG];
        return attemptId && j.jobId && carries(j, attemptId) ? [{ attemptId, providerRef: j.jobId }] : [];
      });
    } catch (err) {
      throw classifyAwsError(err, 'listOwned');
    }
  }

  private queues(): Set<string> {
    return new Set([this.config.jobQueue, ...this.catalog.flatMap((e) => (e.jobQueue ? [e.jobQueue] : []))]);
  }

  /** The job behind an attempt: by its job id when known, else by the derived name. */
  private async resolve(ref: AttemptRef): Promise<JobDetail | undefined> {
    try {
      if (ref.providerRef) return (await this.describe([ref.providerRef]))[0];
      return await this.findByAttempt(ref.attemptId);
    } catch (err) {
      throw classifyAwsError(err, 'status');
    }
  }

  private async findByAttempt(attemptId: string): Promise<JobDetail | undefined> {
    const jobName = jobNameFor(attemptId);
    const candidates: string[] = [];
    for (const jobQueue of this.queues()) {
      const page = await this.client.send(
        new ListJobsCommand({ jobQueue, filters: [{ name: 'JOB_NAME', values: [jobName] }] }),
      );
      for (const s of page.jobSummaryList ?? []) if (s.jobId) candidates.push(s.jobId);
    }
    // The name filter is case-insensitive; the tag is the exact attempt id.
    return (await this.describe(candidates)).find((j) => carries(j, attemptId));
  }

  /** DescribeJobs takes up to 100 ids per call; unknown ids are simply absent. */
  private async describe(jobIds: string[]): Promise<JobDetail[]> {
    const out: JobDetail[] = [];
    for (let i = 0; i < jobIds.length; i += 100) {
      const page = await this.client.send(new DescribeJobsCommand({ jobs: jobIds.slice(i, i + 100) }));
      out.push(...(page.jobs ?? []));
    }
    return out;
  }
}

export const createAwsBatchProvider = (config: AwsBatchConfig): AwsBatchProvider => new AwsBatchProvider(config);
