'use client';

import { useDownload, type DownloadTarget } from '../lib/download';

/**
 * A "Download" button for an album or a folder, with what happened beside it: the download that
 * started (and how much of it is previews only), or why there is none.
 */
export function DownloadButton({
  id,
  label,
  title,
  target,
  csrfToken,
}: {
  id: string;
  label: string;
  title: string;
  target: DownloadTarget;
  csrfToken: string;
}) {
  const { busy, message, run } = useDownload(csrfToken);
  return (
    <>
      <button type="button" id={id} title={title} disabled={busy} onClick={() => void run(target)}>
        {busy ? 'Preparing…' : `⤓ ${label}`}
      </button>
      {message && (
        <p
          id={`${id}-notice`}
          role={message.failed ? 'alert' : 'status'}
          style={{
            flexBasis: '100%',
            margin: 0,
            padding: '6px 10px',
            borderRadius: 6,
            overflowWrap: 'anywhere',
            background: message.failed ? '#fbeaea' : '#e6efe9',
            color: message.failed ? '#8a1f1f' : '#1f3d35',
          }}
        >
          {message.text}
        </p>
      )}
    </>
  );
}
