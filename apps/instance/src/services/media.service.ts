import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { derivativeRelPath, isMediaError, resolveOriginal, type DerivativeKind } from '@atrium/media';
import type { Viewer } from '@atrium/policy';
import type { InstanceConfig } from '../config.js';
import { MediaResultRepository } from '../repositories/media-result.repository.js';
import type { AssetRecord } from '../repositories/timeline.repository.js';
import { withoutControls } from '../utils/file-names.js';
import type { StreamedFile } from '../utils/send-file.js';
import { AssetService, versionOf } from './asset.service.js';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';
import { KINDS, type MediaJobSink } from './media-queue.js';
import { INSTANCE_CONFIG, MEDIA_QUEUE } from '../common/tokens.js';

/** What a media URL serves. */
export const MEDIA_KINDS = ['thumbnail', 'preview', 'poster', 'video', 'original'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

const DERIVATIVE: Record<Exclude<MediaKind, 'original'>, DerivativeKind> = {
  thumbnail: 'thumb',
  preview: 'preview',
  poster: 'poster',
  video: 'video',
};
const QUEUE_OF: Record<DerivativeKind, string> = {
  thumb: 'thumbnails',
  preview: 'thumbnails',
  poster: 'thumbnails',
  video: 'video',
};

/** What to answer: a file to stream, or a placeholder while the derivative is missing. */
export type MediaAnswer = { file: StreamedFile } | { placeholder: 'pending' | 'failed' };

function contentTypeOf(kind: DerivativeKind, path: string): string {
  if (kind === 'video') return 'video/mp4';
  return path.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
}

// RFC 6266: an ASCII fallback and the UTF-8 name, percent-encoded as RFC 8187 says: ' ( ) * too,
// which encodeURIComponent keeps and a browser reads a ' as the end of the value. A file on disk
// may be called anything: its controls and right-to-left overrides are not handed on.
export function attachment(name: string): string {
  const fileName = withoutControls(name.normalize('NFC'));
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const utf8 = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

/**
 * Resolves media URLs: derivatives from CACHE_PATH (a placeholder while one is missing), videos as
 * their transcode or, when they play as they are, the original, and originals for those who may
 * download them. Access first, through the asset service; the same 404 for missing and refused.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger('media');

  constructor(
    @Inject(INSTANCE_CONFIG) private readonly config: InstanceConfig,
    private readonly assets: AssetService,
    private readonly results: MediaResultRepository,
    @Inject(MEDIA_QUEUE) private readonly queue: MediaJobSink,
  ) {}

  async resolve(viewer: Viewer, id: string, kind: MediaKind, version: unknown): Promise<MediaAnswer> {
    if (kind === 'original') {
      const asset = await this.assets.downloadableAsset(viewer, id);
      return { file: await this.original(asset, version, attachment(asset.fileName)) };
    }
    const asset = await this.assets.visibleAsset(viewer, id);
    return this.derivative(viewer, asset, kind, version);
  }

  /** The thumbnail of an asset in the trash, for those who may delete it for good. */
  async trashedThumbnail(viewer: Viewer, id: string, version: unknown): Promise<MediaAnswer> {
    const asset = await this.assets.trashedAsset(viewer, id);
    return this.derivative(viewer, asset, 'thumbnail', version);
  }

  private async derivative(
    viewer: Viewer,
    asset: AssetRecord,
    kind: Exclude<MediaKind, 'original'>,
    version: unknown,
  ): Promise<MediaAnswer> {
    const derivative = DERIVATIVE[kind];
    if ((derivative === 'video' || derivative === 'poster') && asset.mediaType !== 'video')
      throw notFoundOrNoAccess('asset');
    const rel = asset.derivatives[derivative];
    const inLayout = rel !== undefined && isLayoutPath(asset.contentHash, derivative, rel);
    if (rel && !inLayout)
      this.logger.warn(
        `${derivative} of asset ${asset.id} is recorded outside the cache layout: ${JSON.stringify(rel)}`,
      );
    if (rel && inLayout) {
      const path = join(this.config.cachePath, rel);
      if (await isFile(path))
        return {
          file: {
            path,
            contentType: contentTypeOf(derivative, rel),
            etag: asset.derivativesRev === 0 ? `"${asset.contentHash}-${derivative}"` : `"${asset.contentHash}-${derivative}-${asset.derivativesRev}"`,
            cacheControl: cacheControl(asset, version),
          },
        };
    }
    if (rel) await this.rebuild(asset, derivative);
    if (derivative === 'video' && asset.playback === 'original') {
      // Playing it as it is hands out the original: only to those who may download it (a link
      // that forbids downloads shows the poster, never the file).
      const downloadable = await this.assets.mayDownload(viewer, asset.id);
      if (!downloadable)
        throw new InstanceError(
          'ERR_NOT_FOUND',
          'this video can only be played by those who may download it',
          404,
        );
      return { file: await this.original(asset, version, 'inline') };
    }
    const failed = asset.failures[QUEUE_OF[derivative]] !== undefined;
    if (derivative === 'video') {
      // 409: the asset is there, its playable form not yet; the UI shows the poster meanwhile.
      throw new InstanceError(
        failed ? 'ERR_NOT_FOUND' : 'ERR_NOT_READY',
        failed ? 'this video cannot be played' : 'the video is being prepared',
        failed ? 404 : 409,
      );
    }
    return { placeholder: failed ? 'failed' : 'pending' };
  }

  /**
   * A derivative on record whose file is gone (CACHE_PATH cleared or lost): the asset's outputs of
   * that queue are forgotten and its job queued again, so the library heals itself as it is viewed.
   */
  private async rebuild(asset: AssetRecord, missing: DerivativeKind): Promise<void> {
    const queue = QUEUE_OF[missing];
    const kinds = KINDS[asset.mediaType].filter((k) => QUEUE_OF[k] === queue);
    if (!(await this.results.forgetDerivatives(asset.id, asset.contentHash, kinds))) return;
    this.logger.warn(`${missing} of asset ${asset.id} is missing from the cache; queued to be made again`);
    await this.queue.requeue({
      assetId: asset.id,
      relPath: asset.path,
      contentHash: asset.contentHash,
      kinds,
      metadata: false,
    });
  }

  private async original(asset: AssetRecord, version: unknown, disposition: string): Promise<StreamedFile> {
    try {
      const original = await resolveOriginal(this.config.originalsPath, asset.path);
      return {
        path: original.path,
        contentType: asset.mime,
        etag: `"${asset.contentHash}"`,
        cacheControl: cacheControl(asset, version),
        disposition,
      };
    } catch (error) {
      if (isMediaError(error)) throw notFoundOrNoAccess('asset');
      throw error;
    }
  }
}

/**
 * A results report names where a worker wrote a derivative, and workers parse hostile media: only
 * the layout's own path for this content (docs/contracts.md §5) is served, never `../` out of CACHE_PATH
 * or another asset's files.
 */
function isLayoutPath(contentHash: string, kind: DerivativeKind, rel: string): boolean {
  if (rel === derivativeRelPath(contentHash, kind)) return true;
  return kind === 'preview' && rel === derivativeRelPath(contentHash, kind, 'webp');
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Versioned URLs (`?v=` the current content's and derivatives' revision) may be cached for good;
 * others revalidate by ETag, which names the revision too.
 */
function cacheControl(asset: AssetRecord, version: unknown): string {
  return version === versionOf(asset.contentHash, asset.derivativesRev)
    ? 'private, max-age=31536000, immutable'
    : 'private, no-cache';
}

const PLACEHOLDERS = {
  pending:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#d9d6cf"/></svg>',
  failed:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 3"><rect width="4" height="3" fill="#e7d3d0"/><path d="M1.6 1.1l.8.8m0-.8l-.8.8" stroke="#a55" stroke-width=".12"/></svg>',
};

/** The image answered while a derivative is missing (`pending`) or cannot be made (`failed`). */
export function placeholderSvg(kind: 'pending' | 'failed'): string {
  return PLACEHOLDERS[kind];
}
