'use client';

import { useState } from 'react';
import { api, ApiFailure, silentSignIn } from './api';

/** What can be downloaded: an album, a folder (and its subfolders), or some selected assets. */
export type DownloadTarget =
  | { kind: 'album'; id: string }
  | { kind: 'folder'; path: string }
  | { kind: 'selection'; ids: string[] };

/** What the zip would hold (`DownloadInfoDto`). */
export interface DownloadInfo {
  fileName: string;
  files: number;
  originals: number;
  previews: number;
}

/** The most ids one selection may name (the instance's `MAX_SELECTION`). */
export const MAX_SELECTION = 10_000;

/** Asks the instance what the zip would hold; throws its refusal (an {@link ApiFailure}). */
function infoOf(target: DownloadTarget): Promise<DownloadInfo> {
  if (target.kind === 'album') return api(`/api/downloads/albums/${encodeURIComponent(target.id)}/info`);
  if (target.kind === 'folder')
    return api(`/api/downloads/folder/info?path=${encodeURIComponent(target.path)}`);
  return api('/api/downloads/info', { ids: target.ids });
}

/** A download the browser streams to disk by itself: a link to follow. */
function follow(href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = '';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
}

/**
 * A selection's zip, as a form post the browser saves as it arrives (a fetch would hold the whole
 * zip in memory first). Same-origin, so the browser sends this instance's `Origin`, which is what
 * the instance's CSRF check accepts; the token rides along as `csrf`.
 */
function post(ids: string[], csrfToken: string): void {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/api/downloads';
  form.hidden = true;
  for (const [name, value] of [...ids.map((id) => ['ids', id]), ['csrf', csrfToken]]) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name!;
    input.value = value!;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
  form.remove();
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** What the person is told once the download started: how much, and whether some are only previews. */
export function startedMessage(info: DownloadInfo): string {
  const what =
    info.originals === 0
      ? `${plural(info.previews, 'preview')} — you may see these but not download their originals`
      : info.previews > 0
        ? `${plural(info.files, 'file')}, ${plural(info.previews, 'preview')} among them — you may see those but not download their originals`
        : plural(info.files, 'file');
  return `Downloading “${info.fileName}”: ${what}.`;
}

/** A refusal as a sentence for people; the instance's own message for codes not named here. */
export function failureMessage(error: unknown): string {
  if (!(error instanceof ApiFailure)) return 'The library cannot be reached. Try again shortly.';
  switch (error.error.code) {
    case 'ERR_ZIP_TOO_MANY':
      return 'That is more files than one zip may hold (50,000). Download it folder by folder, or select fewer.';
    case 'ERR_ZIP_EMPTY':
      return 'There is nothing here you may download: its files are missing, or their previews are not made yet.';
    case 'ERR_NOT_FOUND':
      return 'This no longer exists, or is not shared with you.';
    case 'ERR_SESSION_EXPIRED':
    case 'ERR_SESSION_REQUIRED':
      return 'Your session here ended: signing you in again…';
    default:
      return error.error.message;
  }
}

/**
 * Downloads `target`: first asks what its zip would hold, so a refusal (too many files, nothing
 * one may download, gone) is shown as a message rather than as a broken download, then lets the
 * browser stream the zip to disk. One selected asset whose original may be had downloads as that
 * file, as the lightbox's Download does.
 */
export async function download(target: DownloadTarget, csrfToken: string): Promise<string> {
  const info = await infoOf(target);
  if (target.kind === 'album') follow(`/api/downloads/albums/${encodeURIComponent(target.id)}`);
  else if (target.kind === 'folder') follow(`/api/downloads/folder?path=${encodeURIComponent(target.path)}`);
  else if (target.ids.length === 1 && info.originals === 1) {
    follow(`/api/assets/${encodeURIComponent(target.ids[0]!)}/original`);
    return 'Downloading the original.';
  } else post(target.ids, csrfToken);
  return startedMessage(info);
}

/** {@link download} with a busy flag and the message to show (a started download or a refusal). */
export function useDownload(csrfToken: string) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);
  const run = async (target: DownloadTarget) => {
    if (target.kind === 'selection' && target.ids.length > MAX_SELECTION) {
      const most = MAX_SELECTION.toLocaleString('en');
      setMessage({ text: `Select at most ${most} to download at once, or download their album or folder.`, failed: true });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ text: await download(target, csrfToken), failed: false });
    } catch (error) {
      setMessage({ text: failureMessage(error), failed: true });
      // As the timeline does: a lapsed session signs in again and comes back to this page.
      if (error instanceof ApiFailure && error.status === 401) silentSignIn();
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, run, clear: () => setMessage(null) };
}
