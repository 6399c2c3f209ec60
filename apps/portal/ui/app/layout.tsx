import type { ReactNode } from 'react';

export const metadata = { title: 'Atrium' };

// Every page is rendered per request: its inline scripts carry that response's CSP nonce
// (libs/server security headers), which a page prerendered at build time cannot know.
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: 0, background: '#f6f5f2', color: '#222' }}>
        {children}
      </body>
    </html>
  );
}
