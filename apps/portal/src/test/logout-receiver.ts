import { createServer, type Server } from 'node:http';

/** A relying party's back-channel logout endpoint: records every logout token, answers `status`. */
export class LogoutReceiver {
  readonly tokens: string[] = [];
  status = 200;
  private server?: Server;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        if (req.method === 'POST' && req.url === '/auth/backchannel-logout') {
          const token = new URLSearchParams(body).get('logout_token');
          if (token && this.status === 200) this.tokens.push(token);
          res.statusCode = this.status;
        } else {
          res.statusCode = 404;
        }
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }
}
