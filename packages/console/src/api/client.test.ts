import { attachmentName } from './client.js';

describe('the console’s API client', () => {
  it('takes a download’s file name from Content-Disposition', () => {
    expect(attachmentName('attachment; filename="reachgraph-2f0a-CVE-1.bundle.json"')).toBe(
      'reachgraph-2f0a-CVE-1.bundle.json',
    );
    expect(attachmentName('attachment')).toBeUndefined();
    expect(attachmentName(null)).toBeUndefined();
  });
});
