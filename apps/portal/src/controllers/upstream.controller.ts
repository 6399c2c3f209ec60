import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LdapSignInService } from '../upstream/ldap/ldap-sign-in.service.js';
import { OidcSignInService } from '../upstream/oidc/oidc-sign-in.service.js';
import { ApiFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SignInMethodsDto } from '../dtos/answers.dto.js';

/** Sign-in through the organization: the sign-in page's list of ways in, and each OIDC provider's two legs. */
@ApiTags('sign-in methods')
@Controller()
export class UpstreamController {
  constructor(
    private readonly oidc: OidcSignInService,
    private readonly ldap: LdapSignInService,
  ) {}

  /** What the sign-in page offers: a button per OIDC provider, and whether names may be directory names. */
  @Get('api/auth/methods')
  @ApiOkResponse({ type: SignInMethodsDto })
  methods() {
    return {
      providers: this.oidc.buttons().map((p) => ({ ...p, url: `/auth/oidc/${p.id}` })),
      directory: this.ldap.enabled,
    };
  }

  /** "Continue with <name>": off to the provider, with state, nonce and PKCE. */
  @Get('auth/oidc/:provider')
  @ApiFoundResponse({ description: 'To the provider, with state, nonce and PKCE' })
  start(
    @Param('provider') provider: string,
    @Query('interaction') interaction: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.oidc.start(this.oidc.provider(provider), interaction, req, res);
  }

  /** The provider's answer (the redirect URI registered there). */
  @Get('auth/oidc/:provider/callback')
  @ApiFoundResponse({ description: 'Signed in: on to the next step or back to the issuer' })
  callback(@Param('provider') provider: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.oidc.callback(this.oidc.provider(provider), req, res);
  }
}
