// Envelope encryption of tenant secrets: each value is sealed with its own AES-256-GCM data
// key; the data key is stored only wrapped by a master key (KMS in AWS, a local key file in
// local mode). The tenant and secret name are bound in as additional data / encryption
// context, so a sealed value copied to another tenant or name does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Binds a wrapped key and a ciphertext to the tenant and secret they belong to. */
export interface SecretContext {
  tenantId: string;
  name: string;
}

/** Wraps and unwraps data keys under a master key. */
export interface KeyWrapper {
  /** A fresh 32-byte data key, in plain (used once, then dropped) and wrapped (stored). */
  generateDataKey(context: SecretContext): Promise<{ plaintext: Buffer; wrapped: string }>;
  unwrap(wrapped: string, context: SecretContext): Promise<Buffer>;
}

export interface SealedSecret {
  /** Which wrapper sealed it ("kms" or "local"), so a misconfigured deploy fails clearly. */
  wrapper: string;
  wrappedKey: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

const aad = (context: SecretContext): Buffer => Buffer.from(JSON.stringify([context.tenantId, context.name]));

export const sealWith = (key: Buffer, plaintext: string, context: SecretContext): Omit<SealedSecret, 'wrapper' | 'wrappedKey'> => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
};

export const openWith = (key: Buffer, sealed: Pick<SealedSecret, 'iv' | 'ciphertext' | 'tag'>, context: SecretContext): string => {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(aad(context));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
};

export class SecretCipher {
  constructor(
    private readonly wrapper: KeyWrapper,
    private readonly wrapperName: string,
  ) {}

  async seal(plaintext: string, context: SecretContext): Promise<SealedSecret> {
    const key = await this.wrapper.generateDataKey(context);
    try {
      return { wrapper: this.wrapperName, wrappedKey: key.wrapped, ...sealWith(key.plaintext, plaintext, context) };
    } finally {
      key.plaintext.fill(0);
    }
  }

  async open(sealed: SealedSecret, context: SecretContext): Promise<string> {
    if (sealed.wrapper !== this.wrapperName) {
      throw new Error(`secret ${context.name} was sealed by the ${sealed.wrapper} key, but this deployment uses the ${this.wrapperName} key`);
    }
    const key = await this.wrapper.unwrap(sealed.wrappedKey, context);
    try {
      return openWith(key, sealed, context);
    } finally {
      key.fill(0);
    }
  }
}
