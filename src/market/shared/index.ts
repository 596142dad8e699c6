// The shared scaffolding for fake provider markets. Public API (kept small on purpose,
// other fakes import it):
//   createScenario(seed, options, defaultSupply) -> Scenario
//     .planNextLaunch(plan)  .injectHttp(fault)  .revokeAuth()/.restoreAuth()
//     .takeLaunchPlan()  .takeHttpFault(method, path)   (used by fakes)
//   Inventory(scenario)   hosts built from the supply; free(filter), rent(id, holder), release(holder)
//   phaseAt(workload, now) -> provisioning | starting | running | exited | lost
//   startFakeServer({ scenario, routes, authenticate, errorBody }) -> { url, close }
//   createRng(seed)
export { createRng, type Rng } from './rng.js';
export {
  Scenario,
  createScenario,
  type FailureRates,
  type GpuSupply,
  type HttpFault,
  type LaunchPlan,
  type ScenarioOptions,
} from './scenario.js';
export { phaseAt, type Workload, type WorkloadPhase } from './lifecycle.js';
export { Inventory, type Host } from './inventory.js';
export { startFakeServer, type FakeRequest, type FakeResponse, type Route, type RunningFake } from './http.js';
