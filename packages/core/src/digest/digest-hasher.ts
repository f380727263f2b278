/** An incremental hasher: feed it pieces in order, then read the prefixed digest once. */
export interface DigestHasher {
  /** Adds bytes, or a string hashed as its UTF-8 encoding (a lone surrogate becomes U+FFFD). */
  update(data: Uint8Array | string): DigestHasher;
  /** The digest of everything added, as `<algorithm>:<lower-case hex>`. Call it once. */
  digest(): string;
}
