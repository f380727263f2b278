import { conditionalGuard, guardStatus } from './guard.js';

describe('conditionalGuard', () => {
  it('reads KEY=VALUE, KEY!=VALUE and alternatives on the conditional edge types', () => {
    expect(conditionalGuard('FeatureFlag', 'FEATURE_X=enabled')).toEqual({
      key: 'FEATURE_X',
      values: ['enabled'],
      negated: false,
    });
    expect(conditionalGuard('PlatformArch', 'os!=windows')).toEqual({
      key: 'os',
      values: ['windows'],
      negated: true,
    });
    expect(conditionalGuard('EnvGuard', 'arch = ARM64 | x64')).toEqual({
      key: 'arch',
      values: ['arm64', 'x64'],
      negated: false,
    });
  });

  it('ignores guards of other edge types and guards not of the KEY=VALUE form', () => {
    expect(conditionalGuard('LoaderRule', 'os=linux')).toBeNull();
    expect(conditionalGuard('DirectCall', 'FEATURE_X=enabled')).toBeNull();
    expect(conditionalGuard('LoaderRule', 'RTLD_LAZY')).toBeNull();
    expect(conditionalGuard('EnvGuard', 'RTLD_LAZY')).toBeNull();
    expect(conditionalGuard('EnvGuard', 'a==b')).toBeNull();
    expect(conditionalGuard('EnvGuard', 'a=b|')).toBeNull();
    expect(conditionalGuard('EnvGuard', undefined)).toBeNull();
  });
});

describe('guardStatus', () => {
  const flag = conditionalGuard('FeatureFlag', 'FEATURE_X=enabled');
  const notWindows = conditionalGuard('PlatformArch', 'os!=windows');
  const arch = conditionalGuard('PlatformArch', 'arch=arm64|x64');

  it('is open when no assumption names the key (keys compare exactly)', () => {
    expect(guardStatus(flag, undefined)).toBe('open');
    expect(guardStatus(flag, { feature_x: 'enabled' })).toBe('open');
  });

  it('is contradicted or satisfied by an assumption on the key, values compared case-insensitively', () => {
    expect(guardStatus(flag, { FEATURE_X: 'disabled' })).toBe('contradicted');
    expect(guardStatus(flag, { FEATURE_X: 'Enabled' })).toBe('satisfied');
    expect(guardStatus(notWindows, { os: 'linux' })).toBe('satisfied');
    expect(guardStatus(notWindows, { os: 'WINDOWS' })).toBe('contradicted');
    expect(guardStatus(arch, { arch: 'x64' })).toBe('satisfied');
    expect(guardStatus(arch, { arch: 'riscv' })).toBe('contradicted');
  });

  it('is none for a guard that is not conditional', () => {
    expect(guardStatus(null, { os: 'linux' })).toBe('none');
  });
});
