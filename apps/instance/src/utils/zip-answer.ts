import type { Response } from 'express';
import { attachment } from '../services/media.service.js';
import type { ZipDownloadService, ZipPlan } from '../services/zip-download.service.js';

/**
 * Streams a planned zip as the answer: an attachment under the plan's name, never cached, with
 * `X-Atrium-Zip: originals=N; previews=M` saying what went in. A zip that breaks off mid-way has
 * been logged by the service; the client sees a cut-off download.
 */
export function answerZip(zips: ZipDownloadService, plan: ZipPlan, res: Response): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', 'application/zip');
  res.setHeader('Content-Disposition', attachment(plan.fileName));
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Atrium-Zip', `originals=${plan.originals}; previews=${plan.previews}`);
  return zips.stream(plan, res).catch(() => undefined);
}
