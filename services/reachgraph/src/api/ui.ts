import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { problems } from '@stella-ops/service-kit';
import express, { type Router } from 'express';

/**
 * The console's Content-Security-Policy: its own script and stylesheet, API calls to this origin,
 * nothing inline, no framing.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Content-hashed file names (`app-4KD2M7QX.js`, its `.map`): they never change, so cache them for good. */
const HASHED = /-[A-Z0-9]{8}\.[a-z]+(\.map)?$/;

/** `dist/` of the installed @stella-ops/console, or undefined when the package is not installed. */
export function consoleAssetsDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@stella-ops/console/package.json');
    return join(dirname(pkg), 'dist');
  } catch {
    return undefined;
  }
}

export interface ConsoleUiOptions {
  /** Where the built assets are; defaults to the console package's `dist/`. */
  assetsDir?: string | undefined;
}

/**
 * The web console at `/ui/`: the built assets (hashed ones immutable, the rest `no-cache`) under a
 * strict CSP, and `index.html` for every other extension-less path so that permalinks load the app.
 * Without built assets every request gets 404 `CONSOLE_NOT_BUILT`; a missing asset 404
 * `ASSET_NOT_FOUND`.
 */
export function consoleUi(opts: ConsoleUiOptions = { assetsDir: consoleAssetsDir() }): Router {
  const dir = opts.assetsDir;
  const index = dir ? join(dir, 'index.html') : undefined;
  const router = express.Router();
  const assets = dir
    ? express.static(dir, {
        index: false,
        redirect: false,
        dotfiles: 'ignore',
        setHeaders: (res, path) => {
          res.setHeader(
            'Cache-Control',
            HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
          );
        },
      })
    : undefined;

  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    if (!index || !existsSync(index)) {
      throw problems.notFound(
        'CONSOLE_NOT_BUILT',
        'the web console is not built: run `pnpm --filter @stella-ops/console build` (or `pnpm build`), then reload',
      );
    }
    const [path, query] = req.originalUrl.split('?', 2);
    if (path === '/ui') return res.redirect(308, `/ui/${query === undefined ? '' : `?${query}`}`);
    (assets as NonNullable<typeof assets>)(req, res, next);
  });
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (extname(req.path) !== '') throw problems.notFound('ASSET_NOT_FOUND', `no console asset ${req.path}`);
    res.sendFile(
      index as string,
      { headers: { 'Cache-Control': 'no-cache' }, cacheControl: false },
      (err) => {
        if (err) next(err);
      },
    );
  });
  return router;
}
