// How long a browser may keep what the bridge serves. Vite names every built asset after a hash
// of its content, so a file under /assets/ never changes under its name: the browser keeps it and,
// from the third load on, also reuses V8's compiled code for it (a shift's reloads then skip
// compiling React). The page itself is never kept, so a new build is picked up at once.
export function cacheControl(path: string): string {
  return /^\/assets\/[\w.-]+-[\w-]{8}\.(js|css)$/.test(path) ? 'public, max-age=31536000, immutable' : 'no-store';
}
