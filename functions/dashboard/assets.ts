import { clientScript } from './client/index.js';
import { iconSvg } from './icon.js';
import { styleSheet } from './style.js';

export interface Asset {
  body: string;
  type: string;
}

/** What the page loads, by file name under /_dashboard/. */
export const assets: Readonly<Record<string, Asset>> = {
  'app.js': { body: clientScript, type: 'text/javascript; charset=utf-8' },
  'style.css': { body: styleSheet, type: 'text/css; charset=utf-8' },
  'icon.svg': { body: iconSvg, type: 'image/svg+xml' },
};

/** FNV-1a: a content hash for cache busting, synchronous so it runs at module load on any runtime. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

/** Changes whenever an asset does; asset URLs carry it, so browsers may cache them for good. */
export const assetVersion = fnv1a(
  Object.values(assets)
    .map((a) => a.body)
    .join('\0'),
);
