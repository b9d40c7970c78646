/** An SVG string as an <img> source. In an <img>, an SVG cannot run script or load anything, so
 * markup from the station is displayed without being inserted into the page. */
export function svgDataUrl(svg: string): string {
  return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
}
