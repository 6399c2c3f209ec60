import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// What the portal's API answers, for the OpenAPI document at /api/docs (the requests' shapes are
// the other dtos/ files). Errors are `{ error: { code, message, details? } }` from the app's filter.

export class SessionViewDto {
  @ApiProperty({ description: 'True once every sign-in step is done' })
  signedIn!: boolean;
  @ApiPropertyOptional({ enum: ['password', 'enrol_totp', 'full'] })
  stage?: string;
  @ApiPropertyOptional()
  username?: string;
  @ApiPropertyOptional()
  name?: string;
  @ApiPropertyOptional()
  clusterAdmin?: boolean;
  @ApiPropertyOptional({ description: 'Send as X-CSRF-Token on state-changing requests' })
  csrfToken?: string;
}

export class SignInStepDto {
  @ApiProperty({ enum: ['totp', 'enrol_totp', 'offer_totp', 'done'], description: 'The next sign-in step' })
  next!: string;
  @ApiProperty({ description: 'The new session’s CSRF token' })
  csrfToken!: string;
}

export class EnrolmentDto {
  @ApiProperty({ description: 'The TOTP secret, base32' })
  secret!: string;
  @ApiProperty({ description: 'The otpauth:// URI' })
  uri!: string;
  @ApiProperty({ description: 'The URI as a QR code: an SVG data URL' })
  qr!: string;
}

export class EnrolmentConfirmedDto extends SignInStepDto {
  @ApiProperty({ type: [String], description: 'Shown once' })
  recoveryCodes!: string[];
}

export class SignedOutDto {
  @ApiProperty()
  signedOut!: boolean;
  @ApiProperty({
    required: false,
    description: "After an OIDC sign-in: the provider's end_session_endpoint, to end the session there too",
  })
  redirect?: string;
}

export class ValidDto {
  @ApiProperty()
  valid!: boolean;
}

export class InstanceLinkDto {
  @ApiProperty()
  name!: string;
  @ApiProperty()
  url!: string;
  @ApiProperty({ enum: ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'] })
  role!: string;
  @ApiProperty({ description: 'Where the browser goes to open the library' })
  launchUrl!: string;
}

export class InstancesDto {
  @ApiProperty({ type: [InstanceLinkDto] })
  instances!: InstanceLinkDto[];
}

export class NodeCredentialsDto {
  @ApiProperty()
  clientId!: string;
  @ApiProperty({ description: 'Shown once; the portal keeps its digest' })
  clientSecret!: string;
  @ApiProperty({ description: 'The issuer (the portal’s PUBLIC_URL)' })
  issuer!: string;
}

export class AppPasswordAnswerDto {
  @ApiProperty({ description: 'false for anything that does not check out, with no other field' })
  active!: boolean;
  @ApiPropertyOptional()
  sub?: string;
  @ApiPropertyOptional()
  username?: string;
  @ApiPropertyOptional({ enum: ['admin', 'manager', 'user', 'contributor', 'viewer', 'guest'] })
  role?: string;
  @ApiPropertyOptional({ type: [String] })
  groups?: string[];
  @ApiPropertyOptional({ type: String, nullable: true })
  basePath?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true })
  uploadPath?: string | null;
  @ApiPropertyOptional()
  webdav?: boolean;
  @ApiPropertyOptional({ format: 'date-time' })
  expiresAt?: string;
}

export class DirectoryUserDto {
  @ApiProperty()
  sub!: string;
  @ApiProperty()
  username!: string;
  @ApiProperty()
  name!: string;
}

export class DirectoryGroupDto {
  @ApiProperty()
  name!: string;
}

export class DirectoryDto {
  @ApiProperty({ type: [DirectoryUserDto] })
  users!: DirectoryUserDto[];
  @ApiProperty({ type: [DirectoryGroupDto] })
  groups!: DirectoryGroupDto[];
}

export class AccountSummaryDto {
  @ApiProperty()
  username!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ type: String, nullable: true })
  email!: string | null;
  @ApiProperty({ description: 'local, oidc:<provider>, ldap or none' })
  authProvider!: string;
  @ApiProperty()
  hasPassword!: boolean;
  @ApiProperty()
  totp!: boolean;
  @ApiProperty()
  recoveryCodesLeft!: number;
  @ApiProperty()
  clusterAdmin!: boolean;
  @ApiProperty({ description: 'Whether app passwords are on in this cluster' })
  appPasswords!: boolean;
}

export class PasswordChangedDto {
  @ApiProperty({ description: 'Other sessions of the account ended by the change' })
  endedSessions!: number;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Shown once; the old codes stop working' })
  recoveryCodes!: string[];
}

export class OwnSessionDto {
  @ApiProperty({ description: 'A reference to the session, never its cookie' })
  ref!: string;
  @ApiProperty()
  current!: boolean;
  @ApiProperty()
  stage!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;
  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;
}

export class OwnSessionsDto {
  @ApiProperty({ type: [OwnSessionDto] })
  sessions!: OwnSessionDto[];
}

export class SessionEndedDto {
  @ApiProperty()
  ended!: boolean;
  @ApiProperty({ description: 'True when it was this browser’s session' })
  signedOut!: boolean;
}

export class AppPasswordDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ description: 'The node it is good for' })
  node!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastUsedAt!: string | null;
}

export class AppPasswordsDto {
  @ApiProperty()
  enabled!: boolean;
  @ApiProperty({ type: [AppPasswordDto] })
  appPasswords!: AppPasswordDto[];
}

export class CreatedAppPasswordDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  node!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ description: 'Shown once; only its digest is kept' })
  password!: string;
}

export class RevokedDto {
  @ApiProperty()
  revoked!: boolean;
}

export class MailOptionsDto {
  @ApiProperty()
  passwordReset!: boolean;
  @ApiProperty()
  selfRegistration!: boolean;
}

export class MailSentDto {
  @ApiProperty()
  sent!: boolean;
  @ApiProperty()
  message!: string;
}

export class PasswordResetDoneDto {
  @ApiProperty()
  reset!: boolean;
  @ApiProperty()
  username!: string;
}

export class ProviderButtonDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ description: 'The button’s label' })
  name!: string;
  @ApiProperty({ description: 'Where the button goes: /auth/oidc/<id>' })
  url!: string;
}

export class SignInMethodsDto {
  @ApiProperty({ type: [ProviderButtonDto] })
  providers!: ProviderButtonDto[];
  @ApiProperty({ description: 'Whether usernames may be directory (LDAP) names' })
  directory!: boolean;
}

export class EmailLinkDto {
  @ApiProperty({ enum: ['invite', 'register'] })
  kind!: string;
  @ApiProperty()
  email!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  suggestedUsername!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class PasswordResetLinkDto {
  @ApiProperty()
  username!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
