'use client';

import { useEffect, useState } from 'react';
import { api, mediaUrl, type AssetDetail, type AssetSummary } from '../lib/api';
import { AssetPanel } from './AssetPanel';

const overlay = {
  position: 'fixed' as const,
  inset: 0,
  background: 'rgba(10,10,10,.94)',
  color: '#eee',
  display: 'flex',
  flexDirection: 'column' as const,
  zIndex: 10,
};
const control = {
  font: 'inherit',
  background: 'none',
  color: '#eee',
  border: '1px solid #666',
  borderRadius: 6,
  padding: '6px 12px',
  cursor: 'pointer',
};

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : 'date unknown';
}

/** One asset at full size: the preview of a photo, the player of a video, and what is known of it. */
export function Lightbox({
  asset,
  base = '/api',
  canEdit = false,
  canComment = false,
  onClose,
  onPrevious,
  onNext,
}: {
  asset: AssetSummary;
  base?: string;
  canEdit?: boolean;
  canComment?: boolean;
  onClose: () => void;
  onPrevious?: () => void;
  onNext?: () => void;
}) {
  const [detail, setDetail] = useState<AssetDetail | null>(null);

  useEffect(() => {
    setDetail(null);
    api<AssetDetail>(`${base}/assets/${asset.id}`).then(setDetail, () => setDetail(null));
  }, [asset.id, base]);

  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest?.('input, textarea, select')) return;
      if (e.key === 'Escape') onClose();
      if (e.key === 'ArrowLeft') onPrevious?.();
      if (e.key === 'ArrowRight') onNext?.();
    };
    window.addEventListener('keydown', keys);
    return () => window.removeEventListener('keydown', keys);
  }, [onClose, onPrevious, onNext]);

  const playable = detail?.ready.video;
  return (
    <div id="lightbox" role="dialog" aria-label={asset.fileName} style={overlay}>
      <div style={{ display: 'flex', gap: 8, padding: 10, alignItems: 'center' }}>
        <button type="button" style={control} onClick={onClose}>
          Close
        </button>
        <button type="button" style={control} onClick={onPrevious} disabled={!onPrevious}>
          ←
        </button>
        <button type="button" style={control} onClick={onNext} disabled={!onNext}>
          →
        </button>
        <span style={{ flex: 1 }}>
          {asset.fileName} · {when(asset.takenAt ?? asset.sortAt)}
          {detail?.make ? ` · ${detail.make} ${detail.model ?? ''}` : ''}
        </span>
        {detail?.canDownload && (
          <a style={{ ...control, textDecoration: 'none' }} href={`${base}/assets/${asset.id}/original`}>
            Download
          </a>
        )}
      </div>
      <div style={{ flex: 1, display: 'flex', minHeight: 0 }}>
        <div
          style={{ flex: 1, display: 'flex', alignItems: 'center', justifyContent: 'center', minWidth: 0 }}
        >
          {asset.type === 'video' ? (
            playable ? (
              <video
                key={asset.id}
                controls
                autoPlay
                playsInline
                poster={mediaUrl(asset, 'poster', base)}
                src={mediaUrl(asset, 'video', base)}
                style={{ maxWidth: '100%', maxHeight: '100%' }}
              />
            ) : (
              <p>{detail ? 'This video is still being prepared.' : 'Loading…'}</p>
            )
          ) : (
            <img
              key={asset.id}
              src={mediaUrl(asset, 'preview', base)}
              alt={asset.fileName}
              style={{ maxWidth: '100%', maxHeight: '100%', objectFit: 'contain' }}
            />
          )}
        </div>
        {detail && base === '/api' && (
          <AssetPanel detail={detail} canEdit={canEdit} canComment={canComment} onSaved={setDetail} />
        )}
      </div>
      {detail && detail.albums.length > 0 && (
        <p style={{ padding: '0 12px' }}>In {detail.albums.map((a) => a.title).join(', ')}</p>
      )}
    </div>
  );
}
