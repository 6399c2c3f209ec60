'use client';

import { useEffect, useState } from 'react';
import { adminApi, useLoad } from '../lib';
import type { Node } from '../libraries/issued';
import { Grants } from './grants';
import { Mappings } from './mappings';
import { AlertLine } from '../form';

/** Access: who may open a library — per-user grants first, then the groups it admits. */
export default function AccessPage() {
  const nodes = useLoad(() => adminApi<{ items: Node[] }>('GET', '/api/admin/nodes'), []);
  const libraries = nodes.data?.items.filter((n) => n.kind === 'instance') ?? [];
  const [node, setNode] = useState('');
  useEffect(() => {
    const wanted = new URLSearchParams(window.location.search).get('library');
    if (!node && libraries.length)
      setNode(libraries.find((l) => l.name === wanted)?.name ?? libraries[0]!.name);
  }, [libraries, node]);

  return (
    <>
      <h1>Access</h1>
      <p className="adm-lead">
        Nobody opens a library until you say so. A per-user grant decides first; otherwise the user’s groups
        are matched against the groups the library admits, and the highest role wins. Changes take effect at
        the user’s next sign-in, and a narrower access signs them out of the library now.
      </p>
      <AlertLine text={nodes.error} />
      {nodes.data && libraries.length === 0 && (
        <p className="adm-empty">No library yet. Add one on the Libraries screen first.</p>
      )}
      {libraries.length > 0 && (
        <div className="adm-toolbar">
          <div className="adm-field">
            <label htmlFor="library">Library</label>
            <select id="library" name="library" value={node} onChange={(e) => setNode(e.target.value)}>
              {libraries.map((l) => (
                <option key={l.name}>{l.name}</option>
              ))}
            </select>
          </div>
        </div>
      )}
      {node && (
        <>
          <Grants node={node} key={`g-${node}`} />
          <Mappings node={node} key={`m-${node}`} />
        </>
      )}
    </>
  );
}
