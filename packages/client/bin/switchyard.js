#!/usr/bin/env node
// The package ships TypeScript sources; tsx (a dependency of the workspace) runs them.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main();
