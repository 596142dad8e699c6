export { createNosanaProvider, NosanaProvider, type NosanaConfig } from './nosana-provider.js';
