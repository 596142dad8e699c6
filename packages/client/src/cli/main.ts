// The `switchyard` CLI: every command prints for people, or JSON with --json.
import { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import { createSwitchyard, type Job, type Switchyard } from '../client.js';
import { SwitchyardError } from '../errors.js';
import { NotLoggedInError, readConfig, resolveConnection, writeConfig } from './config.js';
import { describeEvent, exitCodeOf, followEvents, followJob, followLogs } from './follow.js';
import { JobFileError, loadJobFile } from './job-file.js';
import { createOutput, pricePerGpuHour, table, usd, type Output } from './output.js';

type Globals = { json?: boolean };

const jobLine = (job: Job): string[] => [
  job.id,
  job.status,
  job.attempts.at(-1)?.provider ?? '-',
  usd((job as Job & { costMicroUsd?: number }).costMicroUsd),
  job.createdAt,
];

const printJob = (out: Output, job: Job) => {
  if (out.json) return out.value(job);
  out.line(`${job.id}  ${job.status}${job.reason ? ` (${job.reason})` : ''}  cost ${usd((job as Job & { costMicroUsd?: number }).costMicroUsd)}`);
  for (const a of job.attempts) {
    const exit = a.exitCode !== undefined ? ` exit ${a.exitCode}` : '';
    out.line(`  ${a.id}  ${a.provider}  ${a.gpuModel}  ${pricePerGpuHour(a)}  ${a.status}${exit}${a.reason ? `  ${a.reason}` : ''}`);
  }
};

export const buildProgram = (io: { connect?: () => Switchyard; env?: NodeJS.ProcessEnv } = {}): Command => {
  const env = io.env ?? process.env;
  const connect = io.connect ?? (() => createSwitchyard(resolveConnection(env)));
  const program = new Command('switchyard').description('Run GPU jobs on Switchyard').option('--json', 'print JSON for scripts').showHelpAfterError();
  const outOf = (cmd: Command) => createOutput({ json: Boolean((cmd.optsWithGlobals() as Globals).json) });
  // A number returned by a command is its exit code; anything else is 0.
  const action = <A extends unknown[]>(fn: (out: Output, ...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      const cmd = args.at(-1) as Command;
      const result = await fn(outOf(cmd), ...args);
      process.exitCode = typeof result === 'number' ? result : 0;
    };

  program
    .command('run <file>')
    .description('submit a job file (YAML or JSON); with --follow, show placement, failovers and logs, and exit with its exit code')
    .option('-f, --follow', 'follow the job to its end')
    .option('--idempotency-key <key>', 'a key of your own (one is made up otherwise)')
    .action(action(async (out, file: string, opts: { follow?: boolean; idempotencyKey?: string }) => {
      const spec = loadJobFile(file);
      const client = connect();
      out.spin('submitting');
      const job = await client.submit(spec, opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {});
      out.spin(undefined);
      if (!opts.follow) return printJob(out, job);
      out.line(`submitted ${job.id}`);
      const done = await followJob(client, job.id, out);
      const code = exitCodeOf(done);
      if (out.json) out.value({ job: done, exitCode: code });
      else out.line(`${done.id} ${done.status}, exit code ${code}, cost ${usd((done as Job & { costMicroUsd?: number }).costMicroUsd)}`);
      return code;
    }));

  const jobs = program.command('jobs').description('your jobs');
  jobs
    .command('ls')
    .description('your jobs, newest first')
    .option('--status <status>')
    .option('--limit <n>', 'how many', '20')
    .action(action(async (out, opts: { status?: string; limit: string }) => {
      const page = await connect().listJobs({ limit: Number(opts.limit), ...(opts.status ? { status: opts.status } : {}) });
      if (out.json) return out.value(page);
      out.line(table([['ID', 'STATUS', 'PROVIDER', 'COST', 'CREATED'], ...page.items.map(jobLine)]));
    }));
  jobs.command('get <id>').description('a job and its attempts').action(action(async (out, id: string) => printJob(out, await connect().getJob(id))));
  jobs.command('cancel <id>').description('cancel a job').action(action(async (out, id: string) => printJob(out, await connect().cancelJob(id))));
  jobs
    .command('events <id>')
    .description("a job's timeline")
    .option('-f, --follow', 'until the job ends')
    .action(action(async (out, id: string, opts: { follow?: boolean }) => {
      const client = connect();
      if (opts.follow) return followEvents(client, id, out);
      const [events, job] = await Promise.all([client.jobEvents(id), client.getJob(id)]);
      if (out.json) return out.value({ items: events });
      for (const e of events) out.line(`${String(e.seq).padStart(3)}  ${e.at}  ${describeEvent(e, job)}`);
    }));
  jobs
    .command('logs <id>')
    .description("a job's output")
    .option('-f, --follow', 'until the job ends')
    .option('--attempt <attemptId>', "only this attempt's output")
    .action(action(async (out, id: string, opts: { follow?: boolean; attempt?: string }) => {
      const client = connect();
      if (opts.follow) return followLogs(client, id, out, opts.attempt);
      let after: string | undefined;
      for (;;) {
        const page = await client.jobLogs(id, { ...(opts.attempt ? { attempt: opts.attempt } : {}), ...(after ? { after } : {}) });
        for (const piece of page.items) (out.json ? out.value(piece) : out.text(piece.text));
        if (!page.more || !page.nextCursor) return;
        after = page.nextCursor;
      }
    }));

  program
    .command('quote <file>')
    .description('the offers and price range for a job file, before you submit it')
    .action(action(async (out, file: string) => {
      const quote = await connect().quote(loadJobFile(file));
      if (out.json) return out.value(quote);
      out.line(table([['PROVIDER', 'GPU', 'COUNT', 'PRICE', 'MAX COST', 'START'], ...quote.offers.map((o) => [o.provider, o.gpuModel, String(o.gpuCount), pricePerGpuHour(o), usd(o.maxCostMicroUsd), `~${Math.round(o.expectedStartSeconds)}s`])]));
      if (quote.priceRange) out.line(`expected ${usd(quote.priceRange.minMicroUsd)} – ${usd(quote.priceRange.maxMicroUsd)}`);
    }));

  program
    .command('providers')
    .description('providers: kind, health, GPU models')
    .action(action(async (out) => {
      const providers = await connect().providers();
      if (out.json) return out.value({ items: providers });
      out.line(table([['PROVIDER', 'KIND', 'HEALTH', 'GPUS'], ...providers.map((p) => [p.name, p.kind, p.enabled ? p.health : 'disabled', p.gpus.map((g) => g.model).join(', ') || '-'])]));
    }));

  program
    .command('gpus')
    .description('the GPU catalogue: every model, where, and at what price per GPU-hour (like `sky show-gpus`)')
    .option('--model <model>', 'only this model')
    .action(action(async (out, opts: { model?: string }) => {
      const rows = (await connect().providers())
        .filter((p) => p.enabled)
        .flatMap((p) => p.gpus.map((g) => ({ model: g.model, vramGb: g.vramGb, provider: p.name, kind: p.kind, health: p.health, price: pricePerGpuHour(g), regions: g.regions ?? [], raw: g })))
        .filter((r) => !opts.model || r.model.toLowerCase() === opts.model.toLowerCase())
        .sort((a, b) => a.model.localeCompare(b.model) || a.price.localeCompare(b.price, undefined, { numeric: true }));
      if (out.json) return out.value({ items: rows.map(({ raw, price: _price, ...r }) => ({ ...r, ...raw, provider: r.provider })) });
      out.line(table([['GPU', 'VRAM', 'PROVIDER', 'KIND', 'PRICE', 'REGIONS'], ...rows.map((r) => [r.model, `${r.vramGb} GB`, r.provider, r.kind, r.price, r.regions.join(',') || '-'])]));
    }));

  program
    .command('balance')
    .description('balance, holds and the month’s budget')
    .action(action(async (out) => {
      const b = await connect().balance();
      if (out.json) return out.value(b);
      const r = b as typeof b & Record<string, number | undefined>;
      out.line(table([
        ['mode', b.mode],
        ['available', usd(b.availableMicroUsd)],
        ['held', usd(b.heldMicroUsd)],
        ['unbilled', usd(b.unbilledMicroUsd)],
        ['month to date', `${usd(b.monthToDate.committedMicroUsd)} (${b.monthToDate.month})`],
        ['monthly budget', r.monthlyBudgetMicroUsd === undefined ? 'none' : usd(r.monthlyBudgetMicroUsd)],
      ]));
    }));

  program
    .command('usage')
    .description('what each finished job cost')
    .option('--from <iso>', 'inclusive; start of this month by default')
    .option('--to <iso>', 'exclusive')
    .action(action(async (out, opts: { from?: string; to?: string }) => {
      const u = await connect().usage({ ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });
      if (out.json) return out.value(u);
      out.line(table([['JOB', 'STATUS', 'PROVIDER', 'SECONDS', 'COST'], ...u.items.map((i) => [i.jobId, i.jobStatus ?? '-', i.provider ?? '-', String(i.billedSeconds ?? '-'), usd(i.costMicroUsd)])]));
      out.line(`total ${usd(u.totalMicroUsd)} (${u.from} – ${u.to})`);
    }));

  program
    .command('login')
    .description('store an API key (and URL) for the CLI, mode 0600')
    .option('--key <key>', 'the API key (read from stdin otherwise)')
    .option('--url <url>', 'the API (default http://127.0.0.1:8787)')
    .action(action(async (out, opts: { key?: string; url?: string }) => {
      let key = opts.key;
      if (!key) {
        const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
        if (process.stdin.isTTY) process.stderr.write('API key: ');
        key = (await rl[Symbol.asyncIterator]().next()).value?.trim();
        rl.close();
      }
      if (!key) throw new NotLoggedInError();
      const url = opts.url ?? env.SWITCHYARD_URL ?? readConfig(env).url ?? undefined;
      // Check the key before keeping it: a typo is refused here, not on the next command.
      await createSwitchyard({ apiKey: key, ...(url ? { url } : {}) }).providers();
      const path = writeConfig({ ...(url ? { url } : {}), apiKey: key }, env);
      if (out.json) return out.value({ ok: true, path });
      out.line(`key saved in ${path}`);
    }));
  return program;
};

const printError = (error: unknown, json: boolean): number => {
  if (error instanceof SwitchyardError) {
    if (json) process.stderr.write(`${JSON.stringify({ error: { ...error.problem, status: error.status } })}\n`);
    else {
      process.stderr.write(`error: ${error.message} [${error.status}]\n`);
      for (const f of error.fields) process.stderr.write(`  ${f.field}: ${f.detail}\n`);
    }
    return 1;
  }
  if (error instanceof JobFileError) {
    process.stderr.write(json ? `${JSON.stringify({ error: { type: 'invalid-job-file', file: error.file, problems: error.problems } })}\n` : `${error.message}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(json ? `${JSON.stringify({ error: { type: 'cli-error', detail: message } })}\n` : `error: ${message}\n`);
  return 1;
};

export const main = async (argv = process.argv): Promise<void> => {
  const json = argv.includes('--json');
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = printError(error, json);
  }
};
