import type { ReactNode } from 'react';

export const metadata = { title: 'Atrium' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 0, background: '#f6f5f2', color: '#222' }}>
        {children}
      </body>
    </html>
  );
}
