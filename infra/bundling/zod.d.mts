// Types for ./zod.mjs: zod's own (which also list `locales`; the stand-in leaves that out).
export * from 'zod';
export { z, z as default } from 'zod';
