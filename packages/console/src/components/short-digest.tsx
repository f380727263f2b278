import { splitDigest } from '../model/labels.js';

/**
 * A digest shown short (`blake3:2f0a9c1d5e6b…`), whole in its tooltip. Where it names a link, the
 * link's `aria-label` carries the whole digest (a visually hidden rest would be read as a separate
 * word, the name split in two).
 */
export function ShortDigest({ digest }: { digest: string }) {
  const { head, rest } = splitDigest(digest);
  return <span title={digest}>{rest ? `${head}…` : digest}</span>;
}
