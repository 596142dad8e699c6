export { createVastProvider, VastProvider, type VastConfig } from './vastai-provider.js';
