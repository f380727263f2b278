import type { Router } from 'express';
import type { AppContext } from '../context.js';

/**
 * `GET /signals/keys` (public): the keys manifests and attestations verify with, by key id, as
 * PEM and JWK, so anyone can verify offline. The current signing key is marked `current`.
 */
export function mountGetKeys(router: Router, ctx: AppContext): void {
  const body = {
    keys: ctx.keys.published.map((k) => ({
      keyId: k.keyId,
      algorithm: k.algorithm,
      current: k.current,
      publicKeyPem: k.publicKeyPem,
      jwk: k.jwk,
    })),
  };
  router.get('/keys', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(body);
  });
}
