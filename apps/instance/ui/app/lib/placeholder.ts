import { thumbHashToDataURL } from 'thumbhash';

/** The ThumbHash of an asset as an image URL to show until its thumbnail arrives. */
export function placeholderUrl(hash: string | null): string | undefined {
  if (!hash) return undefined;
  try {
    return thumbHashToDataURL(Uint8Array.from(atob(hash), (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}
