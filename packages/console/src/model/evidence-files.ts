/** The part of a graph digest that names files: 12 hex digits after `blake3:`. */
function shortDigest(digest: string): string {
  return digest.replace(/^[a-z0-9]+:/, '').slice(0, 12);
}

/** A file-name-safe form of a CVE id and assumptions. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.=-]+/g, '_');
}

/** `openvex-{digest12}-{CVE}[-{assume}].json`: the name the console saves a VEX document as. */
export function vexFileName(digest: string, cve: string, assume?: string): string {
  return `openvex-${shortDigest(digest)}-${safe(cve)}${assume ? `-${safe(assume)}` : ''}.json`;
}

/** `…​.intoto.dsse.json`: the name the console saves the signed statement's envelope as. */
export function attestationFileName(digest: string, cve: string, assume?: string): string {
  return `reachability-slice-${shortDigest(digest)}-${safe(cve)}${assume ? `-${safe(assume)}` : ''}.dsse.json`;
}

/** The offline check of a bundle, as a command line (`stella verify <file> --offline --key …`). */
export function verifyCommand(fileName: string): string {
  return `stella verify ${fileName} --offline --key signing-key.pub.pem`;
}
