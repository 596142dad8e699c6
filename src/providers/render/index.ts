export { createRenderProvider, RenderProvider, type RenderConfig } from './render-provider.js';
export { DEFAULT_BASE_URL } from './client.js';
