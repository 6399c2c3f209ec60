import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessError } from './errors.js';
import { startSmtp, type TestSmtp } from './smtp.js';

describe('startSmtp', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.stop());

  it('receives a message sent with nodemailer, authenticated with any credentials', async () => {
    const url = new URL(smtp.url);
    url.username = 'portal';
    url.password = 'anything';
    const transport = nodemailer.createTransport(url.toString());
    const link = `http://127.0.0.1:8080/reset/${'x'.repeat(120)}`;
    await transport.sendMail({
      from: 'Atrium <noreply@atrium.test>',
      to: 'alice@example.test, bob@example.test',
      subject: 'Réinitialiser le mot de passe',
      text: `Open ${link} to choose a new password.`,
    });
    transport.close();

    const message = await smtp.waitForMessage((m) => m.to.includes('bob@example.test'));
    expect(message.from).toBe('noreply@atrium.test');
    expect(message.to).toEqual(['alice@example.test', 'bob@example.test']);
    expect(message.subject).toBe('Réinitialiser le mot de passe');
    expect(message.text).toContain(link);
    expect(message.user).toBe('portal');
    expect(message.raw).toMatch(/^Subject: /m);
    expect(smtp.messages).toHaveLength(1);
  });

  it('waits for a message still to come, and times out with a stable code', async () => {
    const pending = smtp.waitForMessage((m) => m.subject === 'later', 5_000);
    const transport = nodemailer.createTransport(smtp.url);
    await transport.sendMail({ from: 'a@atrium.test', to: 'c@example.test', subject: 'later', text: 'body' });
    transport.close();
    expect((await pending).to).toEqual(['c@example.test']);

    const error = await smtp
      .waitForMessage((m) => m.subject === 'never', 50)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HarnessError);
    expect((error as HarnessError).code).toBe('ERR_SMTP_TIMEOUT');
  });
});
