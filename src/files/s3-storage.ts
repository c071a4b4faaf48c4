import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { S3Store } from '@tus/s3-store';
import type { Config } from '../config';
import type { ByteSpan, FileStorage } from './storage';

type S3Settings = Extract<Config['storage'], { kind: 's3' }>;

export function createS3Storage(
  settings: S3Settings,
  expirationPeriodInMilliseconds: number,
): FileStorage {
  const clientConfig: S3ClientConfig = {
    region: settings.region,
    // Plain bodies: several S3-compatible stores cannot read the SDK's chunked-checksum framing.
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
    async remove(id: string) {
      await datastore.remove(id);
      // @tus/s3-store keeps a tail smaller than a part in "<id>.part" and does not delete it.
      await client
        .send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: `${id}.part` }))
        .catch(() => undefined);
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
