// Names and metadata on jobs: validated at submit, returned in views, and filterable in the
// listing with exact paging (no job skipped or repeated across pages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSystem } from '../../src/local/system.js';
import { api, localJob, startTestSystem } from '../support/system.js';

let system: RunningSystem;
beforeAll(async () => {
  // No loops: the jobs stay queued; only the listing is under test.
  system = await startTestSystem({ loops: false });
});
afterAll(() => system.stop());

const submit = async (extra: Record<string, unknown>) => {
  const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], extra) });
  expect(res.status).toBe(202);
  return res.body;
};

const allPages = async (query: string, limit: number): Promise<{ ids: string[]; pages: number }> => {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await api(system, 'GET', `/v1/jobs?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.items.map((j: { id: string }) => j.id));
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
};

describe('job names and metadata', () => {
  it('returns name and metadata in the job view', async () => {
    const job = await submit({ name: 'llama-finetune', metadata: { team: 'ml', run: '42' } });
    expect(job.spec).toMatchObject({ name: 'llama-finetune', metadata: { team: 'ml', run: '42' } });
    const read = await api(system, 'GET', `/v1/jobs/${job.id}`);
    expect(read.body.spec.name).toBe('llama-finetune');
    expect(read.body.spec.metadata).toEqual({ team: 'ml', run: '42' });
  });

  it('refuses names and metadata over the limits, naming the field', async () => {
    const tooManyKeys = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'n'.repeat(129) }, 'name'],
      [{ name: '' }, 'name'],
      [{ metadata: tooManyKeys }, 'metadata'],
      [{ metadata: { ['k'.repeat(41)]: 'v' } }, 'metadata'],
      [{ metadata: { team: 'v'.repeat(501) } }, 'metadata.team'],
      [{ metadata: { 'a[b]': 'v' } }, 'metadata'],
      [{ metadata: { team: 7 } }, 'metadata.team'],
    ];
    for (const [extra, field] of cases) {
      const res = await api(system, 'POST', '/v1/jobs', { body: localJob(['true'], extra) });
      expect(res.status, JSON.stringify(extra).slice(0, 80)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).some((f: string) => f.startsWith(field))).toBe(true);
    }
  });

  it('filters by name and by metadata pairs, and pages exactly through sparse matches', async () => {
    const wanted: string[] = [];
    for (let i = 0; i < 23; i++) {
      const team = i % 3 === 0 ? 'vision' : 'speech';
      const job = await submit({ name: i % 2 === 0 ? 'sweep' : 'other', metadata: { team, idx: String(i) } });
      if (team === 'vision' && i % 2 === 0) wanted.push(job.id);
    }
    const byBoth = await allPages('name=sweep&metadata[team]=vision', 2);
    expect(byBoth.ids).toEqual([...wanted].reverse()); // newest first, each once
    const byTeam = await allPages('metadata[team]=vision', 3);
    expect(byTeam.ids).toHaveLength(8);
    expect(new Set(byTeam.ids).size).toBe(8);
    const byName = await allPages('name=sweep', 5);
    expect(byName.ids).toHaveLength(12);
    const none = await api(system, 'GET', '/v1/jobs?metadata[team]=nobody');
    expect(none.body).toEqual({ items: [] });
  });

  it('combines a filter with status', async () => {
    const job = await submit({ name: 'status-combo' });
    const queued = await api(system, 'GET', '/v1/jobs?status=queued&name=status-combo');
    expect(queued.body.items.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const running = await api(system, 'GET', '/v1/jobs?status=running&name=status-combo');
    expect(running.body.items).toEqual([]);
  });

  it('refuses malformed metadata filters with a 400', async () => {
    for (const q of ['metadata=x', 'metadata[]=x', 'metadata[a b]=x', `metadata[team]=${'v'.repeat(501)}`]) {
      const res = await api(system, 'GET', `/v1/jobs?${q}`);
      expect(res.status, q).toBe(400);
    }
  });
});
