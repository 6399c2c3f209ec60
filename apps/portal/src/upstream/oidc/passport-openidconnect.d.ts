// passport-openidconnect 0.1.2 ships without types; these are the parts the portal uses.
declare module 'passport-openidconnect' {
  import type { Request } from 'express';

  export interface StateStore {
    store(
      req: Request,
      ctx: { nonce?: string; maxAge?: number; issued?: Date },
      appState: unknown,
      meta: unknown,
      cb: (err: Error | null, handle?: string) => void,
    ): void;
    verify(
      req: Request,
      handle: unknown,
      cb: (err: Error | null, ctx?: object | false, info?: unknown) => void,
    ): void;
  }

  export interface StrategyOptions {
    issuer: string;
    authorizationURL: string;
    tokenURL: string;
    clientID: string;
    clientSecret: string;
    callbackURL: string;
    scope?: string[];
    nonce?: boolean;
    store?: StateStore;
    passReqToCallback?: boolean;
    skipUserProfile?: boolean;
  }

  export interface OAuth2Client {
    getOAuthAccessToken(
      code: string,
      params: Record<string, string>,
      callback: (
        err: unknown,
        accessToken?: string,
        refreshToken?: string,
        params?: Record<string, unknown>,
      ) => void,
    ): void;
  }

  export class Strategy {
    name: string;
    constructor(options: StrategyOptions, verify: (...args: never[]) => void);
    protected _oauth2: OAuth2Client;
    authenticate(req: Request, options?: object): void;
    authorizationParams(options: object): Record<string, string>;
  }
}

// passport 0.7 ships without types; the portal only runs a registered strategy with a callback.
declare module 'passport' {
  import type { Request, Response } from 'express';

  type Done = (err: unknown, user?: unknown, info?: unknown, status?: number) => void;
  interface Passport {
    authenticate(
      name: string,
      options: Record<string, unknown>,
      done: Done,
    ): (req: Request, res: Response, next: (err?: unknown) => void) => void;
    unuse(name: string): Passport;
  }
  const passport: Passport;
  export default passport;
}
