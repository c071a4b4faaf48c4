import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Store } from '@tus/s3-store';
import type { Config } from '../config';
import type { ByteSpan, FileStorage } from './storage';

type S3Settings = Extract<Config['storage'], { kind: 's3' }>;

/** S3's answers for "no such object or upload" (radosgw says NoSuchKey where AWS says NoSuchUpload). */
function isNotFound(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = 'name' in error ? error.name : undefined;
  const status =
    '$metadata' in error && typeof error.$metadata === 'object' && error.$metadata !== null
      ? (error.$metadata as { httpStatusCode?: number }).httpStatusCode
      : undefined;
  return name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchUpload' || status === 404;
}

export function createS3Storage(
  settings: S3Settings,
  expirationPeriodInMilliseconds: number,
): FileStorage {
  const clientConfig: S3ClientConfig = {
    region: settings.region,
    // Plain bodies: several S3-compatible stores cannot read the SDK's default aws-chunked
    // framing with a trailing checksum (radosgw 16 answers UploadPart with 411).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint && { endpoint: settings.endpoint }),
    ...(settings.credentials && { credentials: settings.credentials }),
  };
  const datastore = new S3Store({
    partSize: 8 * 1024 * 1024,
    expirationPeriodInMilliseconds,
    s3ClientConfig: { ...clientConfig, bucket: settings.bucket },
  });
  const client = new S3Client(clientConfig);
  return {
    kind: 's3',
    datastore,
    async read(id: string, span?: ByteSpan): Promise<Readable> {
      const object = await client.send(
        new GetObjectCommand({
          Bucket: settings.bucket,
          Key: id,
          ...(span && { Range: `bytes=${span.start}-${span.end}` }),
        }),
      );
      return object.Body as Readable;
    },
    sizeOf: (id: string) =>
      client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: id })).then(
        (head) => head.ContentLength,
        (error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        },
      ),
    async remove(id: string) {
      // @tus/s3-store's remove() stops at its first "not found": for a completed upload, whose
      // multipart upload no longer exists, it throws before deleting any object. So: abort the
      // multipart upload if one is still open, then delete the object, tus's "<id>.info" and
      // the "<id>.part" tail it keeps below the minimum part size; each may already be gone.
      const uploadId = await client
        .send(new HeadObjectCommand({ Bucket: settings.bucket, Key: `${id}.info` }))
        .then((head) => head.Metadata?.['upload-id'])
        .catch((error: unknown) => {
          if (isNotFound(error)) return undefined;
          throw error;
        });
      if (uploadId) {
        await client
          .send(
            new AbortMultipartUploadCommand({
              Bucket: settings.bucket,
              Key: id,
              UploadId: uploadId,
            }),
          )
          .catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
      }
      for (const key of [id, `${id}.part`, `${id}.info`]) {
        await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key }));
      }
    },
    presignDownload: (id, options) =>
      getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: settings.bucket,
          Key: id,
          ResponseContentDisposition: options.disposition,
          ResponseContentType: options.contentType,
        }),
        { expiresIn: options.expiresInSeconds },
      ),
    close: () => {
      client.destroy();
      return Promise.resolve();
    },
  };
}
