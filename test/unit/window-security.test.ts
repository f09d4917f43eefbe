import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  hardenSession,
  hardenWebContents,
  isAllowedExternalUrl,
  secureWindowOptions,
  type HardenableSession,
  type HardenableWebContents,
  type NavigationEvent,
} from '../../src-main/window/security';

type Listener = (event: NavigationEvent, url: string) => void;

function fakeWebContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const contents: HardenableWebContents = {
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
    on: ((event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    }) as HardenableWebContents['on'],
  };
  const navigate = (event: string, url: string) => {
    let prevented = false;
    listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents, listeners, navigate, open: (url: string) => openHandler?.({ url }) };
}

describe('secure window', () => {
  it('uses the hardened BrowserWindow options', () => {
    const o = secureWindowOptions('/app/out/preload/index.cjs');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(o.show).toBe(false);
  });

  it('denies window.open and sends only allow-listed https links to the system browser', () => {
    const opened: string[] = [];
    const wc = fakeWebContents();
    hardenWebContents(wc.contents, { kind: 'file', indexPath: '/app/out/renderer/index.html' }, (u) => opened.push(u));
    expect(wc.open('https://learn.microsoft.com/en-us/graph/permissions-reference')).toEqual({ action: 'deny' });
    expect(wc.open('https://evil.example.com/')).toEqual({ action: 'deny' });
    expect(wc.open('http://learn.microsoft.com/')).toEqual({ action: 'deny' });
    expect(wc.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://learn.microsoft.com/en-us/graph/permissions-reference']);
  });

  it('blocks navigation and redirects away from the app, and <webview>', () => {
    const opened: string[] = [];
    const wc = fakeWebContents();
    hardenWebContents(wc.contents, { kind: 'file', indexPath: '/app/out/renderer/index.html' }, (u) => opened.push(u));
    expect(wc.navigate('will-navigate', 'file:///app/out/renderer/index.html#/history')).toBe(false);
    expect(wc.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.navigate('will-navigate', 'https://evil.example.com/')).toBe(true);
    expect(wc.navigate('will-redirect', 'https://evil.example.com/')).toBe(true);
    expect(wc.navigate('will-navigate', 'https://entra.microsoft.com/')).toBe(true);
    expect(opened).toEqual(['https://entra.microsoft.com/']);
    expect(wc.navigate('will-attach-webview', '')).toBe(true);
  });

  it('allows the dev server origin only in dev mode', () => {
    const wc = fakeWebContents();
    hardenWebContents(wc.contents, { kind: 'dev', origin: 'http://localhost:5173' }, () => undefined);
    expect(wc.navigate('will-navigate', 'http://localhost:5173/#/setup')).toBe(false);
    expect(wc.navigate('will-navigate', 'http://localhost:5174/')).toBe(true);
  });

  it('denies every permission request and check, and adds the CSP header', () => {
    const installed: {
      request?: Parameters<HardenableSession['setPermissionRequestHandler']>[0];
      check?: () => boolean;
      headers?: Parameters<HardenableSession['webRequest']['onHeadersReceived']>[0];
    } = {};
    hardenSession({
      setPermissionRequestHandler: (h) => (installed.request = h),
      setPermissionCheckHandler: (h) => (installed.check = h),
      webRequest: { onHeadersReceived: (l) => (installed.headers = l) },
    });
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      let granted: boolean | null = null;
      installed.request?.(null, permission, (g) => (granted = g));
      expect(granted, permission).toBe(false);
    }
    expect(installed.check?.()).toBe(false);
    let out: Record<string, string[] | string> = {};
    installed.headers?.({ responseHeaders: { 'X-Test': ['1'] } }, (r) => (out = r.responseHeaders));
    expect(installed.request && installed.check && installed.headers).toBeTruthy();
    expect(out['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(out['X-Test']).toEqual(['1']);
  });

  it('has a CSP without remote sources, inline scripts or eval', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY.match(/script-src[^;]*/)?.[0]).not.toContain('unsafe-inline');
  });

  it('allow-lists only https hosts on the list', () => {
    expect(isAllowedExternalUrl('https://portal.azure.com/#home')).toBe(true);
    expect(isAllowedExternalUrl('https://portal.azure.com.evil.com/')).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false);
  });
});

describe('the app page is recognised on every platform', () => {
  it('matches the renderer file on Linux, macOS and Windows, and nothing else', async () => {
    const { isAppUrl } = await import('../../src-main/window/security');
    const linux = { kind: 'file', indexPath: '/opt/Rollcall/resources/app.asar/out/renderer/index.html' } as const;
    expect(isAppUrl('file:///opt/Rollcall/resources/app.asar/out/renderer/index.html#/history', linux)).toBe(true);
    expect(isAppUrl('file:///opt/Rollcall/resources/app.asar/out/renderer/other.html', linux)).toBe(false);
    const windows = { kind: 'file', indexPath: 'C:\\Program Files\\Rollcall\\resources\\app.asar\\out\\renderer\\index.html' } as const;
    expect(isAppUrl('file:///C:/Program%20Files/Rollcall/resources/app.asar/out/renderer/index.html#/setup', windows)).toBe(true);
    expect(isAppUrl('file:///c:/program%20files/rollcall/resources/app.asar/out/renderer/index.html', windows)).toBe(true);
    expect(isAppUrl('file:///C:/Windows/System32/evil.html', windows)).toBe(false);
    expect(isAppUrl('https://evil.example/index.html', windows)).toBe(false);
  });
});
