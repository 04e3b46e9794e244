// What any page inside the app may not do: navigate away, follow redirects, open windows, attach
// webviews, or get a permission (camera, notifications, geolocation…). http(s) links a person
// clicks open in the system browser after the trusted-url check; everything else is dropped.
import type { App, Session, WebContents } from 'electron';
import { isAppUrl, isTrustedExternalUrl } from './trusted-url.js';
import type { Logger } from '../core/logger.js';

export interface ShellPort {
  openExternal(url: string): Promise<void>;
}

/** Opens the link in the system browser only if it is a plain http(s) URL; returns whether it did. */
export function openExternalSafely(shell: ShellPort, url: string, logger?: Logger): boolean {
  if (!isTrustedExternalUrl(url)) {
    logger?.warn({ url: String(url).slice(0, 200) }, 'refused to open a link that is not http(s)');
    return false;
  }
  shell.openExternal(url).catch((error: unknown) => logger?.warn({ err: error }, 'could not open the link'));
  return true;
}

type Contents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

export function guardWebContents(contents: Contents, shell: ShellPort, logger?: Logger): void {
  contents.on('will-navigate', (event, url) => {
    // In-page navigation (hash routes) does not fire will-navigate; any real navigation would
    // replace the app page, so it is always cancelled and real links go to the browser.
    event.preventDefault();
    if (!isAppUrl(url)) openExternalSafely(shell, url, logger);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(shell, url, logger);
    return { action: 'deny' };
  });
}

export function setupWebContentsGuards(app: Pick<App, 'on'>, shell: ShellPort, logger?: Logger): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, shell, logger));
}

export function setupPermissionGuards(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
