// Where the providers' published API descriptions live. They are not part of the project:
// the contract suite reads them from ../shared/provider-specs beside the repository (or
// SWITCHYARD_PROVIDER_SPECS) and never copies them in.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const providerSpecsDir = (): string =>
  process.env.SWITCHYARD_PROVIDER_SPECS ?? resolve(repoRoot, '..', 'shared', 'provider-specs');

export class SpecsMissingError extends Error {}

/** Reads one spec file (JSON or YAML by extension), relative to the provider-specs folder. */
export const readSpec = (relativePath: string): Record<string, unknown> => {
  const dir = providerSpecsDir();
  if (!existsSync(dir)) {
    throw new SpecsMissingError(
      `The providers' published API descriptions were not found at ${dir}. The contract suite reads them from ` +
        `../shared/provider-specs beside the repository (or the folder named by SWITCHYARD_PROVIDER_SPECS); they are never copied into the project.`,
    );
  }
  const file = resolve(dir, relativePath);
  if (!existsSync(file)) throw new SpecsMissingError(`Spec file ${relativePath} is missing from ${dir}.`);
  const text = readFileSync(file, 'utf8');
  return (/\.ya?ml$/.test(file) ? parseYaml(text) : JSON.parse(text)) as Record<string, unknown>;
};
