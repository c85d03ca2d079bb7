import { describe, expect, it } from 'vitest';
import {
  bumpSemver,
  compareSemver,
  formatSemver,
  parseSemver,
  parseVersionTag,
  type SemVer,
  versionTag,
} from '../../src/registry/semver.js';

const v = (text: string): SemVer => {
  const parsed = parseSemver(text);
  if (!parsed) throw new Error(`not a version: ${text}`);
  return parsed;
};

describe('semver', () => {
  it('parses X.Y.Z and vX.Y.Z, nothing else', () => {
    expect(parseSemver('1.2.3')).toEqual({ major: 1, minor: 2, patch: 3 });
    expect(parseSemver('v10.0.12')).toEqual({ major: 10, minor: 0, patch: 12 });
    expect(parseSemver(' 0.0.0 ')).toEqual({ major: 0, minor: 0, patch: 0 });
    for (const bad of [
      '1.2',
      '1.2.3.4',
      '01.2.3',
      '1.02.3',
      '1.2.3-rc.1',
      'V1.2.3',
      'x.y.z',
      '',
      '1..3',
      '-1.2.3',
    ]) {
      expect(parseSemver(bad), bad).toBeNull();
    }
  });

  it('formats without the v and round-trips', () => {
    for (const text of ['0.0.1', '1.2.3', '12.345.6789']) expect(formatSemver(v(text))).toBe(text);
    expect(formatSemver(v('v2.0.0'))).toBe('2.0.0');
  });

  it('compares numerically, not as text', () => {
    expect(compareSemver(v('1.10.0'), v('1.9.0'))).toBeGreaterThan(0);
    expect(compareSemver(v('1.9.9'), v('2.0.0'))).toBeLessThan(0);
    expect(compareSemver(v('1.2.10'), v('1.2.9'))).toBeGreaterThan(0);
    expect(compareSemver(v('3.1.4'), v('v3.1.4'))).toBe(0);
    const sorted = ['1.10.0', '0.9.0', '1.9.0', '1.0.0', '10.0.0', '1.2.10', '1.2.9']
      .map(v)
      .sort(compareSemver)
      .map(formatSemver);
    expect(sorted).toEqual(['0.9.0', '1.0.0', '1.2.9', '1.2.10', '1.9.0', '1.10.0', '10.0.0']);
  });

  it('bumps: the first version is 1.0.0 whatever the bump; lower parts reset', () => {
    for (const bump of ['major', 'minor', 'patch'] as const)
      expect(bumpSemver(null, bump)).toEqual(v('1.0.0'));
    expect(formatSemver(bumpSemver(v('1.2.3'), 'major'))).toBe('2.0.0');
    expect(formatSemver(bumpSemver(v('1.2.3'), 'minor'))).toBe('1.3.0');
    expect(formatSemver(bumpSemver(v('1.2.3'), 'patch'))).toBe('1.2.4');
    expect(formatSemver(bumpSemver(v('1.9.0'), 'minor'))).toBe('1.10.0');
  });

  it('tags are <model>@vX.Y.Z and parse back', () => {
    expect(versionTag('risk', '1.2.3')).toBe('risk@v1.2.3');
    expect(versionTag('risk', 'v1.2.3')).toBe('risk@v1.2.3');
    expect(versionTag('risk', v('1.2.3'))).toBe('risk@v1.2.3');
    expect(parseVersionTag('risk@v1.2.3')).toEqual({ model: 'risk', version: v('1.2.3') });
    expect(parseVersionTag('risk-torch@v0.10.0')).toEqual({ model: 'risk-torch', version: v('0.10.0') });
    for (const model of ['risk', 'risk-torch', 'a.b_c']) {
      for (const text of ['1.0.0', '2.13.7']) {
        const back = parseVersionTag(versionTag(model, text));
        expect(back?.model).toBe(model);
        expect(formatSemver(back!.version)).toBe(text);
      }
    }
    for (const bad of ['risk@1.2.3', 'risk', '@v1.2.3', 'risk@v1.2', 'risk@vx.y.z', 'risk@']) {
      expect(parseVersionTag(bad), bad).toBeNull();
    }
  });
});
