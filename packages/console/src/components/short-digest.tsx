import { splitDigest } from '../model/labels.js';

/**
 * A digest shown short (`blake3:2f0a9c1d5e6b…`) that is still whole for screen readers, copying and
 * link names: the rest is visually hidden, the ellipsis hidden from assistive technology.
 */
export function ShortDigest({ digest }: { digest: string }) {
  const { head, rest } = splitDigest(digest);
  if (!rest) return <>{digest}</>;
  return (
    <>
      {head}
      <span class="visually-hidden">{rest}</span>
      <span aria-hidden="true">…</span>
    </>
  );
}
