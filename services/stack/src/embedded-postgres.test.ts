import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpDir } from '@stella-ops/testkit';
import { reachableByOthers } from './embedded-postgres.js';

describe('reachableByOthers', () => {
  it('is false when a parent directory is not searchable by others, true once it is', async () => {
    const dir = await tmpDir('stella-reach-perm-');
    try {
      await mkdir(join(dir.path, 'repo'), { mode: 0o755 });
      await chmod(dir.path, 0o700);
      expect(await reachableByOthers(join(dir.path, 'repo/.data/postgres'))).toBe(false);
      await chmod(dir.path, 0o711);
      expect(await reachableByOthers(join(dir.path, 'repo/.data/postgres'))).toBe(true);
    } finally {
      await dir.remove();
    }
  });
});
