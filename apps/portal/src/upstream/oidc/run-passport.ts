import type { Request, Response } from 'express';
import passport from 'passport';

/** How one run of a passport strategy ended. */
export type PassportOutcome =
  | { kind: 'redirect' }
  | { kind: 'success'; user: unknown }
  | { kind: 'fail'; info: unknown }
  | { kind: 'error'; error: unknown };

/**
 * Runs a registered strategy on a request and says how it ended. A redirect (the start of a
 * sign-in) is written to the response by the strategy itself; the other outcomes are left to the
 * caller, which answers with its own page.
 */
export function runPassport(name: string, req: Request, res: Response): Promise<PassportOutcome> {
  return new Promise((resolve) => {
    res.once('finish', () => resolve({ kind: 'redirect' }));
    const done = (error: unknown, user?: unknown, info?: unknown) => {
      if (error) resolve({ kind: 'error', error });
      else if (user) resolve({ kind: 'success', user });
      else resolve({ kind: 'fail', info });
    };
    passport.authenticate(name, { session: false }, done)(req, res, (error?: unknown) =>
      resolve({ kind: 'error', error: error ?? new Error('the strategy passed the request on') }),
    );
  });
}
