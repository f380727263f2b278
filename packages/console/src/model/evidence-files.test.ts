import { attestationFileName, verifyCommand, vexFileName } from './evidence-files.js';

const digest = `blake3:${'0123456789ab'.repeat(5)}abcd`;

describe('file names of downloaded evidence', () => {
  it('names a VEX document and its attestation by graph, CVE and assumptions', () => {
    expect(vexFileName(digest, 'CVE-2021-23337')).toBe('openvex-0123456789ab-CVE-2021-23337.json');
    expect(vexFileName(digest, 'CVE-2021-23337', 'CUSTOM_REPORTS=enabled,os=linux')).toBe(
      'openvex-0123456789ab-CVE-2021-23337-CUSTOM_REPORTS=enabled_os=linux.json',
    );
    expect(attestationFileName(digest, 'GHSA-35jh-r3h4-6jhm')).toBe(
      'reachability-slice-0123456789ab-GHSA-35jh-r3h4-6jhm.dsse.json',
    );
  });

  it('keeps path separators and spaces out of names', () => {
    expect(vexFileName(digest, 'CVE-1', 'A=x/../y z')).toBe('openvex-0123456789ab-CVE-1-A=x_.._y_z.json');
  });

  it('gives the offline verification command of a bundle file', () => {
    expect(verifyCommand('bundle.json')).toBe(
      'stella verify bundle.json --offline --key signing-key.pub.pem',
    );
  });
});
