/**
 * The freelancer's logo: recognised by its first bytes (PNG, JPEG or WebP only, whatever the
 * request claims), at most 512 KB, kept in the database and served back with the recognised
 * type only.
 */
import { createHash } from 'node:crypto';
import { deleteLogo, findLogo, saveLogo } from '../db/queries/brand-logos';
import { findProjectById } from '../db/queries/projects';
import type { BrandLogoRow } from '../db/schema';
import { MAX_LOGO_BYTES, sniffLogoType } from '../domain/brand';
import { AppError } from '../domain/errors';
import { nowOf, type ActionContext } from './context';

export async function setLogo(
  options: Pick<ActionContext, 'db' | 'clock'> & { ownerId: string; bytes: Buffer },
): Promise<BrandLogoRow> {
  const { bytes } = options;
  if (bytes.length === 0) {
    throw new AppError('VALIDATION_FAILED', 'The logo is empty', { field: 'logo' });
  }
  if (bytes.length > MAX_LOGO_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', 'The logo must be at most 512 KB', { field: 'logo' });
  }
  const type = sniffLogoType(bytes);
  if (type === null) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The logo must be a PNG, JPEG or WebP image', {
      field: 'logo',
    });
  }
  const row: BrandLogoRow = {
    owner_id: options.ownerId,
    content_type: type,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    data_base64: bytes.toString('base64'),
    updated_at: nowOf(options).toISOString(),
  };
  await saveLogo(options.db, row);
  return row;
}

export async function removeLogo(
  options: Pick<ActionContext, 'db'> & { ownerId: string },
): Promise<void> {
  await deleteLogo(options.db, options.ownerId);
}

/** The logo's bytes and type; NOT_FOUND when there is none. */
export async function readLogo(
  options: Pick<ActionContext, 'db'> & { ownerId: string },
): Promise<{ type: string; bytes: Buffer; sha256: string }> {
  const logo = await findLogo(options.db, options.ownerId);
  if (!logo) throw new AppError('NOT_FOUND', 'No logo');
  return {
    type: logo.content_type,
    bytes: Buffer.from(logo.data_base64, 'base64'),
    sha256: logo.sha256,
  };
}

/** The logo of the freelancer who owns the project, for the project's client. */
export async function readProjectLogo(
  options: Pick<ActionContext, 'db'> & { projectId: string },
): Promise<{ type: string; bytes: Buffer; sha256: string }> {
  const project = await findProjectById(options.db, options.projectId);
  if (!project) throw new AppError('NOT_FOUND', 'No logo');
  return readLogo({ db: options.db, ownerId: project.owner_id });
}
