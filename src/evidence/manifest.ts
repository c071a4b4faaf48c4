/**
 * The evidence bundle's manifest: what the bundle is of, who the parties are, the activity
 * chain's head, and the path, size and SHA-256 of every other entry. The instance signs its
 * exact bytes (manifest.sig); the verifier reads it with this schema. `disputes` names each
 * dispute with its file under disputes/ (listed in `entries` like every other) and its number of
 * entries, so the verifier can check each file and that every step is in the activity chain.
 */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'milepost-evidence-bundle';
export const BUNDLE_VERSION = 1;
export const MANIFEST_PATH = 'manifest.json';
export const SIGNATURE_PATH = 'manifest.sig';
export const PUBLIC_KEY_PATH = 'instance-key.pem';
export const ACTIVITY_PATH = 'activity.json';
/** The chat, whose messages the disputes' evidence cites by id and number. */
export const CHAT_PATH = 'chat.json';
/** Entries that carry the signature, never listed in the manifest. */
export const SIGNING_PATHS: readonly string[] = [MANIFEST_PATH, SIGNATURE_PATH, PUBLIC_KEY_PATH];

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const manifestEntry = z.object({
  path: z.string().min(1),
  size: z.number().int().min(0),
  sha256,
});
export type ManifestEntry = z.infer<typeof manifestEntry>;

const party = z.object({ name: z.string(), email: z.string() });

export const manifestDispute = z.object({
  id: z.string(),
  milestoneId: z.string(),
  status: z.string(),
  openedBy: z.string(),
  /** Its file in the bundle: disputes/dispute-N.json. */
  path: z.string(),
  entries: z.number().int().min(0),
});
export type ManifestDispute = z.infer<typeof manifestDispute>;

export const manifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  generatedAt: z.string(),
  /** Who asked for it: the freelancer, or the project's client in the portal. */
  generatedFor: z.enum(['freelancer', 'client']),
  instance: z.object({
    url: z.string(),
    signing: z.object({
      algorithm: z.literal('Ed25519'),
      /** Raw public key, base64: compare with GET /api/instance-key. */
      publicKey: z.string(),
      fingerprint: z.string(),
    }),
  }),
  project: z.object({
    id: z.string(),
    title: z.string(),
    currency: z.string(),
    status: z.string(),
    createdAt: z.string(),
  }),
  parties: z.object({
    freelancer: party.extend({ businessName: z.string() }),
    client: party.extend({ company: z.string() }),
  }),
  activity: z.object({
    path: z.string(),
    entries: z.number().int().min(0),
    /** 0 and the genesis hash for a project without activity. */
    headSeq: z.number().int().min(0),
    headHash: sha256,
  }),
  /** One item per dispute, oldest first (empty when there is none). */
  disputes: z.array(manifestDispute),
  entries: z.array(manifestEntry),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** The manifest's exact bytes, as signed. */
export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}
