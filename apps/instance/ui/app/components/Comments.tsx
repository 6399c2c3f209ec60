'use client';

import { useEffect, useState } from 'react';
import { api, call, ApiFailure } from '../lib/api';

interface Comment {
  id: string;
  authorName: string | null;
  authorId: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
  mine: boolean;
  canDelete: boolean;
}

/** What the comments are on: one photo or video, or one album. */
export type CommentTarget = { assetId: string } | { albumId: string };

const themes = {
  dark: { text: '#eee', muted: '#999', rule: '#333', field: '#222', border: '#555' },
  light: { text: '#222', muted: '#666', rule: '#e2dfd8', field: '#fff', border: '#bbb' },
};

/**
 * The comments on an asset (in the lightbox) or on an album (on its page): everyone who sees it
 * reads them, those who may comment add theirs, edit their own, and delete their own — managers
 * and admins delete any (`canDelete` comes from the server).
 */
export function Comments({
  target,
  canComment,
  theme = 'dark',
}: {
  target: CommentTarget;
  canComment: boolean;
  theme?: 'dark' | 'light';
}) {
  const [comments, setComments] = useState<Comment[]>([]);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const colours = themes[theme];
  const field = {
    width: '100%',
    font: 'inherit',
    padding: 4,
    boxSizing: 'border-box' as const,
    background: colours.field,
    color: colours.text,
    border: `1px solid ${colours.border}`,
    borderRadius: 4,
  };
  const key = 'assetId' in target ? `asset=${target.assetId}` : `album=${target.albumId}`;
  const load = () => api<Comment[]>(`/api/comments?${key}`).then(setComments, () => setComments([]));
  useEffect(() => void load(), [key]);
  const attempt = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setNotice(null);
    } catch (e) {
      setNotice(e instanceof ApiFailure ? e.error.message : 'That did not work.');
    }
    await load();
  };
  return (
    <section id={'assetId' in target ? 'comments' : 'album-comments'}>
      <h3 style={{ fontSize: 15 }}>Comments</h3>
      {comments.length === 0 && <p style={{ color: colours.muted }}>No comments yet.</p>}
      {comments.map((c) => (
        <div
          key={c.id}
          className="comment"
          data-comment={c.id}
          style={{ borderTop: `1px solid ${colours.rule}`, padding: '6px 0' }}
        >
          <strong>{c.authorName ?? c.authorId}</strong>{' '}
          <span style={{ color: colours.muted, fontSize: 12 }}>
            {new Date(c.createdAt).toLocaleString()}
            {c.editedAt ? ' (edited)' : ''}
          </span>
          <p className="body" style={{ margin: '4px 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {c.body}
          </p>
          {c.mine && (
            <button
              type="button"
              className="edit"
              onClick={() => {
                const body = window.prompt('Edit your comment', c.body);
                if (body?.trim()) void attempt(() => call('PATCH', `/api/comments/${c.id}`, { body }));
              }}
            >
              Edit
            </button>
          )}{' '}
          {c.canDelete && (
            <button
              type="button"
              className="delete"
              onClick={() => void attempt(() => call('DELETE', `/api/comments/${c.id}`))}
            >
              Delete
            </button>
          )}
        </div>
      ))}
      {canComment && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!text.trim()) return;
            void attempt(async () => {
              await call('POST', '/api/comments', { ...target, body: text });
              setText('');
            });
          }}
        >
          <textarea
            style={field}
            aria-label="comment"
            placeholder="Write a comment…"
            value={text}
            maxLength={5000}
            rows={2}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit">Comment</button>
        </form>
      )}
      {notice && <p role="alert">{notice}</p>}
    </section>
  );
}
