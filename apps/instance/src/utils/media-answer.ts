import type { Request, Response } from 'express';
import { sandboxFileHeaders } from '@atrium/server';
import { placeholderSvg, type MediaAnswer } from '../services/media.service.js';
import { sendFile } from './send-file.js';

/** Streams a media answer: the file (ranges, ETags), or the placeholder image while it is missing. */
export async function answerMedia(req: Request, res: Response, answer: MediaAnswer): Promise<void> {
  if ('file' in answer && (await sendFile(req, res, answer.file))) return;
  const placeholder = 'placeholder' in answer ? answer.placeholder : 'pending';
  res.status(200).setHeader('Content-Type', 'image/svg+xml').setHeader('Cache-Control', 'no-store');
  sandboxFileHeaders(res);
  res.setHeader('X-Atrium-Placeholder', placeholder).send(Buffer.from(placeholderSvg(placeholder)));
}
