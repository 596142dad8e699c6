// Where the CLI finds its API key and URL: SWITCHYARD_API_KEY / SWITCHYARD_URL win, else
// the file `switchyard login` wrote: $XDG_CONFIG_HOME/switchyard/config.json (or
// ~/.config/switchyard/config.json), mode 0600 since it holds a secret.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_URL } from '../client.js';

export interface StoredConfig {
  url?: string;
  apiKey?: string;
}

export const configDir = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'switchyard');
export const configPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'config.json');

export const readConfig = (env: NodeJS.ProcessEnv = process.env): StoredConfig => {
  try {
    const parsed = JSON.parse(readFileSync(configPath(env), 'utf8')) as StoredConfig;
    return typeof parsed === 'object' && parsed ? parsed : {};
  } catch {
    return {};
  }
};

export const writeConfig = (config: StoredConfig, env: NodeJS.ProcessEnv = process.env): string => {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = configPath(env);
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode on write
  return path;
};

export class NotLoggedInError extends Error {
  constructor() {
    super('no API key: run `switchyard login` or set SWITCHYARD_API_KEY');
  }
}

export const resolveConnection = (env: NodeJS.ProcessEnv = process.env): { url: string; apiKey: string } => {
  const stored = readConfig(env);
  const apiKey = env.SWITCHYARD_API_KEY || stored.apiKey;
  if (!apiKey) throw new NotLoggedInError();
  return { url: env.SWITCHYARD_URL || stored.url || DEFAULT_URL, apiKey };
};
