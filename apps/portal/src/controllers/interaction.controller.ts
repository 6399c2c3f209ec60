import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InteractionService } from '../services/interaction.service.js';
import { ApiFoundResponse, ApiTags } from '@nestjs/swagger';

/** Where the issuer sends a browser that must sign in; answered with a redirect, never a page of its own. */
@ApiTags('issuer interactions')
@Controller('interaction')
export class InteractionController {
  constructor(private readonly interactions: InteractionService) {}

  @Get(':uid')
  @ApiFoundResponse({ description: 'To the sign-in page, or back to the issuer' })
  resume(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.interactions.resume(uid, req, res);
  }
}
