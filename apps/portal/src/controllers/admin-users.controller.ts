import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiCookieAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  CreateUserDto,
  DoneDto,
  EndedDto,
  InvitationDto,
  InviteDto,
  UpdateUserDto,
  UserDto,
  UserListQuery,
  UserPageDto,
  userView,
  TextParam,
} from '../dtos/admin-users.dto.js';
import { AdminGuard, CurrentAdmin, type AdminActor } from '../guards/admin.guard.js';
import { AccountService } from '../services/account.service.js';
import { InvitationService } from '../services/invitation.service.js';
import { SessionAdminService } from '../services/session-admin.service.js';

/** The admin's Users screen: the same AccountService as `atrium users …`. */
@ApiTags('admin')
@ApiCookieAuth()
@Controller('api/admin/users')
@UseGuards(AdminGuard)
export class AdminUsersController {
  constructor(
    private readonly accounts: AccountService,
    private readonly sessions: SessionAdminService,
    private readonly invitations: InvitationService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPageDto })
  async list(@Query() query: UserListQuery): Promise<UserPageDto> {
    const page = { offset: query.offset ?? 0, limit: query.limit ?? 50 };
    const { items, total } = await this.accounts.page({ search: query.q, group: query.group }, page);
    return { items: items.map((i) => userView(i.account, i.groups)), total, ...page };
  }

  @Post()
  @ApiCreatedResponse({ type: UserDto })
  async create(@Body() body: CreateUserDto, @CurrentAdmin() admin: AdminActor): Promise<UserDto> {
    const { username, ...fields } = body;
    const account = await this.accounts.create(username, fields, admin.account.username);
    return userView(account, (await this.accounts.show(account.username)).groups);
  }

  /** Invites an address (the same InvitationService as `atrium users invite`); mailed when SMTP_URL is set. */
  @Post('invitations')
  @ApiCreatedResponse({ type: InvitationDto })
  async invite(@Body() body: InviteDto, @CurrentAdmin() admin: AdminActor): Promise<InvitationDto> {
    const invitation = await this.invitations.invite(body, admin.account.username);
    return { ...invitation, expiresAt: invitation.expiresAt.toISOString() };
  }

  @Get(':username')
  @ApiOkResponse({ type: UserDto })
  async show(@Param('username', TextParam) username: string): Promise<UserDto> {
    const { account, groups } = await this.accounts.show(username);
    return userView(account, groups);
  }

  @Patch(':username')
  @ApiOkResponse({ type: UserDto })
  async update(
    @Param('username', TextParam) username: string,
    @Body() body: UpdateUserDto,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<UserDto> {
    const account = await this.accounts.modify(username, body, admin.account.username, admin.account.id);
    return userView(account, (await this.accounts.show(account.username)).groups);
  }

  @Delete(':username')
  @ApiOkResponse({ type: DoneDto })
  async remove(
    @Param('username', TextParam) username: string,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<DoneDto> {
    await this.accounts.remove(username, admin.account.username, admin.account.id);
    return { ok: true };
  }

  /** Ends every session of the account: portal, issuer, and (through the outbox) every library. */
  @Delete(':username/sessions')
  @HttpCode(200)
  @ApiOkResponse({ type: EndedDto })
  async endSessions(
    @Param('username', TextParam) username: string,
    @CurrentAdmin() admin: AdminActor,
  ): Promise<EndedDto> {
    return { ended: await this.sessions.removeAllOf(username, admin.account.username) };
  }
}
