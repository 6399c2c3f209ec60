'use client';

import { EmailLinkForm } from '../lib/email-link-form';

/** "Forgot your password?": the answer never says whether the address has an account. */
export default function ResetRequestPage() {
  return (
    <EmailLinkForm
      title="Reset your password"
      option="passwordReset"
      endpoint="/api/password-reset"
      unavailable={<p>This portal cannot send mail. Ask your administrator to set a new password for you.</p>}
      intro={
        <p>Enter the email address of your account. We will mail you a link to choose a new password.</p>
      }
      afterSent={<p>The link in the mail works once, for one hour.</p>}
    />
  );
}
