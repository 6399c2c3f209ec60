import { Injectable } from '@nestjs/common';
import { InstanceError, notFoundOrNoAccess } from '../common/errors.js';
import type { StreamedFile } from '../utils/send-file.js';
import { MediaService } from './media.service.js';
import type { OpenLink } from './share.service.js';
import { ZipDownloadService, type ZipPlan } from './zip-download.service.js';

/** What a link's download answers: its album as a zip, or its one photo or video as the file itself. */
export type ShareDownload = { zip: ZipPlan } | { file: StreamedFile };

/**
 * Downloads through a share link. A link that forbids downloads gives none, not even previews: its
 * page shows no download button (as Immich does for links without downloads), and the API agrees.
 * A link that allows them gives originals, decided for the link's visitor by the same access
 * layer as every download (the zip service and the media service), so an album link's zip holds
 * exactly what its page shows, under flat names that say nothing of the library's folders.
 */
@Injectable()
export class ShareDownloadService {
  constructor(
    private readonly zips: ZipDownloadService,
    private readonly media: MediaService,
  ) {}

  async download(open: OpenLink): Promise<ShareDownload> {
    if (!open.viewer.links.some((link) => link.downloadAllowed))
      throw new InstanceError('ERR_LINK_NO_DOWNLOAD', 'This link does not allow downloads.', 403);
    const { target } = open.link;
    if (target.kind === 'album') return { zip: await this.zips.album(open.viewer, target.albumId) };
    // One photo is handed out as itself: a zip of one file is one more step for nothing.
    const answer = await this.media.resolve(open.viewer, target.assetId, 'original', undefined);
    if (!('file' in answer)) throw notFoundOrNoAccess('asset');
    return { file: answer.file };
  }
}
