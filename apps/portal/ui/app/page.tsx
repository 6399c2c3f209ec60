'use client';

import { useEffect, useState } from 'react';
import { session } from './lib/api';
import { Card } from './lib/ui';

export default function Home() {
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    session()
      .then((s) => window.location.replace(s.signedIn ? '/chooser' : '/signin'))
      .catch(() => setChecked(true));
  }, []);
  return (
    <Card title="Atrium">
      <p>
        This is the portal of an Atrium cluster: sign in here once, then open the libraries an admin has
        granted you.
      </p>
      {checked && <a href="/signin">Sign in</a>}
    </Card>
  );
}
