import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { HarnessError } from './errors.js';

/** One message the server received. */
export interface ReceivedMessage {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  subject: string;
  text: string;
  html: string | undefined;
  headers: Map<string, unknown>;
  /** The message as sent, headers included. */
  raw: string;
  /** The username given to AUTH, if any. */
  user: string | undefined;
}

/** A running SMTP server that accepts any credentials and keeps what it receives. */
export interface TestSmtp {
  /** `smtp://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every message received so far, oldest first. */
  messages: ReceivedMessage[];
  /** Resolves with the first message (received or to come) matching `predicate`. */
  waitForMessage(
    predicate?: (message: ReceivedMessage) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedMessage>;
  stop(): Promise<void>;
}

type Waiter = {
  predicate: (message: ReceivedMessage) => boolean;
  resolve: (message: ReceivedMessage) => void;
};

function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

async function toMessage(
  raw: Buffer,
  from: string,
  to: string[],
  user: string | undefined,
): Promise<ReceivedMessage> {
  // Loaded on first use, like the other heavy dependencies of the harness.
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(raw);
  return {
    from,
    to,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html === false ? undefined : parsed.html,
    headers: parsed.headers,
    raw: raw.toString('utf8'),
    user,
  };
}

/** Starts an SMTP server on a free port on 127.0.0.1 (plain text, any AUTH accepted). */
export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMessage[] = [];
  const waiters = new Set<Waiter>();
  const deliver = (message: ReceivedMessage) => {
    messages.push(message);
    for (const waiter of waiters) {
      if (waiter.predicate(message)) {
        waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
  };

  const server = new SMTPServer({
    // No TLS: nodemailer would otherwise upgrade to a certificate it cannot check.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
      const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
      const user = typeof session.user === 'string' ? session.user : undefined;
      readStream(stream)
        .then((raw) => toMessage(raw, from, to, user))
        .then((message) => {
          deliver(message);
          callback();
        }, callback);
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMessage(predicate = () => true, timeoutMs = 5_000) {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve: (message) => {
            clearTimeout(timer);
            resolve(message);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new HarnessError('ERR_SMTP_TIMEOUT', `no matching message within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
