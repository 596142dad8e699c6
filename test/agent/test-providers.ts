// Providers for agent tests, built on the local provider (which really runs the
// agent-wrapped command on this machine).
import type { AttemptRef, LaunchRequest, OfferQuery, Provider, ProviderStatus } from '../../src/core/provider.js';
import { LocalProvider } from '../../src/providers/local/local-provider.js';

/**
 * Runs commands like `local` but reports like a network with no exit codes (as RunPod or
 * io.net do): a finished command is "succeeded", whatever it returned. `lose()` kills the
 * machine outright (SIGKILL to the whole process group, so the agent cannot report) while
 * the provider keeps saying "running": only heartbeats can tell.
 */
export class NoExitCodeProvider implements Provider {
  readonly kind = 'local' as const;
  readonly explicitOnly = true;
  readonly inner = new LocalProvider();
  private readonly lost = new Set<string>();

  constructor(readonly name: string) {}

  info() {
    return { ...this.inner.info(), name: this.name };
  }
  async offers(query: OfferQuery) {
    return (await this.inner.offers(query)).map((o) => ({ ...o, provider: this.name, offerId: `${this.name}-${o.gpuModel}` }));
  }
  launch(request: LaunchRequest) {
    return this.inner.launch(request);
  }
  async status(ref: AttemptRef): Promise<ProviderStatus> {
    if (this.lost.has(ref.attemptId)) return { state: 'running' };
    const status = await this.inner.status(ref);
    if (status.state === 'running' || status.state === 'pending') return { state: status.state };
    return { state: 'succeeded', ...(status.outputTail !== undefined ? { outputTail: status.outputTail } : {}) };
  }
  cancel(ref: AttemptRef) {
    return this.inner.cancel(ref);
  }
  lose(attemptId: string): void {
    const group = this.inner.processGroupOf(attemptId);
    if (group === undefined) throw new Error(`no process for ${attemptId}`);
    this.lost.add(attemptId);
    process.kill(-group, 'SIGKILL');
  }
  stopAll(): void {
    this.inner.stopAll();
  }
}
