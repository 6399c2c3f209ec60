import { Injectable, Logger } from '@nestjs/common';
import { epochSeconds } from '@atrium/auth';
import type { Request, Response } from 'express';
import { IssuerService } from '../oidc/issuer.service.js';
import { SessionService } from './session.service.js';

const UID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The issuer's interactions, rendered by the portal's own pages: a browser with a full portal
 * session goes straight back to the issuer signed in; anyone else signs in first and returns.
 */
@Injectable()
export class InteractionService {
  private readonly logger = new Logger('interaction');

  constructor(
    private readonly issuer: IssuerService,
    private readonly sessions: SessionService,
  ) {}

  async resume(uid: string, req: Request, res: Response): Promise<void> {
    const provider = this.issuer.provider;
    const details = UID.test(uid)
      ? await provider.interactionDetails(req, res).catch(() => undefined)
      : undefined;
    if (!details || details.uid !== uid) {
      res.redirect(303, '/?error=sign_in_expired');
      return;
    }
    if (details.prompt.name !== 'login') {
      // The portal asks nobody for consent: instances are first-party, access is decided by grants.
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'consent is not offered' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const session = await this.sessions.find(req.cookies?.[this.sessions.cookie().name]);
    const reauth =
      details.prompt.reasons.includes('login_prompt') || details.prompt.reasons.includes('max_age');
    const fresh =
      session?.stage === 'full' && (!reauth || epochSeconds(session.authTime) >= (details.iat ?? 0));
    if (!session || !fresh) {
      const page =
        session?.stage === 'password'
          ? '/signin/totp'
          : session?.stage === 'enrol_totp'
            ? '/signin/enrol'
            : '/signin';
      res.redirect(303, `${page}?interaction=${encodeURIComponent(uid)}${reauth ? '&reauth=1' : ''}`);
      return;
    }
    this.logger.debug(`interaction ${uid} resumed for ${session.accountId}`);
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: session.accountId, amr: session.amr, ts: epochSeconds(session.authTime) } },
      { mergeWithLastSubmission: false },
    );
  }
}
