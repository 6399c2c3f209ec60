'use client';

import { useRef, useState, type DragEvent } from 'react';
import { Upload as TusUpload } from 'tus-js-client';
import type { Session } from '../lib/api';
import { Shell } from '../components/Shell';

type Status = 'waiting' | 'uploading' | 'paused' | 'stored' | 'duplicate' | 'refused';

interface Item {
  key: string;
  name: string;
  folder: string;
  size: number;
  sent: number;
  status: Status;
  message?: string;
  tus?: TusUpload;
}

const LABEL: Record<Status, string> = {
  waiting: 'Waiting',
  uploading: 'Uploading',
  paused: 'Paused',
  stored: 'Added',
  duplicate: 'Already in the library',
  refused: 'Refused',
};

/** Files of a drop, folders walked (their paths kept below the chosen folder). */
async function dropped(event: DragEvent): Promise<Array<{ file: File; dir: string }>> {
  const out: Array<{ file: File; dir: string }> = [];
  const walk = async (entry: FileSystemEntry, dir: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ file, dir });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, dir ? `${dir}/${entry.name}` : entry.name);
      }
    }
  };
  const entries = [...event.dataTransfer.items].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => !!e);
  for (const entry of entries) await walk(entry, '');
  return out;
}

function Uploader({ session }: { session: Session }) {
  const [folder, setFolder] = useState(session.uploadPath ?? 'uploads');
  const [items, setItems] = useState<Item[]>([]);
  const [over, setOver] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const update = (key: string, change: Partial<Item>) =>
    setItems((all) => all.map((i) => (i.key === key ? { ...i, ...change } : i)));

  const start = (files: Array<{ file: File; dir: string }>) => {
    const fresh = files.map(({ file, dir }) => {
      const target = [folder, dir || (file.webkitRelativePath.split('/').slice(0, -1).join('/'))].filter(Boolean).join('/');
      const key = `${target}/${file.name}/${file.size}/${file.lastModified}`;
      const item: Item = { key, name: file.name, folder: target, size: file.size, sent: 0, status: 'waiting' };
      item.tus = new TusUpload(file, {
        endpoint: '/api/uploads',
        headers: { 'X-CSRF-Token': session.csrfToken },
        metadata: { filename: file.name, ...(target ? { folder: target } : {}) },
        chunkSize: 16 * 1024 * 1024,
        retryDelays: [0, 1000, 3000, 10000],
        removeFingerprintOnSuccess: true,
        onProgress: (sent) => update(key, { sent, status: 'uploading' }),
        onSuccess: ({ lastResponse }) => {
          const body = JSON.parse(lastResponse.getBody() || '{}') as { status?: string; path?: string };
          update(key, { sent: file.size, status: body.status === 'duplicate' ? 'duplicate' : 'stored', message: body.path ?? undefined });
        },
        onError: (error) => {
          const body = (error as { originalResponse?: { getBody(): string } }).originalResponse?.getBody();
          let message = error.message;
          try {
            message = (JSON.parse(body ?? '') as { error: { message: string } }).error.message;
          } catch {
            // Not one of ours: the network, most likely.
          }
          update(key, { status: 'refused', message });
        },
      });
      return item;
    });
    setItems((all) => [...all, ...fresh]);
    for (const item of fresh) {
      // After a browser restart, an upload of the same file continues where it stopped.
      void item.tus!.findPreviousUploads().then((previous) => {
        if (previous[0]) item.tus!.resumeFromPreviousUpload(previous[0]);
        item.tus!.start();
      });
    }
  };

  const total = items.reduce((n, i) => n + i.size, 0);
  const sent = items.reduce((n, i) => n + i.sent, 0);
  const pause = (item: Item) => {
    void item.tus?.abort();
    update(item.key, { status: 'paused' });
  };
  const resume = (item: Item) => {
    item.tus?.start();
    update(item.key, { status: 'uploading' });
  };

  return (
    <div style={{ maxWidth: 820 }}>
      <h1 style={{ fontSize: 22 }}>Upload</h1>
      <label style={{ display: 'block', marginBottom: 12 }}>
        Into folder{' '}
        <input id="upload-folder" value={folder} onChange={(e) => setFolder(e.target.value)} style={{ width: '60%' }} />
      </label>
      {session.role === 'contributor' && (
        <p style={{ color: '#555' }}>You can upload into {session.uploadPath ?? 'no folder: ask an admin for an upload path'}.</p>
      )}
      <div
        id="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          void dropped(e).then(start);
        }}
        onClick={() => picker.current?.click()}
        style={{
          border: `2px dashed ${over ? '#2563eb' : '#bbb'}`,
          borderRadius: 12,
          padding: '36px 16px',
          textAlign: 'center',
          cursor: 'pointer',
          background: over ? '#eff6ff' : '#fafafa',
        }}
      >
        Drop photos, videos or whole folders here, or click to choose files.
        <input
          ref={picker}
          id="upload-input"
          type="file"
          multiple
          hidden
          onChange={(e) => start([...(e.target.files ?? [])].map((file) => ({ file, dir: '' })))}
        />
      </div>
      {items.length > 0 && (
        <div style={{ marginTop: 16 }}>
          <div id="overall">
            {items.filter((i) => i.status === 'stored' || i.status === 'duplicate').length} of {items.length} done ·{' '}
            {(sent / 2 ** 20).toFixed(1)} of {(total / 2 ** 20).toFixed(1)} MB
            <progress value={sent} max={total || 1} style={{ width: '100%' }} />
          </div>
          <ul style={{ listStyle: 'none', padding: 0 }}>
            {items.map((item) => (
              <li key={item.key} className="upload-item" style={{ padding: '8px 0', borderBottom: '1px solid #eee' }}>
                <div style={{ display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}>
                  <span style={{ flex: '1 1 200px', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={`${item.folder}/${item.name}`}>
                    {item.name}
                  </span>
                  <span className="upload-status">{LABEL[item.status]}</span>
                  {item.status === 'uploading' && <button onClick={() => pause(item)}>Pause</button>}
                  {item.status === 'paused' && <button onClick={() => resume(item)}>Resume</button>}
                </div>
                <progress value={item.sent} max={item.size || 1} style={{ width: '100%' }} />
                {item.message && <div style={{ fontSize: 13, color: item.status === 'refused' ? '#b91c1c' : '#555' }}>{item.message}</div>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** Uploads with tus: drag and drop of files and folders, progress, pause and resume. */
export default function UploadPage() {
  return <Shell current="upload">{(session) => <Uploader session={session} />}</Shell>;
}
