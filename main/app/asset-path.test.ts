import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { isTrustedSender, resolveAppAsset } from './asset-path';

describe('resolveAppAsset', () => {
  const root = join('/opt', 'app', 'renderer');
  it('maps app URLs into the renderer folder', () => {
    expect(resolveAppAsset(root, 'app://dhis2-ie/')).toBe(join(root, 'index.html'));
    expect(resolveAppAsset(root, 'app://dhis2-ie/assets/index-abc.js')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAppAsset(root, 'app://dhis2-ie/index.html?x=1#/servers')).toBe(join(root, 'index.html'));
  });
  it('refuses anything outside it', () => {
    // The URL parser folds the dots away, so this names a file inside the renderer folder, never /etc.
    expect(resolveAppAsset(root, 'app://dhis2-ie/../../etc/passwd')).toBe(join(root, 'etc', 'passwd'));
    for (const sneaky of ['app://dhis2-ie/%2e%2e/%2e%2e/etc/passwd', 'app://dhis2-ie/..%2f..%2fetc%2fpasswd', 'app://dhis2-ie/assets/../../../x']) {
      const resolved = resolveAppAsset(root, sneaky);
      expect(resolved === null || resolved.startsWith(root + '/')).toBe(true);
    }
    expect(resolveAppAsset(root, 'app://dhis2-ie/a%5c..%5c..%5csecret')).toBeNull();
    expect(resolveAppAsset(root, 'app://other-host/index.html')).toBeNull();
    expect(resolveAppAsset(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppAsset(root, 'app://dhis2-ie/%00')).toBeNull();
    expect(resolveAppAsset(root, 'not a url')).toBeNull();
  });
});

describe('isTrustedSender', () => {
  it('trusts only the app page in the top frame', () => {
    expect(isTrustedSender('app://dhis2-ie/index.html#/servers', true)).toBe(true);
    expect(isTrustedSender('app://dhis2-ie/index.html', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('app://dhis2-ie.evil/', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
  });
});
