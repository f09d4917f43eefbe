/**
 * Window hardening (DESIGN.md §6), written as plain functions over the few Electron surfaces
 * they touch so a test can check every option and every handler without an Electron binary.
 */

/** Hosts an admin may be sent to from inside the app (docs and consent pages), opened in the browser. */
export const EXTERNAL_LINK_ALLOW_LIST = [
  'learn.microsoft.com',
  'entra.microsoft.com',
  'portal.azure.com',
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.partner.microsoftonline.cn',
  'github.com',
] as const;

/** Strict CSP: only our own bundle; no remote content, no inline script, no eval. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  spellcheck: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
}

export function secureWindowOptions(preloadPath: string, iconPath?: string) {
  const webPreferences: SecureWebPreferences = {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
  return {
    width: 1280,
    height: 840,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'Rollcall',
    backgroundColor: '#faf9f8',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences,
  };
}

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && (EXTERNAL_LINK_ALLOW_LIST as readonly string[]).includes(url.hostname);
}

/** Whether a URL is the app's own renderer (the only page allowed to load or call the API). */
export function isAppUrl(raw: string, appOrigin: AppOrigin): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (appOrigin.kind === 'file') return url.protocol === 'file:' && sameFile(decodeURIComponent(url.pathname), appOrigin.indexPath);
  return url.origin === appOrigin.origin;
}

/**
 * A file URL's path ("/C:/Program Files/Rollcall/…/index.html" on Windows) against a file system
 * path ("C:\Program Files\Rollcall\…\index.html"): same file when equal after normalising the
 * separators and the drive letter's slash; Windows paths compare without regard to case.
 */
export function sameFile(urlPath: string, fsPath: string): boolean {
  const fromUrl = urlPath.replace(/^\/([A-Za-z]:)/, '$1');
  const fromFs = fsPath.replace(/\\/g, '/');
  const windows = /^[A-Za-z]:/.test(fromFs);
  return windows ? fromUrl.toLowerCase() === fromFs.toLowerCase() : fromUrl === fromFs;
}

export type AppOrigin = { kind: 'file'; indexPath: string } | { kind: 'dev'; origin: string };

// The minimal shapes of the Electron objects the hardening touches.
export interface NavigationEvent {
  preventDefault(): void;
}
export interface HardenableWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
}
export interface HardenableSession {
  setPermissionRequestHandler(handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: () => boolean): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
}

/** Per-session: deny every permission (camera, notifications, geolocation…) and add the CSP header. */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...(details.responseHeaders ?? {}), 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

/**
 * Per-window: no new windows (allowed external links go to the system browser instead), no
 * navigation away from the app, no <webview>.
 */
export function hardenWebContents(contents: HardenableWebContents, appOrigin: AppOrigin, openExternal: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  const guard = (event: NavigationEvent, url: string) => {
    if (isAppUrl(url, appOrigin)) return;
    event.preventDefault();
    if (isAllowedExternalUrl(url)) openExternal(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
