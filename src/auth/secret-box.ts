/**
 * Seals secrets at rest (a freelancer's Stripe keys) with AES-256-GCM under the instance's key.
 * The key comes from SECRET_KEY, or is generated once into DATA_DIR/secret.key (mode 600).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
}

export function loadInstanceKey(source: Config['secretKey']): Buffer {
  if ('base64' in source) return Buffer.from(source.base64, 'base64');
  if (!fs.existsSync(source.file)) {
    fs.mkdirSync(path.dirname(source.file), { recursive: true });
    // 'wx': never overwrite a key another instance just wrote.
    try {
      fs.writeFileSync(source.file, randomBytes(32).toString('base64'), {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
  }
  const key = Buffer.from(fs.readFileSync(source.file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source.file} does not hold a 32-byte key`);
  return key;
}

export function createSecretBox(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      const raw = Buffer.from(sealed.replace(/^v1:/, ''), 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
