import { tmpDir } from '@stella-ops/testkit';
import * as cas from '../index.js';

describe('@stella-ops/cas public API', () => {
  it('exports the documented surface and nothing internal', () => {
    expect(Object.keys(cas).sort()).toEqual(
      [
        'CasError',
        'FsBlobStore',
        'MAX_KEY_BYTES',
        'S3BlobStore',
        'ZSTD_DEFAULT_LEVEL',
        'ZSTD_DEFAULT_MAX_OUTPUT_BYTES',
        'ZSTD_MAGIC',
        'createBlobStore',
        'createZstdCompressStream',
        'createZstdDecompressStream',
        'isCasError',
        'isCompressedKey',
        'isPreparedBlob',
        'prepareBlob',
        'isZstd',
        'sha256Digest',
        'validateKey',
        'zstdCompress',
        'zstdDecompress',
        'zstdImplementation',
      ].sort(),
    );
  });

  it('createBlobStore builds the configured backend', async () => {
    const dir = await tmpDir('cas-index-');
    try {
      const fsStore = cas.createBlobStore({ kind: 'fs', root: dir.path });
      expect(fsStore).toBeInstanceOf(cas.FsBlobStore);
      await fsStore.ensureReady();
      const put = await fsStore.put('a.zst', Buffer.from('hello'));
      expect(put.digest).toBe(cas.sha256Digest(Buffer.from('hello')));
      const s3Store = cas.createBlobStore({ kind: 's3', bucket: 'unused', endpoint: 'http://127.0.0.1:1' });
      expect(s3Store).toBeInstanceOf(cas.S3BlobStore);
      await s3Store.close();
    } finally {
      await dir.remove();
    }
  });
});
