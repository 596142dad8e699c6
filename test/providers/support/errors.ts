// Captures the ProviderError a call rejects with (and fails the test if it resolves).
import { expect } from 'vitest';
import { ProviderError } from '../../../src/core/provider.js';

export const providerError = async (p: Promise<unknown>): Promise<ProviderError> => {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  throw new Error('expected a ProviderError, but the call succeeded');
};
