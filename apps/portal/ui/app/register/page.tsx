'use client';

import { EmailLinkForm } from '../lib/email-link-form';

/** Self-registration (ATRIUM_SELF_REGISTRATION=true): a mailed link finishes the account. */
export default function RegisterPage() {
  return (
    <EmailLinkForm
      title="Create an account"
      option="selfRegistration"
      endpoint="/api/register"
      unavailable={<p>Accounts on this portal are made by invitation. Ask your administrator.</p>}
      intro={
        <p>
          We will mail you a link to choose your username and password. An administrator decides which
          libraries you may open.
        </p>
      }
    />
  );
}
