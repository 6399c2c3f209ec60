'use client';

import { useEffect } from 'react';

export default function AdminHome() {
  useEffect(() => window.location.replace('/admin/users'), []);
  return <p>Opening the users…</p>;
}
