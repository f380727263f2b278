import type { BlobStoreConfig } from '@stella-ops/cas';
import type { RawSettings } from './read-settings.js';

/** `cas://<bucket>`: the bucket contract §9's `BucketPrefix` names. */
export const BUCKET = /^cas:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/;

/** `Signals.CAS.*` backend settings: S3/MinIO when an endpoint is set, else the filesystem store. */
export function blobBackend(r: RawSettings): BlobStoreConfig {
  const endpoint = r.str('Signals.CAS.S3.Endpoint');
  const backend = r.str('Signals.CAS.Backend') ?? (endpoint ? 's3' : 'fs');
  const prefix = r.requiredStr('Signals.CAS.BucketPrefix');
  const bucket = BUCKET.exec(prefix)?.[1];
  if (!bucket) throw r.error('Signals.CAS.BucketPrefix', `must be cas://<bucket name>, got ${prefix}`);
  if (backend === 'fs') return { kind: 'fs', root: r.requiredStr('Signals.CAS.Path') };
  if (backend !== 's3') throw r.error('Signals.CAS.Backend', `must be s3 or fs, got ${backend}`);
  if (endpoint !== undefined) {
    try {
      new URL(endpoint);
    } catch {
      throw r.error('Signals.CAS.S3.Endpoint', `is not a URL: ${endpoint}`);
    }
  }
  const accessKeyId = r.str('Signals.CAS.S3.AccessKeyId');
  const secretAccessKey = r.str('Signals.CAS.S3.SecretAccessKey');
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw r.error('Signals.CAS.S3.SecretAccessKey', 'access key id and secret must be set together');
  }
  return {
    kind: 's3',
    bucket,
    region: r.requiredStr('Signals.CAS.S3.Region'),
    forcePathStyle: r.bool('Signals.CAS.S3.ForcePathStyle'),
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
  };
}
