import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../port.js';
import { tmpDir } from '../tmp.js';

describe('tmpDir', () => {
  it('creates an empty directory and removes it with its contents', async () => {
    const dir = await tmpDir('testkit-');
    expect(existsSync(dir.path)).toBe(true);
    await writeFile(join(dir.path, 'f'), 'x');
    await dir.remove();
    expect(existsSync(dir.path)).toBe(false);
    await dir.remove();
  });
});

describe('freePort', () => {
  it('returns a port one can listen on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});
