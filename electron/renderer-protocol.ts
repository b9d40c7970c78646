import type { CustomScheme, Net, Protocol } from 'electron';
import { normalize, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

// The window loads the renderer from its own scheme rather than file://: Chromium keeps V8's
// compiled code only for http(s) and for schemes registered with codeCache, so from the second
// start on React is not compiled again before the first paint (the bridge gets the same from the
// HTTP cache, bridge/cache-policy.ts). A standard, secure scheme also gives the page a real
// origin for its CSP's 'self'. Only files under the built renderer directory are served.

export const RENDERER_SCHEME = 'perso-station';
export const RENDERER_URL = `${RENDERER_SCHEME}://renderer/index.html`;

/**
 * Registered before the app is ready (Electron's rule for privileged schemes). Vite's page loads
 * its chunks as module scripts and modulepreloads marked crossorigin, which are fetched in CORS
 * mode: hence the fetch and CORS privileges, as pages built this way are usually served.
 */
export const RENDERER_SCHEME_PRIVILEGES: CustomScheme[] = [
  { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, codeCache: true, supportFetchAPI: true, corsEnabled: true } },
];

export function isRendererUrl(url: string): boolean {
  return url === RENDERER_URL || url.startsWith(RENDERER_URL + '#') || url.startsWith(RENDERER_URL + '?');
}

/** The file a request names under root, or null for another host, a bad escape or a way out of root. */
export function rendererFile(root: string, url: string): string | null {
  let u: URL;
  let path: string;
  try {
    u = new URL(url);
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (u.protocol !== `${RENDERER_SCHEME}:` || u.host !== 'renderer' || path.includes('\0')) return null;
  const file = normalize(join(root, path === '/' ? '/index.html' : path));
  return file.startsWith(normalize(root) + sep) ? file : null;
}

/** Serves the built renderer under RENDERER_SCHEME, reading files through Electron's net. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, root: string): void {
  protocol.handle(RENDERER_SCHEME, async (req) => {
    const file = rendererFile(root, req.url);
    if (!file) return new Response('not found', { status: 404 });
    try {
      return await net.fetch(pathToFileURL(file).href);
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
