import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { NodeEntity } from '../entities/node.entity.js';
import { PortalError } from '../common/errors.js';
import { NodeService } from '../services/node.service.js';

export interface NodeRequest extends Request {
  node?: NodeEntity;
}

/** The node whose credentials authenticated the request. */
export const CurrentNode = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<NodeRequest>().node,
);

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

/** Node API: HTTP Basic with the node's client id and secret (docs/contracts.md §3); answers for that node only. */
@Injectable()
export class NodeAuthGuard implements CanActivate {
  constructor(private readonly nodes: NodeService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<NodeRequest>();
    const credentials = basicCredentials(req.headers.authorization);
    const node = credentials ? await this.nodes.authenticate(credentials.id, credentials.secret) : undefined;
    if (!node) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Basic realm="atrium-nodes"');
      throw new PortalError('ERR_NODE_AUTH', 'node credentials required', 401);
    }
    req.node = node;
    return true;
  }
}
