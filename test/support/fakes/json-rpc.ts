// Moved to src/market/money (local mode runs it too); tests keep importing it from here.
export * from '../../../src/market/money/json-rpc.js';
