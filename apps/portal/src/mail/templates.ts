/** A mail as sent: a plain-text part and a simple HTML part saying the same. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** How long a link stays good, in words: "7 days", "1 hour", "30 minutes". */
export function lifetimeWords(ms: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (ms >= 86_400_000 && ms % 86_400_000 === 0) return unit(ms / 86_400_000, 'day');
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  return unit(Math.max(1, Math.round(ms / 60_000)), 'minute');
}

interface Layout {
  subject: string;
  greeting: string;
  lines: string[];
  action?: { label: string; url: string };
  after: string[];
  site: string;
}

/** One layout for every mail: a greeting, a few sentences, one link (also spelled out), a footer. */
function compose(mail: Layout): MailContent {
  const footer = `Atrium at ${mail.site}`;
  const text = [
    mail.greeting,
    '',
    ...mail.lines,
    ...(mail.action ? ['', `${mail.action.label}:`, mail.action.url] : []),
    '',
    ...mail.after,
    '',
    '-- ',
    footer,
    '',
  ].join('\n');
  const p = (line: string) => `<p style="margin:0 0 14px">${escapeHtml(line)}</p>`;
  const action = mail.action
    ? `<p style="margin:22px 0"><a href="${escapeHtml(mail.action.url)}" style="background:#2f5d50;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(mail.action.label)}</a></p>` +
      `<p style="margin:0 0 14px;color:#555;font-size:13px">If the button does not work, open this address: <br><a href="${escapeHtml(mail.action.url)}" style="color:#2f5d50;word-break:break-all">${escapeHtml(mail.action.url)}</a></p>`
    : '';
  const html = `<!doctype html><html><body style="margin:0;background:#f6f5f2"><div style="max-width:520px;margin:24px auto;padding:24px;background:#fff;border-radius:10px;font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#222">${[
    p(mail.greeting),
    ...mail.lines.map(p),
    action,
    ...mail.after.map(p),
  ].join(
    '',
  )}<p style="margin:24px 0 0;color:#777;font-size:12px">${escapeHtml(footer)}</p></div></body></html>`;
  return { subject: mail.subject, text, html };
}

export function invitationMail(input: {
  link: string;
  site: string;
  lifetimeMs: number;
  name?: string;
}): MailContent {
  return compose({
    subject: 'You are invited to Atrium',
    greeting: input.name ? `Hello ${input.name},` : 'Hello,',
    lines: [
      `You have been invited to Atrium, the photo libraries at ${input.site}.`,
      'Choose a username and a password to create your account.',
    ],
    action: { label: 'Accept the invitation', url: input.link },
    after: [
      `The link works once and for ${lifetimeWords(input.lifetimeMs)}.`,
      'If you did not expect this invitation, ignore this mail: nothing happens without the link.',
    ],
    site: input.site,
  });
}

export function registrationMail(input: { link: string; site: string; lifetimeMs: number }): MailContent {
  return compose({
    subject: 'Finish creating your Atrium account',
    greeting: 'Hello,',
    lines: [
      `Someone, probably you, asked for an account at ${input.site} with this address.`,
      'Choose a username and a password to finish. An administrator decides which libraries you may open.',
    ],
    action: { label: 'Create my account', url: input.link },
    after: [
      `The link works once and for ${lifetimeWords(input.lifetimeMs)}.`,
      'If it was not you, ignore this mail: no account is made without the link.',
    ],
    site: input.site,
  });
}

export function resetMail(input: {
  link: string;
  site: string;
  lifetimeMs: number;
  username: string;
}): MailContent {
  return compose({
    subject: 'Reset your Atrium password',
    greeting: 'Hello,',
    lines: [
      `Someone, probably you, asked to reset the password of the account "${input.username}" at ${input.site}.`,
      'Choosing a new password signs this account out everywhere.',
    ],
    action: { label: 'Choose a new password', url: input.link },
    after: [
      `The link works once and for ${lifetimeWords(input.lifetimeMs)}.`,
      'If it was not you, ignore this mail: your password stays as it is.',
    ],
    site: input.site,
  });
}

/** A registration asked for an address that already has an account: point to the reset page instead. */
export function alreadyRegisteredMail(input: { resetPage: string; site: string }): MailContent {
  return compose({
    subject: 'You already have an Atrium account',
    greeting: 'Hello,',
    lines: [
      `Someone, probably you, asked for a new account at ${input.site} with this address, which already has one.`,
      'If you forgot your password, you can choose a new one.',
    ],
    action: { label: 'Reset my password', url: input.resetPage },
    after: ['If it was not you, ignore this mail: nothing has changed.'],
    site: input.site,
  });
}
