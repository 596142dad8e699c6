// A fake AWS Batch endpoint on 127.0.0.1 speaking the protocol @aws-sdk/client-batch
// speaks (REST-JSON, API 2016-08-10): POST /v1/submitjob, /v1/describejobs,
// /v1/terminatejob, /v1/listjobs, /v1/registerjobdefinition, /v1/describejobdefinitions.
// Requests must carry a valid SigV4 signature for one of the fake's key pairs; errors
// come back as AWS does: HTTP status, `x-amzn-ErrorType` header, `{ "message" }` body.
// Point the SDK at it with `endpoint: fake.url` and the fake's credentials.
import { randomUUID } from 'node:crypto';
import {
  createScenario,
  startFakeServer,
  type FakeRequest,
  type FakeResponse,
  type GpuSupply,
  type Route,
  type RunningFake,
  type Scenario,
  type ScenarioOptions,
} from '../shared/index.js';
import { FakeBatchJobs } from './aws-batch-jobs.js';
import { verifySigV4 } from './sigv4.js';
import type { WorkloadExecutor } from '../shared/executor.js';

export interface AwsBatchFakeOptions extends ScenarioOptions {
  seed: number;
  region?: string;
  accountId?: string;
  /** Job queues that exist; SubmitJob to any other fails with ClientException. */
  jobQueues?: string[];
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Run each job's command for real once it starts (end-to-end run-time tests); simulated otherwise. */
  executor?: WorkloadExecutor;
}

export interface AwsBatchFake extends RunningFake {
  scenario: Scenario;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  jobs: FakeBatchJobs;
}

/** EC2 GPU shapes behind the fake queue (capacity, not prices: Batch has no price API). */
export const AWS_BATCH_FAKE_SUPPLY: GpuSupply[] = [
  { model: 'H100', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 6.88 },
  { model: 'A100-80GB', vramGb: 80, machines: 2, gpusPerMachine: 8, pricePerGpuHourUsd: 3.43 },
  { model: 'A10G', vramGb: 24, machines: 4, gpusPerMachine: 1, pricePerGpuHourUsd: 1.006 },
];

const awsError = (status: number, type: string, message: string): FakeResponse => ({
  status,
  headers: { 'x-amzn-errortype': type },
  body: { message },
});

const clientError = (message: string): FakeResponse => awsError(400, 'ClientException', message);

const asObject = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};

const JOB_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export const startAwsBatchFake = async (opts: AwsBatchFakeOptions): Promise<AwsBatchFake> => {
  const region = opts.region ?? 'us-east-1';
  const account = opts.accountId ?? '123456789012';
  const credentials = opts.credentials ?? { accessKeyId: 'AKIAFAKESWITCHYARD01', secretAccessKey: 'fake-secret-key' };
  const queues = new Set(opts.jobQueues ?? ['switchyard-gpu']);
  const scenario = createScenario(opts.seed, opts, AWS_BATCH_FAKE_SUPPLY);
  const jobs = new FakeBatchJobs(scenario, opts.executor);
  const definitions = new Map<string, Array<{ revision: number; image: string; arn: string }>>();
  const arn = (kind: string, id: string): string => `arn:aws:batch:${region}:${account}:${kind}/${id}`;

  const resolveDefinition = (ref: string): string | undefined => {
    const [name, rev] = ref.split(':') as [string, string | undefined];
    const revisions = definitions.get(name) ?? [];
    const found = rev === undefined ? revisions.at(-1) : revisions.find((d) => String(d.revision) === rev);
    return found ? `${name}:${found.revision}` : undefined;
  };

  const route = (path: string, handle: (body: Record<string, unknown>) => FakeResponse): Route => ({
    method: 'POST',
    pattern: path,
    handle: (req) => {
      jobs.settle();
      return handle(asObject(req.body));
    },
  });

  const routes: Route[] = [
    route('/v1/registerjobdefinition', (b) => {
      const name = String(b.jobDefinitionName ?? '');
      const image = String(asObject(b.containerProperties).image ?? '');
      if (!name || !image) return clientError('jobDefinitionName and containerProperties.image are required');
      const revisions = definitions.get(name) ?? [];
      const revision = revisions.length + 1;
      const defArn = arn('job-definition', `${name}:${revision}`);
      definitions.set(name, [...revisions, { revision, image, arn: defArn }]);
      return { status: 200, body: { jobDefinitionName: name, jobDefinitionArn: defArn, revision } };
    }),
    route('/v1/describejobdefinitions', (b) => {
      const name = typeof b.jobDefinitionName === 'string' ? b.jobDefinitionName : undefined;
      const list = [...definitions.entries()]
        .filter(([n]) => name === undefined || n === name)
        .flatMap(([n, revs]) =>
          revs.map((d) => ({ jobDefinitionName: n, jobDefinitionArn: d.arn, revision: d.revision, status: 'ACTIVE', type: 'container', containerProperties: { image: d.image } })),
        );
      return { status: 200, body: { jobDefinitions: list } };
    }),
    route('/v1/submitjob', (b) => {
      const jobName = String(b.jobName ?? '');
      const jobQueue = String(b.jobQueue ?? '');
      if (!JOB_NAME_RE.test(jobName)) return clientError(`Job name ${jobName} is invalid`);
      if (!queues.has(jobQueue)) return clientError(`JobQueue ${jobQueue} not found`);
      const definition = resolveDefinition(String(b.jobDefinition ?? ''));
      if (!definition) return clientError(`Job definition ${String(b.jobDefinition)} not found`);
      const [defName] = definition.split(':') as [string];
      const image = definitions.get(defName)?.find((d) => `${defName}:${d.revision}` === definition)?.image ?? '';
      const overrides = asObject(b.containerOverrides);
      const jobId = randomUUID();
      jobs.add({
        jobId,
        jobArn: arn('job', jobId),
        jobName,
        jobQueue: arn('job-queue', jobQueue),
        jobDefinition: arn('job-definition', definition),
        image,
        command: (overrides.command as string[] | undefined) ?? [],
        environment: (overrides.environment as Array<{ name: string; value: string }> | undefined) ?? [],
        resourceRequirements: (overrides.resourceRequirements as Array<{ type: string; value: string }> | undefined) ?? [],
        tags: (b.tags as Record<string, string> | undefined) ?? {},
      });
      return { status: 200, body: { jobArn: arn('job', jobId), jobName, jobId } };
    }),
    route('/v1/describejobs', (b) => {
      const ids = Array.isArray(b.jobs) ? (b.jobs as string[]) : [];
      if (ids.length > 100) return clientError('jobs: a list of up to 100 job IDs');
      const found = ids.flatMap((id) => {
        const job = jobs.jobs.get(id);
        return job ? [jobs.detail(job)] : [];
      });
      return { status: 200, body: { jobs: found } };
    }),
    route('/v1/terminatejob', (b) => {
      const job = jobs.jobs.get(String(b.jobId ?? ''));
      if (!job) return clientError(`Job ${String(b.jobId)} not found`);
      jobs.terminate(job, String(b.reason ?? ''));
      return { status: 200, body: {} };
    }),
    route('/v1/listjobs', (b) => listJobs(b)),
  ];

  const listJobs = (b: Record<string, unknown>): FakeResponse => {
    const queue = String(b.jobQueue ?? '');
    if (!queues.has(queue)) return clientError(`JobQueue ${queue} not found`);
    const filters = (b.filters as Array<{ name: string; values: string[] }> | undefined) ?? [];
    const nameFilter = filters.find((f) => f.name === 'JOB_NAME')?.values[0]?.toLowerCase();
    const matchesName = (n: string): boolean => {
      if (nameFilter === undefined) return true;
      const name = n.toLowerCase();
      return nameFilter.endsWith('*') ? name.startsWith(nameFilter.slice(0, -1)) : name === nameFilter;
    };
    // Per the API: with any filter, jobStatus is ignored; without one it defaults to RUNNING.
    const status = filters.length > 0 ? undefined : String(b.jobStatus ?? 'RUNNING');
    const all = [...jobs.jobs.values()]
      .filter((j) => j.jobQueue === arn('job-queue', queue) && matchesName(j.jobName))
      .filter((j) => status === undefined || jobs.snapshot(j).status === status)
      .sort((x, y) => y.createdAt - x.createdAt);
    const start = Number(b.nextToken ?? 0);
    const size = Math.min(Number(b.maxResults ?? 100), 100);
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? { nextToken: String(start + size) } : {};
    return { status: 200, body: { jobSummaryList: page.map((j) => jobs.summary(j)), ...next } };
  };

  const secrets = new Map([[credentials.accessKeyId, credentials.secretAccessKey]]);
  const authenticate = (req: FakeRequest): FakeResponse | undefined => {
    if (scenario.authRevoked) return awsError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    const body = req.body === undefined ? '' : JSON.stringify(req.body);
    const result = verifySigV4({ ...req, body }, secrets, region, 'batch');
    return result.ok ? undefined : awsError(403, result.errorType, result.message);
  };

  const server = await startFakeServer({
    provider: 'aws-batch',
    scenario,
    routes,
    authenticate,
    // Injected faults: AWS names throttling and server errors in the body's __type too.
    errorBody: (status, message) => ({
      __type: status === 429 ? 'TooManyRequestsException' : status >= 500 ? 'ServerException' : 'ClientException',
      message,
    }),
  });
  return { ...server, scenario, region, credentials, jobs };
};
