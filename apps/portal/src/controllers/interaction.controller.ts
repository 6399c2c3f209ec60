import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InteractionService } from '../services/interaction.service.js';

/** Where the issuer sends a browser that must sign in; answered with a redirect, never a page of its own. */
@Controller('interaction')
export class InteractionController {
  constructor(private readonly interactions: InteractionService) {}

  @Get(':uid')
  resume(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.interactions.resume(uid, req, res);
  }
}
